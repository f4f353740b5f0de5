// Guessing limits: every check of a secret (a password, a 卡密 or card
// password, a 口令, a voucher number) first reserves a try, atomically, and
// compares only with a reservation in hand: a reservation is granted while
// failures + tries in flight is under the limit, so no burst of parallel
// guesses gets more comparisons than the limit, whatever the number of app
// processes. A wrong answer turns the reservation into a failure; a right one
// gives it back. Tries in flight are not failures: a try that finds the slots
// taken only by tries in flight waits briefly for them (a burst of right
// passwords, such as many clerks spending from one card, passes); once the
// failures reach the limit every try is refused until the window ends.
//
// The counters live in Redis when it is configured (shared by every process)
// and otherwise in the database (guess_attempts), never in one process's
// memory. Windows are fixed and run on deps.now.
import crypto from 'node:crypto';
import type { Deps } from '../../kernel/deps.ts';
import { ErrorCode, fail, type Failure } from '../../kernel/result.ts';
import * as attempts from './repo/guess-attempts.repo.ts';

/** `limit` wrong tries per `windowSec` under `key` of a tenant (tenantId 0: a platform-wide counter, e.g. per IP). */
export interface GuessLimit {
  tenantId: number;
  key: string;
  limit: number;
  windowSec: number;
}

/** A reserved try: settle it once with the comparison's answer. */
export interface GuessTry {
  allowed: true;
  /** A wrong guess: a failure on every limit. */
  wrong(): Promise<void>;
  /** A right guess: every limit gets its try back; those in `clear` (the account's) also forget their failures. */
  right(clear?: readonly GuessLimit[]): Promise<void>;
}

export type GuessReservation = GuessTry | { allowed: false; retryAfterSec: number };

export interface GuessLimiter {
  /**
   * Reserves a try on each limit, in order (the most specific first: only
   * the last ones are shared, so no holder of a later slot waits for an
   * earlier one). When one refuses, the tries reserved before it are given back.
   */
  reserve(limits: readonly GuessLimit[]): Promise<GuessReservation>;
}

/** The refusal of a try over the limit, in the words of the caller ("failed logins", "wrong card passwords"…). */
export function tooManyTries(what: string, retryAfterSec: number): Failure<'rate_limited'> {
  return fail(ErrorCode.rate_limited, `too many ${what}; try again in ${retryAfterSec} s`, { retryAfterSec });
}

/** A comparison (a hash, a lookup, a short transaction) takes far less; a slot held longer belongs to a process that died. */
const PENDING_SEC = 30;
/**
 * A try waits for tries in flight as long as they keep settling (a burst of
 * right passwords, such as 60 clerks spending from one card, passes `limit`
 * at a time); it is refused when nothing has moved for this long.
 */
const MAX_STALL_MS = 5_000;
// Ended windows count as absent; one reservation in SWEEP_EVERY deletes a batch of them.
const SWEEP_EVERY = 256;
let sinceSweep = 0;

// A key made of what the caller typed (a name, a code) is stored as its digest
// when it is long or holds a NUL, so no input is too big for the key's index.
const storedKey = (key: string) =>
  key.length <= 200 && !key.includes('\u0000') ? key : `sha256:${crypto.createHash('sha256').update(key).digest('hex')}`;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The store of the counters: Redis when configured, else the database. */
function counterStore(deps: Deps) {
  const ref = (l: GuessLimit) => ({ tenantId: l.tenantId, key: storedKey(l.key) });
  const cacheKey = (l: GuessLimit) => `guess:${l.tenantId}:${storedKey(l.key)}`;
  if (deps.cache.kind === 'redis') {
    return {
      take: (l: GuessLimit, at: Date) => deps.cache.reserveTry(cacheKey(l), { ...l, pendingSec: PENDING_SEC }, at.getTime()),
      counts: async (l: GuessLimit, at: Date) => {
        const t = await deps.cache.triesOf(cacheKey(l), at.getTime());
        return { failures: t?.failures ?? 0, pending: t?.pending ?? 0, settled: t?.settled ?? 0, endsMs: t?.windowEndsMs ?? 0 };
      },
      settle: (l: GuessLimit, outcome: attempts.TryOutcome) => deps.cache.settleTry(cacheKey(l), outcome),
    };
  }
  return {
    async take(l: GuessLimit, at: Date) {
      if (++sinceSweep >= SWEEP_EVERY) {
        sinceSweep = 0;
        await attempts.sweepEnded(deps.db, at);
      }
      return attempts.reserveTry(deps.db, ref(l), { ...l, pendingSec: PENDING_SEC }, at);
    },
    counts: async (l: GuessLimit, at: Date) => {
      const t = await attempts.countsOf(deps.db, ref(l), at);
      return { failures: t?.failures ?? 0, pending: t?.pending ?? 0, settled: t?.settled ?? 0, endsMs: t?.windowEnds.getTime() ?? 0 };
    },
    settle: (l: GuessLimit, outcome: attempts.TryOutcome) => attempts.settleTry(deps.db, ref(l), outcome),
  };
}

export function guessLimiter(deps: Deps): GuessLimiter {
  const now = () => deps.now?.() ?? new Date();
  const store = counterStore(deps);

  /** One slot of one limit: granted (null), or refused with the seconds until a try may pass. */
  async function reserveOne(l: GuessLimit): Promise<number | null> {
    let seen = '';
    let since = Date.now();
    for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
      const at = now();
      if (await store.take(l, at)) return null;
      const c = await store.counts(l, at);
      if (c.failures >= l.limit) return Math.max(1, Math.ceil((c.endsMs - at.getTime()) / 1000));
      // Only tries in flight hold the slots: wait for their answers while they keep coming.
      const state = `${c.failures}/${c.pending}/${c.settled}`;
      if (state !== seen) [seen, since] = [state, Date.now()];
      else if (Date.now() - since >= MAX_STALL_MS) return 1;
      await pause(wait + Math.random() * wait);
    }
  }

  const settleAll = async (limits: readonly GuessLimit[], outcome: (l: GuessLimit) => attempts.TryOutcome) => {
    for (const l of limits) await store.settle(l, outcome(l));
  };

  return {
    async reserve(limits) {
      for (let i = 0; i < limits.length; i++) {
        const retryAfterSec = await reserveOne(limits[i]!);
        if (retryAfterSec !== null) {
          await settleAll(limits.slice(0, i), () => 'right');
          return { allowed: false, retryAfterSec };
        }
      }
      let settled = false;
      const once = () => {
        if (settled) throw new Error('a reserved try is settled once');
        settled = true;
      };
      return {
        allowed: true,
        async wrong() {
          once();
          await settleAll(limits, () => 'wrong');
        },
        async right(clear = []) {
          once();
          await settleAll(limits, (l) => (clear.includes(l) ? 'clear' : 'right'));
        },
      };
    },
  };
}
