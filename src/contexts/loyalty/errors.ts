// The loyalty context's typed failures. Loyalty owns the details of no error
// code (its codes are the shared generic and money codes), so nothing is
// merged into ErrorDetails here; a points voucher's refusal reason travels
// under the context-specific `voucher` field of the details and is read with
// voucherRefusalOf.
import type { DomainError } from '../../kernel/result.ts';
import { VOUCHER_REFUSALS, type VoucherRefusal } from './domain/points-voucher.ts';

/** What moving a balance can fail with. */
export type MoveCode = 'not_found' | 'not_enough_points' | 'insufficient_balance';
export type CreditCode = 'invalid_input' | MoveCode;
export type SignInCode = 'conflict' | MoveCode;
export type RedeemVoucherCode = 'rate_limited' | 'not_found' | 'coupon_used' | 'coupon_expired' | MoveCode;
export type PayBillCode = 'invalid_input' | MoveCode;

/** The details a voucher refusal carries. */
export interface VoucherRefusalDetails {
  voucher: VoucherRefusal;
}

/** Why a voucher number was refused, when the failure is a voucher refusal (not, say, a missing user). */
export function voucherRefusalOf(e: DomainError): VoucherRefusal | null {
  const v = (e.details as Partial<VoucherRefusalDetails> | undefined)?.voucher;
  return v !== undefined && (VOUCHER_REFUSALS as readonly string[]).includes(v) ? v : null;
}
