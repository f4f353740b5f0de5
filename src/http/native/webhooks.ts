// Merchant webhooks in the native API: endpoints (the signing secret appears
// only in the create and rotate answers), the delivery log with its attempts,
// manual redelivery, a test send, and the tenant's recent events.
import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Nullable, Page, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import {
  EVENT_TYPES,
  type StoredEvent,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../../contexts/events/index.ts';

const ADMINS = { roles: ['owner' as const, 'admin' as const] };
const Time = Type.String({ format: 'date-time' });
const EventTypeName = Type.Union(EVENT_TYPES.map((t) => Type.Literal(t)));

const EndpointOut = Type.Object({
  id: Id,
  url: Type.String(),
  description: Type.String(),
  eventTypes: Type.Array(Type.String(), { description: 'the event types sent; empty: every type' }),
  secretPrefix: Type.String({ description: 'the first characters of the signing secret, to tell secrets apart' }),
  enabled: Type.Boolean(),
  disabledReason: Nullable(Type.String()),
  failureStreak: Type.Integer({ description: 'deliveries in a row that failed all their retries' }),
  createdAt: Time,
  updatedAt: Time,
});
const DeliveryOut = Type.Object({
  id: Id,
  endpointId: Id,
  eventId: Type.String({ description: 'the event id receivers de-duplicate on (Quan-Event-Id)' }),
  eventType: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Time),
  lastStatus: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  responseExcerpt: Nullable(Type.String()),
  deliveredAt: Nullable(Time),
  createdAt: Time,
});
const AttemptOut = Type.Object({
  attempt: Type.Integer(),
  status: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  responseExcerpt: Nullable(Type.String()),
  durationMs: Type.Integer(),
  attemptedAt: Time,
});
const EventOut = Type.Object({
  id: Type.String(),
  type: Type.String(),
  occurredAt: Time,
  dispatchedAt: Nullable(Time),
  data: Type.Unknown(),
});
const EndpointBody = {
  url: Type.String({ maxLength: 2000, description: 'http(s) URL the events are POSTed to' }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  eventTypes: Type.Optional(Type.Array(EventTypeName, { maxItems: 50, description: 'omit or empty: every type' })),
};

const schema = <S extends object>(summary: string, s: S) => ({ tags: ['webhooks'], summary, security: [{ bearer: [] }], ...s });
const iso = (d: Date | null) => d?.toISOString() ?? null;
const endpointOut = (e: WebhookEndpoint) => ({ ...e, createdAt: e.createdAt.toISOString(), updatedAt: e.updatedAt.toISOString() });
const deliveryOut = (d: WebhookDelivery) => ({
  ...d,
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
  createdAt: d.createdAt.toISOString(),
});
const attemptOut = (a: WebhookAttempt) => ({ ...a, attemptedAt: a.attemptedAt.toISOString() });
const eventOut = (e: StoredEvent) => ({
  id: e.id,
  type: e.type,
  occurredAt: e.occurredAt.toISOString(),
  dispatchedAt: iso(e.dispatchedAt),
  data: e.payload,
});

function endpointRoutes(app: NativeApp) {
  const { services, guard } = app;
  const hooks = services.webhooks;

  app.post(
    '/webhooks/endpoints',
    {
      preHandler: guard(ADMINS),
      schema: schema('Create a webhook endpoint; the signing secret is shown only in this answer', {
        body: Type.Object(EndpointBody),
        response: { 201: Type.Object({ endpoint: EndpointOut, secret: Type.String() }), ...errors(400, 401, 403) },
      }),
    },
    async (req, reply) =>
      sendResult(reply, await hooks.create(tenantOf(req), req.body, principalOf(req)), 201, (v) => ({
        endpoint: endpointOut(v.endpoint),
        secret: v.secret,
      })),
  );

  app.get(
    '/webhooks/endpoints',
    {
      preHandler: guard(ADMINS),
      schema: schema('List webhook endpoints (never their secrets)', {
        response: { 200: Type.Object({ items: Type.Array(EndpointOut) }), ...errors(401, 403) },
      }),
    },
    async (req) => ({ items: (await hooks.list(tenantOf(req))).map(endpointOut) }),
  );

  app.get(
    '/webhooks/endpoints/:id',
    {
      preHandler: guard(ADMINS),
      schema: schema('One webhook endpoint', { params: IdParams, response: { 200: EndpointOut, ...errors(401, 403, 404) } }),
    },
    async (req, reply) => {
      const e = await hooks.get(tenantOf(req), req.params.id);
      if (!e) return sendProblem(reply, 'not_found', 404, 'webhook endpoint not found');
      return endpointOut(e);
    },
  );

  app.patch(
    '/webhooks/endpoints/:id',
    {
      preHandler: guard(ADMINS),
      schema: schema('Change an endpoint; enabled: true re-enables one that was disabled (and clears its failure streak)', {
        params: IdParams,
        body: Type.Object({ ...EndpointBody, url: Type.Optional(EndpointBody.url), enabled: Type.Optional(Type.Boolean()) }),
        response: { 200: EndpointOut, ...errors(400, 401, 403, 404) },
      }),
    },
    async (req, reply) => sendResult(reply, await hooks.update(tenantOf(req), req.params.id, req.body, principalOf(req)), 200, endpointOut),
  );

  app.delete(
    '/webhooks/endpoints/:id',
    {
      preHandler: guard(ADMINS),
      schema: schema('Delete an endpoint (its delivery log stays)', {
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      }),
    },
    async (req, reply) => sendResult(reply, await hooks.remove(tenantOf(req), req.params.id, principalOf(req)), 204),
  );

  app.post(
    '/webhooks/endpoints/:id/rotate-secret',
    {
      preHandler: guard(ADMINS),
      schema: schema('A new signing secret, shown only in this answer; the old one stops at once', {
        params: IdParams,
        response: { 200: Type.Object({ secret: Type.String() }), ...errors(401, 403, 404) },
      }),
    },
    async (req, reply) => sendResult(reply, await hooks.rotateSecret(tenantOf(req), req.params.id, principalOf(req))),
  );

  app.post(
    '/webhooks/endpoints/:id/test',
    {
      preHandler: guard(ADMINS),
      schema: schema('Send a webhook.test event to this endpoint now; the answer is its delivery', {
        params: IdParams,
        response: { 200: DeliveryOut, ...errors(401, 403, 404) },
      }),
    },
    async (req, reply) => sendResult(reply, await hooks.sendTest(tenantOf(req), req.params.id), 200, deliveryOut),
  );
}

function deliveryRoutes(app: NativeApp) {
  const { services, guard } = app;
  const hooks = services.webhooks;

  app.get(
    '/webhooks/deliveries',
    {
      preHandler: guard(ADMINS),
      schema: schema('The delivery log, newest first', {
        querystring: Type.Object({
          endpointId: Type.Optional(Id),
          state: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')])),
          eventType: Type.Optional(EventTypeName),
          eventId: Type.Optional(Type.String({ maxLength: 64 })),
          ...PageQuery,
        }),
        response: { 200: Page(DeliveryOut), ...errors(400, 401, 403) },
      }),
    },
    async (req) => {
      const q = req.query;
      const r = await hooks.deliveries(tenantOf(req), {
        endpointId: q.endpointId,
        state: q.state,
        eventType: q.eventType,
        eventId: q.eventId,
        ...pageOf(q),
      });
      return { items: r.items.map(deliveryOut), total: r.total };
    },
  );

  app.get(
    '/webhooks/deliveries/:id',
    {
      preHandler: guard(ADMINS),
      schema: schema('One delivery with every attempt', {
        params: IdParams,
        response: { 200: Type.Composite([DeliveryOut, Type.Object({ attemptLog: Type.Array(AttemptOut) })]), ...errors(401, 403, 404) },
      }),
    },
    async (req, reply) =>
      sendResult(reply, await hooks.delivery(tenantOf(req), req.params.id), 200, (d) => ({
        ...deliveryOut(d),
        attemptLog: d.attemptLog.map(attemptOut),
      })),
  );

  app.post(
    '/webhooks/deliveries/:id/redeliver',
    {
      preHandler: guard(ADMINS),
      schema: schema('Send the event of this delivery again now (a fresh day of retries if it fails)', {
        params: IdParams,
        response: { 200: DeliveryOut, ...errors(401, 403, 404) },
      }),
    },
    async (req, reply) => sendResult(reply, await hooks.redeliver(tenantOf(req), req.params.id, principalOf(req)), 200, deliveryOut),
  );

  app.get(
    '/webhooks/events',
    {
      preHandler: guard(ADMINS),
      schema: schema("The tenant's recent domain events, newest first", {
        querystring: Type.Object({ type: Type.Optional(EventTypeName), ...PageQuery }),
        response: { 200: Page(EventOut), ...errors(400, 401, 403) },
      }),
    },
    async (req) => {
      const r = await hooks.events(tenantOf(req), { type: req.query.type, ...pageOf(req.query) });
      return { items: r.items.map(eventOut), total: r.total };
    },
  );

  app.get(
    '/webhooks/event-types',
    {
      preHandler: guard(ADMINS),
      schema: schema('The event types an endpoint can ask for', {
        response: { 200: Type.Object({ items: Type.Array(Type.String()) }), ...errors(401, 403) },
      }),
    },
    async () => ({ items: EVENT_TYPES.filter((t) => t !== 'webhook.test') }),
  );
}

export default async function webhookRoutes(app: NativeApp) {
  endpointRoutes(app);
  deliveryRoutes(app);
}
