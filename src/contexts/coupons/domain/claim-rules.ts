// Whether a user may claim from a template, on everything but counting: stock
// and per-user limits are enforced by one atomic write in SQL, never here.
import { addDays, parseLocalDate, type LocalDate } from '../../../kernel/local-time.ts';
import { formatMoney, type Fen } from '../../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';
import type { TemplateState } from './template-state.ts';

export const AUDIENCE_TYPES = ['any', 'new', 'no_purchase'] as const;
export type AudienceType = (typeof AUDIENCE_TYPES)[number];

/** New users are those registered within this many days (audience "new"). */
export const NEW_USER_DAYS = 7;

export const isNewUser = (registeredAt: Date, now: Date): boolean => now.getTime() - registeredAt.getTime() < NEW_USER_DAYS * 86_400_000;

/** The codes checkClaim can answer. */
export type ClaimRuleCode =
  | 'ended'
  | 'invalid_state'
  | 'not_started'
  | 'audience_mismatch'
  | 'sign_in_days_needed'
  | 'wrong_password'
  | 'not_enough_points'
  | 'payment_needed';

/** The parts of a template that govern claiming. */
export interface ClaimRules {
  state: TemplateState;
  claimFrom: Date | null;
  claimTo: Date | null;
  hasClaimPassword: boolean;
  claimCostPoints: number;
  price: Fen;
  requiredSignInDays: number;
  audience: { userType: AudienceType; sources?: readonly string[] };
}

/** What the service knows about this claim and this user. */
export interface ClaimFacts {
  now: Date;
  /** The service compares digests; only consulted when the template has a password. */
  passwordMatches?: boolean;
  userPoints: number;
  /** A paid coupon's price has been paid for this claim. */
  paid?: boolean;
  /** The user's current run of consecutive sign-in days (see consecutiveSignInDays). */
  signInStreak: number;
  user: { isNew: boolean; hasPurchased: boolean; source?: string | null };
}

/**
 * The first failing check, in this fixed order:
 *   1. template state (must be active; an ended template answers `ended`)
 *   2. claim window (not_started, ended)
 *   3. audience (audience_mismatch)
 *   4. consecutive sign-in days (sign_in_days_needed)
 *   5. password (wrong_password)
 *   6. points (not_enough_points)
 *   7. payment (payment_needed)
 * Things the user cannot change come first, so nobody is asked for a password,
 * points or money for a coupon they could never get; paying is last because
 * it is the last step of a claim.
 */
export function checkClaim(rules: ClaimRules, facts: ClaimFacts): Result<void, ClaimRuleCode> {
  if (rules.state === 'ended') return fail(ErrorCode.ended, 'this coupon is no longer offered');
  if (rules.state !== 'active')
    return fail(ErrorCode.invalid_state, `this coupon cannot be claimed: its template is ${rules.state}`, { state: rules.state });

  const t = facts.now.getTime();
  if (rules.claimFrom && t < rules.claimFrom.getTime()) {
    return fail(ErrorCode.not_started, `claiming opens at ${rules.claimFrom.toISOString()}`, { claimFrom: rules.claimFrom.toISOString() });
  }
  if (rules.claimTo && t > rules.claimTo.getTime()) {
    return fail(ErrorCode.ended, `claiming closed at ${rules.claimTo.toISOString()}`, { claimTo: rules.claimTo.toISOString() });
  }

  const audience = audienceMismatch(rules.audience, facts.user);
  if (audience) return fail(ErrorCode.audience_mismatch, audience);

  if (facts.signInStreak < rules.requiredSignInDays) {
    return fail(
      ErrorCode.sign_in_days_needed,
      `needs ${rules.requiredSignInDays} consecutive days of signing in; you have ${facts.signInStreak}`,
      { required: rules.requiredSignInDays, current: facts.signInStreak },
    );
  }

  if (rules.hasClaimPassword && facts.passwordMatches !== true) {
    return fail(ErrorCode.wrong_password, facts.passwordMatches === undefined ? 'this coupon needs a password' : 'the password is wrong');
  }

  if (rules.claimCostPoints > 0 && facts.userPoints < rules.claimCostPoints) {
    return fail(ErrorCode.not_enough_points, `needs ${rules.claimCostPoints} points; you have ${facts.userPoints}`, {
      required: rules.claimCostPoints,
      current: facts.userPoints,
    });
  }

  if (rules.price > 0 && facts.paid !== true) {
    return fail(ErrorCode.payment_needed, `this coupon costs ${formatMoney(rules.price)}`, {
      price: formatMoney(rules.price),
      priceFen: rules.price,
    });
  }
  return ok(undefined);
}

export function audienceMismatch(audience: ClaimRules['audience'], user: ClaimFacts['user']): string | null {
  if (audience.userType === 'new' && !user.isNew) return 'this coupon is for new users only';
  if (audience.userType === 'no_purchase' && user.hasPurchased) return 'this coupon is for users who have not bought anything yet';
  const sources = audience.sources ?? [];
  if (sources.length > 0 && (user.source == null || !sources.includes(user.source))) {
    return 'this coupon is for users who joined through another channel';
  }
  return null;
}

/**
 * The user's current streak: consecutive local days signed in, ending today,
 * or ending yesterday when they have not signed in yet today (the streak is
 * still alive until the day is over). Dates after today and malformed dates
 * are ignored.
 */
export function consecutiveSignInDays(signInDates: readonly string[], today: LocalDate): number {
  if (!parseLocalDate(today)) throw new RangeError(`"${today}" is not a date like 2024-03-10`);
  const days = new Set<string>();
  for (const d of signInDates) if (d <= today && parseLocalDate(d)) days.add(d);
  let day = days.has(today) ? today : addDays(today, -1);
  let streak = 0;
  while (days.has(day)) {
    streak++;
    day = addDays(day, -1);
  }
  return streak;
}
