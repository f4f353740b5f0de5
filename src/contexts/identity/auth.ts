// Staff authentication: credentials under a login throttle, sessions, and the
// bearer token (staff session or tenant API key) → principal lookup.
import { hit, reached } from '../../cache/cache.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { digest, dummyPasswordHash, newToken, verifyStaffPassword, verifyStaffPasswordMd5 } from '../../kernel/security.ts';
import { apiKeyUseCases } from './api-keys.ts';
import { API_KEY_PREFIX } from './domain/session.ts';
import type { Staff } from './domain/staff.ts';
import type { Tenant } from './domain/tenant.ts';
import type { StaffLoginFailure } from './errors.ts';
import * as sessions from './repo/sessions.repo.ts';
import { staffCredentials } from './repo/staff.repo.ts';

// Failed logins: 5 per account and 20 per IP in 15 minutes, then a pause.
export const LOGIN_LIMITS = { perAccount: 5, perIp: 20, windowSec: 15 * 60 };

export interface LoginResult {
  token: string;
  expiresAt: Date;
  staff: Staff;
  tenant: Tenant | null;
}

/** How a login's password is checked against the stored hash. */
export type PasswordCheck = (password: string, hash: string) => Promise<boolean>;

/**
 * The check of the seller and portal back offices: the password in clear,
 * or (older clients) MD5(password) as 32 hex digits.
 */
export const verifyStaffPasswordOrMd5: PasswordCheck = async (password, hash) =>
  (await verifyStaffPassword(password, hash)) || (/^[0-9a-fA-F]{32}$/.test(password) && (await verifyStaffPasswordMd5(password, hash)));

/** Checks a username/password pair under the login throttle. */
async function verifyStaffCredentials(
  deps: Deps,
  username: string,
  password: string,
  ip: string,
  check: PasswordCheck = verifyStaffPassword,
): Promise<Result<Staff, StaffLoginFailure>> {
  const acctKey = `login-fail:acct:${username.toLowerCase()}`;
  const ipKey = `login-fail:ip:${ip}`;
  for (const [key, limit] of [
    [acctKey, LOGIN_LIMITS.perAccount],
    [ipKey, LOGIN_LIMITS.perIp],
  ] as const) {
    const r = await reached(deps.cache, key, limit);
    if (!r.allowed) {
      return fail(ErrorCode.rate_limited, `too many failed logins; try again in ${r.retryAfterSec} s`, {
        retryAfterSec: r.retryAfterSec,
      });
    }
  }
  const found = await staffCredentials(deps.db, username);
  // Hash even for an unknown user so timing does not reveal which usernames exist.
  const good = found ? await check(password, found.passwordHash) : (await check(password, await dummyPasswordHash()), false);
  if (!found || !good || found.staff.disabled) {
    await hit(deps.cache, acctKey, LOGIN_LIMITS.perAccount, LOGIN_LIMITS.windowSec);
    await hit(deps.cache, ipKey, LOGIN_LIMITS.perIp, LOGIN_LIMITS.windowSec);
    return fail(ErrorCode.invalid_credentials, found?.staff.disabled ? 'this account is disabled' : 'wrong username or password');
  }
  await deps.cache.del(acctKey);
  return ok(found.staff);
}

export function authService(deps: Deps, loadTenant: (id: number) => Promise<Tenant | null>) {
  const now = () => deps.now?.() ?? new Date();
  // Each request authenticates; a short in-process cache of token → principal
  // keeps the hot paths off the session table. Logout clears this process's
  // entry at once; other processes see it within CACHE_MS.
  const principalCache = new Map<string, { p: Principal; until: number }>();
  const CACHE_MS = 5_000;
  const forgetPrincipals = () => principalCache.clear();

  /** Opens a session for a verified staff member. */
  async function openSession(staff: Staff): Promise<LoginResult> {
    const token = newToken();
    const expiresAt = new Date(now().getTime() + deps.config.sessionTtlHours * 3600_000);
    await deps.db.tx(async (q) => {
      await sessions.insertStaffSession(q, { tokenHash: digest(token), staffId: staff.id, tenantId: staff.tenantId, expiresAt });
      await audit(q, staff.tenantId, null, { action: 'staff.login', targetType: 'staff', targetId: staff.id });
    });
    const tenant = staff.tenantId === null ? null : await loadTenant(staff.tenantId);
    return { token, expiresAt, staff, tenant };
  }

  async function principalOf(token: string): Promise<Principal | null> {
    if (token.startsWith(API_KEY_PREFIX)) {
      const k = await sessions.apiKeyByHash(deps.db, digest(token));
      return k ? { kind: 'api_key', apiKeyId: k.id, tenantId: k.tenantId, role: 'admin' } : null;
    }
    const s = await sessions.staffOfSession(deps.db, digest(token), now());
    return s ? { kind: 'staff', staffId: s.id, tenantId: s.tenantId, role: s.role, username: s.username, storeIds: s.storeIds } : null;
  }

  return {
    verifyCredentials: (username: string, password: string, ip: string, check?: PasswordCheck) =>
      verifyStaffCredentials(deps, username, password, ip, check),
    openSession,

    async login(username: string, password: string, ip: string): Promise<Result<LoginResult, StaffLoginFailure>> {
      const v = await verifyStaffCredentials(deps, username, password, ip);
      if (!v.ok) return v;
      return ok(await openSession(v.value));
    },

    async logout(token: string): Promise<void> {
      principalCache.delete(token);
      await sessions.revokeStaffSession(deps.db, digest(token));
    },

    /** Resolves a bearer token (staff session or tenant API key) to a principal. */
    async authenticate(token: string): Promise<Principal | null> {
      const cached = principalCache.get(token);
      if (cached && cached.until > Date.now()) return cached.p;
      const p = await principalOf(token);
      if (p) {
        if (principalCache.size > 10_000) principalCache.clear();
        principalCache.set(token, { p, until: Date.now() + CACHE_MS });
      }
      return p;
    },

    /** Forgets this process's cached principals (after a staff member's role, stores, password or disabled flag change). */
    forgetPrincipals,

    ...apiKeyUseCases(deps, forgetPrincipals),
  };
}

export type AuthService = ReturnType<typeof authService>;
