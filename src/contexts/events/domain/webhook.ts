// Webhook rules: the signature a receiver checks, the retry schedule, when an
// endpoint gives up, and which addresses an endpoint may point at.
import crypto from 'node:crypto';
import net from 'node:net';
import { isEventType, type EventType } from './events.ts';

/** Retries go on for a day after the event was fanned out; then the delivery has failed. */
export const RETRY_WINDOW_MS = 24 * 3600_000;
/** An endpoint whose deliveries failed (all their retries) this many times in a row is disabled. */
export const DISABLE_AFTER_FAILED_DELIVERIES = 5;
/** How much of a receiver's answer the delivery log keeps. */
export const RESPONSE_EXCERPT_CHARS = 1000;
export const SECRET_PREFIX = 'whsec_';

/** Delay before retry number `attempt + 1` after `attempt` failed attempts: 30 s doubling, at most 4 h. */
export function backoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 4 * 3600_000);
}

/** After a failed attempt: when to try again, or null when the retry window has closed. */
export function nextAttemptAfterFailure(attempts: number, at: Date, giveUpAt: Date): Date | null {
  const next = new Date(at.getTime() + backoffMs(attempts));
  return next.getTime() > giveUpAt.getTime() ? null : next;
}

/**
 * The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The key is the secret string as given on creation (whsec_…), UTF-8.
 */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** What a receiver does (documented in README): recompute and compare in constant time, reject old timestamps. */
export function verifySignature(secret: string, body: string, header: string, nowSec: number, toleranceSec = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSec - t) > toleranceSec || !parts.v1) return false;
  const want = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const got = Buffer.from(parts.v1, 'hex');
  return got.length === want.length && crypto.timingSafeEqual(got, want);
}

export const newSigningSecret = (): string => `${SECRET_PREFIX}${crypto.randomBytes(24).toString('base64url')}`;

/** Sealed at rest (AES-256-GCM): iv | tag | ciphertext, base64. */
export function sealSecret(key: Buffer, secret: string): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(secret, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
}

export function openSecret(key: Buffer, sealed: string): string {
  const b = Buffer.from(sealed, 'base64');
  const d = crypto.createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
  d.setAuthTag(b.subarray(12, 28));
  return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
}

/** Loopback, private, link-local, CGNAT, unspecified, multicast and reserved ranges: never a merchant's server. */
export function isPrivateAddress(ip: string): boolean {
  const v4 = net.isIPv4(ip) ? ip : /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (v4) {
    const [a, b] = v4.split('.').map(Number) as [number, number];
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 198 && (b === 18 || b === 19)) ||
      a >= 224
    );
  }
  const x = ip.toLowerCase();
  return x === '::' || x === '::1' || /^f[cd]/.test(x) || /^fe[89ab]/.test(x) || x.startsWith('ff');
}

export type UrlProblem = { field: 'url'; message: string };

/** An endpoint URL: absolute http(s), no credentials in it, a literal address not private (unless allowed). */
export function checkEndpointUrl(raw: string, allowPrivate: boolean): URL | UrlProblem {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { field: 'url', message: 'url must be an absolute http(s) URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { field: 'url', message: 'url must use http or https' };
  if (url.username || url.password) return { field: 'url', message: 'url must not carry a user name or password' };
  if (raw.length > 2000) return { field: 'url', message: 'url is too long (at most 2000 characters)' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (net.isIP(host) && isPrivateAddress(host)))) {
    return { field: 'url', message: 'url must not point at a loopback or private address' };
  }
  return url;
}

/** The event types an endpoint asks for; empty means all. */
export function checkEventTypes(types: string[] | undefined): EventType[] | { field: 'eventTypes'; message: string } {
  const list = [...new Set(types ?? [])];
  const bad = list.find((t) => !isEventType(t));
  return bad === undefined ? (list as EventType[]) : { field: 'eventTypes', message: `unknown event type "${bad}"` };
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookEndpoint {
  id: number;
  url: string;
  description: string;
  eventTypes: EventType[];
  secretPrefix: string;
  enabled: boolean;
  disabledReason: string | null;
  failureStreak: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDelivery {
  id: number;
  endpointId: number;
  eventId: string;
  eventType: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  responseExcerpt: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
}

export interface WebhookAttempt {
  attempt: number;
  status: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
  attemptedAt: Date;
}
