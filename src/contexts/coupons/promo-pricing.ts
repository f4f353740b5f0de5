// Promo codes at checkout: load them as priceable rules, and take / give back
// one use atomically (total and per-user limits by conditional writes).
import { parseMoney, parseRate } from '../../kernel/money.ts';
import type { PricedCoupon } from './domain/pricing/quote.ts';
import type { CouponRule } from './domain/rules/types.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { NEW_USER_DAYS } from './coupons.ts';

/** The stored promotion rule (native names; the portal dialect maps its snake_case onto these). */
export interface PromoRule {
  type: string;
  condition?: { amountAtLeast?: string | number | null; countAtLeast?: number | null };
  action: { discount?: string | number | null; discountAtMost?: string | number | null; amountOff?: string | number | null };
}

export interface PromoCodeRow {
  id: number;
  tenant_id: number;
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
  state: string;
}

/** A promotion rule → the same CouponRule pricing uses for coupons. Promo codes stack with coupons. */
export function promoRuleToCouponRule(rule: PromoRule): Result<CouponRule> {
  const minSpend = rule.condition?.amountAtLeast == null ? 0 : parseMoney(rule.condition.amountAtLeast);
  if (minSpend === null) return fail(ErrorCode.invalid_input, 'rule.condition.amountAtLeast: not an amount');
  const countAtLeast = rule.condition?.countAtLeast ?? null;
  if (countAtLeast !== null && (!Number.isInteger(countAtLeast) || countAtLeast < 1)) {
    return fail(ErrorCode.invalid_input, 'rule.condition.countAtLeast: a whole number ≥ 1');
  }
  const base = { minSpend, minQuantity: countAtLeast, scope: { type: 'all' as const }, storeIds: [], stackable: true };
  const a = rule.action ?? {};
  if (a.amountOff != null && a.amountOff !== '') {
    const off = parseMoney(a.amountOff);
    if (off === null || off <= 0) return fail(ErrorCode.invalid_input, 'rule.action.amountOff: an amount above 0');
    if (minSpend > 0 && off > minSpend) return fail(ErrorCode.invalid_input, 'rule.action.amountOff: must not exceed amountAtLeast');
    return ok({ ...base, discount: { type: 'amount', amountOff: off } });
  }
  if (a.discount != null && a.discount !== '') {
    const rateBp = parseRate(a.discount);
    if (rateBp === null) return fail(ErrorCode.invalid_input, 'rule.action.discount: the fraction paid, between 0 and 1 (0.88 = pay 88 %)');
    let maxOff: number | null = null;
    if (a.discountAtMost != null && a.discountAtMost !== '') {
      maxOff = parseMoney(a.discountAtMost);
      if (maxOff === null || maxOff <= 0) return fail(ErrorCode.invalid_input, 'rule.action.discountAtMost: an amount above 0');
    }
    return ok({ ...base, discount: { type: 'rate', rateBp, maxOff } });
  }
  return fail(ErrorCode.invalid_input, 'rule.action: give discount (with optional discountAtMost) or amountOff');
}

export interface PromoCodeLoader {
  load(q: Queryable, tenantId: number, codes: string[], userId: number | null, at: Date): Promise<Result<{ priced: PricedCoupon; promoCodeId: number; name: string }[]>>;
  use(q: Queryable, promoCodeId: number, userId: number | null): Promise<Result<void>>;
  release(q: Queryable, promoCodeId: number, userId: number | null): Promise<void>;
}

export const promoCodeLoader: PromoCodeLoader = {
  async load(q, tenantId, codes, userId, at) {
    if (!codes.length) return ok([]);
    const r = await q.query<PromoCodeRow>(`SELECT * FROM promo_codes WHERE tenant_id = $1 AND upper(code) = ANY($2::text[])`, [
      tenantId,
      codes.map((c) => c.toUpperCase()),
    ]);
    const byCode = new Map(r.rows.map((p) => [p.code.toUpperCase(), p]));
    const missing = codes.filter((c) => !byCode.has(c.toUpperCase()));
    if (missing.length) return fail(ErrorCode.not_found, `unknown promo code(s): ${missing.join(', ')}`);
    const user = userId === null ? null : (
      await q.query<{ id: number; created_at: Date; has_purchased: boolean; source: string | null }>(
        'SELECT id, created_at, has_purchased, source FROM users WHERE tenant_id = $1 AND id = $2',
        [tenantId, userId],
      )
    ).rows[0];
    const out = [];
    for (const code of codes) {
      const p = byCode.get(code.toUpperCase())!;
      if (p.state !== 'approved') return fail(ErrorCode.coupon_not_eligible, `promo code ${code} is ${p.state}, not approved`);
      if (p.limit_times !== null && p.used_times >= p.limit_times) return fail(ErrorCode.sold_out, `promo code ${code} has been used up`);
      if (p.user_type_limit !== 'any' || p.user_source_limit.length || p.user_use_limit !== null) {
        if (!user) return fail(ErrorCode.invalid_input, `promo code ${code} is limited per user: give userId`);
        if (p.user_type_limit === 'new' && at.getTime() - user.created_at.getTime() >= NEW_USER_DAYS * 86_400_000) {
          return fail(ErrorCode.audience_mismatch, `promo code ${code} is for new users only`);
        }
        if (p.user_type_limit === 'no_purchase' && user.has_purchased) {
          return fail(ErrorCode.audience_mismatch, `promo code ${code} is for users who have not bought yet`);
        }
        if (p.user_source_limit.length && !p.user_source_limit.includes(user.source ?? '')) {
          return fail(ErrorCode.audience_mismatch, `promo code ${code} is for users from ${p.user_source_limit.join(', ')}`);
        }
        if (p.user_use_limit !== null) {
          const u = await q.query<{ used: number }>('SELECT used FROM promo_code_user_uses WHERE promo_code_id = $1 AND user_id = $2', [p.id, user.id]);
          if ((u.rows[0]?.used ?? 0) >= p.user_use_limit) return fail(ErrorCode.per_user_limit, `promo code ${code}: at most ${p.user_use_limit} per person`);
        }
      }
      const rule = promoRuleToCouponRule(p.rule);
      if (!rule.ok) return rule;
      out.push({
        promoCodeId: p.id,
        name: p.name,
        priced: { id: code, kind: 'promo' as const, rule: rule.value, state: 'active' as const, validFrom: p.valid_from, validTo: p.valid_to, groupKey: `p${p.id}` },
      });
    }
    return ok(out);
  },

  async use(q, promoCodeId, userId) {
    const r = await q.query<{ user_use_limit: number | null; code: string }>(
      `UPDATE promo_codes SET used_times = used_times + 1
       WHERE id = $1 AND state = 'approved' AND (limit_times IS NULL OR used_times < limit_times) AND valid_from <= now() AND valid_to > now()
       RETURNING user_use_limit, code`,
      [promoCodeId],
    );
    if (!r.rows[0]) return fail(ErrorCode.sold_out, 'this promo code has been used up or is no longer valid');
    const limit = r.rows[0].user_use_limit;
    if (userId === null) {
      return limit === null ? ok(undefined) : fail(ErrorCode.invalid_input, `promo code ${r.rows[0].code} is limited per user: give userId`);
    }
    const u = await q.query(
      `INSERT INTO promo_code_user_uses AS u (promo_code_id, user_id, used) VALUES ($1, $2, 1)
       ON CONFLICT (promo_code_id, user_id) DO UPDATE SET used = u.used + 1 WHERE $3::int IS NULL OR u.used < $3`,
      [promoCodeId, userId, limit],
    );
    if (u.rowCount !== 1) return fail(ErrorCode.per_user_limit, `at most ${limit} uses per person`);
    return ok(undefined);
  },

  async release(q, promoCodeId, userId) {
    await q.query('UPDATE promo_codes SET used_times = used_times - 1 WHERE id = $1 AND used_times > 0', [promoCodeId]);
    if (userId !== null) {
      await q.query('UPDATE promo_code_user_uses SET used = used - 1 WHERE promo_code_id = $1 AND user_id = $2 AND used > 0', [promoCodeId, userId]);
    }
  },
};
