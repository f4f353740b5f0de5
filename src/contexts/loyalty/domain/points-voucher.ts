// Points vouchers (积分券): numbers made by staff, each redeemed once for its
// points before it expires. Wrong numbers are rate-limited per user.
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

export const VOUCHER_LIMITS = { perUser: 10, windowSec: 3600 };

export interface VoucherBatch {
  count: number;
  score: number;
  expiresAt?: Date | null;
}

/** Why a number redeems nothing: no such voucher, already used, or past its expiry. */
export const VOUCHER_REFUSALS = ['unknown', 'used', 'expired'] as const;
export type VoucherRefusal = (typeof VOUCHER_REFUSALS)[number];

export interface VoucherRedeemed {
  score: number;
  balanceAfter: number;
}

export function checkVoucherBatch(input: VoucherBatch): Result<void, 'invalid_input'> {
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > 10_000)
    return fail(ErrorCode.invalid_input, 'count must be 1-10000');
  if (!Number.isInteger(input.score) || input.score < 1) return fail(ErrorCode.invalid_input, 'score must be a whole number ≥ 1');
  return ok(undefined);
}

/** 16 digits from `randomInt` (a CSPRNG in use): not guessable, easy to type. */
export function voucherNumber(randomInt: (min: number, max: number) => number): string {
  let s = '';
  while (s.length < 16) s += randomInt(0, 1e8).toString().padStart(8, '0');
  return s.slice(0, 16);
}

/** Why a voucher that the conditional redeem did not take was refused (null: no such number). */
export function voucherRefusal(v: { usedBy: number | null } | null): VoucherRefusal {
  if (!v) return 'unknown';
  return v.usedBy !== null ? 'used' : 'expired';
}

/** The ledger ref of a redeemed voucher's points. */
export const voucherRef = (voucherId: number): string => `voucher:${voucherId}`;
