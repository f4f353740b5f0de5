// The dispatcher: takes undispatched events (FOR UPDATE SKIP LOCKED, so two
// processes never take the same one), hands each to the in-process
// subscribers, fans it out into webhook deliveries and marks it dispatched,
// all in one transaction. A subscriber runs in that transaction: what it writes
// commits with the mark, or not at all. One that throws undoes only its own
// event's work (a savepoint); that event waits for the next round.
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import type { EventType, StoredEvent } from './domain/events.ts';
import { RETRY_WINDOW_MS } from './domain/webhook.ts';
import { fanOut } from './repo/deliveries.repo.ts';
import { claimUndispatched, markDispatched, releaseSavepoint, rollbackToSavepoint, savepoint } from './repo/events.repo.ts';

export type EventHandler = (e: StoredEvent, q: Queryable) => Promise<void>;

/** The subscribers of this process: built once (compose.ts), filled by the modules that react to events. */
export function subscriberRegistry() {
  const handlers = new Map<EventType | '*', EventHandler[]>();
  return {
    /** Calls `handler` with every event of `type` ('*': every type), at least once, in the dispatch transaction. */
    subscribe(type: EventType | '*', handler: EventHandler): () => void {
      handlers.set(type, [...(handlers.get(type) ?? []), handler]);
      return () =>
        handlers.set(
          type,
          (handlers.get(type) ?? []).filter((h) => h !== handler),
        );
    },
    of: (type: EventType): EventHandler[] => [...(handlers.get(type) ?? []), ...(handlers.get('*') ?? [])],
  };
}
export type SubscriberRegistry = ReturnType<typeof subscriberRegistry>;

const BATCH = 200;

export function dispatcher(deps: Deps, subscribers: SubscriberRegistry) {
  const now = () => deps.now?.() ?? new Date();

  async function handled(q: Queryable, e: StoredEvent): Promise<boolean> {
    const hs = subscribers.of(e.type);
    if (!hs.length) return true;
    await savepoint(q);
    try {
      for (const h of hs) await h(e, q);
      await releaseSavepoint(q);
      return true;
    } catch (err) {
      await rollbackToSavepoint(q);
      deps.log.error({ err, eventId: e.id, type: e.type }, 'event subscriber failed; the event will be dispatched again');
      return false;
    }
  }

  /** One batch of undispatched events, fanned out to be delivered from `at`; how many were dispatched. */
  async function dispatchBatch(at: Date, limit = BATCH): Promise<{ taken: number; dispatched: number }> {
    return deps.db.tx(async (q) => {
      const taken = await claimUndispatched(q, limit);
      const done: StoredEvent[] = [];
      for (const e of taken) if (await handled(q, e)) done.push(e);
      await fanOut(q, done, at, new Date(at.getTime() + RETRY_WINDOW_MS));
      await markDispatched(q, done, at);
      return { taken: taken.length, dispatched: done.length };
    });
  }

  return {
    dispatchBatch,
    /** Every undispatched event, batch after batch (a few batches at most per call). */
    async dispatchPending(at: Date = now(), maxBatches = 10): Promise<number> {
      let n = 0;
      for (let i = 0; i < maxBatches; i++) {
        const r = await dispatchBatch(at);
        n += r.dispatched;
        if (r.taken < BATCH || r.dispatched === 0) break;
      }
      return n;
    },
  };
}
