// Daily sign-in (签到): one per user per local day (the tenant's zone), kept by
// the sign_ins primary key; the streak continues from yesterday's row and the
// points of the matching rule go to the user in the same transaction.
import { localDateOf } from '../../kernel/local-time.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import {
  checkSignInRules,
  continueStreak,
  scoreForStreak,
  signInRef,
  streakDayBefore,
  type SignIn,
  type SignInRule,
} from './domain/sign-in-streak.ts';
import type { SignInCode } from './errors.ts';
import { moveBalance } from './ledgers.ts';
import {
  insertSignIn,
  replaceSignInRules,
  signInLog,
  signInOn,
  signInRules,
  streakOn,
  type SignInLogFilter,
} from './repo/sign-ins.repo.ts';
import { tenantZone } from './repo/tenants.repo.ts';

export type { SignIn, SignInRule } from './domain/sign-in-streak.ts';
export { scoreForStreak } from './domain/sign-in-streak.ts';

export interface SignInLabels {
  /** The points ledger remark of a sign-in on day `continuous` of a streak (the dialect's words). */
  remark?: (continuous: number) => string;
}

const defaultRemark = (continuous: number) => `sign-in day ${continuous}`;

export function signInService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();
  const today = async (tenantId: number) => localDateOf(now(), (await tenantZone(deps.db, tenantId)) ?? 'UTC');
  const rules = (tenantId: number): Promise<SignInRule[]> => signInRules(deps.db, tenantId);

  return {
    rules,

    /** Replaces the tenant's sign-in rules (staff). */
    async setRules(tenantId: number, next: SignInRule[], by: Principal | null): Promise<Result<SignInRule[], 'invalid_input'>> {
      const valid = checkSignInRules(next);
      if (!valid.ok) return valid;
      await deps.db.tx(async (q) => {
        await replaceSignInRules(q, tenantId, next);
        if (by)
          await audit(q, tenantId, by, { action: 'sign_in_rules.set', targetType: 'tenant', targetId: tenantId, details: { rules: next } });
      });
      return ok(await rules(tenantId));
    },

    /** Signs the user in for today; `conflict` when already signed today. */
    async sign(tenantId: number, userId: number, labels: SignInLabels = {}): Promise<Result<SignIn, SignInCode>> {
      const day = await today(tenantId);
      const ruleSet = await rules(tenantId);
      const remark = labels.remark ?? defaultRemark;
      return deps.db.txResult(async (q): Promise<Result<SignIn, SignInCode>> => {
        const continuous = continueStreak(await streakOn(q, tenantId, userId, streakDayBefore(day)));
        const score = scoreForStreak(ruleSet, continuous);
        const signed = await insertSignIn(q, tenantId, userId, { day, continuous, score, at: now() });
        if (!signed) return fail(ErrorCode.conflict, 'already signed in today');
        if (score > 0) {
          const m = await moveBalance(q, 'points', tenantId, userId, score, 'sign_in', signInRef(day), remark(continuous));
          if (!m.ok) return m;
        }
        return ok(signed);
      });
    },

    /** Today's sign-in (tenant's day), or null. */
    async today(tenantId: number, userId: number): Promise<SignIn | null> {
      return signInOn(deps.db, tenantId, userId, await today(tenantId));
    },

    /** The user's sign-ins, newest first; optional local-date bounds (inclusive). */
    logs(tenantId: number, userId: number, f: SignInLogFilter): Promise<{ items: SignIn[]; total: number }> {
      return signInLog(deps.db, tenantId, userId, f);
    },
  };
}

export type SignInService = ReturnType<typeof signInService>;
