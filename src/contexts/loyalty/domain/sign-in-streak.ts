// Daily sign-in (签到) rules: one sign-in per user per local day; a sign-in the
// day after another continues its streak, any gap starts again at 1; the points
// are those of the rule with the highest streak not above it.
import { addDays, type LocalDate } from '../../../kernel/local-time.ts';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

export interface SignIn {
  day: string;
  continuous: number;
  score: number;
  createdAt: Date;
}

export interface SignInRule {
  continuous: number;
  score: number;
}

/** The points for a streak: the rule with the highest `continuous` not above it (0 without rules). */
export function scoreForStreak(rules: SignInRule[], streak: number): number {
  let best: SignInRule | null = null;
  for (const r of rules) if (r.continuous <= streak && (!best || r.continuous > best.continuous)) best = r;
  return best?.score ?? 0;
}

/** The day whose sign-in a sign-in on `today` continues. */
export const streakDayBefore = (today: LocalDate): LocalDate => addDays(today, -1);

/** Today's streak, given yesterday's streak (null when yesterday has no sign-in). */
export const continueStreak = (yesterday: number | null): number => (yesterday ?? 0) + 1;

/** The ledger ref of a day's sign-in points. */
export const signInRef = (today: LocalDate): string => `signin:${today}`;

/** A tenant's rule set: streaks 1-366, each once, 0-1000000 points. */
export function checkSignInRules(rules: SignInRule[]): Result<void, 'invalid_input'> {
  const seen = new Set<number>();
  for (const r of rules) {
    if (!Number.isInteger(r.continuous) || r.continuous < 1 || r.continuous > 366)
      return fail(ErrorCode.invalid_input, 'continuous must be 1-366');
    if (!Number.isInteger(r.score) || r.score < 0 || r.score > 1_000_000) return fail(ErrorCode.invalid_input, 'score must be 0-1000000');
    if (seen.has(r.continuous)) return fail(ErrorCode.invalid_input, `continuous ${r.continuous} appears twice`);
    seen.add(r.continuous);
  }
  return ok(undefined);
}
