// Promo codes: shared multi-use codes with a promotion rule, usage limits,
// user restrictions and an approval machine.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { canEditPromoCode, transitionPromoCode, type PromoCodeAction, type PromoCodeState } from './domain/promo-code-state.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { promoRuleToCouponRule, type PromoRule } from './promo-pricing.ts';

export interface PromoCodeInput {
  code?: string;
  name?: string;
  rule?: PromoRule;
  limitTimes?: number | null;
  userUseLimit?: number | null;
  userSourceLimit?: string[] | string | null;
  userTypeLimit?: 'any' | 'new' | 'no_purchase' | null;
  validFrom?: string;
  validTo?: string;
  departmentId?: number | null;
  staffId?: number | null;
  description?: string | null;
}

export interface PromoCode {
  id: number;
  code: string;
  name: string;
  rule: PromoRule;
  limitTimes: number | null;
  usedTimes: number;
  userUseLimit: number | null;
  userSourceLimit: string[];
  userTypeLimit: 'any' | 'new' | 'no_purchase';
  validFrom: Date;
  validTo: Date;
  departmentId: number | null;
  staffId: number | null;
  description: string | null;
  state: PromoCodeState;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  id: number;
  code: string;
  name: string;
  rule: PromoRule;
  limit_times: number | null;
  used_times: number;
  user_use_limit: number | null;
  user_source_limit: string[];
  user_type_limit: 'any' | 'new' | 'no_purchase';
  valid_from: Date;
  valid_to: Date;
  department_id: number | null;
  staff_id: number | null;
  description: string | null;
  state: PromoCodeState;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

const toPromo = (r: Row): PromoCode => ({
  id: r.id,
  code: r.code,
  name: r.name,
  rule: r.rule,
  limitTimes: r.limit_times,
  usedTimes: r.used_times,
  userUseLimit: r.user_use_limit,
  userSourceLimit: r.user_source_limit ?? [],
  userTypeLimit: r.user_type_limit,
  validFrom: r.valid_from,
  validTo: r.valid_to,
  departmentId: r.department_id,
  staffId: r.staff_id,
  description: r.description,
  state: r.state,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

interface Checked {
  code: string;
  name: string;
  rule: PromoRule;
  limitTimes: number | null;
  userUseLimit: number | null;
  userSourceLimit: string[];
  userTypeLimit: 'any' | 'new' | 'no_purchase';
  validFrom: Date;
  validTo: Date;
  departmentId: number | null;
  staffId: number | null;
  description: string | null;
}

function check(input: PromoCodeInput, base?: PromoCode): Result<Checked> {
  const bad = (field: string, m: string) => fail(ErrorCode.invalid_input, `${field}: ${m}`, { field });
  const code = (input.code ?? base?.code ?? '').trim();
  if (!/^[A-Za-z0-9_-]{3,32}$/.test(code)) return bad('code', '3-32 letters, digits, _ or -');
  const name = (input.name ?? base?.name ?? '').trim();
  if (!name || name.length > 100) return bad('name', 'is required, at most 100 characters');
  const rule = input.rule ?? base?.rule;
  if (!rule) return bad('rule', 'is required');
  const cr = promoRuleToCouponRule(rule);
  if (!cr.ok) return cr as Result<Checked>;
  const limitTimes = input.limitTimes !== undefined ? input.limitTimes : (base?.limitTimes ?? null);
  if (limitTimes !== null && (!Number.isInteger(limitTimes) || limitTimes < 1)) return bad('limitTimes', 'a whole number ≥ 1, or null for unlimited');
  const userUseLimit = input.userUseLimit !== undefined ? input.userUseLimit : (base?.userUseLimit ?? null);
  if (userUseLimit !== null && (!Number.isInteger(userUseLimit) || userUseLimit < 1)) return bad('userUseLimit', 'a whole number ≥ 1, or null');
  const src = input.userSourceLimit !== undefined ? input.userSourceLimit : (base?.userSourceLimit ?? []);
  const userSourceLimit = (Array.isArray(src) ? src : src ? src.split(',') : []).map((s) => s.trim()).filter(Boolean);
  const userTypeLimit = input.userTypeLimit ?? base?.userTypeLimit ?? 'any';
  if (!['any', 'new', 'no_purchase'].includes(userTypeLimit)) return bad('userTypeLimit', 'any, new or no_purchase');
  const validFrom = input.validFrom !== undefined ? new Date(input.validFrom) : base?.validFrom;
  const validTo = input.validTo !== undefined ? new Date(input.validTo) : base?.validTo;
  if (!validFrom || Number.isNaN(validFrom.getTime())) return bad('validFrom', 'an ISO-8601 time is required');
  if (!validTo || Number.isNaN(validTo.getTime())) return bad('validTo', 'an ISO-8601 time is required');
  if (validTo <= validFrom) return bad('validTo', 'must be after validFrom');
  return ok({
    code,
    name,
    rule,
    limitTimes,
    userUseLimit,
    userSourceLimit,
    userTypeLimit,
    validFrom,
    validTo,
    departmentId: input.departmentId !== undefined ? input.departmentId : (base?.departmentId ?? null),
    staffId: input.staffId !== undefined ? input.staffId : (base?.staffId ?? null),
    description: input.description !== undefined ? input.description : (base?.description ?? null),
  });
}

async function checkRefs(q: Queryable, tenantId: number, c: Checked): Promise<Result<void>> {
  if (c.departmentId !== null) {
    const d = await q.query('SELECT 1 FROM departments WHERE tenant_id = $1 AND id = $2', [tenantId, c.departmentId]);
    if (!d.rowCount) return fail(ErrorCode.invalid_input, 'departmentId: no such department in this tenant');
  }
  if (c.staffId !== null) {
    const s = await q.query('SELECT 1 FROM staff WHERE tenant_id = $1 AND id = $2', [tenantId, c.staffId]);
    if (!s.rowCount) return fail(ErrorCode.invalid_input, 'staffId: no such staff member in this tenant');
  }
  return ok(undefined);
}

const params = (c: Checked) => [
  c.code, c.name, JSON.stringify(c.rule), c.limitTimes, c.userUseLimit, c.userSourceLimit, c.userTypeLimit,
  c.validFrom, c.validTo, c.departmentId, c.staffId, c.description,
];

export function promoCodeService(deps: Deps) {
  async function load(q: Queryable, tenantId: number, id: number, lock = false): Promise<PromoCode | null> {
    const r = await q.query<Row>(`SELECT * FROM promo_codes WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, id]);
    return r.rows[0] ? toPromo(r.rows[0]) : null;
  }
  const taken = (code: string) => fail(ErrorCode.conflict, `promo code ${code} already exists`);

  return {
    async create(tenantId: number, input: PromoCodeInput, by: Principal): Promise<Result<PromoCode>> {
      const c = check(input);
      if (!c.ok) return c;
      try {
        return await deps.db.tx(async (q) => {
          const refs = await checkRefs(q, tenantId, c.value);
          if (!refs.ok) return refs;
          const r = await q.query<Row>(
            `INSERT INTO promo_codes (tenant_id, code, name, rule, limit_times, user_use_limit, user_source_limit, user_type_limit,
               valid_from, valid_to, department_id, staff_id, description, state, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'pending', $14)
             ON CONFLICT DO NOTHING RETURNING *`,
            [tenantId, ...params(c.value), by.kind === 'staff' ? by.staffId : null],
          );
          if (!r.rows[0]) return taken(c.value.code);
          await audit(q, tenantId, by, { action: 'promo_code.create', targetType: 'promo_code', targetId: r.rows[0].id, details: { code: c.value.code } });
          return ok(toPromo(r.rows[0]));
        });
      } catch (e) {
        if (pgErrorCode(e) === PgCode.uniqueViolation) return taken(c.value.code);
        throw e;
      }
    },

    async update(tenantId: number, id: number, input: PromoCodeInput, by: Principal): Promise<Result<PromoCode>> {
      try {
        return await deps.db.tx(async (q) => {
          const cur = await load(q, tenantId, id, true);
          if (!cur) return fail(ErrorCode.not_found, 'promo code not found');
          if (!canEditPromoCode(cur.state)) return fail(ErrorCode.invalid_state, `a promo code in state ${cur.state} cannot be changed`, { state: cur.state });
          const c = check(input, cur);
          if (!c.ok) return c;
          const refs = await checkRefs(q, tenantId, c.value);
          if (!refs.ok) return refs;
          // A changed code goes back to the approval queue.
          const r = await q.query<Row>(
            `UPDATE promo_codes SET code = $3, name = $4, rule = $5, limit_times = $6, user_use_limit = $7, user_source_limit = $8,
               user_type_limit = $9, valid_from = $10, valid_to = $11, department_id = $12, staff_id = $13, description = $14,
               state = CASE WHEN state = 'rejected' THEN 'pending' ELSE state END, updated_at = now()
             WHERE tenant_id = $1 AND id = $2 RETURNING *`,
            [tenantId, id, ...params(c.value)],
          );
          await audit(q, tenantId, by, { action: 'promo_code.update', targetType: 'promo_code', targetId: id, details: { fields: Object.keys(input) } });
          return ok(toPromo(r.rows[0]!));
        });
      } catch (e) {
        if (pgErrorCode(e) === PgCode.uniqueViolation) return taken(input.code ?? '');
        throw e;
      }
    },

    get: (tenantId: number, id: number) => load(deps.db, tenantId, id),

    async getByCode(tenantId: number, code: string): Promise<PromoCode | null> {
      const r = await deps.db.query<Row>('SELECT * FROM promo_codes WHERE tenant_id = $1 AND upper(code) = upper($2)', [tenantId, code]);
      return r.rows[0] ? toPromo(r.rows[0]) : null;
    },

    async list(tenantId: number, f: { state?: string; code?: string; name?: string; departmentId?: number; staffId?: number; limit: number; offset: number }) {
      const r = await deps.db.query<Row & { total: number }>(
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
      return { items: r.rows.map(toPromo), total: r.rows[0]?.total ?? 0 };
    },

    async act(tenantId: number, id: number, action: PromoCodeAction, by: Principal, reason?: string): Promise<Result<PromoCode>> {
      return deps.db.tx(async (q) => {
        const cur = await load(q, tenantId, id, true);
        if (!cur) return fail(ErrorCode.not_found, 'promo code not found');
        const next = transitionPromoCode(cur.state, action);
        if (!next.ok) return next;
        const r = await q.query<Row>(
          'UPDATE promo_codes SET state = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = $3 RETURNING *',
          [tenantId, id, cur.state, next.value],
        );
        if (!r.rows[0]) return fail(ErrorCode.conflict, 'the promo code changed meanwhile; try again');
        await audit(q, tenantId, by, {
          action: `promo_code.${action}`,
          targetType: 'promo_code',
          targetId: id,
          details: { from: cur.state, to: next.value, ...(reason ? { reason } : {}) },
        });
        return ok(toPromo(r.rows[0]));
      });
    },
  };
}

export type PromoCodeService = ReturnType<typeof promoCodeService>;
