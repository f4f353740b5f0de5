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
import crypto from 'node:crypto';
import { commitScope, type CommitScope } from '../../db/commit-scope.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import { beginOnExisting, STALE_SEC, type IdempotencyBegin } from './domain/idempotency.ts';
import * as keys from './repo/idempotency.repo.ts';

export type { CommitScope };
export { requestHash, STALE_SEC, type IdempotencyBegin } from './domain/idempotency.ts';

export class IdempotencyKeyLost extends Error {
  constructor() {
    super('the Idempotency-Key was taken over by a retry; this attempt rolls back');
  }
}

/** Runs `fn` (the rest of a request) with a commit scope the idempotency layer can fill. */
export function withCommitScope<T>(fn: () => T): T {
  return commitScope.run({ beforeCommit: null }, fn);
}

async function begin(q: Queryable, k: keys.KeyRef, hash: string): Promise<IdempotencyBegin> {
  const attempt = crypto.randomUUID();
  if (await keys.claimKey(q, k, hash, attempt)) return { state: 'new', attempt };
  const row = await keys.readKey(q, k);
  if (!row) return begin(q, k, hash); // aborted meanwhile: try again
  const found = beginOnExisting(row, hash);
  if (found) return found;
  return (await keys.takeOverStaleKey(q, k, attempt, STALE_SEC)) ? { state: 'new', attempt } : { state: 'in_flight' };
}

export function idempotencyService(deps: Deps) {
  return {
    begin: (tenantId: number, principal: string, key: string, hash: string): Promise<IdempotencyBegin> =>
      begin(deps.db, { tenantId, principal, key }, hash),

    /** Marks the key in the work's own transactions; a lost key rolls the work back. */
    arm(scope: CommitScope | undefined, tenantId: number, principal: string, key: string, attempt: string): void {
      if (!scope) return;
      scope.beforeCommit = async (q: Queryable) => {
        if (!(await keys.markCommitted(q, { tenantId, principal, key }, attempt))) throw new IdempotencyKeyLost();
      };
    },

    currentScope(): CommitScope | undefined {
      return commitScope.getStore();
    },

    async complete(tenantId: number, principal: string, key: string, attempt: string, statusCode: number, body: unknown): Promise<void> {
      await keys.storeAnswer(deps.db, { tenantId, principal, key }, attempt, statusCode, body);
    },

    /** Frees a key whose request failed unexpectedly before any work committed, so a retry can run. */
    async abort(tenantId: number, principal: string, key: string, attempt: string): Promise<void> {
      await keys.freeUncommittedKey(deps.db, { tenantId, principal, key }, attempt);
    },
  };
}

export type IdempotencyService = ReturnType<typeof idempotencyService>;
