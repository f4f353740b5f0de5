// What a request with an Idempotency-Key finds when it begins, and how a
// request is fingerprinted (a retry must send the same request).
import crypto from 'node:crypto';

export type IdempotencyBegin =
  | { state: 'new'; attempt: string }
  | { state: 'replay'; statusCode: number; body: unknown }
  | { state: 'in_flight' }
  | { state: 'committed_unanswered' }
  | { state: 'mismatch' };

/** A key with no answer and no committed work for this long belongs to a dead attempt. */
export const STALE_SEC = 120;

/** The stored state of a key, as far as a new request with it is concerned. */
export interface StoredKey {
  requestHash: string;
  statusCode: number | null;
  response: unknown;
  committed: boolean;
}

export function requestHash(method: string, url: string, body: unknown): string {
  return crypto
    .createHash('sha256')
    .update(`${method} ${url}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/** What a request finds in a key another attempt holds; null: the key may be taken over if stale. */
export function beginOnExisting(k: StoredKey, hash: string): IdempotencyBegin | null {
  if (k.requestHash !== hash) return { state: 'mismatch' };
  if (k.statusCode !== null) return { state: 'replay', statusCode: k.statusCode, body: k.response };
  if (k.committed) return { state: 'committed_unanswered' };
  return null;
}
