// idempotency_keys: one row per (tenant, principal, key); `attempt` names the
// request that owns it, `committed` is set inside the work's own transaction.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { StoredKey } from '../domain/idempotency.ts';

export interface KeyRef {
  tenantId: number;
  principal: string;
  key: string;
}

/** Claims a free key for `attempt`; false when the key exists. */
export async function claimKey(q: Queryable, k: KeyRef, hash: string, attempt: string): Promise<boolean> {
  const ins = await q.query(
    `INSERT INTO idempotency_keys (tenant_id, principal, key, request_hash, attempt) VALUES ($1,$2,$3,$4,$5)
     ON CONFLICT DO NOTHING`,
    [k.tenantId, k.principal, k.key, hash, attempt],
  );
  return ins.rowCount === 1;
}

export async function readKey(q: Queryable, k: KeyRef): Promise<StoredKey | null> {
  const r = await q.query<RowOf<'idempotency_keys', 'request_hash' | 'status_code' | 'response' | 'committed'>>(
    'SELECT request_hash, status_code, response, committed FROM idempotency_keys WHERE tenant_id=$1 AND principal=$2 AND key=$3',
    [k.tenantId, k.principal, k.key],
  );
  const row = r.rows[0];
  return row ? { requestHash: row.request_hash, statusCode: row.status_code, response: row.response, committed: row.committed } : null;
}

/** Takes over a dead attempt's key: one conditional write decides among concurrent retries. */
export async function takeOverStaleKey(q: Queryable, k: KeyRef, attempt: string, staleSec: number): Promise<boolean> {
  const took = await q.query(
    `UPDATE idempotency_keys SET attempt = $4, created_at = now()
     WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND status_code IS NULL AND NOT committed
       AND created_at < now() - make_interval(secs => $5)`,
    [k.tenantId, k.principal, k.key, attempt, staleSec],
  );
  return took.rowCount === 1;
}

/** Marks the key committed (in the work's transaction); false when `attempt` no longer owns it. */
export async function markCommitted(q: Queryable, k: KeyRef, attempt: string): Promise<boolean> {
  const r = await q.query(
    'UPDATE idempotency_keys SET committed = true WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND attempt=$4 AND status_code IS NULL',
    [k.tenantId, k.principal, k.key, attempt],
  );
  return r.rowCount === 1;
}

export async function storeAnswer(q: Queryable, k: KeyRef, attempt: string, statusCode: number, body: unknown): Promise<void> {
  await q.query('UPDATE idempotency_keys SET status_code=$5, response=$6 WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND attempt=$4', [
    k.tenantId,
    k.principal,
    k.key,
    attempt,
    statusCode,
    JSON.stringify(body ?? null),
  ]);
}

export async function freeUncommittedKey(q: Queryable, k: KeyRef, attempt: string): Promise<void> {
  await q.query(
    'DELETE FROM idempotency_keys WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND attempt=$4 AND status_code IS NULL AND NOT committed',
    [k.tenantId, k.principal, k.key, attempt],
  );
}
