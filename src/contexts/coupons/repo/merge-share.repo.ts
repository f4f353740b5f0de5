// coupon_merge_rules (+ items) and coupon_shares. The coupons a merge or a
// share moves are written by coupons.repo.ts.
import type { Queryable } from '../../../db/store.ts';

export interface MergeRule {
  id: number;
  name: string;
  target: { templateId: number; name: string };
  items: Array<{ templateId: number; name: string; number: number }>;
}

export type NewMergeRule = {
  name: string;
  targetTemplateId: number;
  items: Array<{ templateId: number; number: number }>;
};

export async function activeMergeRules(q: Queryable, tenantId: number): Promise<MergeRule[]> {
  const r = await q.query<{
    id: number;
    name: string;
    target_template_id: number;
    target_name: string;
    items: Array<{ template_id: number; name: string; number: number }> | null;
  }>(
    `SELECT m.id, m.name, m.target_template_id, tt.name AS target_name,
            (SELECT json_agg(json_build_object('template_id', i.template_id, 'name', t.name, 'number', i.number) ORDER BY i.template_id)
               FROM coupon_merge_rule_items i JOIN coupon_templates t ON t.tenant_id = i.tenant_id AND t.id = i.template_id
              WHERE i.tenant_id = m.tenant_id AND i.rule_id = m.id) AS items
     FROM coupon_merge_rules m JOIN coupon_templates tt ON tt.tenant_id = m.tenant_id AND tt.id = m.target_template_id
     WHERE m.tenant_id = $1 AND m.active ORDER BY m.id`,
    [tenantId],
  );
  return r.rows.map((m) => ({
    id: m.id,
    name: m.name,
    target: { templateId: m.target_template_id, name: m.target_name },
    items: (m.items ?? []).map((i) => ({ templateId: Number(i.template_id), name: i.name, number: Number(i.number) })),
  }));
}

/** How many of these template ids the tenant has. */
export async function countTemplates(q: Queryable, tenantId: number, ids: number[]): Promise<number> {
  const found = await q.query('SELECT id FROM coupon_templates WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [tenantId, ids]);
  return found.rowCount ?? 0;
}

export async function insertMergeRule(q: Queryable, tenantId: number, input: NewMergeRule): Promise<number> {
  const m = await q.query<{ id: number }>(
    'INSERT INTO coupon_merge_rules (tenant_id, name, target_template_id) VALUES ($1, $2, $3) RETURNING id',
    [tenantId, input.name, input.targetTemplateId],
  );
  for (const i of input.items) {
    await q.query('INSERT INTO coupon_merge_rule_items (tenant_id, rule_id, template_id, number) VALUES ($1, $2, $3, $4)', [
      tenantId,
      m.rows[0]!.id,
      i.templateId,
      i.number,
    ]);
  }
  return m.rows[0]!.id;
}

export async function setMergeRuleActive(q: Queryable, tenantId: number, id: number, active: boolean): Promise<boolean> {
  const r = await q.query('UPDATE coupon_merge_rules SET active = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, id, active]);
  return !!r.rowCount;
}

/** Opens a share (an earlier open one of the coupon is closed first). */
export async function openShare(q: Queryable, tenantId: number, s: { couponId: number; userId: number; tokenHash: string }): Promise<void> {
  await q.query(
    `UPDATE coupon_shares SET status = 'closed', closed_at = now() WHERE tenant_id = $1 AND coupon_id = $2 AND status = 'open'`,
    [tenantId, s.couponId],
  );
  await q.query('INSERT INTO coupon_shares (tenant_id, coupon_id, user_id, token_hash) VALUES ($1, $2, $3, $4)', [
    tenantId,
    s.couponId,
    s.userId,
    s.tokenHash,
  ]);
}

export async function closeShare(q: Queryable, tenantId: number, userId: number, couponId: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE coupon_shares SET status = 'closed', closed_at = now() WHERE tenant_id = $1 AND user_id = $2 AND coupon_id = $3 AND status = 'open'`,
    [tenantId, userId, couponId],
  );
  return !!r.rowCount;
}

/** Marks an open share fetched by another user; the sharer's id, or null when there is no such open share. */
export async function takeShare(
  q: Queryable,
  tenantId: number,
  s: { couponId: number; tokenHash: string; userId: number },
  at: Date,
): Promise<number | null> {
  const r = await q.query<{ user_id: number }>(
    `UPDATE coupon_shares SET status = 'fetched', fetched_by = $4, closed_at = $5
     WHERE tenant_id = $1 AND coupon_id = $2 AND token_hash = $3 AND status = 'open' AND user_id <> $4 RETURNING user_id`,
    [tenantId, s.couponId, s.tokenHash, s.userId, at],
  );
  return r.rows[0]?.user_id ?? null;
}
