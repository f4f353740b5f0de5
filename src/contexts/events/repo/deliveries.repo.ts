// webhook_deliveries and webhook_attempts: one delivery per event × endpoint,
// taken by one process at a time (FOR UPDATE SKIP LOCKED, then a lease in
// next_attempt_at), every attempt logged.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { EventType, StoredEvent } from '../domain/events.ts';
import type { DeliveryState, WebhookAttempt, WebhookDelivery } from '../domain/webhook.ts';

/** Fans events out to every enabled endpoint of their tenant that wants their type (once: the unique key). */
export async function fanOut(q: Queryable, events: StoredEvent[], at: Date, giveUpAt: Date): Promise<void> {
  if (!events.length) return;
  await q.query(
    `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, next_attempt_at, give_up_at)
     SELECT w.tenant_id, w.id, e.seq, $4, $5
       FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS e(tenant, seq, type)
       JOIN webhook_endpoints w ON w.tenant_id = e.tenant AND w.enabled AND w.deleted_at IS NULL
        AND (cardinality(w.event_types) = 0 OR e.type = ANY (w.event_types))
      WHERE e.type <> 'webhook.test'
     ON CONFLICT (tenant_id, endpoint_id, event_id) DO NOTHING`,
    [events.map((e) => e.tenantId), events.map((e) => e.seq), events.map((e) => e.type), at, giveUpAt],
  );
}

export async function insertDelivery(q: Queryable, tenantId: number, endpointId: number, eventSeq: number, at: Date, giveUpAt: Date) {
  const r = await q.query<{ id: number }>(
    `INSERT INTO webhook_deliveries (tenant_id, endpoint_id, event_id, next_attempt_at, give_up_at)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [tenantId, endpointId, eventSeq, at, giveUpAt],
  );
  return r.rows[0]!.id;
}

/** A delivery taken for one attempt: what to send, where, and the attempt number it holds. */
export interface TakenDelivery {
  tenantId: number;
  id: number;
  endpointId: number;
  attempts: number;
  giveUpAt: Date;
  url: string;
  sealedSecret: string;
  event: StoredEvent;
}

type TakenRow = Row<'webhook_deliveries'> & {
  url: string;
  secret_sealed: string;
  public_id: string;
  type: string;
  payload: unknown;
  occurred_at: Date;
};

const toTaken = (r: TakenRow): TakenDelivery => ({
  tenantId: r.tenant_id,
  id: r.id,
  endpointId: r.endpoint_id,
  attempts: r.attempts,
  giveUpAt: r.give_up_at,
  url: r.url,
  sealedSecret: r.secret_sealed,
  event: {
    tenantId: r.tenant_id,
    seq: r.event_id,
    id: r.public_id,
    type: r.type as EventType,
    payload: r.payload,
    occurredAt: r.occurred_at,
    dispatchedAt: null,
  } as StoredEvent,
});

// The lease: a taken delivery is due again only at `leaseUntil` (past the request timeout), so a
// process killed mid-request leaves it to be taken again; attempts counts the take.
const TAKE = `UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = $2, updated_at = $1
  FROM due, domain_events e, webhook_endpoints w
  WHERE d.tenant_id = due.tenant_id AND d.id = due.id
    AND e.tenant_id = d.tenant_id AND e.id = d.event_id AND w.tenant_id = d.tenant_id AND w.id = d.endpoint_id
  RETURNING d.*, w.url, w.secret_sealed, e.public_id, e.type, e.payload, e.occurred_at`;

/** Due deliveries of enabled endpoints, oldest due first, that no other process is taking. */
export async function takeDue(q: Queryable, now: Date, leaseUntil: Date, limit: number): Promise<TakenDelivery[]> {
  const r = await q.query<TakenRow>(
    `WITH due AS (
       SELECT d.tenant_id, d.id FROM webhook_deliveries d
         JOIN webhook_endpoints w ON w.tenant_id = d.tenant_id AND w.id = d.endpoint_id AND w.enabled AND w.deleted_at IS NULL
        WHERE d.state = 'pending' AND d.next_attempt_at <= $1
        ORDER BY d.next_attempt_at LIMIT $3
        FOR UPDATE OF d SKIP LOCKED)
     ${TAKE}`,
    [now, leaseUntil, limit],
  );
  return r.rows.map(toTaken);
}

/** One delivery taken now whatever its schedule (manual redelivery, test send); null when another process holds it. */
export async function takeOne(q: Queryable, tenantId: number, id: number, now: Date, leaseUntil: Date): Promise<TakenDelivery | null> {
  const r = await q.query<TakenRow>(
    `WITH due AS (SELECT tenant_id, id FROM webhook_deliveries WHERE tenant_id = $3 AND id = $4 FOR UPDATE SKIP LOCKED)
     ${TAKE}`,
    [now, leaseUntil, tenantId, id],
  );
  return r.rows[0] ? toTaken(r.rows[0]) : null;
}

export interface AttemptOutcome {
  state: DeliveryState;
  nextAttemptAt: Date;
  status: number | null;
  error: string | null;
  excerpt: string | null;
  durationMs: number;
}

/**
 * Records an attempt. The delivery row changes only if it still holds this
 * attempt (a lease that ran out and was taken again belongs to the newer take).
 * True when the row changed.
 */
export async function finishAttempt(q: Queryable, d: TakenDelivery, o: AttemptOutcome, at: Date): Promise<boolean> {
  await q.query(
    `INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, status, error, response_excerpt, duration_ms, attempted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [d.tenantId, d.id, d.attempts, o.status, o.error, o.excerpt, o.durationMs, at],
  );
  const r = await q.query(
    `UPDATE webhook_deliveries SET state = $4, next_attempt_at = $5, last_status = $6, last_error = $7, response_excerpt = $8,
       delivered_at = CASE WHEN $4 = 'delivered' THEN $9::timestamptz ELSE delivered_at END, updated_at = $9
     WHERE tenant_id = $1 AND id = $2 AND attempts = $3 AND state = 'pending'`,
    [d.tenantId, d.id, d.attempts, o.state, o.nextAttemptAt, o.status, o.error, o.excerpt, at],
  );
  return r.rowCount > 0;
}

/** Due again now, with a fresh retry window (manual redelivery); false when missing or its endpoint was deleted. */
export async function reopen(q: Queryable, tenantId: number, id: number, now: Date, giveUpAt: Date): Promise<boolean> {
  const r = await q.query(
    `UPDATE webhook_deliveries d SET state = 'pending', next_attempt_at = $3, give_up_at = $4, updated_at = $3
     WHERE d.tenant_id = $1 AND d.id = $2 AND EXISTS (
       SELECT 1 FROM webhook_endpoints w WHERE w.tenant_id = d.tenant_id AND w.id = d.endpoint_id AND w.deleted_at IS NULL)`,
    [tenantId, id, now, giveUpAt],
  );
  return r.rowCount > 0;
}

export interface DeliveryFilter {
  endpointId?: number | null;
  state?: DeliveryState | null;
  eventType?: string | null;
  eventId?: string | null;
  limit: number;
  offset: number;
}

type DeliveryRow = Row<'webhook_deliveries'> & { public_id: string; type: string };

const toDelivery = (r: DeliveryRow): WebhookDelivery => ({
  id: r.id,
  endpointId: r.endpoint_id,
  eventId: r.public_id,
  eventType: r.type,
  state: r.state as DeliveryState,
  attempts: r.attempts,
  nextAttemptAt: r.state === 'pending' ? r.next_attempt_at : null,
  lastStatus: r.last_status,
  lastError: r.last_error,
  responseExcerpt: r.response_excerpt,
  deliveredAt: r.delivered_at,
  createdAt: r.created_at,
});

const FILTER = `d.tenant_id = $1 AND ($2::bigint IS NULL OR d.endpoint_id = $2) AND ($3::text IS NULL OR d.state = $3)
  AND ($4::text IS NULL OR e.type = $4) AND ($5::text IS NULL OR e.public_id = $5)`;

export async function listDeliveries(q: Queryable, tenantId: number, f: DeliveryFilter) {
  const args = [tenantId, f.endpointId ?? null, f.state ?? null, f.eventType ?? null, f.eventId ?? null];
  const from = 'FROM webhook_deliveries d JOIN domain_events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id';
  const [rows, count] = await Promise.all([
    q.query<DeliveryRow>(`SELECT d.*, e.public_id, e.type ${from} WHERE ${FILTER} ORDER BY d.id DESC LIMIT $6 OFFSET $7`, [
      ...args,
      f.limit,
      f.offset,
    ]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n ${from} WHERE ${FILTER}`, args),
  ]);
  return { items: rows.rows.map(toDelivery), total: count.rows[0]!.n };
}

export async function getDelivery(q: Queryable, tenantId: number, id: number): Promise<WebhookDelivery | null> {
  const r = await q.query<DeliveryRow>(
    `SELECT d.*, e.public_id, e.type FROM webhook_deliveries d
       JOIN domain_events e ON e.tenant_id = d.tenant_id AND e.id = d.event_id
      WHERE d.tenant_id = $1 AND d.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ? toDelivery(r.rows[0]) : null;
}

export async function attemptsOf(q: Queryable, tenantId: number, deliveryId: number): Promise<WebhookAttempt[]> {
  const r = await q.query<Row<'webhook_attempts'>>('SELECT * FROM webhook_attempts WHERE tenant_id = $1 AND delivery_id = $2 ORDER BY id', [
    tenantId,
    deliveryId,
  ]);
  return r.rows.map((a) => ({
    attempt: a.attempt,
    status: a.status,
    error: a.error,
    responseExcerpt: a.response_excerpt,
    durationMs: a.duration_ms,
    attemptedAt: a.attempted_at,
  }));
}
