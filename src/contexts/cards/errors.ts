// The cards context's failures. Codes are the shared ones (kernel/result.ts);
// the structured details of a few stay as they are on the wire (the native
// problem+json spreads them), typed here for the dialects that read them.
import { ErrorCode, type DomainError } from '../../kernel/result.ts';
import type { CardPermission } from '../identity/index.ts';

/** What a not_found is about (the 礼遇圈 client answers "user not found" with its own code). */
export type MissingThing = 'user' | 'card' | 'event' | 'template';
export interface NotFoundDetails {
  what: MissingThing;
}

/** A refused refund SMS code (wrong_password / rate_limited / invalid_input). */
export interface SmsCodeDetails {
  field: 'code';
  sms: true;
}

export interface PermissionDetails {
  permission: CardPermission;
}

/** The thing a not_found names, if it names one. */
export function missingThing(e: DomainError): MissingThing | null {
  if (e.code !== ErrorCode.not_found) return null;
  const d = e.details as Partial<NotFoundDetails> | undefined;
  return d?.what ?? null;
}

/** Whether a failure is about the refund SMS code. */
export function isSmsCodeFailure(e: DomainError): boolean {
  return (e.details as Partial<SmsCodeDetails> | undefined)?.sms === true;
}

/** The codes the card use-cases return. */
export type PasswordCode = 'not_found' | 'forbidden' | 'rate_limited' | 'wrong_password';
export type RefundCode =
  | 'not_found'
  | 'forbidden'
  | 'invalid_input'
  | 'invalid_state'
  | 'insufficient_balance'
  | 'already_rolled_back'
  | 'wrong_password'
  | 'rate_limited';
