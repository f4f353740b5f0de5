// The QR payload quan issues for a member card or a coupon:
// `q1.<kind>.<tenant>.<ref>.<exp>.<sig>` with kind c (card id) or p (coupon
// code), exp in epoch seconds, sig the first 27 base64url characters of an
// HMAC-SHA256 over everything before it. Pure: the signing key is passed in.
import crypto from 'node:crypto';

export const QR_TTL_SEC = 120;

export type QrTarget = { kind: 'card'; tenantId: number; cardId: number } | { kind: 'coupon'; tenantId: number; code: string };

export interface IssuedQr {
  payload: string;
  expiresAt: Date;
}

export interface ParsedQr {
  /** The signed part. */
  body: string;
  kind: 'c' | 'p';
  tenant: string;
  ref: string;
  exp: number;
  sig: string;
}

export const signQr = (key: Buffer, body: string): string => crypto.createHmac('sha256', key).update(body).digest('base64url').slice(0, 27);

/** The unsigned body of a payload for `target`, valid until `exp` (epoch seconds). */
export function qrBody(target: QrTarget, exp: number): string {
  const ref = target.kind === 'card' ? String(target.cardId) : encodeURIComponent(target.code);
  return `q1.${target.kind === 'card' ? 'c' : 'p'}.${target.tenantId}.${ref}.${exp}`;
}

/** The parts of a payload of quan's shape (signature not yet checked), or null. */
export function parseQr(payload: string): ParsedQr | null {
  const m = /^q1\.([cp])\.(\d{1,15})\.([^.]{1,200})\.(\d{1,12})\.([A-Za-z0-9_-]{27})$/.exec(String(payload ?? '').trim());
  if (!m) return null;
  const [, kind, tenant, ref, exp, sig] = m as unknown as [string, 'c' | 'p', string, string, string, string];
  return { body: `q1.${kind}.${tenant}.${ref}.${exp}`, kind, tenant, ref, exp: Number(exp), sig };
}

export const sameSignature = (expected: string, sig: string): boolean => crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(sig));

/** The target a well-formed payload names; null when its card reference is not a number. */
export function qrTargetOf(p: ParsedQr): QrTarget | null {
  if (p.kind === 'c') return /^\d+$/.test(p.ref) ? { kind: 'card', tenantId: Number(p.tenant), cardId: Number(p.ref) } : null;
  return { kind: 'coupon', tenantId: Number(p.tenant), code: decodeURIComponent(p.ref) };
}
