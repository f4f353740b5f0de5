// The 礼遇圈 client's numbers for the cards context's words (seed 001):
// membership card type, recharge event type, event-card record status and the
// channel a movement was made through. The core speaks names; this dialect
// answers with these.
import type { BucketState, CardKind, Channel, EventKind } from '../../../contexts/cards/index.ts';

/** card `type`: 1 platform card, 10 stored-value card, 11 event card. */
export const CARD_TYPE: Record<CardKind, number> = { platform: 1, stored_value: 10, event: 11 };

/** event `type`: 1 充钱送钱, 2 充钱送优惠券, 5 充钱送钱 + 送优惠券. */
export const EVENT_TYPE: Record<EventKind, number> = { bonus: 1, coupons: 2, bonus_and_coupons: 5 };

/** eventCards[].status: 1 untouched, 2 partly spent, 3 cash-back due, 4 recharge refunded, 5 cashed back. */
export const BUCKET_STATUS: Record<BucketState, number> = {
  untouched: 1,
  partly_spent: 2,
  cash_back_due: 3,
  recharge_refunded: 4,
  cashed_back: 5,
};

/** A record's `type`: 1 app 充值/消费, 2 门店充值/消费. */
export const CHANNEL: Record<Channel, number> = { app: 1, store: 2 };

/** An event card shows its capital and bonus apart. */
export const isEventCard = (k: CardKind) => k === 'event';
