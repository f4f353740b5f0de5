// domain_events: the outbox. Written by recordEvents inside other contexts'
// transactions (one multi-row insert per call), read and marked by the dispatcher.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { DomainEvent, EventType, StoredEvent } from '../domain/events.ts';

type EventRow = RowOf<'domain_events', 'tenant_id' | 'id' | 'public_id' | 'type' | 'payload' | 'occurred_at' | 'dispatched_at'>;
const COLS = 'tenant_id, id, public_id, type, payload, occurred_at, dispatched_at';

const toEvent = (r: EventRow): StoredEvent =>
  ({
    tenantId: r.tenant_id,
    seq: r.id,
    id: r.public_id,
    type: r.type as EventType,
    payload: r.payload,
    occurredAt: r.occurred_at,
    dispatchedAt: r.dispatched_at,
  }) as StoredEvent;

/** Every event of the list in one statement (one round trip, whatever the count). */
export async function insertEvents(q: Queryable, events: Array<DomainEvent & { id: string }>, at: Date | null): Promise<void> {
  await q.query(
    `INSERT INTO domain_events (tenant_id, public_id, type, payload, occurred_at)
     SELECT t, p, ty, pl, coalesce($5::timestamptz, now())
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[]) AS e(t, p, ty, pl)`,
    [events.map((e) => e.tenantId), events.map((e) => e.id), events.map((e) => e.type), events.map((e) => JSON.stringify(e.payload)), at],
  );
}

/** The oldest undispatched events no other process holds, locked until this transaction ends. */
export async function claimUndispatched(q: Queryable, limit: number): Promise<StoredEvent[]> {
  const r = await q.query<EventRow>(
    `SELECT ${COLS} FROM domain_events WHERE dispatched_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return r.rows.map(toEvent);
}

export async function markDispatched(q: Queryable, events: StoredEvent[], at: Date): Promise<void> {
  if (!events.length) return;
  await q.query(
    `UPDATE domain_events d SET dispatched_at = $3 FROM unnest($1::bigint[], $2::bigint[]) AS e(tenant, seq)
      WHERE d.tenant_id = e.tenant AND d.id = e.seq`,
    [events.map((e) => e.tenantId), events.map((e) => e.seq), at],
  );
}

/** A subscriber that throws undoes only its own event's work (the rest of the batch goes on). */
export const savepoint = (q: Queryable) => q.query('SAVEPOINT dispatch_event');
export const releaseSavepoint = (q: Queryable) => q.query('RELEASE SAVEPOINT dispatch_event');
export const rollbackToSavepoint = (q: Queryable) => q.query('ROLLBACK TO SAVEPOINT dispatch_event');

export interface EventFilter {
  type?: string | null;
  limit: number;
  offset: number;
}

export async function listEvents(q: Queryable, tenantId: number, f: EventFilter): Promise<{ items: StoredEvent[]; total: number }> {
  const where = 'tenant_id = $1 AND ($2::text IS NULL OR type = $2)';
  const [rows, count] = await Promise.all([
    q.query<EventRow>(`SELECT ${COLS} FROM domain_events WHERE ${where} ORDER BY id DESC LIMIT $3 OFFSET $4`, [
      tenantId,
      f.type ?? null,
      f.limit,
      f.offset,
    ]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM domain_events WHERE ${where}`, [tenantId, f.type ?? null]),
  ]);
  return { items: rows.rows.map(toEvent), total: count.rows[0]!.n };
}

export async function eventBySeq(q: Queryable, tenantId: number, seq: number): Promise<StoredEvent | null> {
  const r = await q.query<EventRow>(`SELECT ${COLS} FROM domain_events WHERE tenant_id = $1 AND id = $2`, [tenantId, seq]);
  return r.rows[0] ? toEvent(r.rows[0]) : null;
}

/** One event written and marked dispatched at once (a test send goes to one endpoint only, not to subscribers). */
export async function insertDispatched(q: Queryable, e: DomainEvent & { id: string }, at: Date): Promise<StoredEvent> {
  const r = await q.query<EventRow>(
    `INSERT INTO domain_events (tenant_id, public_id, type, payload, occurred_at, dispatched_at)
     VALUES ($1, $2, $3, $4, $5, $5) RETURNING ${COLS}`,
    [e.tenantId, e.id, e.type, JSON.stringify(e.payload), at],
  );
  return toEvent(r.rows[0]!);
}
