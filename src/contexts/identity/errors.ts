// The failures of the identity context, by use-case. Identity owns the codes
// invalid_credentials and already_registered (no structured details); the
// other codes it returns are shared ones, so their details are not declared
// here (a code's details are one shape across the app): `invalid_input`
// carries `{ field }` where a field is to blame, `rate_limited` carries
// `{ retryAfterSec }` (see RetryAfter), a department still in use carries
// DepartmentUsage under `invalid_state`.
import { ErrorCode, fail, type DomainError, type Failure } from '../../kernel/result.ts';

/** The details of a throttled login or captcha. */
export interface RetryAfter {
  retryAfterSec: number;
}

export type StaffLoginFailure = 'rate_limited' | 'invalid_credentials';
export type ApiKeyCreateFailure = 'invalid_input';
export type ApiKeyRevokeFailure = 'not_found';

export type TenantCreateFailure = 'invalid_input' | 'conflict';
export type TenantSettingsFailure = 'invalid_input' | 'not_found';

export type StaffCreateFailure = 'invalid_input' | 'forbidden' | 'conflict';
export type StaffUpdateFailure = 'invalid_input' | 'forbidden' | 'not_found' | 'invalid_state';

export type StoreCreateFailure = 'invalid_input';
export type StoreUpdateFailure = 'invalid_input' | 'not_found';

export type DepartmentResolveFailure = 'invalid_input' | 'not_found';
export type DepartmentCreateFailure = 'invalid_input' | 'conflict';
export type DepartmentUpdateFailure = 'invalid_input' | 'not_found' | 'conflict';
export type DepartmentRemoveFailure = 'invalid_state' | 'not_found';

export type UserCreateFailure = 'invalid_input' | 'already_registered';

/** What checking a verification code (platform's messages.checkCode) can refuse. */
export type VerificationFailure = 'rate_limited' | 'invalid_input' | 'wrong_password';
export type ConsumerRegisterFailure = 'invalid_input' | 'not_found' | 'already_registered' | VerificationFailure;
export type ConsumerLoginFailure = 'rate_limited' | 'forbidden' | 'invalid_credentials' | 'not_found';
export type ConsumerResetFailure = 'invalid_input' | 'not_found' | VerificationFailure;
export type ConsumerBindFailure = 'invalid_input' | 'not_found' | 'already_registered' | VerificationFailure;
export type ProfileFailure = 'invalid_input' | 'not_found';

export type CaptchaCreateFailure = 'invalid_input' | 'rate_limited';
export type CaptchaCheckFailure = 'not_found' | 'wrong_password';

const VERIFICATION_CODES: readonly ErrorCode[] = [ErrorCode.rate_limited, ErrorCode.invalid_input, ErrorCode.wrong_password];
const isVerificationError = (e: DomainError): e is DomainError<VerificationFailure> => VERIFICATION_CODES.includes(e.code);

/**
 * A refused verification code under its own codes. platform's checkCode is
 * typed with every code but returns only these three; anything else would be
 * a new refusal, passed on as invalid input.
 */
export function verificationFailure(f: Failure): Failure<VerificationFailure> {
  return isVerificationError(f.error) ? { ok: false, error: f.error } : fail(ErrorCode.invalid_input, f.error.message);
}
