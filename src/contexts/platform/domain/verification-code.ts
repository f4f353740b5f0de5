// One-time numeric verification codes: made from a CSPRNG, stored salted and
// hashed, compared in constant form. The limits every code lives under.
import crypto from 'node:crypto';

/** Limits on verification codes: one a minute per recipient, a daily cap, 5 tries, 10 minutes to live. */
export const CODE_LIMITS = { perMinute: 1, perDay: 10, attempts: 5, ttlSec: 600 };

const digestCode = (id: string, code: string) => crypto.createHash('sha256').update(`quan-verify:${id}:${code}`).digest('hex');

/** A fresh six-digit code. */
export const newCode = (): string => String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');

/** The stored form of a code: `salt:digest`. */
export function hashCode(code: string): string {
  const salt = crypto.randomBytes(8).toString('hex');
  return `${salt}:${digestCode(salt, code)}`;
}

/** Whether `code` is the one stored as `stored` (`salt:digest`). */
export function codeMatches(stored: string, code: unknown): boolean {
  const [salt, hash] = stored.split(':') as [string, string];
  return digestCode(salt, String(code ?? '')) === hash;
}

export const codeText = (label: string, code: string): string =>
  `[${label}] Your verification code is ${code}. It expires in ${CODE_LIMITS.ttlSec / 60} minutes.`;
