// Consumer sessions (the people who claim and spend coupons, not staff): log
// in under a throttle, check and revoke tokens; with registration
// (consumer-register.ts), passwords and identifiers (consumer-credentials.ts)
// and the profile (consumer-profile.ts) under one facade. Tokens are random
// 256-bit values stored as SHA-256 digests in user_sessions and expire.
import { hit, reached } from '../../cache/cache.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';
import type { MessageService } from '../platform/index.ts';
import { digest, dummyPasswordHash, newToken, verifyPassword } from '../../kernel/security.ts';
import { consumerCodeCheck, consumerCredentialUseCases } from './consumer-credentials.ts';
import { consumerProfileUseCases } from './consumer-profile.ts';
import { consumerRegisterUseCases, NO_REFERRALS, type SellerReferrals } from './consumer-register.ts';
import { CONSUMER_SESSION_DAYS, type ConsumerPrincipal, type ConsumerSession } from './domain/session.ts';
import type { LoginKind, User } from './domain/user.ts';
import type { ConsumerLoginFailure } from './errors.ts';
import * as sessions from './repo/consumer-sessions.repo.ts';
import * as users from './repo/users.repo.ts';

export { CONSUMER_SESSION_DAYS };
export { CONSUMER_CODE_PURPOSE } from './consumer-credentials.ts';
export { NO_REFERRALS, type RegisterInput, type SellerReferrals } from './consumer-register.ts';

/** Failed consumer logins: 5 per account and 30 per IP in 15 minutes. */
export const CONSUMER_LOGIN_LIMITS = { perAccount: 5, perIp: 30, windowSec: 15 * 60 };

export function consumerAuthService(deps: Deps, messages: Pick<MessageService, 'checkCode'>, referrals: SellerReferrals = NO_REFERRALS) {
  const now = () => deps.now?.() ?? new Date();
  const cache = new Map<string, { p: ConsumerPrincipal; until: number }>();
  const CACHE_MS = 5_000;
  const checkCode = consumerCodeCheck(messages);

  /** Opens a session for a user (after a registration or a verified login). */
  async function openSession(tenantId: number, userId: number): Promise<ConsumerSession> {
    const token = newToken();
    const expiresAt = new Date(now().getTime() + CONSUMER_SESSION_DAYS * 86400_000);
    await sessions.insertUserSession(deps.db, { tokenHash: digest(token), userId, tenantId, expiresAt });
    return { token, userId, expiresAt };
  }

  return {
    ...consumerProfileUseCases(deps),
    ...consumerRegisterUseCases(deps, { checkCode, referrals }),
    ...consumerCredentialUseCases(deps, checkCode, () => cache.clear()),
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

    /** Checks an identifier/password pair under the failed-login throttle. */
    async login(
      tenantId: number,
      kind: LoginKind,
      id: string,
      password: string,
      ip: string,
    ): Promise<Result<ConsumerSession & { user: User }, ConsumerLoginFailure>> {
      const acctKey = `clogin-fail:${tenantId}:${kind}:${id.toLowerCase()}`;
      const ipKey = `clogin-fail:ip:${ip}`;
      for (const [key, limit] of [
        [acctKey, CONSUMER_LOGIN_LIMITS.perAccount],
        [ipKey, CONSUMER_LOGIN_LIMITS.perIp],
      ] as const) {
        const r = await reached(deps.cache, key, limit);
        if (!r.allowed) {
          return fail(ErrorCode.rate_limited, `too many failed logins; try again in ${r.retryAfterSec} s`, {
            retryAfterSec: r.retryAfterSec,
          });
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
  };
}

export type ConsumerAuthService = ReturnType<typeof consumerAuthService>;
