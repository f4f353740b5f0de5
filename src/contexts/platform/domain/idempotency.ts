// What a request with an Idempotency-Key finds when it begins, how a request
// is fingerprinted (a retry must send the same request), and what is kept of
// its answer: the key only as its digest, the answer sealed with a key derived
// from the Idempotency-Key, so the stored row alone reveals no reply.
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
  /** The answer as it was stored before answers were sealed (kept until it expires). */
  response: unknown;
  sealed: Uint8Array | null;
  committed: boolean;
  expiresAt: Date;
}

export function requestHash(method: string, url: string, body: unknown): string {
  return crypto
    .createHash('sha256')
    .update(`${method} ${url}\n${JSON.stringify(body ?? null)}`)
    .digest('hex');
}

/** How a key is stored: its SHA-256, never the key itself (the key opens the sealed answer). */
export function keyDigest(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Past its expiry a key is forgotten: never replayed, free for a new request. */
export const isExpired = (k: Pick<StoredKey, 'expiresAt'>, now: Date): boolean => k.expiresAt.getTime() <= now.getTime();

const sealKey = (key: string, scope: string) => crypto.createHmac('sha256', key).update(`quan idempotency answer\n${scope}`).digest();

/** The answer body, encrypted (AES-256-GCM) under the Idempotency-Key: iv | tag | ciphertext. */
export function sealAnswer(key: string, scope: string, body: unknown): Buffer {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', sealKey(key, scope), iv);
  const ct = Buffer.concat([c.update(JSON.stringify(body ?? null), 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), ct]);
}

/** The sealed body, or undefined when it does not open under this key (never for a key that found its own row). */
export function openAnswer(key: string, scope: string, sealed: Uint8Array): unknown {
  const b = Buffer.from(sealed);
  try {
    const d = crypto.createDecipheriv('aes-256-gcm', sealKey(key, scope), b.subarray(0, 12));
    d.setAuthTag(b.subarray(12, 28));
    return JSON.parse(Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** What a request finds in a live key another attempt holds; null: the key may be taken over if stale. */
export function beginOnExisting(k: StoredKey, hash: string, body: () => unknown): IdempotencyBegin | null {
  if (k.requestHash !== hash) return { state: 'mismatch' };
  if (k.statusCode !== null) {
    const replayed = k.sealed ? body() : k.response;
    // An answer that cannot be opened is as good as lost: the work happened, the reply is gone.
    return replayed === undefined ? { state: 'committed_unanswered' } : { state: 'replay', statusCode: k.statusCode, body: replayed };
  }
  if (k.committed) return { state: 'committed_unanswered' };
  return null;
}
