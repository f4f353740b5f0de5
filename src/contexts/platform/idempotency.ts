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
export type { CommitScope };
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';

export type IdempotencyBegin =
  | { state: 'new'; attempt: string }
  | { state: 'replay'; statusCode: number; body: unknown }
  | { state: 'in_flight' }
  | { state: 'committed_unanswered' }
  | { state: 'mismatch' };

/** A key with no answer and no committed work for this long belongs to a dead attempt. */
export const STALE_SEC = 120;

export function requestHash(method: string, url: string, body: unknown): string {
  return crypto.createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

export class IdempotencyKeyLost extends Error {
  constructor() {
    super('the Idempotency-Key was taken over by a retry; this attempt rolls back');
  }
}

/** Runs `fn` (the rest of a request) with a commit scope the idempotency layer can fill. */
export function withCommitScope<T>(fn: () => T): T {
  return commitScope.run({ beforeCommit: null }, fn);
}

export function idempotencyService(deps: Deps) {
  return {
    async begin(tenantId: number, principal: string, key: string, hash: string): Promise<IdempotencyBegin> {
      const attempt = crypto.randomUUID();
      const ins = await deps.db.query(
        `INSERT INTO idempotency_keys (tenant_id, principal, key, request_hash, attempt) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT DO NOTHING`,
        [tenantId, principal, key, hash, attempt],
      );
      if (ins.rowCount === 1) return { state: 'new', attempt };
      const r = await deps.db.query<{ request_hash: string; status_code: number | null; response: unknown; committed: boolean }>(
        'SELECT request_hash, status_code, response, committed FROM idempotency_keys WHERE tenant_id=$1 AND principal=$2 AND key=$3',
        [tenantId, principal, key],
      );
      const row = r.rows[0];
      if (!row) return this.begin(tenantId, principal, key, hash); // aborted meanwhile: try again
      if (row.request_hash !== hash) return { state: 'mismatch' };
      if (row.status_code !== null) return { state: 'replay', statusCode: row.status_code, body: row.response };
      if (row.committed) return { state: 'committed_unanswered' };
      // Take over a dead attempt's key: one conditional write decides among concurrent retries.
      const took = await deps.db.query(
        `UPDATE idempotency_keys SET attempt = $4, created_at = now()
         WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND status_code IS NULL AND NOT committed
           AND created_at < now() - make_interval(secs => $5)`,
        [tenantId, principal, key, attempt, STALE_SEC],
      );
      return took.rowCount === 1 ? { state: 'new', attempt } : { state: 'in_flight' };
    },

    /** Marks the key in the work's own transactions; a lost key rolls the work back. */
    arm(scope: CommitScope | undefined, tenantId: number, principal: string, key: string, attempt: string): void {
      if (!scope) return;
      scope.beforeCommit = async (q: Queryable) => {
        const r = await q.query(
          'UPDATE idempotency_keys SET committed = true WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND attempt=$4 AND status_code IS NULL',
          [tenantId, principal, key, attempt],
        );
        if (r.rowCount !== 1) throw new IdempotencyKeyLost();
      };
    },

    currentScope(): CommitScope | undefined {
      return commitScope.getStore();
    },

    async complete(tenantId: number, principal: string, key: string, attempt: string, statusCode: number, body: unknown): Promise<void> {
      await deps.db.query(
        'UPDATE idempotency_keys SET status_code=$5, response=$6 WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND attempt=$4',
        [tenantId, principal, key, attempt, statusCode, JSON.stringify(body ?? null)],
      );
    },

    /** Frees a key whose request failed unexpectedly before any work committed, so a retry can run. */
    async abort(tenantId: number, principal: string, key: string, attempt: string): Promise<void> {
      await deps.db.query(
        'DELETE FROM idempotency_keys WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND attempt=$4 AND status_code IS NULL AND NOT committed',
        [tenantId, principal, key, attempt],
      );
    },
  };
}

export type IdempotencyService = ReturnType<typeof idempotencyService>;
