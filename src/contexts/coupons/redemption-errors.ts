// Typed failures of using coupons (quote, redeem, write-off, rollback) and of
// promo codes (their checkout refusals and the approval actions).
//
// These ride on codes other contexts share (not_found, invalid_input,
// sold_out, per_user_limit, coupon_not_eligible, wrong_store, forbidden …), so
// their details are not declared in kernel/result.ts's ErrorDetails (a code's
// details must be one shape app-wide): they are typed here, in helper types the
// use-cases name in their signatures. The detail fields are the ones the native
// dialect has always sent (`codes`, `reasons`, `reason`), plus `promo`, which
// names the refused promo code and why, so callers (orders) switch on it
// instead of matching the message.
import { ErrorCode, fail, type DetailsOf, type DomainError } from '../../kernel/result.ts';
import type { Role } from '../../kernel/deps.ts';
import type { PromoPermission } from '../identity/index.ts';
import type { Reason, ReasonCode } from './domain/rules/types.ts';
import type { PromoRefusalReason } from './domain/promo-checkout.ts';

export type PromoRefusal = { codes: string[]; reason: PromoRefusalReason };

export type RefusalDetails = {
  /** Coupon codes that are unknown or not issued to anyone. */
  codes?: string[];
  /** Every named code pricing rejected, with its reason (redeem). */
  reasons?: { code: string; reason: Reason }[];
  /** The pricing reason a written-off coupon does not apply (write-off). */
  reason?: Reason | null;
  /** Set exactly when the refusal is about a promo code. */
  promo?: PromoRefusal;
  /** The request field whose id names nothing of this tenant (userId, storeId). */
  field?: string;
};

/** A failure of these use-cases: the code named by C, the details typed. */
export type CouponError<C extends ErrorCode> = C extends ErrorCode ? { code: C; message: string; details?: RefusalDetails } : never;
export type CouponFailure<C extends ErrorCode> = { ok: false; error: CouponError<C> };
export type CouponResult<T, C extends ErrorCode> = { ok: true; value: T } | CouponFailure<C>;

export function refuse<C extends ErrorCode>(code: C, message: string, details?: RefusalDetails): CouponFailure<C> {
  return fail(code, message, details as DetailsOf<C> | undefined) as unknown as CouponFailure<C>;
}

/** A promo code's checkout refusal (the message names the code, as it always has). */
export const refusePromo = <C extends ErrorCode>(code: C, message: string, codes: string[], reason: PromoRefusalReason) =>
  refuse(code, message, { promo: { codes, reason } });

/** The promo code a failure is about, if it is about one. */
export const promoRefusalOf = (e: { details?: unknown }): PromoRefusal | null => (e.details as RefusalDetails | undefined)?.promo ?? null;

/** The codes a quote can fail with. */
export type QuoteCode = 'invalid_input' | 'not_found' | 'forbidden' | PromoCheckCode;
/** The codes loading promo codes for checkout can fail with. */
export type PromoCheckCode = 'not_found' | 'invalid_input' | 'coupon_not_eligible' | 'sold_out' | 'audience_mismatch' | 'per_user_limit';
/** Pricing refused a named coupon: the code the caller gets. */
export type RefusedCode =
  'coupon_used' | 'coupon_expired' | 'coupon_not_yet_valid' | 'coupon_voided' | 'wrong_store' | 'coupon_not_eligible';
export type RedeemCode = QuoteCode | RefusedCode | 'conflict';
export type WriteOffCode = 'invalid_input' | 'forbidden' | 'not_found' | RefusedCode;
export type RollbackCode = 'not_found' | 'already_rolled_back';

/** Pricing's reason codes → the domain error a caller gets when it insists on that coupon. */
export function refusalCode(reason: ReasonCode | undefined): RefusedCode {
  switch (reason) {
    case 'used':
      return ErrorCode.coupon_used;
    case 'expired':
      return ErrorCode.coupon_expired;
    case 'not_yet_valid':
      return ErrorCode.coupon_not_yet_valid;
    case 'voided':
      return ErrorCode.coupon_voided;
    case 'wrong_store':
      return ErrorCode.wrong_store;
    default:
      return ErrorCode.coupon_not_eligible;
  }
}

/** Refused an approval action: the permission asked for and the roles that hold it. */
export type ApprovalRefusal = { permission: PromoPermission; roles: readonly Role[] };
export type PromoActCode = 'forbidden' | 'not_found' | 'invalid_input' | 'invalid_state' | 'conflict';
export type PromoActError =
  { code: 'forbidden'; message: string; details: { approval: ApprovalRefusal } } | DomainError<Exclude<PromoActCode, 'forbidden'>>;
export type PromoActResult<T> = { ok: true; value: T } | { ok: false; error: PromoActError };
