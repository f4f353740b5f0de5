// webhook_endpoints: a tenant's receivers. Deleting keeps the row (its
// deliveries stay in the log) and hides it.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { EventType } from '../domain/events.ts';
import type { WebhookEndpoint } from '../domain/webhook.ts';

const toEndpoint = (r: Row<'webhook_endpoints'>): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: r.event_types as EventType[],
  secretPrefix: r.secret_prefix,
  enabled: r.enabled,
  disabledReason: r.disabled_reason,
  failureStreak: r.failure_streak,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export interface EndpointFields {
  url: string;
  description: string;
  eventTypes: EventType[];
}

export async function insertEndpoint(
  q: Queryable,
  tenantId: number,
  f: EndpointFields,
  secret: { sealed: string; prefix: string },
): Promise<WebhookEndpoint> {
  const r = await q.query<Row<'webhook_endpoints'>>(
    `INSERT INTO webhook_endpoints (tenant_id, url, description, event_types, secret_sealed, secret_prefix)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [tenantId, f.url, f.description, f.eventTypes, secret.sealed, secret.prefix],
  );
  return toEndpoint(r.rows[0]!);
}

export async function listEndpoints(q: Queryable, tenantId: number): Promise<WebhookEndpoint[]> {
  const r = await q.query<Row<'webhook_endpoints'>>(
    'SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY id',
    [tenantId],
  );
  return r.rows.map(toEndpoint);
}

export async function getEndpoint(q: Queryable, tenantId: number, id: number): Promise<WebhookEndpoint | null> {
  const r = await q.query<Row<'webhook_endpoints'>>(
    'SELECT * FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL',
    [tenantId, id],
  );
  return r.rows[0] ? toEndpoint(r.rows[0]) : null;
}

/** Changes what is given; enabling again clears the failure streak. */
export async function updateEndpoint(
  q: Queryable,
  tenantId: number,
  id: number,
  f: Partial<EndpointFields> & { enabled?: boolean },
  at: Date,
): Promise<WebhookEndpoint | null> {
  const r = await q.query<Row<'webhook_endpoints'>>(
    `UPDATE webhook_endpoints SET
       url = coalesce($3, url), description = coalesce($4, description), event_types = coalesce($5, event_types),
       enabled = coalesce($6::boolean, enabled),
       disabled_reason = CASE WHEN $6 IS NULL THEN disabled_reason WHEN $6 THEN NULL ELSE 'disabled by staff' END,
       failure_streak = CASE WHEN $6 THEN 0 ELSE failure_streak END,
       updated_at = $7
     WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING *`,
    [tenantId, id, f.url ?? null, f.description ?? null, f.eventTypes ?? null, f.enabled ?? null, at],
  );
  return r.rows[0] ? toEndpoint(r.rows[0]) : null;
}

export async function replaceSecret(q: Queryable, tenantId: number, id: number, secret: { sealed: string; prefix: string }, at: Date) {
  const r = await q.query(
    `UPDATE webhook_endpoints SET secret_sealed = $3, secret_prefix = $4, updated_at = $5
     WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [tenantId, id, secret.sealed, secret.prefix, at],
  );
  return r.rowCount > 0;
}

export async function deleteEndpoint(q: Queryable, tenantId: number, id: number, at: Date): Promise<boolean> {
  const r = await q.query(
    `UPDATE webhook_endpoints SET deleted_at = $3, enabled = false, updated_at = $3
     WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL`,
    [tenantId, id, at],
  );
  return r.rowCount > 0;
}

export async function sealedSecretOf(q: Queryable, tenantId: number, id: number): Promise<string | null> {
  const r = await q.query<{ secret_sealed: string }>('SELECT secret_sealed FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
  ]);
  return r.rows[0]?.secret_sealed ?? null;
}

/**
 * After a delivery ended: success resets the streak; a delivery that failed
 * all its retries lengthens it, and the endpoint is disabled at `disableAfter`.
 */
export async function noteDeliveryOutcome(
  q: Queryable,
  tenantId: number,
  id: number,
  delivered: boolean,
  disableAfter: number,
): Promise<void> {
  if (delivered) {
    await q.query('UPDATE webhook_endpoints SET failure_streak = 0 WHERE tenant_id = $1 AND id = $2 AND failure_streak <> 0', [
      tenantId,
      id,
    ]);
    return;
  }
  await q.query(
    `UPDATE webhook_endpoints SET failure_streak = failure_streak + 1,
       enabled = CASE WHEN failure_streak + 1 >= $3::int THEN false ELSE enabled END,
       disabled_reason = CASE WHEN failure_streak + 1 >= $3::int AND enabled
         THEN ($3::int)::text || ' deliveries in a row failed' ELSE disabled_reason END
     WHERE tenant_id = $1 AND id = $2`,
    [tenantId, id, disableAfter],
  );
}
