// Consumer sessions (table user_sessions): the only file of identity with SQL
// on it. Tokens arrive here as digests.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';

export async function insertUserSession(
  q: Queryable,
  s: { tokenHash: Buffer; userId: number; tenantId: number; expiresAt: Date },
): Promise<void> {
  await q.query('INSERT INTO user_sessions (token_hash, user_id, tenant_id, expires_at) VALUES ($1, $2, $3, $4)', [
    s.tokenHash,
    s.userId,
    s.tenantId,
    s.expiresAt,
  ]);
}

/** The live session behind a digest in this tenant (unknown, expired, revoked or a disabled user: null). */
export async function liveUserSession(
  q: Queryable,
  tokenHash: Buffer,
  tenantId: number,
  now: Date,
): Promise<{ userId: number; expiresAt: Date } | null> {
  const r = await q.query<RowOf<'user_sessions', 'user_id' | 'expires_at'>>(
    `SELECT s.user_id, s.expires_at FROM user_sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
         WHERE s.token_hash = $1 AND s.tenant_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3 AND NOT u.disabled`,
    [tokenHash, tenantId, now],
  );
  const row = r.rows[0];
  return row ? { userId: row.user_id, expiresAt: row.expires_at } : null;
}

export async function revokeUserSession(q: Queryable, tokenHash: Buffer, tenantId: number): Promise<void> {
  await q.query('UPDATE user_sessions SET revoked_at = now() WHERE token_hash = $1 AND tenant_id = $2 AND revoked_at IS NULL', [
    tokenHash,
    tenantId,
  ]);
}

/** Ends every live session of a user. */
export async function revokeUserSessionsOf(q: Queryable, tenantId: number, userId: number): Promise<void> {
  await q.query('UPDATE user_sessions SET revoked_at = now() WHERE tenant_id = $1 AND user_id = $2 AND revoked_at IS NULL', [
    tenantId,
    userId,
  ]);
}

/** Whether the tenant the token named has a live session behind the digest: the tenant, or null. */
export async function liveUserSessionTenant(q: Queryable, tenantId: number, tokenHash: Buffer, now: Date): Promise<number | null> {
  const r = await q.query<RowOf<'user_sessions', 'tenant_id'>>(
    'SELECT tenant_id FROM user_sessions WHERE tenant_id = $1 AND token_hash = $2 AND revoked_at IS NULL AND expires_at > $3',
    [tenantId, tokenHash, now],
  );
  return r.rows[0]?.tenant_id ?? null;
}
