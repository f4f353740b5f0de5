// Staff sessions and tenant API keys (tables staff_sessions, api_keys): the
// only file of identity with SQL on them. Tokens and keys arrive here as digests.
import { storedTenant } from '../../../kernel/deps.ts';
import type { Queryable } from '../../../db/store.ts';
import type { Row, RowOf } from '../../../db/rows.ts';
import type { ApiKey } from '../domain/session.ts';
import type { Staff } from '../domain/staff.ts';
import { toStaff } from './staff.repo.ts';

export async function insertStaffSession(
  q: Queryable,
  s: { tokenHash: Buffer; staffId: number; tenantId: number | null; expiresAt: Date },
): Promise<void> {
  await q.query('INSERT INTO staff_sessions (token_hash, staff_id, tenant_id, expires_at) VALUES ($1, $2, $3, $4)', [
    s.tokenHash,
    s.staffId,
    storedTenant(s.tenantId),
    s.expiresAt,
  ]);
}

export async function revokeStaffSession(q: Queryable, tenantId: number, tokenHash: Buffer): Promise<void> {
  await q.query('UPDATE staff_sessions SET revoked_at = now() WHERE tenant_id = $1 AND token_hash = $2 AND revoked_at IS NULL', [
    tenantId,
    tokenHash,
  ]);
}

/** Ends every live session of a staff member. */
export async function revokeStaffSessionsOf(q: Queryable, tenantId: number | null, staffId: number): Promise<void> {
  await q.query('UPDATE staff_sessions SET revoked_at = now() WHERE tenant_id = $1 AND staff_id = $2 AND revoked_at IS NULL', [
    storedTenant(tenantId),
    staffId,
  ]);
}

/** The active staff member behind a live session, or null (unknown, revoked, expired, disabled). */
export async function staffOfSession(q: Queryable, tenantId: number, tokenHash: Buffer, now: Date): Promise<Staff | null> {
  const r = await q.query<Row<'staff'> & { expires_at: Date }>(
    `SELECT s.*, ss.expires_at FROM staff_sessions ss JOIN staff s ON s.tenant_id = ss.tenant_id AND s.id = ss.staff_id
           WHERE ss.tenant_id = $3 AND ss.token_hash = $1 AND ss.revoked_at IS NULL AND ss.expires_at > $2 AND NOT s.disabled`,
    [tokenHash, now, tenantId],
  );
  return r.rows[0] ? toStaff(r.rows[0]) : null;
}

/** The live API key with this digest. */
export async function apiKeyByHash(q: Queryable, tenantId: number, keyHash: Buffer): Promise<{ id: number; tenantId: number } | null> {
  const r = await q.query<RowOf<'api_keys', 'id' | 'tenant_id'>>(
    'SELECT id, tenant_id FROM api_keys WHERE tenant_id = $1 AND key_hash = $2 AND revoked_at IS NULL',
    [tenantId, keyHash],
  );
  return r.rows[0] ? { id: r.rows[0].id, tenantId: r.rows[0].tenant_id } : null;
}

export async function insertApiKey(
  q: Queryable,
  k: { tenantId: number; name: string; prefix: string; keyHash: Buffer; createdBy: number | null },
): Promise<number> {
  const r = await q.query<RowOf<'api_keys', 'id'>>(
    `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [k.tenantId, k.name, k.prefix, k.keyHash, k.createdBy],
  );
  return r.rows[0]!.id;
}

export async function listApiKeys(q: Queryable, tenantId: number): Promise<ApiKey[]> {
  const r = await q.query<RowOf<'api_keys', 'id' | 'name' | 'prefix' | 'created_at' | 'revoked_at'>>(
    'SELECT id, name, prefix, created_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY id',
    [tenantId],
  );
  return r.rows.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, createdAt: k.created_at, revokedAt: k.revoked_at }));
}

/** Revokes a live key; false when the tenant has no such live key. */
export async function revokeApiKey(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const r = await q.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL', [tenantId, id]);
  return r.rowCount > 0;
}
