// Promo codes at checkout: load them as priceable rules for this user, and take
// / give back one use atomically (total and per-user limits by conditional
// writes in repo/promo-codes.repo.ts). Quotes and redemptions take this loader.
import { ErrorCode, ok } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { PricedCoupon } from './domain/pricing/quote.ts';
import { promoRuleToCouponRule } from './domain/promo-code.ts';
import { limitsUsers, promoVerdict } from './domain/promo-checkout.ts';
import { findPromoCodes, promoUserOf, releaseUse, takeUse, takeUserUse, usesByUser } from './repo/promo-codes.repo.ts';
import { refuse, refusePromo, type CouponResult, type PromoCheckCode } from './redemption-errors.ts';

export interface LoadedPromo {
  priced: PricedCoupon;
  promoCodeId: number;
  name: string;
}

/** The codes taking a use can fail with (the total spent, the per-user limit, or no user for a per-user code). */
export type PromoUseCode = 'sold_out' | 'per_user_limit' | 'invalid_input';

export interface PromoCodeLoader {
  load(
    q: Queryable,
    tenantId: number,
    codes: string[],
    userId: number | null,
    at: Date,
  ): Promise<CouponResult<LoadedPromo[], PromoCheckCode>>;
  /** `code` is how the caller named it: a refusal says which promo code it is about. */
  use(q: Queryable, tenantId: number, promoCodeId: number, userId: number | null, code?: string): Promise<CouponResult<void, PromoUseCode>>;
  release(q: Queryable, tenantId: number, promoCodeId: number, userId: number | null): Promise<void>;
}

async function load(
  q: Queryable,
  tenantId: number,
  codes: string[],
  userId: number | null,
  at: Date,
): Promise<CouponResult<LoadedPromo[], PromoCheckCode>> {
  if (!codes.length) return ok([]);
  const byCode = new Map((await findPromoCodes(q, tenantId, codes)).map((p) => [p.code.toUpperCase(), p]));
  const missing = codes.filter((c) => !byCode.has(c.toUpperCase()));
  if (missing.length) return refusePromo(ErrorCode.not_found, `unknown promo code(s): ${missing.join(', ')}`, missing, 'unknown');
  const user = userId === null ? null : await promoUserOf(q, tenantId, userId);
  const out: LoadedPromo[] = [];
  for (const code of codes) {
    const p = byCode.get(code.toUpperCase())!;
    const counted = user !== null && p.userUseLimit !== null && limitsUsers(p) && p.state === 'approved';
    const used = counted ? await usesByUser(q, tenantId, p.id, user.id) : 0;
    const v = promoVerdict(p, code, user, used, at);
    if (!v.ok) return refusePromo(v.code, v.message, [code], v.reason);
    const rule = promoRuleToCouponRule(p.rule);
    if (!rule.ok) return refuse(rule.error.code, rule.error.message);
    out.push({
      promoCodeId: p.id,
      name: p.name,
      priced: {
        id: code,
        kind: 'promo',
        rule: rule.value,
        state: 'active',
        validFrom: p.validFrom,
        validTo: p.validTo,
        groupKey: `p${p.id}`,
      },
    });
  }
  return ok(out);
}

async function use(
  q: Queryable,
  tenantId: number,
  promoCodeId: number,
  userId: number | null,
  code?: string,
): Promise<CouponResult<void, PromoUseCode>> {
  const named = code === undefined ? [] : [code];
  const taken = await takeUse(q, tenantId, promoCodeId);
  if (!taken) return refusePromo(ErrorCode.sold_out, 'this promo code has been used up or is no longer valid', named, 'used_up');
  const limit = taken.userUseLimit;
  if (userId === null) {
    return limit === null
      ? ok(undefined)
      : refusePromo(
          ErrorCode.invalid_input,
          `promo code ${taken.code} is limited per user: give userId`,
          [code ?? taken.code],
          'user_needed',
        );
  }
  if (!(await takeUserUse(q, tenantId, promoCodeId, userId, limit))) {
    return refusePromo(ErrorCode.per_user_limit, `at most ${limit} uses per person`, [code ?? taken.code], 'per_user_limit');
  }
  return ok(undefined);
}

export const promoCodeLoader: PromoCodeLoader = { load, use, release: releaseUse };
