// The cards context's words (pure: no I/O). A card product is of one kind; an
// event (a recharge offer) gives bonus money, coupons or both; every movement
// of a card is one ledger entry of a kind; a movement happens in the app or at
// the store counter. The numbers the database stores for these live in the
// repositories (see *_DB there); the 礼遇圈 wire numbers in its dialect.
import type { Fen } from '../../../kernel/money.ts';
import type { BucketState } from './bucket-state.ts';

export const CARD_KINDS = ['platform', 'stored_value', 'event'] as const;
/** platform card, stored-value card, or event card (one bucket per recharge through an event). */
export type CardKind = (typeof CARD_KINDS)[number];

export const EVENT_KINDS = ['bonus', 'coupons', 'bonus_and_coupons'] as const;
/** What a recharge event gives on top of the recharge: bonus money, coupons, or both. */
export type EventKind = (typeof EVENT_KINDS)[number];

export const eventGivesCoupons = (k: EventKind) => k !== 'bonus';

export const CHANNELS = ['app', 'store'] as const;
/** Where a movement was made: in the consumer app or at a store counter. */
export type Channel = (typeof CHANNELS)[number];

export type LedgerKind = 'recharge' | 'expense' | 'refund' | 'recharge_refund' | 'cash_back' | 'invoice';
export const ALL_LEDGER_KINDS: LedgerKind[] = ['recharge', 'expense', 'refund', 'recharge_refund', 'cash_back', 'invoice'];

export interface StoreBrief {
  id: number;
  name: string;
  address: string | null;
  area: string | null;
  phone: string | null;
  linkman: string | null;
}

export interface CardEvent {
  id: number;
  cardProductId: number;
  title: string;
  summary: string | null;
  kind: EventKind;
  rechargeMoney: Fen;
  sendMoney: Fen;
  templateId: number | null;
  templateName: string | null;
  quantity: number | null;
  /** 1 usable, 10 usable (on an event card), 2 disabled: the stored value, shown as it is by both dialects. */
  status: number;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export const EVENT_DISABLED = 2;
export const PRODUCT_ACTIVE = 1;

export interface CardProduct {
  id: number;
  title: string;
  kind: CardKind;
  colour: string | null;
  logo: string | null;
  storeIds: number[];
  summary: string | null;
  detail: string | null;
  /** 1 in use, 2 disabled (no new cards). */
  status: number;
  createdBy: number | null;
  createdAt: Date;
  stores: StoreBrief[];
  events: CardEvent[];
}

export interface UserCard {
  id: number;
  userId: number;
  cardProductId: number;
  cardNo: number;
  title: string;
  kind: CardKind;
  summary: string | null;
  colour: string | null;
  logo: string | null;
  storeIds: number[];
  capital: Fen;
  bonus: Fen;
  balance: Fen;
  charged: Fen;
  invoiced: Fen;
  invoiceable: Fen;
  storeId: number | null;
  storeName: string | null;
  phone: string | null;
  nickname: string | null;
  avatar: string | null;
  createdAt: Date;
}

/** A card row under its lock, with its product's kind and stores. */
export interface LockedCard {
  id: number;
  userId: number;
  productId: number;
  kind: CardKind;
  storeIds: number[];
  capital: Fen;
  bonus: Fen;
  charged: Fen;
  invoiced: Fen;
}

export interface CardBucket {
  id: number;
  eventId: number;
  eventTitle: string | null;
  capitalInitial: Fen;
  bonusInitial: Fen;
  capital: Fen;
  bonus: Fen;
  state: BucketState;
  cashedBackAt: Date | null;
  createdAt: Date;
}

export interface CardEntry {
  id: number;
  orderNo: number;
  kind: LedgerKind;
  userCardId: number;
  cardProductId: number;
  title: string;
  cardNo: number;
  userId: number;
  nickname: string | null;
  phone: string | null;
  amount: Fen;
  capitalDelta: Fen;
  bonusDelta: Fen;
  capitalAfter: Fen;
  bonusAfter: Fen;
  eventId: number | null;
  eventName: string | null;
  bucketId: number | null;
  refundOf: number | null;
  refundOfOrderNo: number | null;
  refunded: boolean;
  storeId: number | null;
  storeName: string | null;
  staffId: number | null;
  channel: Channel;
  explain: string | null;
  image: string | null;
  couponIds: number[];
  createdAt: Date;
}

/** How the caller proves the card password: the 礼遇圈 client sends MD5 hex, the console the password itself. */
export type CardPassword = { md5: string } | { plain: string };

/** Which card: by its id, or by holder (id or phone) and product. */
export type CardRef = { cardId: number } | { userId: number; productId: number } | { phone: string; productId: number };

export interface RecordFilter {
  phone?: string;
  keywords?: string;
  from?: Date;
  to?: Date;
  userId?: number;
  cardId?: number;
  limit: number;
  offset: number;
}

export interface RecordPage {
  items: CardEntry[];
  total: number;
  /** Sum of the entries' amounts. */
  totalAmount: Fen;
  /** Sum of capital_delta: for recharges, the gross recharged capital (refunded recharges still count; their refunds are separate entries). */
  totalCapital: Fen;
  /** Sum of bonus_delta, the same way. */
  totalBonus: Fen;
}

/** An invoice recorded on a card (what was recharged can be invoiced once). */
export interface Invoice {
  id: number;
  userCardId: number;
  userId: number;
  amount: Fen;
  summary: string | null;
  image: string | null;
  storeId: number | null;
  storeName: string | null;
  staffId: number | null;
  phone: string | null;
  nickname: string | null;
  createdAt: Date;
}

export interface MemberCard extends UserCard {
  buckets: CardBucket[];
}

// Wrong card passwords: 5 per card in 15 minutes, then a pause.
export const CARD_PASSWORD_LIMIT = { attempts: 5, windowSec: 15 * 60 };
export const REFUND_CODE_PURPOSE = 'card_refund';

/** null when fen is a positive (or, with allowZero, non-negative) safe integer; else what is wrong. */
export const validMoney = (fen: unknown, what: string, allowZero = false): string | null =>
  typeof fen === 'number' && Number.isSafeInteger(fen) && (allowZero ? fen >= 0 : fen > 0)
    ? null
    : `${what} must be ${allowZero ? 'zero or more' : 'more than zero'}`;

export const COLOUR_RE = /^#[0-9a-fA-F]{3,8}$/;

/** A new card number: 79 and 11 digits from a CSPRNG draw (random in [0, 1e11)). */
export const cardNumberOf = (draw: number) => Number(`79${String(draw).padStart(11, '0')}`);

/** The staff phone shown after sending a code: all but the last four digits masked. */
export const maskPhone = (phone: string) => phone.replace(/^(.*)(\d{4})$/, (_, a: string, b: string) => `${'*'.repeat(a.length)}${b}`);
