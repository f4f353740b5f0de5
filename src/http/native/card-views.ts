// The native API's card shapes: the numbers it has always shown for card
// kinds, event kinds and bucket states, and the response schemas and mappers
// of the card routes (cards.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { Id, Money, Nullable, PageQuery } from './schemas.ts';
import { sendProblem } from '../problem.ts';
import { formatMoney } from '../../kernel/money.ts';
import { CARD_KINDS, EVENT_KINDS } from '../../contexts/cards/index.ts';
import type {
  BucketState,
  CardBucket,
  CardEntry,
  CardEvent,
  CardKind,
  CardProduct,
  EventKind,
  Invoice,
  UserCard,
} from '../../contexts/cards/index.ts';

export const sec = [{ bearer: [] }];
export const Time = Type.String({ format: 'date-time' });
export const STAFF = ['owner', 'admin', 'operator', 'seller'] as const;
export const MANAGERS = ['owner', 'admin'] as const;
export const iso = (d: Date | null) => d?.toISOString() ?? null;
export const money = (fen: number) => formatMoney(fen);

// The native API's numbers for the cards context's words (as it has always shown them).
export const CARD_TYPE: Record<CardKind, 1 | 10 | 11> = { platform: 1, stored_value: 10, event: 11 };
export const EVENT_TYPE: Record<EventKind, 1 | 2 | 5> = { bonus: 1, coupons: 2, bonus_and_coupons: 5 };
export const BUCKET_STATUS: Record<BucketState, number> = {
  untouched: 1,
  partly_spent: 2,
  cash_back_due: 3,
  recharge_refunded: 4,
  cashed_back: 5,
};
export const cardKindOf = (type: number) => CARD_KINDS.find((k) => CARD_TYPE[k] === type);
export const eventKindOf = (type: 1 | 2 | 5) => EVENT_KINDS.find((k) => EVENT_TYPE[k] === type)!;

export const StoreBrief = Type.Object({
  id: Id,
  name: Type.String(),
  address: Nullable(Type.String()),
  area: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  linkman: Nullable(Type.String()),
});

export const EventOut = Type.Object({
  id: Id,
  cardProductId: Id,
  title: Type.String(),
  summary: Nullable(Type.String()),
  type: Type.Integer({ description: '1 bonus money, 2 coupons, 5 both' }),
  rechargeMoney: Money,
  sendMoney: Money,
  couponTemplateId: Nullable(Type.Integer()),
  couponTemplateName: Nullable(Type.String()),
  quantity: Nullable(Type.Integer()),
  status: Type.Integer({ description: '1 usable, 10 usable on an event card, 2 disabled' }),
  createdAt: Time,
});
export const eventOut = (e: CardEvent) => ({
  id: e.id,
  cardProductId: e.cardProductId,
  title: e.title,
  summary: e.summary,
  type: EVENT_TYPE[e.kind],
  rechargeMoney: money(e.rechargeMoney),
  sendMoney: money(e.sendMoney),
  couponTemplateId: e.templateId,
  couponTemplateName: e.templateName,
  quantity: e.quantity,
  status: e.status,
  createdAt: e.createdAt.toISOString(),
});

export const ProductOut = Type.Object({
  id: Id,
  title: Type.String(),
  type: Type.Integer({ description: '1 platform card, 10 stored-value card, 11 event card' }),
  colour: Nullable(Type.String()),
  logo: Nullable(Type.String()),
  storeIds: Type.Array(Type.Integer()),
  summary: Nullable(Type.String()),
  status: Type.Integer(),
  createdAt: Time,
  stores: Type.Array(StoreBrief),
  events: Type.Array(EventOut),
});
export const productOut = (p: CardProduct) => ({
  id: p.id,
  title: p.title,
  type: CARD_TYPE[p.kind],
  colour: p.colour,
  logo: p.logo,
  storeIds: p.storeIds,
  summary: p.summary,
  status: p.status,
  createdAt: p.createdAt.toISOString(),
  stores: p.stores,
  events: p.events.map(eventOut),
});

export const BucketOut = Type.Object({
  id: Id,
  eventId: Id,
  eventTitle: Nullable(Type.String()),
  capitalInitial: Money,
  bonusInitial: Money,
  capital: Money,
  bonus: Money,
  status: Type.Integer({ description: '1 untouched, 2 partly spent, 3 cash-back due, 4 recharge refunded, 5 cashed back' }),
  cashedBackAt: Nullable(Time),
  createdAt: Time,
});
export const bucketOut = (b: CardBucket) => ({
  id: b.id,
  eventId: b.eventId,
  eventTitle: b.eventTitle,
  capitalInitial: money(b.capitalInitial),
  bonusInitial: money(b.bonusInitial),
  capital: money(b.capital),
  bonus: money(b.bonus),
  status: BUCKET_STATUS[b.state],
  cashedBackAt: iso(b.cashedBackAt),
  createdAt: b.createdAt.toISOString(),
});

export const CardOut = Type.Object({
  id: Id,
  userId: Id,
  cardProductId: Id,
  cardNo: Type.String(),
  title: Type.String(),
  type: Type.Integer(),
  phone: Nullable(Type.String()),
  nickname: Nullable(Type.String()),
  capital: Money,
  bonus: Money,
  balance: Money,
  charged: Money,
  invoiced: Money,
  invoiceable: Money,
  storeId: Nullable(Type.Integer()),
  storeName: Nullable(Type.String()),
  createdAt: Time,
  buckets: Type.Optional(Type.Array(BucketOut)),
});
export const cardOut = (c: UserCard & { buckets?: CardBucket[] }) => ({
  id: c.id,
  userId: c.userId,
  cardProductId: c.cardProductId,
  cardNo: String(c.cardNo),
  title: c.title,
  type: CARD_TYPE[c.kind],
  phone: c.phone,
  nickname: c.nickname,
  capital: money(c.capital),
  bonus: money(c.bonus),
  balance: money(c.balance),
  charged: money(c.charged),
  invoiced: money(c.invoiced),
  invoiceable: money(c.invoiceable),
  storeId: c.storeId,
  storeName: c.storeName,
  createdAt: c.createdAt.toISOString(),
  ...(c.buckets ? { buckets: c.buckets.map(bucketOut) } : {}),
});

export const EntryOut = Type.Object({
  id: Id,
  orderNo: Type.String(),
  kind: Type.String(),
  cardId: Id,
  cardProductId: Id,
  title: Type.String(),
  cardNo: Type.String(),
  userId: Id,
  phone: Nullable(Type.String()),
  nickname: Nullable(Type.String()),
  amount: Money,
  capitalDelta: Type.String(),
  bonusDelta: Type.String(),
  capitalAfter: Money,
  bonusAfter: Money,
  eventId: Nullable(Type.Integer()),
  eventName: Nullable(Type.String()),
  bucketId: Nullable(Type.Integer()),
  refundOfOrderNo: Nullable(Type.String()),
  refunded: Type.Boolean(),
  storeId: Nullable(Type.Integer()),
  storeName: Nullable(Type.String()),
  staffId: Nullable(Type.Integer()),
  explain: Nullable(Type.String()),
  image: Nullable(Type.String()),
  couponIds: Type.Array(Type.Integer()),
  createdAt: Time,
});
export const entryOut = (e: CardEntry) => ({
  id: e.id,
  orderNo: String(e.orderNo),
  kind: e.kind,
  cardId: e.userCardId,
  cardProductId: e.cardProductId,
  title: e.title,
  cardNo: String(e.cardNo),
  userId: e.userId,
  phone: e.phone,
  nickname: e.nickname,
  amount: money(e.amount),
  capitalDelta: money(e.capitalDelta),
  bonusDelta: money(e.bonusDelta),
  capitalAfter: money(e.capitalAfter),
  bonusAfter: money(e.bonusAfter),
  eventId: e.eventId,
  eventName: e.eventName,
  bucketId: e.bucketId,
  refundOfOrderNo: e.refundOfOrderNo === null ? null : String(e.refundOfOrderNo),
  refunded: e.refunded,
  storeId: e.storeId,
  storeName: e.storeName,
  staffId: e.staffId,
  explain: e.explain,
  image: e.image,
  couponIds: e.couponIds,
  createdAt: e.createdAt.toISOString(),
});

export const InvoiceOut = Type.Object({
  id: Id,
  cardId: Id,
  userId: Id,
  amount: Money,
  summary: Nullable(Type.String()),
  image: Nullable(Type.String()),
  storeId: Nullable(Type.Integer()),
  storeName: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  nickname: Nullable(Type.String()),
  createdAt: Time,
});
export const invoiceOut = (i: Invoice) => ({
  id: i.id,
  cardId: i.userCardId,
  userId: i.userId,
  amount: money(i.amount),
  summary: i.summary,
  image: i.image,
  storeId: i.storeId,
  storeName: i.storeName,
  phone: i.phone,
  nickname: i.nickname,
  createdAt: i.createdAt.toISOString(),
});

export const QrOut = Type.Object({ payload: Type.String(), expiresAt: Time, png: Type.String({ description: 'data:image/png;base64,…' }) });

export const badMoney = (reply: FastifyReply, field: string, v: string) =>
  sendProblem(reply, 'invalid_input', 400, `${field}: "${v}" is not an amount like "10.00"`);
export const OrderNoParams = Type.Object({ orderNo: Type.String({ pattern: '^\\d{1,16}$' }) });
export const RecordQuery = Type.Object({
  kind: Type.Optional(
    Type.Union(
      [Type.Literal('recharge'), Type.Literal('expense'), Type.Literal('refund'), Type.Literal('cash_back'), Type.Literal('invoice')],
      { description: 'refund covers expense refunds and recharge refunds' },
    ),
  ),
  phone: Type.Optional(Type.String({ maxLength: 20 })),
  keywords: Type.Optional(Type.String({ maxLength: 50 })),
  from: Type.Optional(Time),
  to: Type.Optional(Time),
  ...PageQuery,
});
