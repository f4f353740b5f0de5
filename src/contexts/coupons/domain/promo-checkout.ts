// Whether a promo code may be used at checkout by this user now (pure): the
// approval state, the total limit, and the user restrictions (type, source,
// uses per person). The counted limits are enforced again, atomically, by the
// conditional writes that take a use (repo/promo-codes.repo.ts).
import type { PromoCode } from './promo-code.ts';

/** New users are those registered within this many days (audience "new"; the same rule as templates). */
export const PROMO_NEW_USER_DAYS = 7;

/** Why a promo code was refused at checkout. */
export type PromoRefusalReason =
  'unknown' | 'not_approved' | 'used_up' | 'user_needed' | 'new_users_only' | 'not_bought_yet_only' | 'wrong_source' | 'per_user_limit';

export interface PromoUser {
  id: number;
  createdAt: Date;
  hasPurchased: boolean;
  source: string | null;
}

export type PromoVerdict =
  | { ok: true }
  | {
      ok: false;
      code: 'coupon_not_eligible' | 'sold_out' | 'invalid_input' | 'audience_mismatch' | 'per_user_limit';
      reason: PromoRefusalReason;
      message: string;
    };

const no = (code: Exclude<PromoVerdict, { ok: true }>['code'], reason: PromoRefusalReason, message: string): PromoVerdict => ({
  ok: false,
  code,
  reason,
  message,
});

/** Does `p` limit who may use it (so the user must be known)? */
export const limitsUsers = (p: PromoCode) => p.userTypeLimit !== 'any' || p.userSourceLimit.length > 0 || p.userUseLimit !== null;

/**
 * `code` is how the caller spelled it (messages repeat it); `usedByUser` is how
 * often this user has used it (0 when unknown or unlimited).
 */
export function promoVerdict(p: PromoCode, code: string, user: PromoUser | null, usedByUser: number, at: Date): PromoVerdict {
  if (p.state !== 'approved') return no('coupon_not_eligible', 'not_approved', `promo code ${code} is ${p.state}, not approved`);
  if (p.limitTimes !== null && p.usedTimes >= p.limitTimes) return no('sold_out', 'used_up', `promo code ${code} has been used up`);
  if (!limitsUsers(p)) return { ok: true };
  if (!user) return no('invalid_input', 'user_needed', `promo code ${code} is limited per user: give userId`);
  if (p.userTypeLimit === 'new' && at.getTime() - user.createdAt.getTime() >= PROMO_NEW_USER_DAYS * 86_400_000) {
    return no('audience_mismatch', 'new_users_only', `promo code ${code} is for new users only`);
  }
  if (p.userTypeLimit === 'no_purchase' && user.hasPurchased) {
    return no('audience_mismatch', 'not_bought_yet_only', `promo code ${code} is for users who have not bought yet`);
  }
  if (p.userSourceLimit.length && !p.userSourceLimit.includes(user.source ?? '')) {
    return no('audience_mismatch', 'wrong_source', `promo code ${code} is for users from ${p.userSourceLimit.join(', ')}`);
  }
  if (p.userUseLimit !== null && usedByUser >= p.userUseLimit) {
    return no('per_user_limit', 'per_user_limit', `promo code ${code}: at most ${p.userUseLimit} per person`);
  }
  return { ok: true };
}
