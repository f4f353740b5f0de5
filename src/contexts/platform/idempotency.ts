// Idempotency-Key: the first request with a key claims it by inserting a row;
// its answer is stored and every retry with the same key gets that answer back.
//
// Crash safety: the row is marked `committed` inside the transaction that does
// the work (see db/commit-scope.ts), guarded by the attempt that owns the key.
// So a key whose process died before storing the answer is either
//   - committed: the work happened; a retry is told so and never runs it again;
//   - not committed after STALE_SEC: nothing happened; a retry takes the key
//     over (a new attempt), and should the old attempt still be alive, its
//     commit finds the key no longer its own and rolls back.
//
// Retention: a key is forgotten at its expiry (IDEMPOTENCY_TTL_HOURS, 24 h by
// default; deps.now is the clock): an expired key is never replayed, and the
// sweep (a recurring job, 'platform.idempotency_sweep') deletes it. What is kept is only what a replay needs: the
// key's digest, the request's fingerprint, the status and the answer sealed
// under the Idempotency-Key itself (domain/idempotency.ts).
import crypto from 'node:crypto';
import { commitScope, type CommitScope } from '../../db/commit-scope.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import { beginOnExisting, isExpired, keyDigest, openAnswer, sealAnswer, STALE_SEC, type IdempotencyBegin } from './domain/idempotency.ts';
import type { JobKind } from './jobs.ts';
import * as keys from './repo/idempotency.repo.ts';

export type { CommitScope };
export { keyDigest, requestHash, STALE_SEC, type IdempotencyBegin } from './domain/idempotency.ts';

/** How often the sweep of expired keys runs, and how many rows one statement deletes. */
export const IDEMPOTENCY_SWEEP_EVERY_MS = 10 * 60_000;
const SWEEP_BATCH = 5_000;

export class IdempotencyKeyLost extends Error {
  constructor() {
    super('the Idempotency-Key was taken over by a retry; this attempt rolls back');
  }
}

/** Runs `fn` (the rest of a request) with a commit scope the idempotency layer can fill. */
export function withCommitScope<T>(fn: () => T): T {
  return commitScope.run({ beforeCommit: null }, fn);
}

/** The row of a key: tenant, principal and the key's digest. */
const refOf = (tenantId: number, principal: string, key: string): keys.KeyRef => ({ tenantId, principal, key: keyDigest(key) });
/** What the seal is bound to besides the key, so an answer cannot be moved to another row. */
const sealScope = (tenantId: number, principal: string) => `${tenantId}\n${principal}`;

export function idempotencyService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();
  const expiry = () => new Date(now().getTime() + deps.config.idempotencyTtlHours * 3_600_000);

  async function begin(tenantId: number, principal: string, key: string, hash: string, tries = 3): Promise<IdempotencyBegin> {
    const q: Queryable = deps.db;
    const k = refOf(tenantId, principal, key);
    const attempt = crypto.randomUUID();
    if (await keys.claimKey(q, k, hash, attempt, expiry())) return { state: 'new', attempt };
    const row = await keys.readKey(q, k);
    if (!row || isExpired(row, now())) {
      // Gone meanwhile, or expired (forgotten now): claim it afresh.
      if (row) await keys.deleteExpiredKey(q, k, now());
      return tries > 0 ? begin(tenantId, principal, key, hash, tries - 1) : { state: 'in_flight' };
    }
    const found = beginOnExisting(row, hash, () => openAnswer(key, sealScope(tenantId, principal), row.sealed!));
    if (found) return found;
    return (await keys.takeOverStaleKey(q, k, attempt, STALE_SEC, expiry())) ? { state: 'new', attempt } : { state: 'in_flight' };
  }

  return {
    begin: (tenantId: number, principal: string, key: string, hash: string): Promise<IdempotencyBegin> =>
      begin(tenantId, principal, key, hash),

    /** Marks the key in the work's own transactions; a lost key rolls the work back. */
    arm(scope: CommitScope | undefined, tenantId: number, principal: string, key: string, attempt: string): void {
      if (!scope) return;
      scope.beforeCommit = async (q: Queryable) => {
        if (!(await keys.markCommitted(q, refOf(tenantId, principal, key), attempt))) throw new IdempotencyKeyLost();
      };
    },

    currentScope(): CommitScope | undefined {
      return commitScope.getStore();
    },

    async complete(tenantId: number, principal: string, key: string, attempt: string, statusCode: number, body: unknown): Promise<void> {
      const sealed = sealAnswer(key, sealScope(tenantId, principal), body);
      await keys.storeAnswer(deps.db, refOf(tenantId, principal, key), attempt, statusCode, sealed);
    },

    /** Frees a key whose request failed unexpectedly before any work committed, so a retry can run. */
    async abort(tenantId: number, principal: string, key: string, attempt: string): Promise<void> {
      await keys.freeUncommittedKey(deps.db, refOf(tenantId, principal, key), attempt);
    },

    /** Deletes every key past its expiry; the number deleted. */
    async sweep(): Promise<number> {
      let total = 0;
      for (;;) {
        const n = await keys.deleteExpiredKeys(deps.db, now(), SWEEP_BATCH);
        total += n;
        if (n < SWEEP_BATCH) return total;
      }
    },
  };
}

export type IdempotencyService = ReturnType<typeof idempotencyService>;

/** The sweep of expired keys as a recurring job: every IDEMPOTENCY_SWEEP_EVERY_MS, on one process at a time (idempotent: a rerun deletes what is left). */
export function idempotencySweepJob(idempotency: IdempotencyService, deps: Deps): JobKind {
  return {
    kind: 'platform.idempotency_sweep',
    everyMs: IDEMPOTENCY_SWEEP_EVERY_MS,
    async run() {
      const n = await idempotency.sweep();
      if (n) deps.log.info({ deleted: n }, 'expired idempotency keys deleted');
    },
  };
}
