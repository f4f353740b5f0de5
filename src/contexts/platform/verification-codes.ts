// One-time verification codes: sent through the tenant's message provider,
// rate-limited per recipient, checked with every try reserved before the
// comparison so no number of parallel guesses gets more than
// CODE_LIMITS.attempts comparisons.
import { hit } from '../../cache/cache.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import { fail, ok, type Result } from '../../kernel/result.ts';
import type { CheckCodeFailure, SendCodeFailure } from './errors.ts';
import type { Channel, OutgoingMessage } from './domain/message.ts';
import { CODE_LIMITS, codeMatches, codeText, hashCode, newCode } from './domain/verification-code.ts';
import type { JobKind } from './jobs.ts';
import * as codes from './repo/verification-codes.repo.ts';

export function verificationCodes(deps: Deps, send: (m: OutgoingMessage) => Promise<void>) {
  return {
    /** Makes, stores (hashed) and sends a numeric code for `purpose`. */
    async sendCode(
      tenantId: number,
      channel: Channel,
      to: string,
      purpose: string,
      label = 'quan',
    ): Promise<Result<{ expiresInSec: number }, SendCodeFailure>> {
      const perMinute = await hit(deps.cache, `vcode:min:${tenantId}:${channel}:${to}`, CODE_LIMITS.perMinute, 60);
      if (!perMinute.allowed) {
        return fail('rate_limited', `a code was sent less than a minute ago; retry in ${perMinute.retryAfterSec} s`, {
          retryAfterSec: perMinute.retryAfterSec,
        });
      }
      const perDay = await hit(deps.cache, `vcode:day:${tenantId}:${channel}:${to}`, CODE_LIMITS.perDay, 86_400);
      if (!perDay.allowed) return fail('rate_limited', 'too many codes today for this recipient', { retryAfterSec: perDay.retryAfterSec });
      const code = newCode();
      await codes.insertCode(deps.db, { tenantId, channel, to, purpose }, hashCode(code), CODE_LIMITS.ttlSec);
      await send({ tenantId, channel, to, code, purpose, text: codeText(label, code) });
      return ok({ expiresInSec: CODE_LIMITS.ttlSec });
    },

    /**
     * Checks a code; `consume` uses it up (single use). The newest unexpired
     * code counts. Every wrong try counts against it: a try is reserved before
     * the code is compared, by one conditional UPDATE (attempts < the cap),
     * so no number of parallel guesses gets more than CODE_LIMITS.attempts
     * comparisons (a right code not used up gives its try back). With `q` (a
     * transaction), the try and the use are part of it: when the caller's
     * transaction rolls back, the code is unused again.
     */
    async checkCode(
      tenantId: number,
      channel: Channel,
      to: string,
      purpose: string,
      code: string,
      consume = true,
      q: Queryable = deps.db,
    ): Promise<Result<void, CheckCodeFailure>> {
      const ref = { tenantId, channel, to, purpose };
      const row = await codes.reserveTry(q, ref, CODE_LIMITS.attempts);
      if (!row) {
        const attempts = await codes.newestAttempts(q, ref);
        if (attempts !== null && attempts >= CODE_LIMITS.attempts) return fail('rate_limited', 'too many wrong tries: request a new code');
        return fail('invalid_input', 'no valid code: request a new one');
      }
      if (!codeMatches(row.codeHash, code)) return fail('wrong_password', 'the code is wrong');
      if (consume) {
        if (!(await codes.markUsed(q, row.id))) return fail('invalid_input', 'this code has already been used');
      } else {
        // A right code checked without using it up is not a wrong try: give the try back.
        await codes.giveTryBack(q, row.id);
      }
      return ok(undefined);
    },
  };
}

/** Codes are kept a day past their expiry (to explain a late "no valid code"), then deleted. */
export const VERIFICATION_CODE_KEEP_MS = 24 * 3_600_000;
const CLEANUP_BATCH = 5_000;

/** Deletes the codes expired more than VERIFICATION_CODE_KEEP_MS before now (deps.now); the number deleted. */
export async function deleteExpiredCodes(deps: Deps): Promise<number> {
  const before = new Date((deps.now?.() ?? new Date()).getTime() - VERIFICATION_CODE_KEEP_MS);
  let total = 0;
  for (;;) {
    const n = await codes.deleteExpiredCodes(deps.db, before, CLEANUP_BATCH);
    total += n;
    if (n < CLEANUP_BATCH) return total;
  }
}

/** The cleanup as a recurring job, hourly (idempotent: a rerun deletes what is left). */
export function verificationCodeCleanupJob(deps: Deps): JobKind {
  return {
    kind: 'platform.verification_code_cleanup',
    everyMs: 3_600_000,
    async run() {
      const n = await deleteExpiredCodes(deps);
      if (n) deps.log.info({ deleted: n }, 'expired verification codes deleted');
    },
  };
}
