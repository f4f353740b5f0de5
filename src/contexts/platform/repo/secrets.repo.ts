// app_secrets: platform-wide keys generated once and shared by every process on the database.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';

/** The secret `name`, made from `fresh` by whichever process asks first. */
export async function ensureSecret(q: Queryable, name: string, fresh: string): Promise<string> {
  await q.query('INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, fresh]);
  const r = await q.query<RowOf<'app_secrets', 'value'>>('SELECT value FROM app_secrets WHERE name = $1', [name]);
  return r.rows[0]!.value;
}
