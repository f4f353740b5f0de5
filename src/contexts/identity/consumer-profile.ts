// A consumer's own profile: read it, change it, and the member level their
// spending reaches.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';
import { checkProfile, levelFor, type ConsumerProfile, type LevelStanding, type ProfileInput } from './domain/user.ts';
import type { ProfileFailure } from './errors.ts';
import * as users from './repo/users.repo.ts';

export function consumerProfileUseCases(deps: Deps) {
  return {
    /** The user with the profile fields of migration 006. */
    profile: (tenantId: number, userId: number): Promise<ConsumerProfile | null> => users.profileOf(deps.db, tenantId, userId),

    /**
     * The user's member level: the highest of the tenant's levels (user_levels)
     * whose upgrade amount the user's total spending has reached; level 0
     * "普通会员" when none applies. canUpgrade: a higher level exists.
     */
    async level(tenantId: number, consumed: number): Promise<LevelStanding> {
      return levelFor(await users.levelsOf(deps.db, tenantId), consumed);
    },

    /** Changes the fields given (null/undefined = keep). */
    async modify(tenantId: number, userId: number, f: ProfileInput): Promise<Result<void, ProfileFailure>> {
      const change = checkProfile(f);
      if (!change.ok) return change;
      return (await users.updateProfile(deps.db, tenantId, userId, change.value))
        ? ok(undefined)
        : fail(ErrorCode.not_found, 'user not found');
    },
  };
}
