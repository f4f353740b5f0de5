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
