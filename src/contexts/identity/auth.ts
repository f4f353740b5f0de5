// Staff authentication: credentials under a login throttle, sessions, and the
// bearer token (staff session or tenant API key) → principal lookup.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit, guessLimiter, tooManyTries, type GuessLimit, type GuessLimiter } from '../platform/index.ts';
import { storedTenant, type Deps, type Principal } from '../../kernel/deps.ts';
import { digest, dummyPasswordHash, newToken, verifyStaffPassword, verifyStaffPasswordMd5 } from '../../kernel/security.ts';
import { apiKeyUseCases } from './api-keys.ts';
import { API_KEY_PREFIX, routedToken, tenantOfToken } from './domain/session.ts';
import type { Staff } from './domain/staff.ts';
import type { Tenant } from './domain/tenant.ts';
import type { StaffLoginFailure } from './errors.ts';
import { principalCache } from './session-cache.ts';
import * as sessions from './repo/sessions.repo.ts';
import { staffCredentials } from './repo/staff.repo.ts';

// Login tries: 5 wrong ones per account and 20 per IP in 15 minutes, then a pause.
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

/**
 * The login's counters: the account (by its id once the lookup has found it,
 * so no spelling of the name the lookup accepts gets its own counter; by the
 * name as looked up when nobody has it) and the caller's IP. Usernames are
 * platform-wide, so both are tenant 0.
 */
function staffLoginLimits(staffId: number | null, username: string, ip: string): [GuessLimit, GuessLimit] {
  const w = LOGIN_LIMITS.windowSec;
  const account = staffId !== null ? `staff-login:id:${staffId}` : `staff-login:name:${username.toLowerCase()}`;
  return [
    { tenantId: 0, key: account, limit: LOGIN_LIMITS.perAccount, windowSec: w },
    { tenantId: 0, key: `staff-login:ip:${ip}`, limit: LOGIN_LIMITS.perIp, windowSec: w },
  ];
}

/**
 * Checks a username/password pair under the login limits: a try is reserved
 * on the account and the IP before the password is compared, so parallel
 * tries never get more comparisons than the limit. A right password clears
 * the account's failures and gives the IP its try back.
 */
async function verifyStaffCredentials(
  deps: Deps,
  guesses: GuessLimiter,
  username: string,
  password: string,
  ip: string,
  check: PasswordCheck = verifyStaffPassword,
): Promise<Result<Staff, StaffLoginFailure>> {
  const found = await staffCredentials(deps.db, username);
  const [account, perIp] = staffLoginLimits(found?.staff.id ?? null, username, ip);
  const t = await guesses.reserve([account, perIp]);
  if (!t.allowed) return tooManyTries('failed logins', t.retryAfterSec);
  // Hash even for an unknown user so timing does not reveal which usernames exist.
  const good = found ? await check(password, found.passwordHash) : (await check(password, await dummyPasswordHash()), false);
  if (!found || !good || found.staff.disabled) {
    await t.wrong();
    return fail(ErrorCode.invalid_credentials, found?.staff.disabled ? 'this account is disabled' : 'wrong username or password');
  }
  await t.right([account]);
  return ok(found.staff);
}

export function authService(deps: Deps, loadTenant: (id: number) => Promise<Tenant | null>) {
  const now = () => deps.now?.() ?? new Date();
  const guesses = guessLimiter(deps);
  // Each request authenticates; the cache never outlives a revocation in any process (session-cache.ts).
  const principals = principalCache<Principal>(deps, 'staff');
  // Kept for callers that do not wait: staff.update and key revocation publish the revocation themselves.
  const forgetPrincipals = (): void => {
    principals.revoked().catch((e: unknown) => deps.log.warn({ err: e }, 'could not publish a session revocation'));
  };

  /** Opens a session for a verified staff member. */
  async function openSession(staff: Staff): Promise<LoginResult> {
    const token = routedToken(storedTenant(staff.tenantId), newToken());
    const expiresAt = new Date(now().getTime() + deps.config.sessionTtlHours * 3600_000);
    await deps.db.tx(async (q) => {
      await sessions.insertStaffSession(q, { tokenHash: digest(token), staffId: staff.id, tenantId: staff.tenantId, expiresAt });
      await audit(q, staff.tenantId, null, { action: 'staff.login', targetType: 'staff', targetId: staff.id });
    });
    const tenant = staff.tenantId === null ? null : await loadTenant(staff.tenantId);
    return { token, expiresAt, staff, tenant };
  }

  async function principalOf(token: string): Promise<Principal | null> {
    const tenant = tenantOfToken(token);
    if (tenant === null) return null;
    if (token.startsWith(API_KEY_PREFIX)) {
      const k = await sessions.apiKeyByHash(deps.db, tenant, digest(token));
      return k ? { kind: 'api_key', apiKeyId: k.id, tenantId: k.tenantId, role: 'admin' } : null;
    }
    const s = await sessions.staffOfSession(deps.db, tenant, digest(token), now());
    return s ? { kind: 'staff', staffId: s.id, tenantId: s.tenantId, role: s.role, username: s.username, storeIds: s.storeIds } : null;
  }

  return {
    verifyCredentials: (username: string, password: string, ip: string, check?: PasswordCheck) =>
      verifyStaffCredentials(deps, guesses, username, password, ip, check),
    openSession,

    async login(username: string, password: string, ip: string): Promise<Result<LoginResult, StaffLoginFailure>> {
      const v = await verifyStaffCredentials(deps, guesses, username, password, ip);
      if (!v.ok) return v;
      return ok(await openSession(v.value));
    },

    /** Ends the session; no process accepts its token after this returns. */
    async logout(token: string): Promise<void> {
      const tenant = tenantOfToken(token);
      if (tenant !== null) await sessions.revokeStaffSession(deps.db, tenant, digest(token));
      await principals.revoked();
    },

    /** Resolves a bearer token (staff session or tenant API key) to a principal. */
    authenticate: (token: string): Promise<Principal | null> => principals.get(token, () => principalOf(token)),

    /** Stops every process serving cached principals (staff.update does it itself after a change). */
    forgetPrincipals,

    ...apiKeyUseCases(deps, principals.revoked),
  };
}

export type AuthService = ReturnType<typeof authService>;
