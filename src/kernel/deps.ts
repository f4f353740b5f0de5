import type { Logger } from 'pino';
import type { Cache } from '../cache/cache.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/store.ts';

/** What every service is built from; no HTTP types cross this line. */
export interface Deps {
  db: Db;
  cache: Cache;
  log: Logger;
  config: Config;
  now?: () => Date;
}

export const STAFF_ROLES = ['owner', 'admin', 'operator', 'auditor', 'seller'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type Role = StaffRole | 'platform_admin';

/** Who is calling, once authenticated. */
export type Principal =
  | { kind: 'staff'; staffId: number; tenantId: number | null; role: Role; username: string; storeIds: number[] }
  | { kind: 'api_key'; apiKeyId: number; tenantId: number; role: 'admin' };

export function principalKey(p: Principal): string {
  return p.kind === 'staff' ? `staff:${p.staffId}` : `key:${p.apiKeyId}`;
}

/**
 * The platform's own rows (its admins, their sessions, audit records and
 * uploads) belong to tenant 0, which no request can name: every table keys by
 * tenant_id (issue 13). In the code a platform admin's tenant stays null.
 */
export const PLATFORM_TENANT = 0;
export const storedTenant = (tenantId: number | null): number => tenantId ?? PLATFORM_TENANT;
export const tenantOfStored = (stored: number): number | null => (stored === PLATFORM_TENANT ? null : stored);
