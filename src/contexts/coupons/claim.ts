// Claiming a coupon of a template: the single-claim path (per-user facts:
// points, audience, sign-in days) with one conditional write per invariant in
// one transaction, and the flash-sale path handed to the claim batcher. A
// claim password (口令) is compared only with a try reserved per user and per
// template (platform guesses).
import { localDateOf } from '../../kernel/local-time.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit, guessLimiter, tooManyTries, type GuessLimit, type GuessLimiter } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import { moveBalance } from '../loyalty/index.ts';
import { computeValidity } from './domain/coupon-status.ts';
import { checkClaim, consecutiveSignInDays, isNewUser } from './domain/claim-rules.ts';
import { claimPasswordDigest, type Template } from './domain/template.ts';
import type { Coupon } from './domain/coupon.ts';
import type { ClaimCode } from './errors.ts';
import type { ClaimBatcher } from './claim-batcher.ts';
import { takeStock, templateWithZone } from './repo/templates.repo.ts';
import { claimantFacts, claimedCount, issueCoupons, signInDays, takePerUser, type ClaimantFacts } from './repo/coupons.repo.ts';

export interface ClaimOptions {
  password?: string | null;
  /** Only say whether the claim would succeed; change nothing. */
  detect?: boolean;
  /** The caller has taken payment for a paid coupon (server-to-server only). */
  paid?: boolean;
}

export type ClaimOutcome = { detect: true; wouldSucceed: true } | { detect: false; coupon: Coupon };

type Found = { template: Template; timezone: string };

/** Wrong claim passwords: 5 per user (across templates, also for a 口令 alone) and 50 per template, in 15 minutes. */
export const CLAIM_PASSWORD_LIMITS = { perUser: 5, perTemplate: 50, windowSec: 15 * 60 };

/** The counters of claim-password tries: the user's, and the template's (whoever tries it). */
export const claimPasswordLimits = {
  user: (tenantId: number, userId: number): GuessLimit => ({
    tenantId,
    key: `claim-password:user:${userId}`,
    limit: CLAIM_PASSWORD_LIMITS.perUser,
    windowSec: CLAIM_PASSWORD_LIMITS.windowSec,
  }),
  template: (tenantId: number, templateId: number): GuessLimit => ({
    tenantId,
    key: `claim-password:template:${templateId}`,
    limit: CLAIM_PASSWORD_LIMITS.perTemplate,
    windowSec: CLAIM_PASSWORD_LIMITS.windowSec,
  }),
};

/** Whether the claim password given is the template's (true when it has none); a given password is compared under the limits. */
async function checkClaimPassword(
  guesses: GuessLimiter,
  t: Template,
  userId: number,
  password: string | null | undefined,
): Promise<Result<boolean, 'rate_limited'>> {
  if (t.claimPasswordHash === null) return ok(true);
  if (!password) return ok(false);
  const g = await guesses.reserve([claimPasswordLimits.user(t.tenantId, userId), claimPasswordLimits.template(t.tenantId, t.id)]);
  if (!g.allowed) return tooManyTries('wrong claim passwords', g.retryAfterSec);
  const right = claimPasswordDigest(t.id, password) === t.claimPasswordHash;
  await (right ? g.right() : g.wrong());
  return ok(right);
}

const soldOut = () => fail(ErrorCode.sold_out, 'this coupon is sold out');
const overLimit = (t: Template) => fail(ErrorCode.per_user_limit, `at most ${t.perUserLimit} per person`);

/** Whether a claim depends on nothing about the user: the flash-sale path, batched. */
const batchable = (t: Template) =>
  t.claimCostPoints === 0 && t.audience.userType === 'any' && !t.audience.sources.length && t.requiredSignInDays === 0;

/**
 * The claim use-cases. `by` is the staff member or API key claiming on the
 * user's behalf, or null when the user claims for themself (the consumer
 * dialects): then nothing is audited and the history names no staff.
 */
export function claimService(deps: Deps, batcher: ClaimBatcher) {
  const now = () => deps.now?.() ?? new Date();
  const guesses = guessLimiter(deps);

  // Active templates cannot be edited, so their rules can be cached a moment;
  // a state change is still caught by the stock update's `state = 'active'`.
  const activeTemplates = new Map<string, { value: Found; until: number }>();
  async function cachedTemplate(tenantId: number, templateId: number): Promise<Found | null> {
    const key = `${tenantId}:${templateId}`;
    const hit = activeTemplates.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const found = await templateWithZone(deps.db, tenantId, templateId);
    if (found?.template.state === 'active') {
      if (activeTemplates.size > 10_000) activeTemplates.clear();
      activeTemplates.set(key, { value: found, until: Date.now() + 1000 });
    } else activeTemplates.delete(key);
    return found;
  }

  async function signInStreak(q: Queryable, tenantId: number, userId: number, timezone: string, needed: number): Promise<number> {
    if (needed <= 0) return 0;
    return consecutiveSignInDays(await signInDays(q, tenantId, userId, needed + 1), localDateOf(now(), timezone));
  }

  /** The user-dependent rules; then detect answers from reads, a claim writes. */
  async function claimOne(
    found: Found,
    u: ClaimantFacts,
    opts: ClaimOptions & { passwordMatches: boolean },
    by: Principal | null,
    at: Date,
  ): Promise<Result<ClaimOutcome, ClaimCode>> {
    const { template: t, timezone } = found;
    const pre = checkClaim(t, {
      now: at,
      passwordMatches: opts.passwordMatches,
      userPoints: u.points,
      paid: !!opts.paid,
      signInStreak: await signInStreak(deps.db, t.tenantId, u.id, timezone, t.requiredSignInDays),
      user: { isNew: isNewUser(u.createdAt, at), hasPurchased: u.hasPurchased, source: u.source },
    });
    if (!pre.ok) return pre;
    if (opts.detect) {
      // Reads only: the answer can be stale a moment later, which detect accepts.
      if (t.stock !== null && t.issued >= t.stock) return soldOut();
      if (t.perUserLimit !== null && (await claimedCount(deps.db, t.tenantId, t.id, u.id)) >= t.perUserLimit) return overLimit(t);
      return ok({ detect: true, wouldSucceed: true });
    }
    const c = await deps.db.txResult((q) => writeClaim(q, found, u.id, by, at));
    return c.ok ? ok({ detect: false, coupon: c.value }) : c;
  }

  /** Per-user count, points, then the hot stock row last, so its lock is held as briefly as possible. */
  async function writeClaim(
    q: Queryable,
    { template: t, timezone }: Found,
    userId: number,
    by: Principal | null,
    at: Date,
  ): Promise<Result<Coupon, ClaimCode>> {
    if (!(await takePerUser(q, t, userId, 1))) return overLimit(t);
    if (t.claimCostPoints > 0) {
      const spent = await moveBalance(q, 'points', t.tenantId, userId, -t.claimCostPoints, 'coupon_claim', `template:${t.id}`);
      if (!spent.ok)
        return fail(ErrorCode.not_enough_points, `claiming needs ${t.claimCostPoints} points`, { required: t.claimCostPoints });
    }
    if (!(await takeStock(q, t, 1))) return soldOut();
    const window = computeValidity(t.validity, at, timezone);
    const [c] = await issueCoupons(q, {
      template: t,
      ownerId: userId,
      n: 1,
      source: 'claim',
      window,
      at,
      staffId: by?.kind === 'staff' ? by.staffId : null,
    });
    const payload = { templateId: t.id, source: 'claim', userId, couponCodes: [c!.code] };
    await recordEvents(q, [{ tenantId: t.tenantId, type: 'coupon.issued', payload }]);
    if (by)
      await audit(q, t.tenantId, by, {
        action: 'coupon.claim',
        targetType: 'coupon',
        targetId: c!.code,
        details: { templateId: t.id, userId },
      });
    return ok(c!);
  }

  async function claim(
    tenantId: number,
    templateId: number,
    userId: number,
    opts: ClaimOptions = {},
    by: Principal | null = null,
  ): Promise<Result<ClaimOutcome, ClaimCode>> {
    const at = now();
    // detect answers from a fresh read; real claims are decided by the atomic writes anyway.
    const found = opts.detect ? await templateWithZone(deps.db, tenantId, templateId) : await cachedTemplate(tenantId, templateId);
    if (!found) return fail(ErrorCode.not_found, 'coupon template not found');
    const t = found.template;
    // `issued` only ever grows, so a stale read that says sold out is still true.
    if (t.stock !== null && t.issued >= t.stock && t.state === 'active') return soldOut();
    const pw = await checkClaimPassword(guesses, t, userId, opts.password);
    if (!pw.ok) return pw;
    if (!opts.detect && batchable(t)) {
      const pre = checkClaim(t, {
        now: at,
        passwordMatches: pw.value,
        userPoints: 0,
        paid: !!opts.paid,
        signInStreak: 0,
        user: { isNew: false, hasPurchased: false },
      });
      if (!pre.ok) return pre;
      const r = await batcher.submit(t, found.timezone, userId, by);
      return r.ok ? ok({ detect: false, coupon: r.value }) : r;
    }
    const u = await claimantFacts(deps.db, tenantId, userId);
    if (!u) return fail(ErrorCode.not_found, 'user not found', { field: 'userId' });
    return claimOne(found, u, { ...opts, passwordMatches: pw.value }, by, at);
  }

  return { claim };
}

export type ClaimService = ReturnType<typeof claimService>;
