// verification_codes: one row per code sent; a try is reserved by one
// conditional UPDATE before the code is compared (attempts < the cap).
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { Channel } from '../domain/message.ts';

export interface CodeRef {
  tenantId: number;
  channel: Channel;
  to: string;
  purpose: string;
}

export async function insertCode(q: Queryable, c: CodeRef, codeHash: string, ttlSec: number): Promise<void> {
  await q.query(
    `INSERT INTO verification_codes (tenant_id, channel, recipient, purpose, code_hash, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
    [c.tenantId, c.channel, c.to, c.purpose, codeHash, ttlSec],
  );
}

/** Reserves one try on the newest live code while it has tries left; null when none was reserved. */
export async function reserveTry(q: Queryable, c: CodeRef, maxAttempts: number): Promise<{ id: number; codeHash: string } | null> {
  const r = await q.query<RowOf<'verification_codes', 'id' | 'code_hash'>>(
    `UPDATE verification_codes SET attempts = attempts + 1
     WHERE id = (SELECT id FROM verification_codes
                 WHERE tenant_id = $1 AND channel = $2 AND recipient = $3 AND purpose = $4 AND used_at IS NULL AND expires_at > now()
                 ORDER BY id DESC LIMIT 1)
       AND attempts < $5 AND used_at IS NULL AND expires_at > now()
     RETURNING id, code_hash`,
    [c.tenantId, c.channel, c.to, c.purpose, maxAttempts],
  );
  const row = r.rows[0];
  return row ? { id: row.id, codeHash: row.code_hash } : null;
}

/** The tries used on the newest live code, or null when there is none. */
export async function newestAttempts(q: Queryable, c: CodeRef): Promise<number | null> {
  const r = await q.query<RowOf<'verification_codes', 'attempts'>>(
    `SELECT attempts FROM verification_codes
     WHERE tenant_id = $1 AND channel = $2 AND recipient = $3 AND purpose = $4 AND used_at IS NULL AND expires_at > now()
     ORDER BY id DESC LIMIT 1`,
    [c.tenantId, c.channel, c.to, c.purpose],
  );
  return r.rows[0]?.attempts ?? null;
}

/** Uses a code up; false when it was used meanwhile. */
export async function markUsed(q: Queryable, id: number): Promise<boolean> {
  const used = await q.query('UPDATE verification_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL', [id]);
  return used.rowCount === 1;
}

export async function giveTryBack(q: Queryable, id: number): Promise<void> {
  await q.query('UPDATE verification_codes SET attempts = attempts - 1 WHERE id = $1 AND attempts > 0', [id]);
}

/** Deletes up to `limit` codes that expired before `before`; the number deleted. */
export async function deleteExpiredCodes(q: Queryable, before: Date, limit: number): Promise<number> {
  const r = await q.query('DELETE FROM verification_codes WHERE id IN (SELECT id FROM verification_codes WHERE expires_at < $1 LIMIT $2)', [
    before,
    limit,
  ]);
  return r.rowCount;
}
