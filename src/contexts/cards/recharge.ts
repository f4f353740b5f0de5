// Recharge, with or without an event: capital and bonus onto the card, the
// event's coupons issued (through the coupons context) and, on an event card,
// one bucket for this recharge; one ledger entry, all in one transaction.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import type { CouponService } from '../coupons/index.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { Fen } from '../../kernel/money.ts';
import {
  EVENT_DISABLED,
  eventGivesCoupons,
  validMoney,
  type CardEntry,
  type CardEvent,
  type CardRef,
  type Channel,
  type LockedCard,
} from './domain/card.ts';
import { getEvent } from './repo/products.repo.ts';
import { addRecharge } from './repo/user-cards.repo.ts';
import { insertBucket } from './repo/buckets.repo.ts';
import { appendEntry, entryById } from './repo/card-ledger.repo.ts';
import { lockCardFor, staffIdOf, storeFor } from './access.ts';

export interface RechargeInput {
  card: CardRef;
  recharge: Fen;
  send: Fen;
  eventId?: number | null;
  image?: string | null;
  storeId?: number | null;
  channel?: Channel;
  explain?: string | null;
}

/** The event a recharge goes through, checked against the card and the amounts; an event card needs one. */
async function eventFor(
  q: Queryable,
  tenantId: number,
  card: LockedCard,
  input: RechargeInput,
): Promise<Result<CardEvent | null, 'not_found' | 'invalid_state' | 'invalid_input'>> {
  if (input.eventId == null) {
    if (card.kind === 'event')
      return fail(ErrorCode.invalid_input, 'an event card is recharged through one of its events: eventId is required', {
        field: 'eventId',
      });
    return ok(null);
  }
  const event = await getEvent(q, tenantId, input.eventId);
  if (!event || event.cardProductId !== card.productId)
    return fail(ErrorCode.not_found, 'no such event on this card', { what: 'event', field: 'eventId' });
  if (event.status === EVENT_DISABLED) return fail(ErrorCode.invalid_state, 'this event is disabled');
  if (event.rechargeMoney !== input.recharge || event.sendMoney !== input.send) {
    return fail(ErrorCode.invalid_input, "recharge and send must equal the event's amounts", {
      rechargeMoney: event.rechargeMoney,
      sendMoney: event.sendMoney,
    });
  }
  return ok(event);
}

export function rechargeUseCases(deps: Deps, { coupons }: { coupons: CouponService }) {
  /** The event's coupons for the holder, inside the recharge's transaction. */
  async function issueEventCoupons(
    q: Queryable,
    tenantId: number,
    event: CardEvent | null,
    userId: number,
    by: Principal,
  ): Promise<Result<number[]>> {
    if (!event || !eventGivesCoupons(event.kind) || !event.templateId || !event.quantity) return ok([]);
    const issued = await coupons.issue(q, tenantId, event.templateId, userId, event.quantity, 'issue', by);
    if (!issued.ok) return issued;
    return ok(issued.value.map((x) => x.id));
  }

  /** Recharge, with or without an event; an event card must go through one of its events. */
  async function recharge(tenantId: number, input: RechargeInput, by: Principal): Promise<Result<CardEntry>> {
    const bad = validMoney(input.recharge, 'recharge') ?? validMoney(input.send, 'send', true);
    if (bad) return fail(ErrorCode.invalid_input, bad);
    return deps.db.txResult(async (q) => {
      const store = await storeFor(q, tenantId, by, input.storeId);
      if (!store.ok) return store;
      const c = await lockCardFor(q, tenantId, input.card, by);
      if (!c.ok) return c;
      const card = c.value;
      const ev = await eventFor(q, tenantId, card, input);
      if (!ev.ok) return ev;
      const event = ev.value;
      const after = await addRecharge(q, tenantId, card.id, input.recharge, input.send);
      const bucketId =
        card.kind === 'event' && event
          ? await insertBucket(q, tenantId, { cardId: card.id, eventId: event.id, capital: input.recharge, bonus: input.send })
          : null;
      const couponIds = await issueEventCoupons(q, tenantId, event, card.userId, by);
      if (!couponIds.ok) return couponIds;
      const entry = (await appendEntry(q, {
        tenantId,
        card,
        kind: 'recharge',
        amount: input.recharge,
        capitalDelta: input.recharge,
        bonusDelta: input.send,
        after,
        eventId: event?.id ?? null,
        bucketId,
        storeId: store.value,
        staffId: staffIdOf(by),
        channel: input.channel ?? 'store',
        explain: input.explain,
        image: input.image,
        couponIds: couponIds.value,
        lines: bucketId ? [{ bucketId, capital: input.recharge, bonus: input.send }] : [],
      }))!;
      const payload = { cardId: card.id, userId: card.userId, orderNo: entry.orderNo, rechargeFen: input.recharge, sendFen: input.send };
      await recordEvents(q, [{ tenantId, type: 'card.recharged', payload: { ...payload, storeId: store.value } }]);
      await audit(q, tenantId, by, {
        action: 'card.recharge',
        targetType: 'user_card',
        targetId: card.id,
        details: { orderNo: entry.orderNo, recharge: input.recharge, send: input.send, eventId: event?.id ?? null },
      });
      return ok((await entryById(q, tenantId, entry.id))!);
    });
  }

  return { recharge };
}
