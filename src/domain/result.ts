// Expected failures are values, not exceptions: every service returns a
// Result whose error carries a stable code. Each dialect maps the codes to its
// own numbers/statuses; nothing outside domain/ invents new codes.

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

export interface DomainError {
  code: ErrorCode;
  message: string;
  /** Extra facts a dialect may surface (e.g. the price for payment_needed). */
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: DomainError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(
  code: ErrorCode,
  message: string,
  details?: Record<string, unknown>,
): Result<T> => ({ ok: false, error: { code, message, ...(details ? { details } : {}) } });
