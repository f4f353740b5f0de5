// 卡密 exchange: a code + password from a code batch becomes the user's
// coupon. Every try is reserved per user and per code before the password is
// compared (platform guesses), so parallel tries get no more comparisons than
// the limits; a right password gives its tries back.
import crypto from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit, guessLimiter, tooManyTries, type GuessLimit } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import { computeValidity } from './domain/coupon-status.ts';
import { checkClaim, isNewUser } from './domain/claim-rules.ts';
import { exchangePasswordDigest } from './domain/codes.ts';
import type { Coupon } from './domain/coupon.ts';
import type { ExchangeCode } from './errors.ts';
import { templateWithZone } from './repo/templates.repo.ts';
import { claimantFacts, exchangeCandidate, takeExchangeCode, takePerUser, type ClaimantFacts } from './repo/coupons.repo.ts';

export const EXCHANGE_LIMITS = { perUser: 10, perCode: 5, windowSec: 3600 };

export interface ExchangeInput {
  userId: number;
  code: string;
  password: string;
}

/** The counters of an exchange: wrong tries by the user, and at the code (whoever tries it). */
function exchangeLimits(tenantId: number, userId: number, code: string): GuessLimit[] {
  const windowSec = EXCHANGE_LIMITS.windowSec;
  return [
    { tenantId, key: `exchange:user:${userId}`, limit: EXCHANGE_LIMITS.perUser, windowSec },
    { tenantId, key: `exchange:code:${code}`, limit: EXCHANGE_LIMITS.perCode, windowSec },
  ];
}

export function exchangeService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();
  const guesses = guessLimiter(deps);

  /** The code's template still takes claims from this user: state, window, audience, per-user limit; then the code moves. */
  async function takeCode(
    q: Queryable,
    tenantId: number,
    c: Coupon,
    user: ClaimantFacts,
    by: Principal | null,
    at: Date,
  ): Promise<Result<Coupon, ExchangeCode>> {
    const t = (await templateWithZone(q, tenantId, c.templateId))!;
    // The batch code is the right to the coupon, so its price, points and
    // claim password do not apply; the campaign's state, claim window and
    // audience do, and so does the per-user limit.
    const pre = checkClaim(
      { ...t.template, hasClaimPassword: false, claimCostPoints: 0, price: 0, requiredSignInDays: 0 },
      {
        now: at,
        userPoints: 0,
        signInStreak: 0,
        user: { isNew: isNewUser(user.createdAt, at), hasPurchased: user.hasPurchased, source: user.source },
      },
    );
    if (!pre.ok) return pre;
    if (!(await takePerUser(q, t.template, user.id, 1)))
      return fail(ErrorCode.per_user_limit, `at most ${t.template.perUserLimit} per person`);
    const window = computeValidity(t.template.validity, at, t.timezone);
    const taken = await takeExchangeCode(
      q,
      tenantId,
      { couponId: c.id, userId: user.id, window, staffId: by?.kind === 'staff' ? by.staffId : null },
      at,
    );
    if (!taken) return fail(ErrorCode.coupon_used, 'this code has already been exchanged');
    const payload = { templateId: taken.templateId, source: 'exchange', userId: user.id, couponCodes: [taken.code] };
    await recordEvents(q, [{ tenantId, type: 'coupon.issued', payload }]);
    if (by)
      await audit(q, tenantId, by, { action: 'coupon.exchange', targetType: 'coupon', targetId: c.code, details: { userId: user.id } });
    return ok(taken);
  }

  /** A 卡密 code + password from a batch becomes the user's coupon. `by` null: the user exchanges it themself. */
  async function exchange(tenantId: number, input: ExchangeInput, by: Principal | null): Promise<Result<Coupon, ExchangeCode>> {
    const at = now();
    const code = input.code.trim();
    // The user must be one of this tenant's: another tenant's user id never receives a coupon here.
    const user = await claimantFacts(deps.db, tenantId, input.userId);
    if (!user) return fail(ErrorCode.not_found, 'user not found', { field: 'userId' });
    const limits = exchangeLimits(tenantId, input.userId, code);
    const t = await guesses.reserve(limits);
    if (!t.allowed) return tooManyTries('wrong attempts', t.retryAfterSec);
    const wrong = async () => {
      await t.wrong();
      return fail(ErrorCode.wrong_password, 'the code or its password is wrong');
    };
    const found = await exchangeCandidate(deps.db, tenantId, code, at);
    if (!found || found.coupon.source !== 'batch') return wrong();
    if (found.passwordHash !== null) {
      const given = exchangePasswordDigest(found.passwordSalt ?? '', code, input.password ?? '');
      if (!crypto.timingSafeEqual(Buffer.from(given), Buffer.from(found.passwordHash))) return wrong();
    }
    await t.right();
    if (found.coupon.ownerId !== null) return fail(ErrorCode.coupon_used, 'this code has already been exchanged');
    return deps.db.txResult((q) => takeCode(q, tenantId, found.coupon, user, by, at));
  }

  return { exchange };
}
export type ExchangeService = ReturnType<typeof exchangeService>;
