// user_messages: the only SQL over consumers' in-app messages (站内信).
// Deleting a message marks it deleted; deleted messages are never read back.
import type { Queryable } from '../../../db/store.ts';
import type { Row, RowOf } from '../../../db/rows.ts';
import type { InboxMessage } from '../domain/content.ts';

const toMessage = (m: Row<'user_messages'>): InboxMessage => ({
  id: m.id,
  userId: m.user_id,
  type: m.type,
  source: m.source,
  title: m.title,
  content: m.content,
  isRead: m.is_read,
  createdAt: m.created_at,
});

export async function userExists(q: Queryable, tenantId: number, userId: number): Promise<boolean> {
  const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
  return u.rowCount > 0;
}

/** Writes an unread message from staff (source 0). */
export async function insertMessage(
  q: Queryable,
  tenantId: number,
  userId: number,
  m: { type: number; title: string; content: string | null },
): Promise<InboxMessage> {
  const r = await q.query<RowOf<'user_messages', 'id' | 'created_at'>>(
    'INSERT INTO user_messages (tenant_id, user_id, type, source, title, content) VALUES ($1,$2,$3,0,$4,$5) RETURNING id, created_at',
    [tenantId, userId, m.type, m.title, m.content],
  );
  return {
    id: r.rows[0]!.id,
    userId,
    type: m.type,
    source: 0,
    title: m.title,
    content: m.content,
    isRead: false,
    createdAt: r.rows[0]!.created_at,
  };
}

export async function listMessages(
  q: Queryable,
  tenantId: number,
  userId: number,
  f: { isRead?: boolean | null; type?: number | null; limit: number; offset: number },
): Promise<{ items: InboxMessage[]; total: number }> {
  const r = await q.query<Row<'user_messages'> & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM user_messages WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL
       AND ($3::boolean IS NULL OR is_read = $3) AND ($4::int IS NULL OR type = $4) ORDER BY id DESC LIMIT $5 OFFSET $6`,
    [tenantId, userId, f.isRead ?? null, f.type ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toMessage), total: r.rows[0]?.total ?? 0 };
}

/** Marks one of the user's messages read; false when there is none (or it was deleted). */
export async function markRead(q: Queryable, tenantId: number, userId: number, id: number): Promise<boolean> {
  const r = await q.query(
    'UPDATE user_messages SET is_read = true WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND deleted_at IS NULL',
    [tenantId, userId, id],
  );
  return r.rowCount > 0;
}

/** Marks one of the user's messages deleted; false when there is none (or it was deleted already). */
export async function markDeleted(q: Queryable, tenantId: number, userId: number, id: number): Promise<boolean> {
  const r = await q.query(
    'UPDATE user_messages SET deleted_at = now() WHERE tenant_id = $1 AND user_id = $2 AND id = $3 AND deleted_at IS NULL',
    [tenantId, userId, id],
  );
  return r.rowCount > 0;
}
