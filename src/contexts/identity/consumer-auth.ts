// Consumer sessions (the people who claim and spend coupons, not staff):
// register by mobile / username / email with a password (mobile and email
// need a verification code), log in under a throttle, check and revoke
// tokens, reset passwords and bind identifiers. Tokens are random 256-bit
// values stored as SHA-256 digests in user_sessions and expire.
import { hit, reached } from '../../cache/cache.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import type { MessageService } from '../platform/index.ts';
import { digest, dummyPasswordHash, hashPassword, newToken, verifyPassword } from '../../kernel/security.ts';
import { bindByReferralIn, bindBySellerAccountIn, sellerByReferral } from '../sellers/index.ts';
import { RollbackWith } from './tenants.ts';
import { insertUser, MOBILE_RE, SOURCE_RE, toUser, type CreateUserInput, type User, type UserRow } from './users.ts';

/** Failed consumer logins: 5 per account and 30 per IP in 15 minutes. */
export const CONSUMER_LOGIN_LIMITS = { perAccount: 5, perIp: 30, windowSec: 15 * 60 };
export const CONSUMER_SESSION_DAYS = 30;

export type LoginKind = 'mobile' | 'username' | 'email';

export interface ConsumerSession {
  token: string;
  userId: number;
  expiresAt: Date;
}

export interface ConsumerProfile extends UserRow {
  gender: number;
  province: string | null;
  city: string | null;
  birthday: string | null;
  ext_json: Record<string, unknown> | null;
}

export interface ProfileInput {
  nick?: string | null;
  avatarUrl?: string | null;
  gender?: number | null;
  province?: string | null;
  city?: string | null;
  birthday?: string | null;
  extJsonStr?: string | null;
}

export interface ConsumerPrincipal {
  tenantId: number;
  userId: number;
  /** The session's expiry. */
  expiresAt: Date;
}

/**
 * The purpose of consumer verification codes. apifm's sms/get and mail/get do
 * not say what a code is for, so one purpose serves register, reset and bind.
 */
export const CONSUMER_CODE_PURPOSE = 'consumer';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function consumerAuthService(deps: Deps, messages: MessageService) {
  const now = () => deps.now?.() ?? new Date();
  const cache = new Map<string, { p: ConsumerPrincipal; until: number }>();
  const CACHE_MS = 5_000;

  const channelOf = (kind: LoginKind): 'sms' | 'email' | null => (kind === 'mobile' ? 'sms' : kind === 'email' ? 'email' : null);

  const findRow = async (tenantId: number, kind: LoginKind, id: string): Promise<UserRow | null> => {
    const col = kind === 'mobile' ? 'mobile = $2' : kind === 'username' ? 'lower(username) = lower($2)' : 'lower(email) = lower($2)';
    const r = await deps.db.query<UserRow>(`SELECT * FROM users WHERE tenant_id = $1 AND ${col} LIMIT 1`, [tenantId, id]);
    return r.rows[0] ?? null;
  };

  const validId = (kind: LoginKind, id: string): string | null => {
    if (kind === 'mobile' && !MOBILE_RE.test(id)) return 'mobile must be 6-15 digits';
    if (kind === 'email' && !EMAIL_RE.test(id)) return 'email is not a valid address';
    if (kind === 'username' && !/^[A-Za-z0-9_.-]{3,64}$/.test(id)) return 'username must be 3-64 characters of letters, digits, _ . -';
    return null;
  };

  return {
    /** The user's row with the profile fields of migration 006. */
    async profile(tenantId: number, userId: number): Promise<ConsumerProfile | null> {
      const r = await deps.db.query<ConsumerProfile>('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
      return r.rows[0] ?? null;
    },

    /**
     * The user's member level: the highest of the tenant's levels (user_levels)
     * whose upgrade amount the user's total spending has reached; level 0
     * "普通会员" when none applies. canUpgrade: a higher level exists.
     */
    async level(tenantId: number, consumed: number): Promise<{ id: number; level: number; name: string; canUpgrade: boolean; nextUpgradeAmount: number | null }> {
      const r = await deps.db.query<{ id: number; level: number; name: string; upgrade_amount: number }>(
        'SELECT id, level, name, upgrade_amount FROM user_levels WHERE tenant_id = $1 ORDER BY level',
        [tenantId],
      );
      let cur: { id: number; level: number; name: string } = { id: 0, level: 0, name: '普通会员' };
      for (const l of r.rows) if (Number(l.upgrade_amount) <= consumed && l.level >= cur.level) cur = { id: l.id, level: l.level, name: l.name };
      const next = r.rows.find((l) => l.level > cur.level);
      return { ...cur, canUpgrade: !!next, nextUpgradeAmount: next ? Number(next.upgrade_amount) : null };
    },

    /** Changes the fields given (null/undefined = keep). */
    async modify(tenantId: number, userId: number, f: ProfileInput): Promise<Result<void>> {
      if (f.nick != null && f.nick.length > 64) return fail(ErrorCode.invalid_input, 'nick is at most 64 characters');
      if (f.avatarUrl != null && f.avatarUrl.length > 1000) return fail(ErrorCode.invalid_input, 'avatarUrl is too long');
      if (f.gender != null && ![0, 1, 2].includes(f.gender)) return fail(ErrorCode.invalid_input, 'gender is 0, 1 or 2');
      let ext: string | null = null;
      if (f.extJsonStr != null) {
        try {
          const v: unknown = JSON.parse(f.extJsonStr);
          if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
          ext = JSON.stringify(v);
        } catch {
          return fail(ErrorCode.invalid_input, 'extJsonStr must be a JSON object');
        }
      }
      const r = await deps.db.query(
        `UPDATE users SET nick = COALESCE($3, nick), avatar = COALESCE($4, avatar), gender = COALESCE($5, gender),
           province = COALESCE($6, province), city = COALESCE($7, city), birthday = COALESCE($8, birthday),
           ext_json = COALESCE(ext_json, '{}'::jsonb) || COALESCE($9::jsonb, '{}'::jsonb)
         WHERE tenant_id = $1 AND id = $2`,
        [tenantId, userId, f.nick ?? null, f.avatarUrl ?? null, f.gender ?? null, f.province ?? null, f.city ?? null, f.birthday ?? null, ext],
      );
      return r.rowCount === 1 ? ok(undefined) : fail(ErrorCode.not_found, 'user not found');
    },

    /** Opens a session for a user (after a registration or a verified login). */
    async openSession(tenantId: number, userId: number): Promise<ConsumerSession> {
      const token = newToken();
      const expiresAt = new Date(now().getTime() + CONSUMER_SESSION_DAYS * 86400_000);
      await deps.db.query('INSERT INTO user_sessions (token_hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, $4)', [
        digest(token),
        userId,
        tenantId,
        expiresAt,
      ]);
      return { token, userId, expiresAt };
    },

    /** The live session behind a token in this tenant, or null (unknown, expired, revoked, disabled user). */
    async authenticate(tenantId: number, token: string): Promise<ConsumerPrincipal | null> {
      if (!token || token.length > 200) return null;
      const cached = cache.get(token);
      if (cached && cached.until > Date.now() && cached.p.tenantId === tenantId) return cached.p;
      const r = await deps.db.query<{ user_id: number; expires_at: Date }>(
        `SELECT s.user_id, s.expires_at FROM user_sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.tenant_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 AND NOT u.disabled`,
        [digest(token), tenantId, now()],
      );
      const row = r.rows[0];
      if (!row) return null;
      const p: ConsumerPrincipal = { tenantId, userId: row.user_id, expiresAt: row.expires_at };
      if (cache.size > 10_000) cache.clear();
      cache.set(token, { p, until: Date.now() + CACHE_MS });
      return p;
    },

    async logout(tenantId: number, token: string): Promise<void> {
      cache.delete(token);
      await deps.db.query('UPDATE user_sessions SET revoked_at = now() WHERE token_hash = $1 AND tenant_id = $2 AND revoked_at IS NULL', [
        digest(token),
        tenantId,
      ]);
    },

    /**
     * Registers a consumer. Mobile and email registrations need the code sent
     * to that address (purpose "register"); a username needs none. A seller's
     * referral code, or a referrer who is a seller's own consumer account,
     * binds the new consumer to that seller in the same transaction.
     */
    async register(
      tenantId: number,
      kind: LoginKind,
      input: {
        id: string;
        password: string;
        code?: string;
        nick?: string | null;
        referrerId?: number | null;
        source?: string | null;
        /** A seller's referral code (seller_profiles.referral_code). */
        referralCode?: string | null;
      },
    ): Promise<Result<User>> {
      const id = input.id.trim();
      const bad = validId(kind, id);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      if (!input.password || input.password.length < 6) return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
      const source = input.source?.trim() || null;
      if (source !== null && !SOURCE_RE.test(source)) return fail(ErrorCode.invalid_input, 'source must be 1-32 letters, digits, _ . : -');
      const referralCode = input.referralCode?.trim() || null;
      if (referralCode !== null && (await sellerByReferral(deps.db, tenantId, referralCode)) === null) {
        return fail(ErrorCode.not_found, `no seller with referral code ${referralCode}`, { field: 'referralCode' });
      }
      if (await findRow(tenantId, kind, id)) return fail(ErrorCode.already_registered, `this ${kind} is already registered`);
      const channel = channelOf(kind);
      if (channel) {
        if (!input.code) return fail(ErrorCode.invalid_input, 'the verification code is required');
        const c = await messages.checkCode(tenantId, channel, id, CONSUMER_CODE_PURPOSE, input.code, true);
        if (!c.ok) return c;
      }
      let referrerId: number | null = null;
      if (input.referrerId) {
        const ref = await deps.db.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, input.referrerId]);
        if (ref.rows.length) referrerId = input.referrerId;
      }
      const fields: CreateUserInput = {
        [kind]: id,
        password: input.password,
        nick: input.nick ?? null,
        referrerId,
        source,
      };
      try {
        return await deps.db.tx(async (q) => {
          const u = await insertUser(q, tenantId, fields);
          if (!u.ok) return u;
          const bound = referralCode
            ? await bindByReferralIn(q, tenantId, u.value.id, referralCode, 'referral')
            : referrerId
              ? await bindBySellerAccountIn(q, tenantId, u.value.id, referrerId, 'referrer')
              : null;
          if (!bound) return u;
          if (!bound.ok) throw new RollbackWith(bound);
          if (!bound.value.bound) return u;
          const r = await q.query<UserRow>('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, u.value.id]);
          return ok(toUser(r.rows[0]!));
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<User>;
        throw e;
      }
    },

    /** Checks an identifier/password pair under the failed-login throttle. */
    async login(tenantId: number, kind: LoginKind, id: string, password: string, ip: string): Promise<Result<ConsumerSession & { user: User }>> {
      const acctKey = `clogin-fail:${tenantId}:${kind}:${id.toLowerCase()}`;
      const ipKey = `clogin-fail:ip:${ip}`;
      for (const [key, limit] of [[acctKey, CONSUMER_LOGIN_LIMITS.perAccount], [ipKey, CONSUMER_LOGIN_LIMITS.perIp]] as const) {
        const r = await reached(deps.cache, key, limit);
        if (!r.allowed) {
          return fail(ErrorCode.rate_limited, `too many failed logins; try again in ${r.retryAfterSec} s`, { retryAfterSec: r.retryAfterSec });
        }
      }
      const row = id ? await findRow(tenantId, kind, id.trim()) : null;
      const good = row?.password_hash
        ? await verifyPassword(password, row.password_hash)
        : (await verifyPassword(password, await dummyPasswordHash()), false);
      if (!row || !good || row.disabled) {
        await hit(deps.cache, acctKey, CONSUMER_LOGIN_LIMITS.perAccount, CONSUMER_LOGIN_LIMITS.windowSec);
        await hit(deps.cache, ipKey, CONSUMER_LOGIN_LIMITS.perIp, CONSUMER_LOGIN_LIMITS.windowSec);
        if (row?.disabled) return fail(ErrorCode.forbidden, 'this account is disabled');
        return fail(row ? ErrorCode.invalid_credentials : ErrorCode.not_found, row ? 'wrong password' : `no user with this ${kind}`);
      }
      await deps.cache.del(acctKey);
      const s = await this.openSession(tenantId, row.id);
      return ok({ ...s, user: toUser(row) });
    },

    /** Sets a new password after checking the code sent to the mobile/email (purpose "reset-pwd"); revokes all sessions. */
    async resetPassword(tenantId: number, kind: 'mobile' | 'email', id: string, code: string, password: string): Promise<Result<void>> {
      if (!password || password.length < 6) return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
      const row = await findRow(tenantId, kind, id.trim());
      if (!row) return fail(ErrorCode.not_found, `no user with this ${kind}`);
      const c = await messages.checkCode(tenantId, kind === 'mobile' ? 'sms' : 'email', id.trim(), CONSUMER_CODE_PURPOSE, code ?? '', true);
      if (!c.ok) return c;
      const hash = await hashPassword(password);
      await deps.db.tx(async (q) => {
        await q.query('UPDATE users SET password_hash = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, row.id, hash]);
        await q.query('UPDATE user_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [row.id]);
      });
      cache.clear();
      return ok(undefined);
    },

    /**
     * Binds a mobile / email (code purpose "bind") or a username to the user.
     * A password, when given, becomes the account's password.
     */
    async bind(tenantId: number, userId: number, kind: LoginKind, id: string, opts: { code?: string; password?: string } = {}): Promise<Result<User>> {
      id = id.trim();
      const bad = validId(kind, id);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      if (opts.password != null && opts.password !== '' && opts.password.length < 6) {
        return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
      }
      const other = await findRow(tenantId, kind, id);
      if (other && other.id !== userId) return fail(ErrorCode.already_registered, `this ${kind} is already bound to another user`);
      const channel = channelOf(kind);
      if (channel) {
        const c = await messages.checkCode(tenantId, channel, id, CONSUMER_CODE_PURPOSE, opts.code ?? '', true);
        if (!c.ok) return c;
      }
      const hash = opts.password ? await hashPassword(opts.password) : null;
      try {
        const r = await deps.db.query<UserRow>(
          `UPDATE users SET ${kind} = $3, password_hash = COALESCE($4, password_hash) WHERE tenant_id = $1 AND id = $2 RETURNING *`,
          [tenantId, userId, id, hash],
        );
        if (!r.rows[0]) return fail(ErrorCode.not_found, 'user not found');
        return ok(toUser(r.rows[0]));
      } catch (e) {
        if (pgErrorCode(e) === PgCode.uniqueViolation) return fail(ErrorCode.already_registered, `this ${kind} is already bound to another user`);
        throw e;
      }
    },
  };
}

export type ConsumerAuthService = ReturnType<typeof consumerAuthService>;
