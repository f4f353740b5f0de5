// idempotency_keys: one row per (tenant, principal, key digest); `attempt`
// names the request that owns it, `committed` is set inside the work's own
// transaction, `expires_at` is when the row is forgotten (deleted by the sweep,
// never replayed after).
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { StoredKey } from '../domain/idempotency.ts';

export interface KeyRef {
  tenantId: number;
  principal: string;
  /** The key's digest (domain keyDigest), as stored. */
  key: string;
}

/** Claims a free key for `attempt`; false when the key exists. */
export async function claimKey(q: Queryable, k: KeyRef, hash: string, attempt: string, expiresAt: Date): Promise<boolean> {
  const ins = await q.query(
    `INSERT INTO idempotency_keys (tenant_id, principal, key, request_hash, attempt, expires_at) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT DO NOTHING`,
    [k.tenantId, k.principal, k.key, hash, attempt, expiresAt],
  );
  return ins.rowCount === 1;
}

export async function readKey(q: Queryable, k: KeyRef): Promise<StoredKey | null> {
  const r = await q.query<
    RowOf<'idempotency_keys', 'request_hash' | 'status_code' | 'response' | 'response_sealed' | 'committed' | 'expires_at'>
  >(
    `SELECT request_hash, status_code, response, response_sealed, committed, expires_at FROM idempotency_keys
     WHERE tenant_id=$1 AND principal=$2 AND key=$3`,
    [k.tenantId, k.principal, k.key],
  );
  const row = r.rows[0];
  if (!row) return null;
  return {
    requestHash: row.request_hash,
    statusCode: row.status_code,
    response: row.response,
    sealed: row.response_sealed,
    committed: row.committed,
    expiresAt: new Date(row.expires_at),
  };
}

/** Forgets one key found expired; false when another request got there first. */
export async function deleteExpiredKey(q: Queryable, k: KeyRef, now: Date): Promise<boolean> {
  const r = await q.query('DELETE FROM idempotency_keys WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND expires_at <= $4', [
    k.tenantId,
    k.principal,
    k.key,
    now,
  ]);
  return r.rowCount === 1;
}

/** Deletes up to `limit` expired keys; the number deleted. */
export async function deleteExpiredKeys(q: Queryable, now: Date, limit: number): Promise<number> {
  const r = await q.query(
    `DELETE FROM idempotency_keys WHERE (tenant_id, principal, key) IN (
       SELECT tenant_id, principal, key FROM idempotency_keys WHERE expires_at <= $1 LIMIT $2)`,
    [now, limit],
  );
  return r.rowCount;
}

/** Takes over a dead attempt's key: one conditional write decides among concurrent retries. */
export async function takeOverStaleKey(q: Queryable, k: KeyRef, attempt: string, staleSec: number, expiresAt: Date): Promise<boolean> {
  const took = await q.query(
    `UPDATE idempotency_keys SET attempt = $4, created_at = now(), expires_at = $6
     WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND status_code IS NULL AND NOT committed
       AND created_at < now() - make_interval(secs => $5)`,
    [k.tenantId, k.principal, k.key, attempt, staleSec, expiresAt],
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

/** Stores the answer, sealed; nothing of it is kept in clear. */
export async function storeAnswer(q: Queryable, k: KeyRef, attempt: string, statusCode: number, sealed: Uint8Array): Promise<void> {
  await q.query(
    `UPDATE idempotency_keys SET status_code=$5, response=NULL, response_sealed=$6
     WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND attempt=$4`,
    [k.tenantId, k.principal, k.key, attempt, statusCode, sealed],
  );
}

export async function freeUncommittedKey(q: Queryable, k: KeyRef, attempt: string): Promise<void> {
  await q.query(
    'DELETE FROM idempotency_keys WHERE tenant_id=$1 AND principal=$2 AND key=$3 AND attempt=$4 AND status_code IS NULL AND NOT committed',
    [k.tenantId, k.principal, k.key, attempt],
  );
}
