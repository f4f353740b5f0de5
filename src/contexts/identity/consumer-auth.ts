// Consumer sessions (the people who claim and spend coupons, not staff): log
// in under a throttle, check and revoke tokens; with registration
// (consumer-register.ts), passwords and identifiers (consumer-credentials.ts)
// and the profile (consumer-profile.ts) under one facade. Tokens are random
// 256-bit values stored as SHA-256 digests in user_sessions and expire.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';
import { guessLimiter, tooManyTries, type GuessLimit, type MessageService } from '../platform/index.ts';
import { digest, dummyPasswordHash, newToken, verifyPassword } from '../../kernel/security.ts';
import { consumerCodeCheck, consumerCredentialUseCases } from './consumer-credentials.ts';
import { consumerProfileUseCases } from './consumer-profile.ts';
import { consumerRegisterUseCases, NO_REFERRALS, type SellerReferrals } from './consumer-register.ts';
import { CONSUMER_SESSION_DAYS, routedToken, tenantOfToken, type ConsumerPrincipal, type ConsumerSession } from './domain/session.ts';
import type { LoginKind, User } from './domain/user.ts';
import type { ConsumerLoginFailure } from './errors.ts';
import { principalCache } from './session-cache.ts';
import * as sessions from './repo/consumer-sessions.repo.ts';
import * as users from './repo/users.repo.ts';

export { CONSUMER_SESSION_DAYS };
export { CONSUMER_CODE_PURPOSE } from './consumer-credentials.ts';
export { NO_REFERRALS, type RegisterInput, type SellerReferrals } from './consumer-register.ts';

/** Consumer login tries: 5 wrong ones per account and 30 per IP in 15 minutes. */
export const CONSUMER_LOGIN_LIMITS = { perAccount: 5, perIp: 30, windowSec: 15 * 60 };

/**
 * The login's counters: the account by its id once the lookup has found it
 * (so " Name", "name" and "NAME" share one counter: whatever the lookup
 * accepts), else the identifier as the lookup reads it; and the caller's IP
 * (platform-wide, tenant 0).
 */
function consumerLoginLimits(tenantId: number, userId: number | null, kind: LoginKind, id: string, ip: string): [GuessLimit, GuessLimit] {
  const w = CONSUMER_LOGIN_LIMITS.windowSec;
  const account = userId !== null ? `consumer-login:user:${userId}` : `consumer-login:${kind}:${kind === 'mobile' ? id : id.toLowerCase()}`;
  return [
    { tenantId, key: account, limit: CONSUMER_LOGIN_LIMITS.perAccount, windowSec: w },
    { tenantId: 0, key: `consumer-login:ip:${ip}`, limit: CONSUMER_LOGIN_LIMITS.perIp, windowSec: w },
  ];
}

export function consumerAuthService(deps: Deps, messages: Pick<MessageService, 'checkCode'>, referrals: SellerReferrals = NO_REFERRALS) {
  const now = () => deps.now?.() ?? new Date();
  const guesses = guessLimiter(deps);
  // The cache never outlives a revocation in any process (session-cache.ts).
  const principals = principalCache<ConsumerPrincipal>(deps, 'consumer');
  const checkCode = consumerCodeCheck(messages);

  /** Opens a session for a user (after a registration or a verified login). */
  async function openSession(tenantId: number, userId: number): Promise<ConsumerSession> {
    const token = routedToken(tenantId, newToken());
    const expiresAt = new Date(now().getTime() + CONSUMER_SESSION_DAYS * 86400_000);
    await sessions.insertUserSession(deps.db, { tokenHash: digest(token), userId, tenantId, expiresAt });
    return { token, userId, expiresAt };
  }

  return {
    ...consumerProfileUseCases(deps),
    ...consumerRegisterUseCases(deps, { checkCode, referrals }),
    ...consumerCredentialUseCases(deps, checkCode, principals.revoked),
    openSession,

    /** The live session behind a token in this tenant, or null (unknown, expired, revoked, disabled user). */
    async authenticate(tenantId: number, token: string): Promise<ConsumerPrincipal | null> {
      // A token names its tenant: another tenant's (or a malformed) token is refused unread.
      if (!token || token.length > 200 || tenantOfToken(token) !== tenantId) return null;
      const load = async (): Promise<ConsumerPrincipal | null> => {
        const s = await sessions.liveUserSession(deps.db, digest(token), tenantId, now());
        return s ? { tenantId, userId: s.userId, expiresAt: s.expiresAt } : null;
      };
      return principals.get(token, load, (p) => p.tenantId === tenantId && p.expiresAt > now());
    },

    /** Ends the session; no process accepts its token after this returns. */
    async logout(tenantId: number, token: string): Promise<void> {
      await sessions.revokeUserSession(deps.db, digest(token), tenantId);
      await principals.revoked();
    },

    /**
     * Checks an identifier/password pair under the login limits: a try is
     * reserved on the account and the IP before the password is compared; a
     * right password clears the account's failures and gives the IP its try back.
     */
    async login(
      tenantId: number,
      kind: LoginKind,
      id: string,
      password: string,
      ip: string,
    ): Promise<Result<ConsumerSession & { user: User }, ConsumerLoginFailure>> {
      const lookedUp = id.trim();
      const found = lookedUp ? await users.userByLogin(deps.db, tenantId, kind, lookedUp) : null;
      const [account, perIp] = consumerLoginLimits(tenantId, found?.user.id ?? null, kind, lookedUp, ip);
      const t = await guesses.reserve([account, perIp]);
      if (!t.allowed) return tooManyTries('failed logins', t.retryAfterSec);
      const good = found?.passwordHash
        ? await verifyPassword(password, found.passwordHash)
        : (await verifyPassword(password, await dummyPasswordHash()), false);
      if (!found || !good || found.user.disabled) {
        await t.wrong();
        if (found?.user.disabled) return fail(ErrorCode.forbidden, 'this account is disabled');
        return found ? fail(ErrorCode.invalid_credentials, 'wrong password') : fail(ErrorCode.not_found, `no user with this ${kind}`);
      }
      await t.right([account]);
      const s = await openSession(tenantId, found.user.id);
      return ok({ ...s, user: found.user });
    },
  };
}

export type ConsumerAuthService = ReturnType<typeof consumerAuthService>;
