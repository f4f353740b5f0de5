import { hit, reached } from '../../cache/cache.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { digest, dummyPasswordHash, newToken, verifyStaffPassword } from '../../kernel/security.ts';
import { toStaff, type Staff, type StaffRow } from './staff.ts';
import type { Tenant } from './tenants.ts';

// Failed logins: 5 per account and 20 per IP in 15 minutes, then a pause.
export const LOGIN_LIMITS = { perAccount: 5, perIp: 20, windowSec: 15 * 60 };

export interface LoginResult {
  token: string;
  expiresAt: Date;
  staff: Staff;
  tenant: Tenant | null;
}

const API_KEY_PREFIX = 'qk_';

export function authService(deps: Deps, loadTenant: (id: number) => Promise<Tenant | null>) {
  const now = () => deps.now?.() ?? new Date();
  // Each request authenticates; a short in-process cache of token → principal
  // keeps the hot paths off the session table. Logout clears this process's
  // entry at once; other processes see it within CACHE_MS.
  const principalCache = new Map<string, { p: Principal; until: number }>();
  const CACHE_MS = 5_000;

  return {
    /** Checks a username/password pair under the login throttle. */
    async verifyCredentials(
      username: string,
      password: string,
      ip: string,
      check: (password: string, hash: string) => Promise<boolean> = verifyStaffPassword,
    ): Promise<Result<StaffRow>> {
      const acctKey = `login-fail:acct:${username.toLowerCase()}`;
      const ipKey = `login-fail:ip:${ip}`;
      for (const [key, limit] of [[acctKey, LOGIN_LIMITS.perAccount], [ipKey, LOGIN_LIMITS.perIp]] as const) {
        const r = await reached(deps.cache, key, limit);
        if (!r.allowed) {
          return fail(ErrorCode.rate_limited, `too many failed logins; try again in ${r.retryAfterSec} s`, {
            retryAfterSec: r.retryAfterSec,
          });
        }
      }
      const row = (
        await deps.db.query<StaffRow>('SELECT * FROM staff WHERE lower(username) = lower($1)', [username])
      ).rows[0];
      // Hash even for an unknown user so timing does not reveal which usernames exist.
      const good = row ? await check(password, row.password_hash) : (await check(password, await dummyPasswordHash()), false);
      if (!row || !good || row.disabled) {
        await hit(deps.cache, acctKey, LOGIN_LIMITS.perAccount, LOGIN_LIMITS.windowSec);
        await hit(deps.cache, ipKey, LOGIN_LIMITS.perIp, LOGIN_LIMITS.windowSec);
        return fail(ErrorCode.invalid_credentials, row?.disabled ? 'this account is disabled' : 'wrong username or password');
      }
      await deps.cache.del(acctKey);
      return ok(row);
    },

    /** Opens a session for a verified staff member. */
    async openSession(row: StaffRow): Promise<LoginResult> {
      const token = newToken();
      const expiresAt = new Date(now().getTime() + deps.config.sessionTtlHours * 3600_000);
      await deps.db.tx(async (q) => {
        await q.query(
          'INSERT INTO staff_sessions (token_hash, staff_id, tenant_id, expires_at) VALUES ($1, $2, $3, $4)',
          [digest(token), row.id, row.tenant_id, expiresAt],
        );
        await audit(q, row.tenant_id, null, { action: 'staff.login', targetType: 'staff', targetId: row.id });
      });
      const tenant = row.tenant_id === null ? null : await loadTenant(row.tenant_id);
      return { token, expiresAt, staff: toStaff(row), tenant };
    },

    async login(username: string, password: string, ip: string): Promise<Result<LoginResult>> {
      const v = await this.verifyCredentials(username, password, ip);
      if (!v.ok) return v;
      return ok(await this.openSession(v.value));
    },

    async logout(token: string): Promise<void> {
      principalCache.delete(token);
      await deps.db.query('UPDATE staff_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
        digest(token),
      ]);
    },

    /** Resolves a bearer token (staff session or tenant API key) to a principal. */
    async authenticate(token: string): Promise<Principal | null> {
      const cached = principalCache.get(token);
      if (cached && cached.until > Date.now()) return cached.p;
      let p: Principal | null = null;
      if (token.startsWith(API_KEY_PREFIX)) {
        const r = await deps.db.query<{ id: number; tenant_id: number }>(
          'SELECT id, tenant_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
          [digest(token)],
        );
        if (r.rows[0]) p = { kind: 'api_key', apiKeyId: r.rows[0].id, tenantId: r.rows[0].tenant_id, role: 'admin' };
      } else {
        const r = await deps.db.query<StaffRow & { expires_at: Date }>(
          `SELECT s.*, ss.expires_at FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
           WHERE ss.token_hash = $1 AND ss.revoked_at IS NULL AND ss.expires_at > $2 AND NOT s.disabled`,
          [digest(token), now()],
        );
        const row = r.rows[0];
        if (row) {
          p = {
            kind: 'staff',
            staffId: row.id,
            tenantId: row.tenant_id,
            role: row.role,
            username: row.username,
            storeIds: (row.store_ids ?? []).map(Number),
          };
        }
      }
      if (p) {
        if (principalCache.size > 10_000) principalCache.clear();
        principalCache.set(token, { p, until: Date.now() + CACHE_MS });
      }
      return p;
    },

    async createApiKey(tenantId: number, name: string, by: Principal): Promise<Result<{ id: number; key: string; prefix: string }>> {
      if (!name?.trim()) return fail(ErrorCode.invalid_input, 'name is required');
      const secret = newToken();
      const key = `${API_KEY_PREFIX}${secret}`;
      const prefix = key.slice(0, 10);
      return deps.db.tx(async (q) => {
        const r = await q.query<{ id: number }>(
          `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [tenantId, name.trim(), prefix, digest(key), by.kind === 'staff' ? by.staffId : null],
        );
        const id = r.rows[0]!.id;
        await audit(q, tenantId, by, { action: 'api_key.create', targetType: 'api_key', targetId: id, details: { name } });
        return ok({ id, key, prefix });
      });
    },

    async listApiKeys(tenantId: number) {
      const r = await deps.db.query<{ id: number; name: string; prefix: string; created_at: Date; revoked_at: Date | null }>(
        'SELECT id, name, prefix, created_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id',
        [tenantId],
      );
      return r.rows.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.created_at, revokedAt: k.revoked_at }));
    },

    /** Forgets this process's cached principals (after a staff member's role, stores, password or disabled flag change). */
    forgetPrincipals() {
      principalCache.clear();
    },

    async revokeApiKey(tenantId: number, id: number, by: Principal): Promise<Result<void>> {
      principalCache.clear();
      return deps.db.tx(async (q) => {
        const r = await q.query(
          'UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL',
          [tenantId, id],
        );
        if (r.rowCount === 0) return fail(ErrorCode.not_found, 'API key not found or already revoked');
        await audit(q, tenantId, by, { action: 'api_key.revoke', targetType: 'api_key', targetId: id });
        return ok(undefined);
      });
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
