// Sessions and keys: what a login hands out (pure, no I/O).

/** A tenant API key as listed (the key itself is shown once, at creation). */
export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export const API_KEY_PREFIX = 'qk_';

export interface ConsumerSession {
  token: string;
  userId: number;
  expiresAt: Date;
}

export interface ConsumerPrincipal {
  tenantId: number;
  userId: number;
  /** The session's expiry. */
  expiresAt: Date;
}

export const CONSUMER_SESSION_DAYS = 30;

/**
 * Every bearer token names its tenant (issue 13): `<tenant>.<secret>`, API keys
 * `qk_<tenant>.<secret>`; the platform's own staff are tenant 0. A lookup then
 * reads one tenant's rows (one node on a distributed store), never all of them.
 */
export const routedToken = (tenantId: number, secret: string): string => `${tenantId}.${secret}`;

/** The tenant a token names, or null for anything not of that shape (refused unread). */
export function tenantOfToken(token: string): number | null {
  const m = /^(\d{1,15})\.[A-Za-z0-9_-]{16,200}$/.exec(token.startsWith(API_KEY_PREFIX) ? token.slice(API_KEY_PREFIX.length) : token);
  return m ? Number(m[1]) : null;
}
