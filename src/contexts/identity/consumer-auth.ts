// Consumer sessions (the people who claim and spend coupons, not staff):
// register by mobile / username / email with a password (mobile and email
// need a verification code), log in under a throttle, check and revoke
// tokens, reset passwords and bind identifiers. Tokens are random 256-bit
// values stored as SHA-256 digests in user_sessions and expire.
import { hit, reached } from '../../cache/cache.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import type { MessageService } from '../platform/index.ts';
import { digest, dummyPasswordHash, hashPassword, newToken, verifyPassword } from '../../kernel/security.ts';
import { consumerProfileUseCases } from './consumer-profile.ts';
import { CONSUMER_SESSION_DAYS, type ConsumerPrincipal, type ConsumerSession } from './domain/session.ts';
import { channelOf, invalidLoginId, SOURCE_RE, USER_PASSWORD_MIN, type CreateUserInput, type LoginKind, type User } from './domain/user.ts';
import {
  verificationFailure,
  type ConsumerBindFailure,
  type ConsumerLoginFailure,
  type ConsumerRegisterFailure,
  type ConsumerResetFailure,
} from './errors.ts';
import * as sessions from './repo/consumer-sessions.repo.ts';
import * as users from './repo/users.repo.ts';
import { insertUser } from './users.ts';

export { CONSUMER_SESSION_DAYS };

/** Failed consumer logins: 5 per account and 30 per IP in 15 minutes. */
export const CONSUMER_LOGIN_LIMITS = { perAccount: 5, perIp: 30, windowSec: 15 * 60 };

/**
 * The purpose of consumer verification codes. apifm's sms/get and mail/get do
 * not say what a code is for, so one purpose serves register, reset and bind.
 */
export const CONSUMER_CODE_PURPOSE = 'consumer';

/**
 * Who refers a new consumer to a seller: the sellers context answers, inside
 * the registration's transaction. Identity then writes the binding itself.
 */
export interface SellerReferrals {
  /** The active seller behind a referral code, or null. */
  sellerByReferral(q: Queryable, tenantId: number, referralCode: string): Promise<number | null>;
  /** The active seller whose own consumer account is `userId`, or null. */
  sellerOfAccount(q: Queryable, tenantId: number, userId: number): Promise<number | null>;
}

/** No sellers at all: a referral code names nobody, no referrer is a seller. */
export const NO_REFERRALS: SellerReferrals = { sellerByReferral: async () => null, sellerOfAccount: async () => null };

export interface RegisterInput {
  id: string;
  password: string;
  code?: string;
  nick?: string | null;
  referrerId?: number | null;
  source?: string | null;
  /** A seller's referral code (seller_profiles.referral_code). */
  referralCode?: string | null;
}

type CodeChecker = Pick<MessageService, 'checkCode'>;

export function consumerAuthService(deps: Deps, messages: CodeChecker, referrals: SellerReferrals = NO_REFERRALS) {
  const now = () => deps.now?.() ?? new Date();
  const cache = new Map<string, { p: ConsumerPrincipal; until: number }>();
  const CACHE_MS = 5_000;

  async function checkCode(tenantId: number, channel: 'sms' | 'email', to: string, code: string): Promise<Result<void, 'rate_limited' | 'invalid_input' | 'wrong_password'>> {
    const c = await messages.checkCode(tenantId, channel, to, CONSUMER_CODE_PURPOSE, code, true);
    return c.ok ? c : verificationFailure(c);
  }

  /** Opens a session for a user (after a registration or a verified login). */
  async function openSession(tenantId: number, userId: number): Promise<ConsumerSession> {
    const token = newToken();
    const expiresAt = new Date(now().getTime() + CONSUMER_SESSION_DAYS * 86400_000);
    await sessions.insertUserSession(deps.db, { tokenHash: digest(token), userId, tenantId, expiresAt });
    return { token, userId, expiresAt };
  }

  const bound = (b: boolean | null): Result<boolean, 'not_found'> => (b === null ? fail(ErrorCode.not_found, 'user not found') : ok(b));

  /** Binds a new consumer to the seller of the referral code, or to the seller whose account referred them. */
  async function bindReferral(q: Queryable, tenantId: number, userId: number, referralCode: string | null, referrerId: number | null): Promise<Result<boolean, 'not_found'>> {
    if (referralCode) {
      const sellerId = await referrals.sellerByReferral(q, tenantId, referralCode);
      if (sellerId === null) return fail(ErrorCode.not_found, `no seller with referral code ${referralCode}`);
      return bound(await users.bindSellerIn(q, tenantId, userId, sellerId, 'referral'));
    }
    if (referrerId) {
      const sellerId = await referrals.sellerOfAccount(q, tenantId, referrerId);
      if (sellerId === null) return ok(false);
      return bound(await users.bindSellerIn(q, tenantId, userId, sellerId, 'referrer'));
    }
    return ok(false);
  }

  /** The shape checks of a registration, then the referral code, the identifier and the code sent to it. */
  async function checkRegistration(tenantId: number, kind: LoginKind, id: string, input: RegisterInput): Promise<Result<void, ConsumerRegisterFailure>> {
    const bad = invalidLoginId(kind, id);
    if (bad) return fail(ErrorCode.invalid_input, bad);
    if (!input.password || input.password.length < USER_PASSWORD_MIN) return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
    const source = input.source?.trim() || null;
    if (source !== null && !SOURCE_RE.test(source)) return fail(ErrorCode.invalid_input, 'source must be 1-32 letters, digits, _ . : -');
    const referralCode = input.referralCode?.trim() || null;
    if (referralCode !== null && (await referrals.sellerByReferral(deps.db, tenantId, referralCode)) === null) {
      return fail(ErrorCode.not_found, `no seller with referral code ${referralCode}`, { field: 'referralCode' });
    }
    if (await users.userByLogin(deps.db, tenantId, kind, id)) return fail(ErrorCode.already_registered, `this ${kind} is already registered`);
    const channel = channelOf(kind);
    if (channel) {
      if (!input.code) return fail(ErrorCode.invalid_input, 'the verification code is required');
      return checkCode(tenantId, channel, id, input.code);
    }
    return ok(undefined);
  }

  return {
    ...consumerProfileUseCases(deps),
    openSession,

    /** The live session behind a token in this tenant, or null (unknown, expired, revoked, disabled user). */
    async authenticate(tenantId: number, token: string): Promise<ConsumerPrincipal | null> {
      if (!token || token.length > 200) return null;
      const cached = cache.get(token);
      if (cached && cached.until > Date.now() && cached.p.tenantId === tenantId) return cached.p;
      const s = await sessions.liveUserSession(deps.db, digest(token), tenantId, now());
      if (!s) return null;
      const p: ConsumerPrincipal = { tenantId, userId: s.userId, expiresAt: s.expiresAt };
      if (cache.size > 10_000) cache.clear();
      cache.set(token, { p, until: Date.now() + CACHE_MS });
      return p;
    },

    async logout(tenantId: number, token: string): Promise<void> {
      cache.delete(token);
      await sessions.revokeUserSession(deps.db, digest(token), tenantId);
    },

    /**
     * Registers a consumer. Mobile and email registrations need the code sent
     * to that address (purpose "register"); a username needs none. A seller's
     * referral code, or a referrer who is a seller's own consumer account,
     * binds the new consumer to that seller in the same transaction.
     */
    async register(tenantId: number, kind: LoginKind, input: RegisterInput): Promise<Result<User, ConsumerRegisterFailure>> {
      const id = input.id.trim();
      const checked = await checkRegistration(tenantId, kind, id, input);
      if (!checked.ok) return checked;
      const referralCode = input.referralCode?.trim() || null;
      const referrerId = input.referrerId && (await users.userExistsIn(deps.db, tenantId, input.referrerId)) ? input.referrerId : null;
      const fields: CreateUserInput = { [kind]: id, password: input.password, nick: input.nick ?? null, referrerId, source: input.source?.trim() || null };
      return deps.db.txResult(async (q): Promise<Result<User, ConsumerRegisterFailure>> => {
        const u = await insertUser(q, tenantId, fields);
        if (!u.ok) return u;
        const b = await bindReferral(q, tenantId, u.value.id, referralCode, referrerId);
        if (!b.ok) return b;
        if (!b.value) return u;
        return ok((await users.userById(q, tenantId, u.value.id))!);
      });
    },

    /** Checks an identifier/password pair under the failed-login throttle. */
    async login(tenantId: number, kind: LoginKind, id: string, password: string, ip: string): Promise<Result<ConsumerSession & { user: User }, ConsumerLoginFailure>> {
      const acctKey = `clogin-fail:${tenantId}:${kind}:${id.toLowerCase()}`;
      const ipKey = `clogin-fail:ip:${ip}`;
      for (const [key, limit] of [[acctKey, CONSUMER_LOGIN_LIMITS.perAccount], [ipKey, CONSUMER_LOGIN_LIMITS.perIp]] as const) {
        const r = await reached(deps.cache, key, limit);
        if (!r.allowed) {
          return fail(ErrorCode.rate_limited, `too many failed logins; try again in ${r.retryAfterSec} s`, { retryAfterSec: r.retryAfterSec });
        }
      }
      const found = id ? await users.userByLogin(deps.db, tenantId, kind, id.trim()) : null;
      const good = found?.passwordHash
        ? await verifyPassword(password, found.passwordHash)
        : (await verifyPassword(password, await dummyPasswordHash()), false);
      if (!found || !good || found.user.disabled) {
        await hit(deps.cache, acctKey, CONSUMER_LOGIN_LIMITS.perAccount, CONSUMER_LOGIN_LIMITS.windowSec);
        await hit(deps.cache, ipKey, CONSUMER_LOGIN_LIMITS.perIp, CONSUMER_LOGIN_LIMITS.windowSec);
        if (found?.user.disabled) return fail(ErrorCode.forbidden, 'this account is disabled');
        return found ? fail(ErrorCode.invalid_credentials, 'wrong password') : fail(ErrorCode.not_found, `no user with this ${kind}`);
      }
      await deps.cache.del(acctKey);
      const s = await openSession(tenantId, found.user.id);
      return ok({ ...s, user: found.user });
    },

    /** Sets a new password after checking the code sent to the mobile/email (purpose "reset-pwd"); revokes all sessions. */
    async resetPassword(tenantId: number, kind: 'mobile' | 'email', id: string, code: string, password: string): Promise<Result<void, ConsumerResetFailure>> {
      if (!password || password.length < USER_PASSWORD_MIN) return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
      const found = await users.userByLogin(deps.db, tenantId, kind, id.trim());
      if (!found) return fail(ErrorCode.not_found, `no user with this ${kind}`);
      const c = await checkCode(tenantId, kind === 'mobile' ? 'sms' : 'email', id.trim(), code ?? '');
      if (!c.ok) return c;
      const hash = await hashPassword(password);
      await deps.db.tx(async (q) => {
        await users.setUserPassword(q, tenantId, found.user.id, hash);
        await sessions.revokeUserSessionsOf(q, found.user.id);
      });
      cache.clear();
      return ok(undefined);
    },

    /**
     * Binds a mobile / email (code purpose "bind") or a username to the user.
     * A password, when given, becomes the account's password.
     */
    async bind(tenantId: number, userId: number, kind: LoginKind, id: string, opts: { code?: string; password?: string } = {}): Promise<Result<User, ConsumerBindFailure>> {
      id = id.trim();
      const bad = invalidLoginId(kind, id);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      if (opts.password != null && opts.password !== '' && opts.password.length < USER_PASSWORD_MIN) {
        return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
      }
      const other = await users.userByLogin(deps.db, tenantId, kind, id);
      if (other && other.user.id !== userId) return fail(ErrorCode.already_registered, `this ${kind} is already bound to another user`);
      const channel = channelOf(kind);
      if (channel) {
        const c = await checkCode(tenantId, channel, id, opts.code ?? '');
        if (!c.ok) return c;
      }
      const hash = opts.password ? await hashPassword(opts.password) : null;
      try {
        const u = await users.setLoginId(deps.db, tenantId, userId, kind, id, hash);
        return u ? ok(u) : fail(ErrorCode.not_found, 'user not found');
      } catch (e) {
        if (pgErrorCode(e) === PgCode.uniqueViolation) return fail(ErrorCode.already_registered, `this ${kind} is already bound to another user`);
        throw e;
      }
    },
  };
}

export type ConsumerAuthService = ReturnType<typeof consumerAuthService>;
