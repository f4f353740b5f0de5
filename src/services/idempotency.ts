// Idempotency-Key: the first request with a key claims it by inserting a row;
// its answer is stored and every retry with the same key gets that answer back.
import crypto from 'node:crypto';
import type { Deps } from './deps.ts';

export type IdempotencyBegin =
  | { state: 'new' }
  | { state: 'replay'; statusCode: number; body: unknown }
  | { state: 'in_flight' }
  | { state: 'mismatch' };

export function requestHash(method: string, url: string, body: unknown): string {
  return crypto.createHash('sha256').update(`${method} ${url}\n${JSON.stringify(body ?? null)}`).digest('hex');
}

export function idempotencyService(deps: Deps) {
  return {
    async begin(tenantId: number, principal: string, key: string, hash: string): Promise<IdempotencyBegin> {
      const ins = await deps.db.query(
        `INSERT INTO idempotency_keys (tenant_id, principal, key, request_hash) VALUES ($1,$2,$3,$4)
         ON CONFLICT DO NOTHING`,
        [tenantId, principal, key, hash],
      );
      if (ins.rowCount === 1) return { state: 'new' };
      const r = await deps.db.query<{ request_hash: string; status_code: number | null; response: unknown }>(
        'SELECT request_hash, status_code, response FROM idempotency_keys WHERE tenant_id=$1 AND principal=$2 AND key=$3',
        [tenantId, principal, key],
      );
      const row = r.rows[0];
      if (!row) return this.begin(tenantId, principal, key, hash); // aborted meanwhile: try again
      if (row.request_hash !== hash) return { state: 'mismatch' };
      if (row.status_code === null) return { state: 'in_flight' };
      return { state: 'replay', statusCode: row.status_code, body: row.response };
    },

    async complete(tenantId: number, principal: string, key: string, statusCode: number, body: unknown): Promise<void> {
      await deps.db.query(
        'UPDATE idempotency_keys SET status_code=$4, response=$5 WHERE tenant_id=$1 AND principal=$2 AND key=$3',
        [tenantId, principal, key, statusCode, JSON.stringify(body ?? null)],
      );
    },

    /** Frees a key whose request failed unexpectedly, so a retry can run. */
    async abort(tenantId: number, principal: string, key: string): Promise<void> {
      await deps.db.query(
        'DELETE FROM idempotency_keys WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND status_code IS NULL',
        [tenantId, principal, key],
      );
    },
  };
}

export type IdempotencyService = ReturnType<typeof idempotencyService>;
