// A per-request hook that runs inside every transaction of that request, just
// before COMMIT. The idempotency layer uses it to mark its key "work committed"
// in the same transaction as the work, so a crash between the commit and the
// stored answer can never let a retry run the work a second time.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Queryable } from './store.ts';

export interface CommitScope {
  beforeCommit: ((q: Queryable) => Promise<void>) | null;
}

export const commitScope = new AsyncLocalStorage<CommitScope>();

/** Called by the stores right before COMMIT; a throw rolls the transaction back. */
export async function runBeforeCommit(q: Queryable): Promise<void> {
  const scope = commitScope.getStore();
  if (scope?.beforeCommit) await scope.beforeCommit(q);
}
