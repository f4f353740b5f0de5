// The coupons context's typed failures: the codes each issuing use-case can
// answer, and the details of the codes only this context gives.
import type { ClaimRuleCode } from './domain/claim-rules.ts';

/**
 * The details this context gives with its own codes. Not merged into the
 * kernel's ErrorDetails yet: a merged declaration narrows `details` for every
 * wide DomainError in the dialects, which still read other codes' details
 * untyped (orders, shop, seller, liyuquan kit); the integrator merges it once
 * those read through their own helper types.
 */
export interface CouponErrorDetails {
  /** A paid coupon: its price, as text and in fen. */
  payment_needed: { price: string; priceFen: number };
  sign_in_days_needed: { required: number; current: number };
  not_started: { claimFrom: string };
  not_enough_points: { required: number; current?: number };
  rate_limited: { retryAfterSec: number };
}

/** A claim's refusals: the template's rules (domain/claim-rules.ts), then counting and the user. */
export type ClaimCode =
  ClaimRuleCode | 'not_found' | 'sold_out' | 'per_user_limit' | 'conflict' | 'coupon_expired' | 'invalid_input' | 'rate_limited';
/** Internal issuing (recharge events, merges, staff grants). */
export type IssueCode = 'invalid_input' | 'not_found' | 'invalid_state' | 'sold_out';
export type GiftCode = 'not_found' | 'forbidden' | 'invalid_input' | 'coupon_used' | 'coupon_voided' | 'coupon_expired' | 'conflict';
export type ExchangeCode = ClaimRuleCode | 'not_found' | 'rate_limited' | 'wrong_password' | 'coupon_used' | 'per_user_limit';
export type TemplateCode = 'invalid_input' | 'invalid_state' | 'not_found' | 'conflict' | 'forbidden';
export type BatchCode = 'invalid_input' | 'not_found' | 'invalid_state' | 'sold_out';
export type MergeCode = 'not_found' | 'invalid_input' | 'coupon_not_eligible' | IssueCode;
export type ShareCode = 'not_found' | 'coupon_not_eligible';
