// What orders read from other contexts' tables (where the existing SQL did):
// the points rules and balance, the user's coupons and their templates, the
// redemption of a half-made order; and the pickup clerks from config_values.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import { COUPON_COLUMNS, toCoupon, toTemplate, type Coupon, type CouponRow, type Template, type TemplateRow } from '../../coupons/index.ts';
import type { ScoreRule } from '../domain/score-deduction.ts';

export async function scoreRules(q: Queryable, tenantId: number): Promise<ScoreRule[]> {
  const r = await q.query<RowOf<'points_deduction_rules', 'score' | 'money' | 'loop'>>(
    'SELECT score, money, loop FROM points_deduction_rules WHERE tenant_id = $1 AND type = 0 ORDER BY id',
    [tenantId],
  );
  return r.rows.map((x) => ({ score: x.score, money: x.money, loop: x.loop }));
}

export async function pointsOf(q: Queryable, tenantId: number, userId: number): Promise<number> {
  const u = await q.query<RowOf<'users', 'points'>>('SELECT points FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
  return u.rows[0]?.points ?? 0;
}

/** The codes of the user's coupons among `ids` (others' coupons are not in the map). */
export async function couponCodesOf(q: Queryable, tenantId: number, userId: number, ids: number[]): Promise<Map<number, string>> {
  const r = await q.query<RowOf<'coupons', 'id' | 'code'>>(
    'SELECT id, code FROM coupons WHERE tenant_id = $1 AND owner_id = $2 AND id = ANY($3::bigint[])',
    [tenantId, userId, ids],
  );
  return new Map(r.rows.map((x) => [x.id, x.code]));
}

/** to_jsonb turns timestamptz into strings: put the Dates back. */
function templateFromJson(t: TemplateRow): TemplateRow {
  const d = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    ...t,
    valid_from: d(t.valid_from),
    valid_to: d(t.valid_to),
    claim_from: d(t.claim_from),
    claim_to: d(t.claim_to),
    created_at: d(t.created_at)!,
    updated_at: d(t.updated_at)!,
  };
}

/** Coupons with their templates, in one query. */
export async function couponsWithTemplates(
  q: Queryable,
  tenantId: number,
  ids: number[],
  at: Date,
): Promise<{ coupon: Coupon; template: Template | null }[]> {
  if (!ids.length) return [];
  const r = await q.query<CouponRow & { t: TemplateRow | null }>(
    `SELECT ${COUPON_COLUMNS.split(', ')
      .map((c) => `c.${c}`)
      .join(', ')}, to_jsonb(t.*) AS t
     FROM coupons c LEFT JOIN coupon_templates t ON t.tenant_id = c.tenant_id AND t.id = c.template_id
     WHERE c.tenant_id = $1 AND c.id = ANY($2::bigint[]) ORDER BY c.id`,
    [tenantId, ids],
  );
  return r.rows.map((c) => ({ coupon: toCoupon(c, at), template: c.t ? toTemplate(templateFromJson(c.t)) : null }));
}

export async function configValue(q: Queryable, tenantId: number, key: string): Promise<string | null> {
  const r = await q.query<RowOf<'config_values', 'value'>>('SELECT value FROM config_values WHERE tenant_id = $1 AND key = $2', [
    tenantId,
    key,
  ]);
  return r.rows[0]?.value ?? null;
}

/** The coupon core's redemption for an order number (recovery decides by it). */
export async function redemptionOfOrder(
  q: Queryable,
  tenantId: number,
  orderNumber: string,
): Promise<{ id: number; done: boolean; discountTotal: number } | null> {
  const red = await q.query<RowOf<'redemptions', 'id' | 'status' | 'discount_total'>>(
    `SELECT id, status, discount_total FROM redemptions WHERE tenant_id = $1 AND kind = 'order' AND order_ref = $2`,
    [tenantId, orderNumber],
  );
  const rd: RowOf<'redemptions', 'id' | 'status' | 'discount_total'> | undefined = red.rows[0];
  return rd ? { id: rd.id, done: rd.status === 'done', discountTotal: rd.discount_total } : null;
}
