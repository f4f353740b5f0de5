// A coupon's status is computed from what is stored (state and validity
// window) and the clock, never stored itself: an expiry needs no job to run.
import { addDays, localDateOf, startOfLocalDay } from '../../../kernel/local-time.ts';

/** The stored state (coupons.status holds these words; repo/coupons.repo.ts maps them). */
export const COUPON_STATES = ['issued', 'used', 'voided'] as const;
export type CouponState = (typeof COUPON_STATES)[number];
/** What a coupon is at a given instant: computed, never stored. */
export const COUPON_STATUSES = ['usable', 'not_yet_valid', 'expired', 'used', 'voided'] as const;
export type CouponStatus = (typeof COUPON_STATUSES)[number];

export interface CouponValidityFacts {
  state: CouponState;
  validFrom: Date | null;
  /** Inclusive: the coupon is still usable at exactly this instant. */
  validTo: Date | null;
}

/** voided and used win over the time window; then not yet valid, expired, usable. */
export function couponStatus(c: CouponValidityFacts, now: Date): CouponStatus {
  if (c.state === 'voided') return 'voided';
  if (c.state === 'used') return 'used';
  const t = now.getTime();
  if (c.validFrom && t < c.validFrom.getTime()) return 'not_yet_valid';
  if (c.validTo && t > c.validTo.getTime()) return 'expired';
  return 'usable';
}

export type Validity = { type: 'fixed'; from: Date; to: Date } | { type: 'relative'; days: number; startAfterDays?: number };

/**
 * The window of a coupon received at `receivedAt`. Relative validity runs from
 * receipt (or, with startAfterDays > 0, from the start of that many local days
 * later) to the end of local day (first day + days − 1) in the tenant's zone.
 * `to` is the last millisecond of that day, inclusive.
 */
export function computeValidity(validity: Validity, receivedAt: Date, timeZone: string): { from: Date; to: Date } {
  if (validity.type === 'fixed') return { from: new Date(validity.from.getTime()), to: new Date(validity.to.getTime()) };
  const { days } = validity;
  const after = validity.startAfterDays ?? 0;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`validity days must be a whole number ≥ 1, got ${days}`);
  if (!Number.isInteger(after) || after < 0) throw new RangeError(`startAfterDays must be a whole number ≥ 0, got ${after}`);
  const firstDay = addDays(localDateOf(receivedAt, timeZone), after);
  const from = after > 0 ? startOfLocalDay(firstDay, timeZone) : new Date(receivedAt.getTime());
  const to = new Date(startOfLocalDay(addDays(firstDay, days), timeZone).getTime() - 1);
  return { from, to };
}
