// redemptions and redemption_items, and the reads that gather what pricing a
// redemption needs (the coupons with their templates, the user and store).
import type { Fen } from '../../../kernel/money.ts';
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import { COUPON_COLUMNS, toCoupon, type Coupon, type CouponRow } from '../coupons.ts';
import type { Template, TemplateRow } from '../templates.ts';
import type { Redemption, RedemptionKind, RedemptionStatus } from '../domain/redemption.ts';
import { templateFromJson } from './template-json.ts';

const C_COLUMNS = COUPON_COLUMNS.split(', ')
  .map((c) => `c.${c}`)
  .join(', ');

export interface HeldCoupon {
  coupon: Coupon;
  template: Template;
}

export async function userExists(q: Queryable, tenantId: number, userId: number): Promise<boolean> {
  return ((await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId])).rowCount ?? 0) > 0;
}

export async function storeExists(q: Queryable, tenantId: number, storeId: number): Promise<boolean> {
  return ((await q.query('SELECT 1 FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, storeId])).rowCount ?? 0) > 0;
}

/**
 * The user's open coupons (unless onlyNamed), plus the named ones whatever
 * their state, named ones first: a user holding more than the limit can still
 * use their newest.
 */
export async function couponsForPricing(
  q: Queryable,
  tenantId: number,
  f: { userId: number | null; codes: string[]; at: Date; onlyNamed: boolean },
): Promise<HeldCoupon[]> {
  const rows = await q.query<CouponRow & { t: TemplateRow }>(
    `SELECT ${C_COLUMNS}, to_jsonb(t.*) AS t
     FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
     WHERE c.tenant_id = $1 AND (
       ($2::bigint IS NOT NULL AND NOT $5 AND c.owner_id = $2 AND c.status = 'issued' AND (c.valid_to IS NULL OR c.valid_to >= $4))
       OR c.code = ANY($3::text[]))
     ORDER BY c.code = ANY($3::text[]) DESC, c.id LIMIT 500`,
    [tenantId, f.userId, f.codes, f.at, f.onlyNamed],
  );
  return rows.rows.map((r) => ({ coupon: toCoupon(r, f.at), template: templateFromJson(r.t) }));
}

/** The coupon of a code with its template, and whether the store exists; null when no such code. */
export async function couponForWriteOff(
  q: Queryable,
  tenantId: number,
  code: string,
  storeId: number,
  at: Date,
): Promise<(HeldCoupon & { storeOk: boolean }) | null> {
  const row = (
    await q.query<CouponRow & { t: TemplateRow; store_ok: boolean }>(
      `SELECT ${C_COLUMNS}, to_jsonb(t.*) AS t,
         EXISTS (SELECT 1 FROM stores s WHERE s.tenant_id = $1 AND s.id = $3) AS store_ok
       FROM coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.tenant_id = $1 AND c.code = $2`,
      [tenantId, code, storeId],
    )
  ).rows[0];
  return row ? { coupon: toCoupon(row, at), template: templateFromJson(row.t), storeOk: row.store_ok } : null;
}

export interface NewRedemption {
  tenantId: number;
  orderRef: string;
  userId: number | null;
  storeId: number | null;
  staffId: number | null;
  subtotal: Fen;
  discountTotal: Fen;
}

/** An order's redemption; null when the order has one already. */
export async function insertOrderRedemption(q: Queryable, r: NewRedemption): Promise<{ id: number; createdAt: Date } | null> {
  const red = await q.query<Pick<Row<'redemptions'>, 'id' | 'created_at'>>(
    `INSERT INTO redemptions (tenant_id, kind, order_ref, user_id, store_id, staff_id, subtotal, discount_total)
     VALUES ($1, 'order', $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id, created_at`,
    [r.tenantId, r.orderRef, r.userId, r.storeId, r.staffId, r.subtotal, r.discountTotal],
  );
  const row = red.rows[0];
  return row ? { id: row.id, createdAt: row.created_at } : null;
}

export async function insertPromoItem(
  q: Queryable,
  tenantId: number,
  redemptionId: number,
  promoCodeId: number,
  discount: Fen,
): Promise<void> {
  await q.query('INSERT INTO redemption_items (tenant_id, redemption_id, promo_code_id, discount) VALUES ($1, $2, $3, $4)', [
    tenantId,
    redemptionId,
    promoCodeId,
    discount,
  ]);
}

export async function loadRedemption(q: Queryable, tenantId: number, id: number): Promise<Redemption | null> {
  const r = await q.query<Row<'redemptions'>>('SELECT * FROM redemptions WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  const row = r.rows[0];
  if (!row) return null;
  const items = await q.query<{ code: string | null; promo: string | null; discount: number }>(
    `SELECT c.code, p.code AS promo, ri.discount FROM redemption_items ri
     LEFT JOIN coupons c ON c.tenant_id = ri.tenant_id AND c.id = ri.coupon_id
     LEFT JOIN promo_codes p ON p.tenant_id = ri.tenant_id AND p.id = ri.promo_code_id
     WHERE ri.tenant_id = $1 AND ri.redemption_id = $2 ORDER BY ri.coupon_id NULLS LAST`,
    [tenantId, id],
  );
  return {
    id: row.id,
    kind: row.kind as RedemptionKind,
    orderRef: row.order_ref,
    userId: row.user_id,
    storeId: row.store_id,
    staffId: row.staff_id,
    subtotal: row.subtotal,
    discountTotal: row.discount_total,
    status: row.status as RedemptionStatus,
    createdAt: row.created_at,
    rolledBackAt: row.rolled_back_at,
    items: items.rows.map((i) => ({ couponCode: i.code, promoCode: i.promo, discount: i.discount })),
  };
}

export interface RedemptionFilter {
  storeId?: number;
  staffId?: number;
  kind?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

export async function listRedemptionIds(q: Queryable, tenantId: number, f: RedemptionFilter): Promise<{ ids: number[]; total: number }> {
  const r = await q.query<{ id: number; total: number }>(
    `SELECT id, count(*) OVER ()::int AS total FROM redemptions
     WHERE tenant_id = $1 AND ($2::bigint IS NULL OR store_id = $2) AND ($3::bigint IS NULL OR staff_id = $3)
       AND ($4::text IS NULL OR kind = $4) AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
     ORDER BY id DESC LIMIT $7 OFFSET $8`,
    [tenantId, f.storeId ?? null, f.staffId ?? null, f.kind ?? null, f.from ?? null, f.to ?? null, f.limit, f.offset],
  );
  return { ids: r.rows.map((x) => x.id), total: r.rows[0]?.total ?? 0 };
}

/** done → rolled_back, once: 'done' when this call did it, else whether it was already rolled back or does not exist. */
export async function markRolledBack(q: Queryable, tenantId: number, id: number): Promise<'done' | 'already' | 'missing'> {
  const r = await q.query<{ id: number }>(
    `UPDATE redemptions SET status = 'rolled_back', rolled_back_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'done' RETURNING id`,
    [tenantId, id],
  );
  if (r.rows[0]) return 'done';
  const exists = await q.query('SELECT 1 FROM redemptions WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return exists.rowCount ? 'already' : 'missing';
}

/** The promo codes a redemption used, with its user (whose per-user use comes back too). */
export async function promoItemsOf(
  q: Queryable,
  tenantId: number,
  redemptionId: number,
): Promise<{ promoCodeId: number; userId: number | null }[]> {
  const r = await q.query<{ promo_code_id: number; user_id: number | null }>(
    `SELECT ri.promo_code_id, r.user_id FROM redemption_items ri JOIN redemptions r ON r.tenant_id = ri.tenant_id AND r.id = ri.redemption_id
      WHERE ri.tenant_id = $1 AND ri.redemption_id = $2 AND ri.promo_code_id IS NOT NULL`,
    [tenantId, redemptionId],
  );
  return r.rows.map((x) => ({ promoCodeId: x.promo_code_id, userId: x.user_id }));
}
