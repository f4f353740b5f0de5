// The domain events other contexts publish, written in the same transaction as
// the change they describe (the outbox, table domain_events). Payloads stay
// small: ids, codes and amounts a receiver needs to look the rest up; money in
// integer fen, times as ISO strings. README (Webhooks) lists them.
import crypto from 'node:crypto';

/** Every event type and its payload. A new event is a new member here. */
export interface EventPayloads {
  /** Coupons given to a user (claim, grant, internal issue, exchange); one event per issuing call or claim batch. */
  'coupon.issued': { templateId: number; source: string; userId: number; couponCodes: string[] };
  /** An order's coupons / promo codes redeemed, or a coupon written off at the till. */
  'coupon.redeemed': {
    redemptionId: number;
    kind: 'order' | 'write_off';
    orderRef: string | null;
    userId: number | null;
    storeId: number | null;
    couponCodes: string[];
    promoCodes: string[];
    discountFen: number;
  };
  /** A redemption rolled back: its coupons usable again. */
  'coupon.rolled_back': { redemptionId: number };
  'order.created': { orderId: number; orderNo: string; userId: number; amountFen: number; status: string };
  'order.paid': { orderId: number; orderNo: string; userId: number; amountFen: number };
  'order.closed': { orderId: number; orderNo: string; userId: number; reason: string };
  /** A user asked for an after-sales refund of a paid order (commerce has no refund completion yet). */
  'order.refund_requested': { orderId: number; orderNo: string; userId: number; refundId: number; amountFen: number };
  'card.recharged': { cardId: number; userId: number; orderNo: number; rechargeFen: number; sendFen: number; storeId: number | null };
  'card.spent': { cardId: number; userId: number; orderNo: number; amountFen: number; storeId: number | null };
  /** An expense put back on the card (`of` expense), or a recharge taken back off it (`of` recharge). */
  'card.refunded': {
    cardId: number;
    userId: number;
    orderNo: number;
    refundOfOrderNo: number;
    of: 'expense' | 'recharge';
    amountFen: number;
  };
  /** A points balance moved (delta negative when spent). */
  'points.changed': { userId: number; delta: number; balance: number; reason: string; ref: string | null };
  /** A wallet balance moved (fen; negative when spent). */
  'wallet.changed': { userId: number; deltaFen: number; balanceFen: number; reason: string; ref: string | null };
  'promo_code.approved': { promoCodeId: number; code: string };
  /** Sent only by "send test event" to one endpoint. */
  'webhook.test': { endpointId: number; message: string };
}

export type EventType = keyof EventPayloads;
export const EVENT_TYPES = [
  'coupon.issued',
  'coupon.redeemed',
  'coupon.rolled_back',
  'order.created',
  'order.paid',
  'order.closed',
  'order.refund_requested',
  'card.recharged',
  'card.spent',
  'card.refunded',
  'points.changed',
  'wallet.changed',
  'promo_code.approved',
  'webhook.test',
] as const satisfies readonly EventType[];

/** What a use-case hands to recordEvents: one change of one tenant. */
export type DomainEvent = { [T in EventType]: { tenantId: number; type: T; payload: EventPayloads[T] } }[EventType];

/** An event as stored and delivered. */
export type StoredEvent = DomainEvent & { seq: number; id: string; occurredAt: Date; dispatchedAt: Date | null };

export const isEventType = (s: string): s is EventType => (EVENT_TYPES as readonly string[]).includes(s);

/** A new event id, globally unique: what receivers de-duplicate on. */
export const newEventId = (): string => `evt_${crypto.randomUUID().replace(/-/g, '')}`;

/** One event of type T (for callers that build their list with a helper). */
export const event = <T extends EventType>(tenantId: number, type: T, payload: EventPayloads[T]): DomainEvent =>
  ({ tenantId, type, payload }) as DomainEvent;

/** The JSON a webhook receives: the body that is signed, as it goes on the wire. */
export function wireBody(e: StoredEvent): string {
  return JSON.stringify({ id: e.id, type: e.type, occurredAt: e.occurredAt.toISOString(), tenantId: e.tenantId, data: e.payload });
}
