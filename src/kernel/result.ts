// Expected failures are values, not exceptions: every use-case returns a
// Result whose error carries a stable code. Each dialect maps the codes to its
// own numbers/statuses; nothing outside the contexts invents new codes.
//
// A use-case names the codes it can return: `Result<Coupon, 'not_found' | 'sold_out'>`.
// Details are typed per code: a context that gives a code structured details
// declares them by merging into `ErrorDetails` (see e.g. contexts/commerce/errors.ts),
// so a dialect reads `error.details.reason` with its type, never by matching text.

export const ErrorCode = {
  // generic
  invalid_input: 'invalid_input',
  not_found: 'not_found',
  conflict: 'conflict',
  forbidden: 'forbidden',
  unauthenticated: 'unauthenticated',
  rate_limited: 'rate_limited',
  invalid_state: 'invalid_state',
  // accounts
  invalid_credentials: 'invalid_credentials',
  already_registered: 'already_registered',
  // claiming / issuing
  sold_out: 'sold_out',
  not_started: 'not_started',
  ended: 'ended',
  per_user_limit: 'per_user_limit',
  wrong_password: 'wrong_password',
  not_enough_points: 'not_enough_points',
  payment_needed: 'payment_needed',
  sign_in_days_needed: 'sign_in_days_needed',
  audience_mismatch: 'audience_mismatch',
  // using coupons
  coupon_used: 'coupon_used',
  coupon_expired: 'coupon_expired',
  coupon_not_yet_valid: 'coupon_not_yet_valid',
  coupon_voided: 'coupon_voided',
  coupon_not_eligible: 'coupon_not_eligible',
  wrong_store: 'wrong_store',
  already_rolled_back: 'already_rolled_back',
  // money
  insufficient_balance: 'insufficient_balance',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Structured details per error code. Empty here: each context adds the codes
 * whose details it shapes, by declaration merging in its errors.ts:
 *   declare module '../../kernel/result.ts' { interface ErrorDetails { payment_needed: { priceFen: number } } }
 * A code not listed carries free-form details.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ErrorDetails {}

export type DetailsOf<C extends ErrorCode> = C extends keyof ErrorDetails ? ErrorDetails[C] : Record<string, unknown>;

/** One failure; for a union of codes, a union of failures (so `details` narrows by `code`). */
export type DomainError<C extends ErrorCode = ErrorCode> = C extends ErrorCode
  ? { code: C; message: string; details?: DetailsOf<C> }
  : never;

export type Failure<C extends ErrorCode = ErrorCode> = { ok: false; error: DomainError<C> };
export type Result<T, C extends ErrorCode = ErrorCode> = { ok: true; value: T } | Failure<C>;

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

export function fail<C extends ErrorCode>(code: C, message: string, details?: DetailsOf<C>): Failure<C> {
  return { ok: false, error: { code, message, ...(details ? { details } : {}) } as DomainError<C> };
}

/** Passes a failure on under a wider result type (a failure carries no value). */
export const passOn = <C extends ErrorCode>(r: Failure<C>): Failure<C> => r;
