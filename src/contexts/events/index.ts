// The events context's public face. Other contexts write their domain events
// with `recordEvents(q, [...])` inside their own transaction (only this
// context writes domain_events); compose.ts builds the subscriber registry,
// the dispatcher and the webhook services once per process.
export { recordEvents } from './record.ts';
export { EVENT_TYPES, event, isEventType, wireBody } from './domain/events.ts';
export type { DomainEvent, EventPayloads, EventType, StoredEvent } from './domain/events.ts';
export {
  backoffMs,
  DISABLE_AFTER_FAILED_DELIVERIES,
  RETRY_WINDOW_MS,
  signatureHeader,
  verifySignature,
  type DeliveryState,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookEndpoint,
} from './domain/webhook.ts';
export type { EventHandler } from './dispatch.ts';
export type { EndpointInput } from './webhooks.ts';

import type { Logger } from 'pino';
import type { Deps } from '../../kernel/deps.ts';
import { startPeriodic, type PeriodicJob } from '../../kernel/periodic.ts';
import { deliverer } from './deliver.ts';
import { dispatcher, subscriberRegistry } from './dispatch.ts';
import { webhookService } from './webhooks.ts';

/** Builds the events services once (compose.ts calls this). */
export function buildEvents(deps: Deps) {
  const subscribers = subscriberRegistry();
  const dispatch = dispatcher(deps, subscribers);
  const sender = deliverer(deps);
  return {
    events: {
      subscribe: subscribers.subscribe,
      dispatchPending: dispatch.dispatchPending,
      /** Webhook deliveries due at `now` (the step a job queue can run later). */
      deliverDue: sender.deliverDue,
      /** One round of the background loop: dispatch, then deliver what is due. */
      async tick(now: Date = deps.now?.() ?? new Date()) {
        const dispatched = await dispatch.dispatchPending(now);
        const sent = await sender.deliverDue(now);
        return { dispatched, ...sent };
      },
    },
    webhooks: webhookService(deps, sender),
  };
}
export type Events = ReturnType<typeof buildEvents>;

/** How often the outbox is polled for events to dispatch and deliveries due. */
export const EVENT_LOOP_EVERY_MS = 1_000;

/** The dispatcher loop of this process (runtime.ts starts it, close() stops it). */
export function startEventLoop(tick: () => Promise<unknown>, log: Logger, everyMs = EVENT_LOOP_EVERY_MS): PeriodicJob<unknown> {
  return startPeriodic('event dispatch', tick, log, everyMs);
}
