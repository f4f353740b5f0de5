// Merchant webhooks, the staff side: endpoints (the signing secret shown once,
// on creation and rotation), the delivery log, manual redelivery and a test
// send. Both of the last two attempt at once and answer with the outcome.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { appKey, audit } from '../platform/index.ts';
import { newEventId, type StoredEvent } from './domain/events.ts';
import {
  checkEndpointUrl,
  checkEventTypes,
  newSigningSecret,
  RETRY_WINDOW_MS,
  sealSecret,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './domain/webhook.ts';
import { SEAL_KEY_NAME, type Deliverer } from './deliver.ts';
import * as endpoints from './repo/endpoints.repo.ts';
import * as deliveries from './repo/deliveries.repo.ts';
import { insertDispatched, listEvents, type EventFilter } from './repo/events.repo.ts';

export interface EndpointInput {
  url?: string;
  description?: string;
  eventTypes?: string[];
  enabled?: boolean;
}

type Bad = Result<never, 'invalid_input'>;

export function webhookService(deps: Deps, sender: Deliverer) {
  const now = () => deps.now?.() ?? new Date();

  /** The fields given, checked; a failure names the field. */
  function fields(input: EndpointInput, creating: boolean): Bad | { ok: true; value: Partial<endpoints.EndpointFields> } {
    const out: Partial<endpoints.EndpointFields> = {};
    if (creating || input.url !== undefined) {
      const u = checkEndpointUrl(input.url?.trim() ?? '', deps.config.webhooksAllowPrivate);
      if (!(u instanceof URL)) return fail(ErrorCode.invalid_input, u.message, { field: u.field });
      out.url = u.toString();
    }
    if (creating || input.eventTypes !== undefined) {
      const t = checkEventTypes(input.eventTypes);
      if (!Array.isArray(t)) return fail(ErrorCode.invalid_input, t.message, { field: t.field });
      out.eventTypes = t;
    }
    if (creating || input.description !== undefined) out.description = (input.description ?? '').trim().slice(0, 500);
    return ok(out);
  }

  const seal = async (secret: string) => ({
    sealed: sealSecret(await appKey(deps.db, SEAL_KEY_NAME), secret),
    prefix: secret.slice(0, 12),
  });

  async function create(
    tenantId: number,
    input: EndpointInput,
    by: Principal,
  ): Promise<Result<{ endpoint: WebhookEndpoint; secret: string }, 'invalid_input'>> {
    const f = fields(input, true);
    if (!f.ok) return f;
    const secret = newSigningSecret();
    const sealed = await seal(secret);
    return deps.db.tx(async (q) => {
      const e = await endpoints.insertEndpoint(q, tenantId, f.value as endpoints.EndpointFields, sealed);
      await audit(q, tenantId, by, { action: 'webhook.create', targetType: 'webhook_endpoint', targetId: e.id, details: { url: e.url } });
      return ok({ endpoint: e, secret });
    });
  }

  async function update(
    tenantId: number,
    id: number,
    input: EndpointInput,
    by: Principal,
  ): Promise<Result<WebhookEndpoint, 'invalid_input' | 'not_found'>> {
    const f = fields(input, false);
    if (!f.ok) return f;
    return deps.db.txResult(async (q): Promise<Result<WebhookEndpoint, 'not_found'>> => {
      const e = await endpoints.updateEndpoint(q, tenantId, id, { ...f.value, enabled: input.enabled }, now());
      if (!e) return fail(ErrorCode.not_found, 'webhook endpoint not found');
      await audit(q, tenantId, by, { action: 'webhook.update', targetType: 'webhook_endpoint', targetId: id, details: { ...input } });
      return ok(e);
    });
  }

  async function rotateSecret(tenantId: number, id: number, by: Principal): Promise<Result<{ secret: string }, 'not_found'>> {
    const secret = newSigningSecret();
    const sealed = await seal(secret);
    return deps.db.txResult(async (q): Promise<Result<{ secret: string }, 'not_found'>> => {
      if (!(await endpoints.replaceSecret(q, tenantId, id, sealed, now()))) return fail(ErrorCode.not_found, 'webhook endpoint not found');
      await audit(q, tenantId, by, { action: 'webhook.rotate_secret', targetType: 'webhook_endpoint', targetId: id });
      return ok({ secret });
    });
  }

  async function remove(tenantId: number, id: number, by: Principal): Promise<Result<void, 'not_found'>> {
    return deps.db.txResult(async (q): Promise<Result<void, 'not_found'>> => {
      if (!(await endpoints.deleteEndpoint(q, tenantId, id, now()))) return fail(ErrorCode.not_found, 'webhook endpoint not found');
      await audit(q, tenantId, by, { action: 'webhook.delete', targetType: 'webhook_endpoint', targetId: id });
      return ok(undefined);
    });
  }

  /** Attempts the delivery now (another process holding it: the attempt is that process's). */
  async function attemptNow(tenantId: number, id: number): Promise<WebhookDelivery> {
    const at = now();
    const taken = await deliveries.takeOne(deps.db, tenantId, id, at, sender.leaseUntil(at));
    if (taken) await sender.attempt(taken, at);
    return (await deliveries.getDelivery(deps.db, tenantId, id))!;
  }

  /** Sends the event of a delivery again, now, with a fresh day of retries. */
  async function redeliver(tenantId: number, id: number, by: Principal): Promise<Result<WebhookDelivery, 'not_found'>> {
    const at = now();
    const reopened = await deps.db.tx(async (q) => {
      if (!(await deliveries.reopen(q, tenantId, id, at, new Date(at.getTime() + RETRY_WINDOW_MS)))) return false;
      await audit(q, tenantId, by, { action: 'webhook.redeliver', targetType: 'webhook_delivery', targetId: id });
      return true;
    });
    if (!reopened) return fail(ErrorCode.not_found, 'webhook delivery not found (or its endpoint was deleted)');
    return ok(await attemptNow(tenantId, id));
  }

  /** A `webhook.test` event to this endpoint only, sent now. */
  async function sendTest(tenantId: number, endpointId: number): Promise<Result<WebhookDelivery, 'not_found'>> {
    const at = now();
    const id = await deps.db.tx(async (q) => {
      if (!(await endpoints.getEndpoint(q, tenantId, endpointId))) return null;
      const payload = { endpointId, message: 'a test event from quan' };
      const e = await insertDispatched(q, { tenantId, type: 'webhook.test', payload, id: newEventId() }, at);
      return deliveries.insertDelivery(q, tenantId, endpointId, e.seq, at, new Date(at.getTime() + RETRY_WINDOW_MS));
    });
    if (id === null) return fail(ErrorCode.not_found, 'webhook endpoint not found');
    return ok(await attemptNow(tenantId, id));
  }

  return {
    create,
    update,
    rotateSecret,
    remove,
    redeliver,
    sendTest,
    list: (tenantId: number): Promise<WebhookEndpoint[]> => endpoints.listEndpoints(deps.db, tenantId),
    get: (tenantId: number, id: number): Promise<WebhookEndpoint | null> => endpoints.getEndpoint(deps.db, tenantId, id),
    deliveries: (tenantId: number, f: deliveries.DeliveryFilter) => deliveries.listDeliveries(deps.db, tenantId, f),
    async delivery(tenantId: number, id: number): Promise<Result<WebhookDelivery & { attemptLog: WebhookAttempt[] }, 'not_found'>> {
      const d = await deliveries.getDelivery(deps.db, tenantId, id);
      if (!d) return fail(ErrorCode.not_found, 'webhook delivery not found');
      return ok({ ...d, attemptLog: await deliveries.attemptsOf(deps.db, tenantId, id) });
    },
    events: (tenantId: number, f: EventFilter): Promise<{ items: StoredEvent[]; total: number }> => listEvents(deps.db, tenantId, f),
  };
}

export type WebhookService = ReturnType<typeof webhookService>;
