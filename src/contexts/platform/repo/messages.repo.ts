// outbox_messages (what the built-in "log" provider sent) and the tenant's
// configured SMS provider (a read of identity's tenants).
import type { Queryable } from '../../../db/store.ts';
import type { Row, RowOf } from '../../../db/rows.ts';
import type { OutgoingMessage, SentMessage } from '../domain/message.ts';

export async function providerNameOf(q: Queryable, tenantId: number): Promise<string | null> {
  const r = await q.query<RowOf<'tenants', 'sms_provider'>>('SELECT sms_provider FROM tenants WHERE id = $1', [tenantId]);
  return r.rows[0]?.sms_provider ?? null;
}

export async function insertOutbox(q: Queryable, m: OutgoingMessage): Promise<void> {
  await q.query('INSERT INTO outbox_messages (tenant_id, channel, recipient, text, code, purpose) VALUES ($1,$2,$3,$4,$5,$6)', [
    m.tenantId,
    m.channel,
    m.to,
    m.text,
    m.code ?? null,
    m.purpose ?? null,
  ]);
}

export async function listOutbox(q: Queryable, tenantId: number, limit: number): Promise<SentMessage[]> {
  const r = await q.query<Row<'outbox_messages'>>('SELECT * FROM outbox_messages WHERE tenant_id = $1 ORDER BY id DESC LIMIT $2', [
    tenantId,
    limit,
  ]);
  return r.rows.map((m) => ({
    channel: m.channel,
    to: m.recipient,
    text: m.text,
    code: m.code,
    purpose: m.purpose,
    createdAt: m.created_at,
  }));
}
