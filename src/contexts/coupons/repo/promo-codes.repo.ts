// promo_codes and promo_code_user_uses: the one row type and mapper of the
// table, and the conditional writes that take and give back a use (the total
// and per-user limits hold under any concurrency: a use is taken by one
// UPDATE … WHERE used_times < limit_times, per user by one upsert … WHERE used < limit).
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { PromoCode, PromoCodeFields, PromoRule, PromoUserType } from '../domain/promo-code.ts';
import type { PromoCodeState } from '../domain/promo-code-state.ts';
import type { PromoUser } from '../domain/promo-checkout.ts';

type PromoRow = Row<'promo_codes'>;

export const toPromoCode = (r: PromoRow): PromoCode => ({
  id: r.id,
  code: r.code,
  name: r.name,
  rule: r.rule as unknown as PromoRule,
  limitTimes: r.limit_times,
  usedTimes: r.used_times,
  userUseLimit: r.user_use_limit,
  userSourceLimit: r.user_source_limit ?? [],
  userTypeLimit: r.user_type_limit as PromoUserType,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  departmentId: r.department_id,
  staffId: r.staff_id,
  description: r.description,
  state: r.state as PromoCodeState,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const params = (c: PromoCodeFields) => [
  c.code,
  c.name,
  JSON.stringify(c.rule),
  c.limitTimes,
  c.userUseLimit,
  c.userSourceLimit,
  c.userTypeLimit,
  c.validFrom,
  c.validTo,
  c.departmentId,
  c.staffId,
  c.description,
];

export async function loadPromoCode(q: Queryable, tenantId: number, id: number, lock = false): Promise<PromoCode | null> {
  const r = await q.query<PromoRow>(`SELECT * FROM promo_codes WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [
    tenantId,
    id,
  ]);
  return r.rows[0] ? toPromoCode(r.rows[0]) : null;
}

export async function findPromoCode(q: Queryable, tenantId: number, code: string): Promise<PromoCode | null> {
  const r = await q.query<PromoRow>('SELECT * FROM promo_codes WHERE tenant_id = $1 AND upper(code) = upper($2)', [tenantId, code]);
  return r.rows[0] ? toPromoCode(r.rows[0]) : null;
}

/** The codes as named (case-insensitive), in no particular order. */
export async function findPromoCodes(q: Queryable, tenantId: number, codes: string[]): Promise<PromoCode[]> {
  const r = await q.query<PromoRow>(`SELECT * FROM promo_codes WHERE tenant_id = $1 AND upper(code) = ANY($2::text[])`, [
    tenantId,
    codes.map((c) => c.toUpperCase()),
  ]);
  return r.rows.map(toPromoCode);
}

export interface PromoCodeFilter {
  state?: string;
  code?: string;
  name?: string;
  departmentId?: number;
  staffId?: number;
  limit: number;
  offset: number;
}

export async function listPromoCodes(q: Queryable, tenantId: number, f: PromoCodeFilter): Promise<{ items: PromoCode[]; total: number }> {
  const r = await q.query<PromoRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM promo_codes
     WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR code ILIKE '%' || $3 || '%')
       AND ($4::text IS NULL OR name ILIKE '%' || $4 || '%') AND ($5::bigint IS NULL OR department_id IN (
         -- a department's codes include those of every department under it
         WITH RECURSIVE sub AS (SELECT id FROM departments WHERE tenant_id = $1 AND id = $5
                                UNION SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id)
         SELECT id FROM sub))
       AND ($6::bigint IS NULL OR staff_id = $6)
     ORDER BY id DESC LIMIT $7 OFFSET $8`,
    [tenantId, f.state ?? null, f.code ?? null, f.name ?? null, f.departmentId ?? null, f.staffId ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toPromoCode), total: r.rows[0]?.total ?? 0 };
}

/** Which of the department and staff member a code names do not exist in the tenant. */
export async function missingRefs(
  q: Queryable,
  tenantId: number,
  c: Pick<PromoCodeFields, 'departmentId' | 'staffId'>,
): Promise<'department' | 'staff' | null> {
  if (c.departmentId !== null) {
    const d = await q.query('SELECT 1 FROM departments WHERE tenant_id = $1 AND id = $2', [tenantId, c.departmentId]);
    if (!d.rowCount) return 'department';
  }
  if (c.staffId !== null) {
    const s = await q.query('SELECT 1 FROM staff WHERE tenant_id = $1 AND id = $2', [tenantId, c.staffId]);
    if (!s.rowCount) return 'staff';
  }
  return null;
}

/** A new pending code; null when the code is taken. */
export async function insertPromoCode(
  q: Queryable,
  tenantId: number,
  c: PromoCodeFields,
  createdBy: number | null,
): Promise<PromoCode | null> {
  const r = await q.query<PromoRow>(
    `INSERT INTO promo_codes (tenant_id, code, name, rule, limit_times, user_use_limit, user_source_limit, user_type_limit,
       valid_from, valid_to, department_id, staff_id, description, state, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14)
     ON CONFLICT DO NOTHING RETURNING *`,
    [tenantId, ...params(c), createdBy],
  );
  return r.rows[0] ? toPromoCode(r.rows[0]) : null;
}

/** A changed code goes back to the approval queue. */
export async function updatePromoCode(q: Queryable, tenantId: number, id: number, c: PromoCodeFields): Promise<PromoCode> {
  const r = await q.query<PromoRow>(
    `UPDATE promo_codes SET code = $3, name = $4, rule = $5, limit_times = $6, user_use_limit = $7, user_source_limit = $8,
       user_type_limit = $9, valid_from = $10, valid_to = $11, department_id = $12, staff_id = $13, description = $14,
       state = CASE WHEN state = 'rejected' THEN 'pending' ELSE state END, updated_at = now()
     WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, ...params(c)],
  );
  return toPromoCode(r.rows[0]!);
}

/** from → to only if it is still in `from`; null when it changed meanwhile. */
export async function movePromoCode(
  q: Queryable,
  tenantId: number,
  id: number,
  from: PromoCodeState,
  to: PromoCodeState,
): Promise<PromoCode | null> {
  const r = await q.query<PromoRow>(
    'UPDATE promo_codes SET state = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = $3 RETURNING *',
    [tenantId, id, from, to],
  );
  return r.rows[0] ? toPromoCode(r.rows[0]) : null;
}

/** The user facts promo-code restrictions look at. */
export async function promoUserOf(q: Queryable, tenantId: number, userId: number): Promise<PromoUser | null> {
  const r = await q.query<Pick<Row<'users'>, 'id' | 'created_at' | 'has_purchased' | 'source'>>(
    'SELECT id, created_at, has_purchased, source FROM users WHERE tenant_id = $1 AND id = $2',
    [tenantId, userId],
  );
  const u = r.rows[0];
  return u ? { id: u.id, createdAt: u.created_at, hasPurchased: u.has_purchased, source: u.source } : null;
}

export async function usesByUser(q: Queryable, tenantId: number, promoCodeId: number, userId: number): Promise<number> {
  const u = await q.query<Pick<Row<'promo_code_user_uses'>, 'used'>>(
    'SELECT used FROM promo_code_user_uses WHERE tenant_id = $1 AND promo_code_id = $2 AND user_id = $3',
    [tenantId, promoCodeId, userId],
  );
  return u.rows[0]?.used ?? 0;
}

/** Takes one use of the total if any is left and the code is approved and in date; null otherwise. */
export async function takeUse(
  q: Queryable,
  tenantId: number,
  promoCodeId: number,
): Promise<{ userUseLimit: number | null; code: string } | null> {
  const r = await q.query<Pick<PromoRow, 'user_use_limit' | 'code'>>(
    `UPDATE promo_codes SET used_times = used_times + 1
     WHERE tenant_id = $2 AND id = $1 AND state = 'approved' AND (limit_times IS NULL OR used_times < limit_times) AND valid_from <= now() AND valid_to > now()
     RETURNING user_use_limit, code`,
    [promoCodeId, tenantId],
  );
  const row = r.rows[0];
  return row ? { userUseLimit: row.user_use_limit, code: row.code } : null;
}

/** Takes one of the user's uses, if the per-user limit (null: none) leaves one. */
export async function takeUserUse(
  q: Queryable,
  tenantId: number,
  promoCodeId: number,
  userId: number,
  limit: number | null,
): Promise<boolean> {
  const u = await q.query(
    `INSERT INTO promo_code_user_uses AS u (tenant_id, promo_code_id, user_id, used) VALUES ($4, $1, $2, 1)
     ON CONFLICT (promo_code_id, user_id, tenant_id) DO UPDATE SET used = u.used + 1 WHERE $3::int IS NULL OR u.used < $3`,
    [promoCodeId, userId, limit, tenantId],
  );
  return u.rowCount === 1;
}

/** Gives one use back (a rolled-back redemption), never below zero. */
export async function releaseUse(q: Queryable, tenantId: number, promoCodeId: number, userId: number | null): Promise<void> {
  await q.query('UPDATE promo_codes SET used_times = used_times - 1 WHERE tenant_id = $1 AND id = $2 AND used_times > 0', [
    tenantId,
    promoCodeId,
  ]);
  if (userId !== null) {
    await q.query(
      'UPDATE promo_code_user_uses SET used = used - 1 WHERE tenant_id = $1 AND promo_code_id = $2 AND user_id = $3 AND used > 0',
      [tenantId, promoCodeId, userId],
    );
  }
}
