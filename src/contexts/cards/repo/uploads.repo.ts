// Uploaded images' records (card_uploads); the bytes live in the upload folder.
import { storedTenant } from '../../../kernel/deps.ts';
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';

export async function insertUpload(
  q: Queryable,
  tenantId: number | null,
  u: { name: string; mime: string; size: number; staffId: number | null },
): Promise<void> {
  await q.query('INSERT INTO card_uploads (tenant_id, file_name, mime, size, staff_id) VALUES ($1, $2, $3, $4, $5)', [
    storedTenant(tenantId),
    u.name,
    u.mime,
    u.size,
    u.staffId,
  ]);
}

export async function uploadMime(q: Queryable, name: string): Promise<string | null> {
  const r = await q.query<Pick<Row<'card_uploads'>, 'mime'>>('SELECT mime FROM card_uploads WHERE file_name = $1', [name]);
  return r.rows[0]?.mime ?? null;
}
