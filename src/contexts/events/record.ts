// Writing events: inside the caller's transaction `q`, so an event exists iff
// the change it describes committed. Other contexts call this through
// events/index.ts; only the events context writes domain_events.
import type { Queryable } from '../../db/store.ts';
import { newEventId, type DomainEvent } from './domain/events.ts';
import { insertEvents } from './repo/events.repo.ts';

/** Records the events (one statement for the whole list); `at` defaults to the transaction's time. */
export async function recordEvents(q: Queryable, events: DomainEvent[], at: Date | null = null): Promise<void> {
  if (!events.length) return;
  await insertEvents(
    q,
    events.map((e) => ({ ...e, id: newEventId() })),
    at,
  );
}
