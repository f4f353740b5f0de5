// Membership cards: products and their recharge events, opening a card,
// recharge, expense (with the card password), refund of an expense or of a
// recharge (each behind a single-use SMS code sent to the staff member),
// event-card buckets and their cash-back, and the records.
//
// Every movement is one append-only card_ledger row written in the same
// transaction as the balances it moves. A card operation first locks its
// card row (so operations on one card take turns, buckets after the card,
// always in that order), and every balance change is still a conditional
// UPDATE ... WHERE balance >= x, so no path can overdraw a card; a refund is
// made once by the unique key on card_ledger.refund_of.
import { hit, reached } from '../../cache/cache.ts';
import { splitSpend } from './domain/card-spend.ts';
import { roleMay, storesOverlap, writeOffStore, type CardPermission } from '../identity/index.ts';
import type { Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { CouponService, TemplateService } from '../coupons/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { MessageService } from '../platform/index.ts';
import { hashPassword, staffPasswordForm, verifyStaffPassword, verifyStaffPasswordMd5 } from '../../kernel/security.ts';
import { RollbackWith } from '../identity/index.ts';
import { insertUser, MOBILE_RE } from '../identity/index.ts';

export type CardType = 1 | 10 | 11;
export type EventType = 1 | 2 | 5;
export type LedgerKind = 'recharge' | 'expense' | 'refund' | 'recharge_refund' | 'cash_back' | 'invoice';

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
  type: EventType;
  rechargeMoney: Fen;
  sendMoney: Fen;
  templateId: number | null;
  templateName: string | null;
  quantity: number | null;
  status: number;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CardProduct {
  id: number;
  title: string;
  type: CardType;
  colour: string | null;
  logo: string | null;
  storeIds: number[];
  summary: string | null;
  detail: string | null;
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
  type: CardType;
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

export interface CardBucket {
  id: number;
  eventId: number;
  eventTitle: string | null;
  capitalInitial: Fen;
  bonusInitial: Fen;
  capital: Fen;
  bonus: Fen;
  status: 1 | 2 | 3 | 4 | 5;
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
  channel: 1 | 2;
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

// Wrong card passwords: 5 per card in 15 minutes, then a pause.
export const CARD_PASSWORD_LIMIT = { attempts: 5, windowSec: 15 * 60 };
export const REFUND_CODE_PURPOSE = 'card_refund';

const EXPLAIN: Record<LedgerKind, string> = {
  recharge: '余额充值',
  expense: '线下消费',
  refund: '消费回退',
  recharge_refund: '充值退款',
  cash_back: '活动卡返现',
  invoice: '开发票',
};

interface ProductRow {
  id: number;
  title: string;
  type: CardType;
  colour: string | null;
  logo: string | null;
  store_ids: number[];
  summary: string | null;
  detail: string | null;
  status: number;
  created_by: number | null;
  created_at: Date;
}

interface EventRow {
  id: number;
  card_product_id: number;
  title: string;
  summary: string | null;
  type: EventType;
  recharge_money: number;
  send_money: number;
  template_id: number | null;
  template_name: string | null;
  quantity: number | null;
  status: number;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
}

interface CardRow {
  id: number;
  tenant_id: number;
  user_id: number;
  card_product_id: number;
  card_no: number;
  password_hash: string;
  capital: number;
  bonus: number;
  charged: number;
  invoiced: number;
  store_id: number | null;
  created_at: Date;
  type: CardType;
  store_ids: number[];
}

const toEvent = (r: EventRow): CardEvent => ({
  id: r.id,
  cardProductId: r.card_product_id,
  title: r.title,
  summary: r.summary,
  type: r.type,
  rechargeMoney: r.recharge_money,
  sendMoney: r.send_money,
  templateId: r.template_id,
  templateName: r.template_name ?? null,
  quantity: r.quantity,
  status: r.status,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const USER_CARD_SQL = `
  SELECT uc.id, uc.user_id, uc.card_product_id, uc.card_no, uc.capital, uc.bonus, uc.charged, uc.invoiced, uc.store_id, uc.created_at,
         p.title, p.type, p.summary, p.colour, p.logo, p.store_ids, s.name AS store_name, u.mobile, u.nick, u.avatar
  FROM user_cards uc JOIN card_products p ON p.id = uc.card_product_id JOIN users u ON u.id = uc.user_id
  LEFT JOIN stores s ON s.id = uc.store_id`;

interface UserCardRow {
  id: number;
  user_id: number;
  card_product_id: number;
  card_no: number;
  capital: number;
  bonus: number;
  charged: number;
  invoiced: number;
  store_id: number | null;
  created_at: Date;
  title: string;
  type: CardType;
  summary: string | null;
  colour: string | null;
  logo: string | null;
  store_ids: number[];
  store_name: string | null;
  mobile: string | null;
  nick: string | null;
  avatar: string | null;
}

const toUserCard = (r: UserCardRow): UserCard => ({
  id: r.id,
  userId: r.user_id,
  cardProductId: r.card_product_id,
  cardNo: r.card_no,
  title: r.title,
  type: r.type,
  summary: r.summary,
  colour: r.colour,
  logo: r.logo,
  storeIds: (r.store_ids ?? []).map(Number),
  capital: r.capital,
  bonus: r.bonus,
  balance: r.capital + r.bonus,
  charged: r.charged,
  invoiced: r.invoiced,
  invoiceable: r.charged - r.invoiced,
  storeId: r.store_id,
  storeName: r.store_name,
  phone: r.mobile,
  nickname: r.nick,
  avatar: r.avatar,
  createdAt: r.created_at,
});

const ENTRY_SQL = `
  SELECT l.*, uc.card_no, uc.card_product_id, p.title, u.mobile, u.nick, e.title AS event_title, s.name AS store_name,
         o.order_no AS refund_of_order_no,
         EXISTS (SELECT 1 FROM card_ledger r WHERE r.refund_of = l.id) AS refunded
  FROM card_ledger l JOIN user_cards uc ON uc.id = l.user_card_id JOIN card_products p ON p.id = uc.card_product_id
  JOIN users u ON u.id = l.user_id LEFT JOIN card_events e ON e.id = l.event_id LEFT JOIN stores s ON s.id = l.store_id
  LEFT JOIN card_ledger o ON o.id = l.refund_of`;

interface EntryRow {
  id: number;
  order_no: number;
  kind: LedgerKind;
  user_card_id: number;
  card_product_id: number;
  title: string;
  card_no: number;
  user_id: number;
  nick: string | null;
  mobile: string | null;
  amount: number;
  capital_delta: number;
  bonus_delta: number;
  capital_after: number;
  bonus_after: number;
  event_id: number | null;
  event_title: string | null;
  bucket_id: number | null;
  refund_of: number | null;
  refund_of_order_no: number | null;
  refunded: boolean;
  store_id: number | null;
  store_name: string | null;
  staff_id: number | null;
  channel: 1 | 2;
  explain: string | null;
  image: string | null;
  coupon_ids: number[];
  created_at: Date;
}

const toEntry = (r: EntryRow): CardEntry => ({
  id: r.id,
  orderNo: r.order_no,
  kind: r.kind,
  userCardId: r.user_card_id,
  cardProductId: r.card_product_id,
  title: r.title,
  cardNo: r.card_no,
  userId: r.user_id,
  nickname: r.nick,
  phone: r.mobile,
  amount: r.amount,
  capitalDelta: r.capital_delta,
  bonusDelta: r.bonus_delta,
  capitalAfter: r.capital_after,
  bonusAfter: r.bonus_after,
  eventId: r.event_id,
  eventName: r.event_title,
  bucketId: r.bucket_id,
  refundOf: r.refund_of,
  refundOfOrderNo: r.refund_of_order_no,
  refunded: r.refunded,
  storeId: r.store_id,
  storeName: r.store_name,
  staffId: r.staff_id,
  channel: r.channel,
  explain: r.explain,
  image: r.image,
  couponIds: (r.coupon_ids ?? []).map(Number),
  createdAt: r.created_at,
});

/** `%`-safe fuzzy match text for LIKE. */
export const likeOf = (s: string | undefined | null) => (s ? `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null);

const staffIdOf = (by: Principal | null) => (by?.kind === 'staff' ? by.staffId : null);

/** The stores a caller is bound to (none: every store). */
const staffStoresOf = (by: Principal | null) => (by?.kind === 'staff' ? by.storeIds : []);

const PERMISSION_TEXT: Record<CardPermission, string> = {
  'card.refund': 'refund card payments or recharges',
  'card.invoice': 'issue invoices',
  'card.cash_back': 'cash back event-card recharges',
  'card.records': 'see card records',
};

/** The permission table (domain/permissions.ts), enforced: forbidden when the caller's role lacks it. */
export function requirePermission(by: Principal, permission: CardPermission): Result<void> {
  if (roleMay(by.role, permission)) return ok(undefined);
  return fail(ErrorCode.forbidden, `permission denied: a ${by.role} may not ${PERMISSION_TEXT[permission]}`, { permission });
}

/** The store rule (domain/permissions.ts), enforced for a card product's stores. */
export function requireCardStores(productStoreIds: readonly number[], by: Principal | null): Result<void> {
  if (storesOverlap(staffStoresOf(by), (productStoreIds ?? []).map(Number))) return ok(undefined);
  return fail(ErrorCode.forbidden, 'this card is not used in any of your stores', { storeIds: productStoreIds });
}

const unwrap = async <T>(fn: () => Promise<Result<T>>): Promise<Result<T>> => {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof RollbackWith) return e.result as Result<T>;
    throw e;
  }
};

const validMoney = (fen: unknown, what: string, allowZero = false): string | null =>
  typeof fen === 'number' && Number.isSafeInteger(fen) && (allowZero ? fen >= 0 : fen > 0) ? null : `${what} must be ${allowZero ? 'zero or more' : 'more than zero'}`;

export interface CardCollaborators {
  coupons: CouponService;
  templates: TemplateService;
  messages: MessageService;
}

export function cardService(deps: Deps, { coupons, templates, messages }: CardCollaborators) {

  async function loadStores(q: Queryable, tenantId: number, ids: number[]): Promise<StoreBrief[]> {
    if (ids.length === 0) return [];
    const r = await q.query<StoreBrief>(
      'SELECT id, name, address, area, phone, linkman FROM stores WHERE tenant_id = $1 AND id = ANY($2::bigint[]) ORDER BY id',
      [tenantId, ids],
    );
    return r.rows;
  }

  async function loadEvents(q: Queryable, tenantId: number, productIds: number[], onlyActive = false): Promise<CardEvent[]> {
    if (productIds.length === 0) return [];
    const r = await q.query<EventRow>(
      `SELECT e.*, t.name AS template_name FROM card_events e LEFT JOIN coupon_templates t ON t.id = e.template_id
       WHERE e.tenant_id = $1 AND e.card_product_id = ANY($2::bigint[]) AND ($3::boolean IS FALSE OR e.status <> 2) ORDER BY e.id DESC`,
      [tenantId, productIds, onlyActive],
    );
    return r.rows.map(toEvent);
  }

  /** The store an operation happens in: the one named (if the staff member works there), else the staff member's first. */
  async function storeFor(q: Queryable, tenantId: number, by: Principal | null, storeId?: number | null): Promise<Result<number | null>> {
    if (storeId != null) {
      const s = await q.query('SELECT 1 FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, storeId]);
      if (s.rowCount === 0) return fail(ErrorCode.not_found, 'store not found');
      if (by?.kind === 'staff' && by.storeIds.length > 0 && !by.storeIds.includes(storeId)) return fail(ErrorCode.forbidden, 'you do not work in this store');
      return ok(storeId);
    }
    if (by?.kind === 'staff' && by.storeIds.length > 0) return ok(by.storeIds[0]!);
    return ok(null);
  }

  /**
   * Locks the card row (FOR NO KEY UPDATE: card operations take turns) and
   * returns it with its product type and stores; with `by`, refuses a card
   * whose product is not used in any of the caller's stores.
   */
  async function lockCard(q: Queryable, tenantId: number, ref: CardRef, by?: Principal | null): Promise<Result<CardRow>> {
    let where: string;
    let params: unknown[];
    if ('cardId' in ref) {
      where = 'uc.id = $2';
      params = [tenantId, ref.cardId];
    } else if ('userId' in ref) {
      where = 'uc.user_id = $2 AND uc.card_product_id = $3';
      params = [tenantId, ref.userId, ref.productId];
    } else {
      where = 'uc.user_id = (SELECT id FROM users WHERE tenant_id = $1 AND mobile = $2) AND uc.card_product_id = $3';
      params = [tenantId, ref.phone, ref.productId];
    }
    const r = await q.query<CardRow>(
      `SELECT uc.*, p.type, p.store_ids FROM user_cards uc JOIN card_products p ON p.id = uc.card_product_id
       WHERE uc.tenant_id = $1 AND ${where} FOR NO KEY UPDATE OF uc`,
      params,
    );
    if (!r.rows[0]) {
      if ('phone' in ref) {
        const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND mobile = $2', [tenantId, ref.phone]);
        if (u.rowCount === 0) return fail(ErrorCode.not_found, `no user with phone ${ref.phone}`, { what: 'user' });
      }
      return fail(ErrorCode.not_found, 'this user has no such card: open it first', { what: 'card' });
    }
    if (by !== undefined) {
      const s = requireCardStores(r.rows[0].store_ids, by);
      if (!s.ok) return s;
    }
    return ok(r.rows[0]);
  }

  interface EntryInsert {
    tenantId: number;
    card: { id: number; user_id: number };
    kind: LedgerKind;
    amount: Fen;
    capitalDelta: Fen;
    bonusDelta: Fen;
    after: { capital: number; bonus: number };
    eventId?: number | null;
    bucketId?: number | null;
    refundOf?: number | null;
    storeId: number | null;
    by: Principal | null;
    channel?: 1 | 2;
    explain?: string | null;
    image?: string | null;
    couponIds?: number[];
    lines?: { bucketId: number; capital: Fen; bonus: Fen }[];
  }

  /** Appends one ledger entry (and its bucket lines); null when refund_of was already refunded. */
  async function appendEntry(q: Queryable, e: EntryInsert): Promise<{ id: number; orderNo: number } | null> {
    const r = await q.query<{ id: number; order_no: number }>(
      `INSERT INTO card_ledger (tenant_id, user_card_id, user_id, kind, amount, capital_delta, bonus_delta, capital_after, bonus_after,
         event_id, bucket_id, refund_of, store_id, staff_id, channel, explain, image, coupon_ids)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)
       ON CONFLICT (refund_of) WHERE refund_of IS NOT NULL DO NOTHING
       RETURNING id, order_no`,
      [
        e.tenantId, e.card.id, e.card.user_id, e.kind, e.amount, e.capitalDelta, e.bonusDelta, e.after.capital, e.after.bonus,
        e.eventId ?? null, e.bucketId ?? null, e.refundOf ?? null, e.storeId, staffIdOf(e.by), e.channel ?? 2,
        e.explain ?? EXPLAIN[e.kind], e.image ?? null, e.couponIds ?? [],
      ],
    );
    const row = r.rows[0];
    if (!row) return null;
    for (const l of e.lines ?? []) {
      await q.query('INSERT INTO card_ledger_buckets (entry_id, bucket_id, capital_delta, bonus_delta) VALUES ($1, $2, $3, $4)', [
        row.id, l.bucketId, l.capital, l.bonus,
      ]);
    }
    return { id: row.id, orderNo: row.order_no };
  }

  async function entryById(q: Queryable, tenantId: number, id: number): Promise<CardEntry> {
    const r = await q.query<EntryRow>(`${ENTRY_SQL} WHERE l.tenant_id = $1 AND l.id = $2`, [tenantId, id]);
    return toEntry(r.rows[0]!);
  }

  async function staffPhone(tenantId: number, by: Principal, q: Queryable = deps.db): Promise<Result<string>> {
    if (by.kind !== 'staff') return fail(ErrorCode.forbidden, 'refunds need a staff member (the SMS code goes to their phone)');
    const r = await q.query<{ phone: string | null }>('SELECT phone FROM staff WHERE id = $1 AND tenant_id = $2', [by.staffId, tenantId]);
    const phone = r.rows[0]?.phone;
    if (!phone) return fail(ErrorCode.invalid_state, 'your staff account has no phone number for the SMS code');
    return ok(phone);
  }

  /**
   * Checks and uses up the refund SMS code inside the refund's own
   * transaction `q`: a wrong try is returned (not thrown) so it is committed
   * and counts; a refund that then fails for a business reason rolls back and
   * leaves the code unused.
   */
  /** Before both refunds: the caller may refund, the movement exists and is not refunded yet, a code was given. */
  async function findRefundable(
    tenantId: number,
    kind: 'expense' | 'recharge',
    input: { orderNo: number; code: string },
    by: Principal,
  ): Promise<Result<{ id: number; user_card_id: number }>> {
    const may = requirePermission(by, 'card.refund');
    if (!may.ok) return may;
    const orig = await deps.db.query<{ id: number; user_card_id: number }>(
      `SELECT id, user_card_id FROM card_ledger WHERE tenant_id = $1 AND order_no = $2 AND kind = $3`,
      [tenantId, input.orderNo, kind],
    );
    if (!orig.rows[0]) return fail(ErrorCode.not_found, `no ${kind} with order number ${input.orderNo}`);
    const done = await deps.db.query('SELECT 1 FROM card_ledger WHERE refund_of = $1', [orig.rows[0].id]);
    if (done.rowCount) return fail(ErrorCode.already_rolled_back, `this ${kind} has already been refunded`);
    if (!input.code) return fail(ErrorCode.invalid_input, 'code: the SMS code is required', { field: 'code' });
    return ok(orig.rows[0]);
  }

  /**
   * Inside both refunds' transaction: the store and the card's stores, the SMS
   * code, then the card's lock, and the "not refunded yet" check again under it.
   * Failures before the lock are answers; after it they roll back.
   */
  async function lockForRefund(
    q: Queryable,
    tenantId: number,
    orig: { id: number; user_card_id: number },
    input: { code: string; storeId?: number | null },
    by: Principal,
  ): Promise<Result<{ store: number | null; card: CardRow }>> {
    const store = await storeFor(q, tenantId, by, input.storeId);
    if (!store.ok) return store;
    const mine = await q.query<{ store_ids: number[] }>('SELECT p.store_ids FROM user_cards uc JOIN card_products p ON p.id = uc.card_product_id WHERE uc.id = $1', [orig.user_card_id]);
    const inStores = requireCardStores(mine.rows[0]?.store_ids ?? [], by);
    if (!inStores.ok) return inStores;
    // The code first (its row lock before the card's, always in that order), used up only if the refund commits.
    const code = await checkRefundCode(q, tenantId, by, input.code);
    if (!code.ok) return code;
    const c = await lockCard(q, tenantId, { cardId: orig.user_card_id });
    if (!c.ok) throw new RollbackWith(c);
    // Refunds of one card take turns on its lock: the one that waited sees the other's refund here.
    const again = await q.query('SELECT 1 FROM card_ledger WHERE refund_of = $1', [orig.id]);
    if (again.rowCount) throw new RollbackWith(fail(ErrorCode.already_rolled_back, 'this movement has already been refunded'));
    return ok({ store: store.value, card: c.value });
  }

  async function checkRefundCode(q: Queryable, tenantId: number, by: Principal, code: string | undefined | null): Promise<Result<void>> {
    if (!code) return fail(ErrorCode.invalid_input, 'code: the SMS code is required', { field: 'code' });
    const phone = await staffPhone(tenantId, by, q);
    if (!phone.ok) return phone;
    const c = await messages.checkCode(tenantId, 'sms', phone.value, REFUND_CODE_PURPOSE, code, true, q);
    if (!c.ok) return fail(c.error.code === ErrorCode.rate_limited ? ErrorCode.rate_limited : ErrorCode.wrong_password, c.error.message, { field: 'code', sms: true });
    return ok(undefined);
  }

  return {
    // ---------------------------------------------------------------- products and events

    async createProduct(
      tenantId: number,
      input: { title: string; type: number; colour?: string | null; logo?: string | null; storeIds?: number[]; summary?: string | null; detail?: string | null },
      by: Principal,
    ): Promise<Result<CardProduct>> {
      if (!input.title?.trim()) return fail(ErrorCode.invalid_input, 'title is required');
      if (![1, 10, 11].includes(input.type)) return fail(ErrorCode.invalid_input, 'type must be 1 (platform card), 10 (stored-value card) or 11 (event card)');
      if (input.colour && !/^#[0-9a-fA-F]{3,8}$/.test(input.colour)) return fail(ErrorCode.invalid_input, 'colour must be like #E43B19');
      const storeIds = [...new Set(input.storeIds ?? [])];
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const stores = await loadStores(q, tenantId, storeIds);
          if (stores.length !== storeIds.length) return fail(ErrorCode.invalid_input, 'storeIds: every store must be one of this merchant');
          const r = await q.query<{ id: number }>(
            `INSERT INTO card_products (tenant_id, title, type, colour, logo, store_ids, summary, detail, created_by)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
            [tenantId, input.title.trim(), input.type, input.colour ?? null, input.logo ?? null, storeIds, input.summary ?? null, input.detail ?? null, staffIdOf(by)],
          );
          const id = r.rows[0]!.id;
          await audit(q, tenantId, by, { action: 'card_product.create', targetType: 'card_product', targetId: id, details: { title: input.title, type: input.type } });
          return ok((await this.getProductIn(q, tenantId, id))!);
        }),
      );
    },

    /** Changes a product's face, stores or status (2 = disabled: no new cards); its type never changes once cards may exist. */
    async updateProduct(
      tenantId: number,
      id: number,
      input: { title?: string; colour?: string | null; logo?: string | null; storeIds?: number[]; summary?: string | null; detail?: string | null; status?: number },
      by: Principal,
    ): Promise<Result<CardProduct>> {
      if (input.title !== undefined && !input.title.trim()) return fail(ErrorCode.invalid_input, 'title must not be empty', { field: 'title' });
      if (input.colour && !/^#[0-9a-fA-F]{3,8}$/.test(input.colour)) return fail(ErrorCode.invalid_input, 'colour must be like #E43B19', { field: 'colour' });
      if (input.status !== undefined && input.status !== 1 && input.status !== 2) return fail(ErrorCode.invalid_input, 'status must be 1 (in use) or 2 (disabled)', { field: 'status' });
      const storeIds = input.storeIds === undefined ? null : [...new Set(input.storeIds)];
      return unwrap(() =>
        deps.db.tx(async (q) => {
          if (storeIds) {
            const stores = await loadStores(q, tenantId, storeIds);
            if (stores.length !== storeIds.length) return fail(ErrorCode.invalid_input, 'storeIds: every store must be one of this merchant', { field: 'storeIds' });
          }
          const has = (k: keyof typeof input) => input[k] !== undefined;
          const r = await q.query<{ id: number }>(
            `UPDATE card_products SET
               title = CASE WHEN $3 THEN $4 ELSE title END,
               colour = CASE WHEN $5 THEN $6 ELSE colour END,
               logo = CASE WHEN $7 THEN $8 ELSE logo END,
               store_ids = COALESCE($9::bigint[], store_ids),
               summary = CASE WHEN $10 THEN $11 ELSE summary END,
               detail = CASE WHEN $12 THEN $13 ELSE detail END,
               status = COALESCE($14::smallint, status),
               updated_at = now()
             WHERE tenant_id = $1 AND id = $2 RETURNING id`,
            [
              tenantId, id,
              has('title'), input.title?.trim() ?? null,
              has('colour'), input.colour || null,
              has('logo'), input.logo || null,
              storeIds,
              has('summary'), input.summary ?? null,
              has('detail'), input.detail ?? null,
              input.status ?? null,
            ],
          );
          if (!r.rows[0]) return fail(ErrorCode.not_found, 'card product not found');
          await audit(q, tenantId, by, { action: 'card_product.update', targetType: 'card_product', targetId: id, details: { ...input } });
          return ok((await this.getProductIn(q, tenantId, id))!);
        }),
      );
    },

    async getProductIn(q: Queryable, tenantId: number, id: number): Promise<CardProduct | null> {
      const r = await q.query<ProductRow>('SELECT * FROM card_products WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      const p = r.rows[0];
      if (!p) return null;
      const ids = (p.store_ids ?? []).map(Number);
      return {
        id: p.id, title: p.title, type: p.type, colour: p.colour, logo: p.logo, storeIds: ids, summary: p.summary, detail: p.detail,
        status: p.status, createdBy: p.created_by, createdAt: p.created_at,
        stores: await loadStores(q, tenantId, ids),
        events: await loadEvents(q, tenantId, [p.id]),
      };
    },

    getProduct(tenantId: number, id: number) {
      return this.getProductIn(deps.db, tenantId, id);
    },

    /** Products with their stores and events; storeId limits to products usable in that store. */
    async listProducts(tenantId: number, f: { type?: number; activeOnly?: boolean; storeIds?: number[] } = {}): Promise<CardProduct[]> {
      const r = await deps.db.query<ProductRow>(
        `SELECT * FROM card_products WHERE tenant_id = $1 AND ($2::int IS NULL OR type = $2) AND ($3::boolean IS FALSE OR status = 1)
           AND ($4::bigint[] IS NULL OR cardinality(store_ids) = 0 OR store_ids && $4::bigint[])
         ORDER BY id DESC`,
        [tenantId, f.type ?? null, f.activeOnly ?? false, f.storeIds && f.storeIds.length > 0 ? f.storeIds : null],
      );
      const allStoreIds = [...new Set(r.rows.flatMap((p) => (p.store_ids ?? []).map(Number)))];
      const stores = new Map((await loadStores(deps.db, tenantId, allStoreIds)).map((s) => [s.id, s]));
      const events = await loadEvents(deps.db, tenantId, r.rows.map((p) => p.id), f.activeOnly);
      return r.rows.map((p) => {
        const ids = (p.store_ids ?? []).map(Number);
        return {
          id: p.id, title: p.title, type: p.type, colour: p.colour, logo: p.logo, storeIds: ids, summary: p.summary, detail: p.detail,
          status: p.status, createdBy: p.created_by, createdAt: p.created_at,
          stores: ids.map((i) => stores.get(i)).filter((s): s is StoreBrief => !!s),
          events: events.filter((e) => e.cardProductId === p.id),
        };
      });
    },

    async createEvent(
      tenantId: number,
      productId: number,
      input: { title: string; summary?: string | null; type: number; rechargeMoney: Fen; sendMoney: Fen; templateId?: number | null; quantity?: number | null },
      by: Principal,
    ): Promise<Result<CardEvent>> {
      if (!input.title?.trim()) return fail(ErrorCode.invalid_input, 'title is required');
      if (![1, 2, 5].includes(input.type)) return fail(ErrorCode.invalid_input, 'type must be 1 (bonus money), 2 (coupons) or 5 (both)');
      const bad = validMoney(input.rechargeMoney, 'rechargeMoney') ?? validMoney(input.sendMoney, 'sendMoney', true);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      const withCoupons = input.type !== 1;
      if (withCoupons && (!input.templateId || !input.quantity || input.quantity < 1 || input.quantity > 100)) {
        return fail(ErrorCode.invalid_input, 'an event of type 2 or 5 needs couponTemplateId and quantity (1-100)');
      }
      if (input.type === 1 && input.sendMoney <= 0) return fail(ErrorCode.invalid_input, 'an event of type 1 gives bonus money: sendMoney must be more than zero');
      if (input.type === 2 && input.sendMoney !== 0) return fail(ErrorCode.invalid_input, 'an event of type 2 gives coupons only: sendMoney must be 0');
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const p = await q.query<{ type: CardType }>('SELECT type FROM card_products WHERE tenant_id = $1 AND id = $2', [tenantId, productId]);
          if (!p.rows[0]) return fail(ErrorCode.not_found, 'card product not found');
          if (withCoupons) {
            const t = await q.query('SELECT 1 FROM coupon_templates WHERE tenant_id = $1 AND id = $2', [tenantId, input.templateId]);
            if (t.rowCount === 0) return fail(ErrorCode.not_found, 'coupon template not found');
          }
          const r = await q.query<{ id: number }>(
            `INSERT INTO card_events (tenant_id, card_product_id, title, summary, type, recharge_money, send_money, template_id, quantity, status, created_by)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING id`,
            [
              tenantId, productId, input.title.trim(), input.summary ?? null, input.type, input.rechargeMoney, input.sendMoney,
              withCoupons ? input.templateId : null, withCoupons ? input.quantity : null, p.rows[0].type === 11 ? 10 : 1, staffIdOf(by),
            ],
          );
          const id = r.rows[0]!.id;
          await audit(q, tenantId, by, { action: 'card_event.create', targetType: 'card_event', targetId: id, details: { productId, ...input } });
          return ok((await this.getEventIn(q, tenantId, id))!);
        }),
      );
    },

    async getEventIn(q: Queryable, tenantId: number, id: number): Promise<CardEvent | null> {
      const r = await q.query<EventRow>(
        `SELECT e.*, t.name AS template_name FROM card_events e LEFT JOIN coupon_templates t ON t.id = e.template_id WHERE e.tenant_id = $1 AND e.id = $2`,
        [tenantId, id],
      );
      return r.rows[0] ? toEvent(r.rows[0]) : null;
    },

    getEvent(tenantId: number, id: number) {
      return this.getEventIn(deps.db, tenantId, id);
    },

    async listEvents(tenantId: number, productId: number, activeOnly = false): Promise<Result<CardEvent[]>> {
      const p = await deps.db.query('SELECT 1 FROM card_products WHERE tenant_id = $1 AND id = $2', [tenantId, productId]);
      if (p.rowCount === 0) return fail(ErrorCode.not_found, 'card product not found');
      return ok(await loadEvents(deps.db, tenantId, [productId], activeOnly));
    },

    // ---------------------------------------------------------------- cards

    /** Opens a card for a phone number, creating the consumer when the phone is new. */
    async openCard(
      tenantId: number,
      input: { phone?: string; userId?: number; productId: number; password?: CardPassword | null; storeId?: number | null },
      by: Principal,
    ): Promise<Result<UserCard>> {
      if (input.phone !== undefined && !MOBILE_RE.test(input.phone)) return fail(ErrorCode.invalid_input, 'phone must be 6-15 digits', { field: 'phone' });
      if (input.phone === undefined && input.userId === undefined) return fail(ErrorCode.invalid_input, 'phone or userId is required');
      let pwForm: string | null = null;
      if (input.password && 'md5' in input.password) {
        if (!/^[0-9a-fA-F]{32}$/.test(input.password.md5)) return fail(ErrorCode.invalid_input, 'password must be MD5 in hex', { field: 'password' });
        pwForm = input.password.md5.toLowerCase();
      } else if (input.password && 'plain' in input.password) {
        if (!/^\d{6}$/.test(input.password.plain)) return fail(ErrorCode.invalid_input, 'a card password is 6 digits', { field: 'password' });
        pwForm = staffPasswordForm(input.password.plain);
      }
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const product = await q.query<{ status: number; store_ids: number[] }>('SELECT status, store_ids FROM card_products WHERE tenant_id = $1 AND id = $2', [tenantId, input.productId]);
          if (!product.rows[0]) return fail(ErrorCode.not_found, 'card product not found', { what: 'card' });
          if (product.rows[0].status !== 1) return fail(ErrorCode.invalid_state, 'this card product is disabled');
          const inStores = requireCardStores(product.rows[0].store_ids, by);
          if (!inStores.ok) return inStores;
          const store = await storeFor(q, tenantId, by, input.storeId);
          if (!store.ok) return store;
          let userId: number;
          let phone: string | null;
          if (input.userId !== undefined) {
            const u = await q.query<{ id: number; mobile: string | null }>('SELECT id, mobile FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, input.userId]);
            if (!u.rows[0]) return fail(ErrorCode.not_found, 'user not found', { what: 'user' });
            userId = u.rows[0].id;
            phone = u.rows[0].mobile;
          } else {
            phone = input.phone!;
            await q.query(
              `INSERT INTO users (tenant_id, mobile, source) VALUES ($1, $2, 'card') ON CONFLICT (tenant_id, mobile) WHERE mobile IS NOT NULL DO NOTHING`,
              [tenantId, phone],
            );
            const u = await q.query<{ id: number }>('SELECT id FROM users WHERE tenant_id = $1 AND mobile = $2', [tenantId, phone]);
            if (!u.rows[0]) {
              const created = await insertUser(q, tenantId, { mobile: phone, source: 'card' });
              if (!created.ok) return created;
              userId = created.value.id;
            } else userId = u.rows[0].id;
          }
          if (!pwForm) {
            if (!phone || phone.length < 6) return fail(ErrorCode.invalid_input, 'password is required when the user has no phone number', { field: 'password' });
            pwForm = staffPasswordForm(phone.slice(-6));
          }
          const hash = await hashPassword(pwForm);
          let cardId: number | null = null;
          for (let i = 0; i < 8 && cardId === null; i++) {
            const cardNo = Number(`79${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}`);
            const r = await q.query<{ id: number }>(
              `INSERT INTO user_cards (tenant_id, user_id, card_product_id, card_no, password_hash, store_id, opened_by)
               VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING RETURNING id`,
              [tenantId, userId, input.productId, cardNo, hash, store.value, staffIdOf(by)],
            );
            if (r.rows[0]) cardId = r.rows[0].id;
            else {
              const has = await q.query('SELECT 1 FROM user_cards WHERE tenant_id = $1 AND user_id = $2 AND card_product_id = $3', [tenantId, userId, input.productId]);
              if (has.rowCount) return fail(ErrorCode.conflict, 'this user already has this card');
            }
          }
          if (cardId === null) throw new Error('could not find a free card number');
          await audit(q, tenantId, by, { action: 'card.open', targetType: 'user_card', targetId: cardId, details: { userId, productId: input.productId } });
          const c = await q.query<UserCardRow>(`${USER_CARD_SQL} WHERE uc.id = $1`, [cardId]);
          return ok(toUserCard(c.rows[0]!));
        }),
      );
    },

    async getCard(tenantId: number, ref: CardRef): Promise<UserCard | null> {
      let where: string;
      let params: unknown[];
      if ('cardId' in ref) [where, params] = ['uc.id = $2', [tenantId, ref.cardId]];
      else if ('userId' in ref) [where, params] = ['uc.user_id = $2 AND uc.card_product_id = $3', [tenantId, ref.userId, ref.productId]];
      else [where, params] = ['u.mobile = $2 AND uc.card_product_id = $3', [tenantId, ref.phone, ref.productId]];
      const r = await deps.db.query<UserCardRow>(`${USER_CARD_SQL} WHERE uc.tenant_id = $1 AND ${where}`, params);
      return r.rows[0] ? toUserCard(r.rows[0]) : null;
    },

    async listCards(tenantId: number, f: { userId?: number; phone?: string; productId?: number; limit: number; offset: number }) {
      const r = await deps.db.query<UserCardRow & { total: number }>(
        `${USER_CARD_SQL.replace('SELECT ', 'SELECT count(*) OVER ()::int AS total, ')}
         WHERE uc.tenant_id = $1 AND ($2::bigint IS NULL OR uc.user_id = $2) AND ($3::text IS NULL OR u.mobile LIKE $3)
           AND ($4::bigint IS NULL OR uc.card_product_id = $4)
         ORDER BY uc.id DESC LIMIT $5 OFFSET $6`,
        [tenantId, f.userId ?? null, likeOf(f.phone), f.productId ?? null, f.limit, f.offset],
      );
      return { items: r.rows.map(toUserCard), total: r.rows[0]?.total ?? 0 };
    },

    async buckets(tenantId: number, cardId: number): Promise<CardBucket[]> {
      const r = await deps.db.query<{
        id: number; event_id: number; event_title: string | null; capital_initial: number; bonus_initial: number; capital: number; bonus: number;
        status: 1 | 2 | 3 | 4 | 5; cashed_back_at: Date | null; created_at: Date;
      }>(
        `SELECT b.*, e.title AS event_title FROM card_buckets b LEFT JOIN card_events e ON e.id = b.event_id
         WHERE b.tenant_id = $1 AND b.user_card_id = $2 ORDER BY b.id`,
        [tenantId, cardId],
      );
      return r.rows.map((b) => ({
        id: b.id, eventId: b.event_id, eventTitle: b.event_title, capitalInitial: b.capital_initial, bonusInitial: b.bonus_initial,
        capital: b.capital, bonus: b.bonus, status: b.status, cashedBackAt: b.cashed_back_at, createdAt: b.created_at,
      }));
    },

    // ---------------------------------------------------------------- money

    /** Recharge, with or without an event; an event card must go through one of its events. */
    async recharge(
      tenantId: number,
      input: { card: CardRef; recharge: Fen; send: Fen; eventId?: number | null; image?: string | null; storeId?: number | null; channel?: 1 | 2; explain?: string | null },
      by: Principal,
    ): Promise<Result<CardEntry>> {
      const bad = validMoney(input.recharge, 'recharge') ?? validMoney(input.send, 'send', true);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const store = await storeFor(q, tenantId, by, input.storeId);
          if (!store.ok) return store;
          const c = await lockCard(q, tenantId, input.card, by);
          if (!c.ok) return c;
          const card = c.value;
          let event: CardEvent | null = null;
          if (input.eventId != null) {
            event = await this.getEventIn(q, tenantId, input.eventId);
            if (!event || event.cardProductId !== card.card_product_id) return fail(ErrorCode.not_found, 'no such event on this card', { what: 'event' });
            if (event.status === 2) return fail(ErrorCode.invalid_state, 'this event is disabled');
            if (event.rechargeMoney !== input.recharge || event.sendMoney !== input.send) {
              return fail(ErrorCode.invalid_input, "recharge and send must equal the event's amounts", { rechargeMoney: event.rechargeMoney, sendMoney: event.sendMoney });
            }
          } else if (card.type === 11) {
            return fail(ErrorCode.invalid_input, 'an event card is recharged through one of its events: eventId is required', { field: 'eventId' });
          }
          const u = await q.query<{ capital: number; bonus: number }>(
            `UPDATE user_cards SET capital = capital + $2, bonus = bonus + $3, charged = charged + $2 WHERE id = $1 RETURNING capital, bonus`,
            [card.id, input.recharge, input.send],
          );
          let bucketId: number | null = null;
          if (card.type === 11 && event) {
            const b = await q.query<{ id: number }>(
              `INSERT INTO card_buckets (tenant_id, user_card_id, event_id, capital_initial, bonus_initial, capital, bonus, status)
               VALUES ($1, $2, $3, $4, $5, $4, $5, 1) RETURNING id`,
              [tenantId, card.id, event.id, input.recharge, input.send],
            );
            bucketId = b.rows[0]!.id;
          }
          let couponIds: number[] = [];
          if (event && event.type !== 1 && event.templateId && event.quantity) {
            const issued = await coupons.issue(q, tenantId, event.templateId, card.user_id, event.quantity, 'issue', by);
            if (!issued.ok) throw new RollbackWith(issued);
            couponIds = issued.value.map((x) => x.id);
          }
          const entry = await appendEntry(q, {
            tenantId, card, kind: 'recharge', amount: input.recharge, capitalDelta: input.recharge, bonusDelta: input.send, after: u.rows[0]!,
            eventId: event?.id ?? null, bucketId, storeId: store.value, by, channel: input.channel ?? 2, explain: input.explain, image: input.image, couponIds,
            lines: bucketId ? [{ bucketId, capital: input.recharge, bonus: input.send }] : [],
          });
          await audit(q, tenantId, by, { action: 'card.recharge', targetType: 'user_card', targetId: card.id, details: { orderNo: entry!.orderNo, recharge: input.recharge, send: input.send, eventId: event?.id ?? null } });
          return ok(await entryById(q, tenantId, entry!.id));
        }),
      );
    },

    /** Checks the card password under a per-card throttle of wrong tries; with `by`, first the store rule. */
    async checkPassword(tenantId: number, card: CardRef, password: CardPassword, by?: Principal | null): Promise<Result<UserCard>> {
      const found = await this.getCard(tenantId, card);
      if (!found) return fail(ErrorCode.not_found, 'this user has no such card', { what: 'card' });
      if (by !== undefined) {
        const s = requireCardStores(found.storeIds, by);
        if (!s.ok) return s;
      }
      const key = `card-pw:${tenantId}:${found.id}`;
      const r = await reached(deps.cache, key, CARD_PASSWORD_LIMIT.attempts);
      if (!r.allowed) return fail(ErrorCode.rate_limited, `too many wrong card passwords; try again in ${r.retryAfterSec} s`, { retryAfterSec: r.retryAfterSec });
      const h = await deps.db.query<{ password_hash: string }>('SELECT password_hash FROM user_cards WHERE id = $1', [found.id]);
      const good = 'md5' in password ? await verifyStaffPasswordMd5(password.md5 ?? '', h.rows[0]!.password_hash) : await verifyStaffPassword(password.plain ?? '', h.rows[0]!.password_hash);
      if (!good) {
        await hit(deps.cache, key, CARD_PASSWORD_LIMIT.attempts, CARD_PASSWORD_LIMIT.windowSec);
        return fail(ErrorCode.wrong_password, 'wrong card password', { field: 'password' });
      }
      await deps.cache.del(key);
      return ok(found);
    },

    /** Spends from a card: event-card buckets oldest first, capital before bonus (see domain/card-spend.ts). */
    async expense(
      tenantId: number,
      input: { card: CardRef; amount: Fen; password: CardPassword; storeId?: number | null; channel?: 1 | 2; explain?: string | null },
      by: Principal,
    ): Promise<Result<CardEntry>> {
      const bad = validMoney(input.amount, 'expense');
      if (bad) return fail(ErrorCode.invalid_input, bad);
      const pw = await this.checkPassword(tenantId, input.card, input.password, by);
      if (!pw.ok) return pw;
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const store = await storeFor(q, tenantId, by, input.storeId);
          if (!store.ok) return store;
          const c = await lockCard(q, tenantId, { cardId: pw.value.id }, by);
          if (!c.ok) return c;
          const card = c.value;
          const short = () => fail(ErrorCode.insufficient_balance, 'not enough money on the card', { balance: card.capital + card.bonus });
          if (card.capital + card.bonus < input.amount) return short();
          let lines: { bucketId: number; capital: Fen; bonus: Fen }[] = [];
          let capital: Fen;
          let bonus: Fen;
          if (card.type === 11) {
            const open = await q.query<{ id: number; capital: number; bonus: number }>(
              `SELECT id, capital, bonus FROM card_buckets WHERE user_card_id = $1 AND status IN (1, 2) ORDER BY id FOR NO KEY UPDATE`,
              [card.id],
            );
            const parts = splitSpend(open.rows, input.amount);
            if (!parts) return short();
            lines = parts.map((p) => ({ bucketId: p.id, capital: -p.capital, bonus: -p.bonus }));
            capital = parts.reduce((s, p) => s + p.capital, 0);
            bonus = parts.reduce((s, p) => s + p.bonus, 0);
            for (const p of parts) {
              const b = await q.query(
                `UPDATE card_buckets SET capital = capital - $2, bonus = bonus - $3,
                   status = CASE WHEN capital - $2 = 0 AND bonus - $3 = 0 THEN 3 ELSE 2 END
                 WHERE id = $1 AND capital >= $2 AND bonus >= $3 AND status IN (1, 2)`,
                [p.id, p.capital, p.bonus],
              );
              if (b.rowCount !== 1) throw new RollbackWith(short());
            }
          } else {
            const parts = splitSpend([{ id: card.id, capital: card.capital, bonus: card.bonus }], input.amount)!;
            capital = parts[0]!.capital;
            bonus = parts[0]!.bonus;
          }
          const u = await q.query<{ capital: number; bonus: number }>(
            `UPDATE user_cards SET capital = capital - $2, bonus = bonus - $3 WHERE id = $1 AND capital >= $2 AND bonus >= $3 RETURNING capital, bonus`,
            [card.id, capital, bonus],
          );
          if (!u.rows[0]) throw new RollbackWith(short());
          const entry = await appendEntry(q, {
            tenantId, card, kind: 'expense', amount: input.amount, capitalDelta: -capital, bonusDelta: -bonus, after: u.rows[0],
            storeId: store.value, by, channel: input.channel ?? 2, explain: input.explain, lines,
          });
          await audit(q, tenantId, by, { action: 'card.expense', targetType: 'user_card', targetId: card.id, details: { orderNo: entry!.orderNo, amount: input.amount } });
          return ok(await entryById(q, tenantId, entry!.id));
        }),
      );
    },

    /** Sends the refund SMS code to the staff member's own phone. */
    async sendRefundCode(tenantId: number, by: Principal): Promise<Result<{ expiresInSec: number; to: string }>> {
      const may = requirePermission(by, 'card.refund');
      if (!may.ok) return may;
      const phone = await staffPhone(tenantId, by);
      if (!phone.ok) return phone;
      const r = await messages.sendCode(tenantId, 'sms', phone.value, REFUND_CODE_PURPOSE, '礼遇圈');
      if (!r.ok) return r;
      return ok({ ...r.value, to: phone.value.replace(/^(.*)(\d{4})$/, (_, a: string, b: string) => `${'*'.repeat(a.length)}${b}`) });
    },

    /** Puts an expense back on the card, exactly as it was taken; once, and only with a fresh SMS code. */
    async refundExpense(tenantId: number, input: { orderNo: number; code: string; storeId?: number | null; explain?: string | null }, by: Principal): Promise<Result<CardEntry>> {
      const pre = await findRefundable(tenantId, 'expense', input, by);
      if (!pre.ok) return pre;
      const orig = pre.value;
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const locked = await lockForRefund(q, tenantId, orig, input, by);
          if (!locked.ok) return locked;
          const { store, card: c } = locked.value;
          const o = (await q.query<{ id: number; amount: number; capital_delta: number; bonus_delta: number }>('SELECT * FROM card_ledger WHERE id = $1', [orig.id])).rows[0]!;
          const lines = (await q.query<{ bucket_id: number; capital_delta: number; bonus_delta: number }>('SELECT * FROM card_ledger_buckets WHERE entry_id = $1', [o.id])).rows;
          for (const l of lines) {
            const b = await q.query(
              `UPDATE card_buckets SET capital = capital - $2, bonus = bonus - $3,
                 status = CASE WHEN capital - $2 = capital_initial AND bonus - $3 = bonus_initial THEN 1 ELSE 2 END
               WHERE id = $1 AND status IN (1, 2, 3)`,
              [l.bucket_id, l.capital_delta, l.bonus_delta],
            );
            if (b.rowCount !== 1) throw new RollbackWith(fail(ErrorCode.invalid_state, 'part of this expense came from an event recharge that has been cashed back or refunded'));
          }
          const u = await q.query<{ capital: number; bonus: number }>(
            'UPDATE user_cards SET capital = capital - $2, bonus = bonus - $3 WHERE id = $1 RETURNING capital, bonus',
            [c.id, o.capital_delta, o.bonus_delta],
          );
          const entry = await appendEntry(q, {
            tenantId, card: c, kind: 'refund', amount: o.amount, capitalDelta: -o.capital_delta, bonusDelta: -o.bonus_delta, after: u.rows[0]!,
            refundOf: o.id, storeId: store, by, explain: input.explain,
            lines: lines.map((l) => ({ bucketId: l.bucket_id, capital: -l.capital_delta, bonus: -l.bonus_delta })),
          });
          if (!entry) throw new RollbackWith(fail(ErrorCode.already_rolled_back, 'this expense has already been refunded'));
          await audit(q, tenantId, by, { action: 'card.refund', targetType: 'user_card', targetId: c.id, details: { orderNo: entry.orderNo, of: input.orderNo } });
          return ok(await entryById(q, tenantId, entry.id));
        }),
      );
    },

    /**
     * Takes a recharge back off the card (the money goes back to the payer):
     * only while its capital and bonus are still on the card (for an event
     * card: its bucket untouched), nothing of it has been invoiced, and none of
     * the coupons it gave has been used; those coupons are voided. Once, with
     * a fresh SMS code.
     */
    async refundRecharge(tenantId: number, input: { orderNo: number; code: string; storeId?: number | null; explain?: string | null }, by: Principal): Promise<Result<CardEntry>> {
      const pre = await findRefundable(tenantId, 'recharge', input, by);
      if (!pre.ok) return pre;
      const orig = pre.value;
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const locked = await lockForRefund(q, tenantId, orig, input, by);
          if (!locked.ok) return locked;
          const { store, card: c } = locked.value;
          const o = (await q.query<{ id: number; amount: number; capital_delta: number; bonus_delta: number; bucket_id: number | null; coupon_ids: number[] }>(
            'SELECT * FROM card_ledger WHERE id = $1',
            [orig.id],
          )).rows[0]!;
          if (o.bucket_id !== null) {
            const b = await q.query(`UPDATE card_buckets SET capital = 0, bonus = 0, status = 4 WHERE id = $1 AND status = 1`, [o.bucket_id]);
            if (b.rowCount !== 1) throw new RollbackWith(fail(ErrorCode.invalid_state, 'this event recharge has already been (partly) spent, cashed back or refunded'));
          }
          const u = await q.query<{ capital: number; bonus: number }>(
            `UPDATE user_cards SET capital = capital - $2, bonus = bonus - $3, charged = charged - $2
             WHERE id = $1 AND capital >= $2 AND bonus >= $3 AND charged - $2 >= invoiced RETURNING capital, bonus`,
            [c.id, o.capital_delta, o.bonus_delta],
          );
          if (!u.rows[0]) {
            const card = c;
            if (card.charged - o.capital_delta < card.invoiced) throw new RollbackWith(fail(ErrorCode.invalid_state, 'invoices have been issued on this money: it can no longer be refunded'));
            throw new RollbackWith(fail(ErrorCode.insufficient_balance, 'the recharged money has already been spent'));
          }
          const ids = (o.coupon_ids ?? []).map(Number);
          if (ids.length > 0) {
            const v = await q.query<{ id: number }>(`UPDATE coupons SET status = 'voided' WHERE id = ANY($1::bigint[]) AND status = 'issued' RETURNING id`, [ids]);
            if (v.rowCount !== ids.length) throw new RollbackWith(fail(ErrorCode.invalid_state, 'coupons given with this recharge have already been used'));
            for (const id of ids) {
              await q.query(`INSERT INTO coupon_events (tenant_id, coupon_id, kind, staff_id, details) VALUES ($1, $2, 'voided', $3, $4)`, [
                tenantId, id, staffIdOf(by), JSON.stringify({ reason: 'recharge_refund', orderNo: input.orderNo }),
              ]);
            }
          }
          const entry = await appendEntry(q, {
            tenantId, card: c, kind: 'recharge_refund', amount: o.amount, capitalDelta: -o.capital_delta, bonusDelta: -o.bonus_delta, after: u.rows[0],
            refundOf: o.id, bucketId: o.bucket_id, storeId: store, by, explain: input.explain, couponIds: ids,
            lines: o.bucket_id ? [{ bucketId: o.bucket_id, capital: -o.capital_delta, bonus: -o.bonus_delta }] : [],
          });
          if (!entry) throw new RollbackWith(fail(ErrorCode.already_rolled_back, 'this recharge has already been refunded'));
          await audit(q, tenantId, by, { action: 'card.recharge_refund', targetType: 'user_card', targetId: c.id, details: { orderNo: entry.orderNo, of: input.orderNo } });
          return ok(await entryById(q, tenantId, entry.id));
        }),
      );
    },

    /** Cash-back of an event-card bucket: status 3 (due) → 5 (cashed back), exactly once. */
    async cashBack(tenantId: number, bucketId: number, by: Principal, storeId?: number | null): Promise<Result<CardEntry>> {
      const may = requirePermission(by, 'card.cash_back');
      if (!may.ok) return may;
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const store = await storeFor(q, tenantId, by, storeId);
          if (!store.ok) return store;
          // The card first, like every card operation, so locks are always taken in one order.
          const owner = await q.query<{ user_card_id: number }>('SELECT user_card_id FROM card_buckets WHERE tenant_id = $1 AND id = $2', [tenantId, bucketId]);
          if (!owner.rows[0]) return fail(ErrorCode.not_found, 'no such event-card record');
          const locked = await lockCard(q, tenantId, { cardId: owner.rows[0].user_card_id }, by);
          if (!locked.ok) return locked;
          const b = await q.query<{ user_card_id: number; capital_initial: number; event_id: number }>(
            `UPDATE card_buckets SET status = 5, cashed_back_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 3
             RETURNING user_card_id, capital_initial, event_id`,
            [tenantId, bucketId],
          );
          if (!b.rows[0]) {
            const s = await q.query<{ status: number }>('SELECT status FROM card_buckets WHERE tenant_id = $1 AND id = $2', [tenantId, bucketId]);
            if (!s.rows[0]) return fail(ErrorCode.not_found, 'no such event-card record');
            return fail(ErrorCode.invalid_state, s.rows[0].status === 5 ? 'already cashed back' : 'cash-back is not due: the recharge has not been fully spent');
          }
          const card = (await q.query<{ id: number; user_id: number; capital: number; bonus: number }>('SELECT id, user_id, capital, bonus FROM user_cards WHERE id = $1', [b.rows[0].user_card_id])).rows[0]!;
          const entry = await appendEntry(q, {
            tenantId, card, kind: 'cash_back', amount: b.rows[0].capital_initial, capitalDelta: 0, bonusDelta: 0, after: card,
            eventId: b.rows[0].event_id, bucketId, storeId: store.value, by,
          });
          await audit(q, tenantId, by, { action: 'card.cash_back', targetType: 'card_bucket', targetId: bucketId, details: { orderNo: entry!.orderNo } });
          return ok(await entryById(q, tenantId, entry!.id));
        }),
      );
    },

    // ---------------------------------------------------------------- records

    /** Ledger entries of the given kinds, newest first, with filters; totals over the whole filtered set (forbidden without card.records). */
    async records(tenantId: number, kinds: LedgerKind[], f: RecordFilter, by: Principal): Promise<Result<RecordPage>> {
      const may = requirePermission(by, 'card.records');
      if (!may.ok) return may;
      const where = `l.tenant_id = $1 AND l.kind = ANY($2::text[]) AND ($3::text IS NULL OR u.mobile LIKE $3)
        AND ($4::text IS NULL OR u.mobile LIKE $4 OR u.nick LIKE $4 OR uc.card_no::text LIKE $4)
        AND ($5::timestamptz IS NULL OR l.created_at >= $5) AND ($6::timestamptz IS NULL OR l.created_at <= $6)
        AND ($7::bigint IS NULL OR l.user_id = $7) AND ($8::bigint IS NULL OR l.user_card_id = $8)`;
      const params = [tenantId, kinds, likeOf(f.phone), likeOf(f.keywords), f.from ?? null, f.to ?? null, f.userId ?? null, f.cardId ?? null];
      const totals = await deps.db.query<{ total: number; amount: number; capital: number; bonus: number }>(
        `SELECT count(*)::int AS total, coalesce(sum(l.amount), 0)::bigint AS amount, coalesce(sum(l.capital_delta), 0)::bigint AS capital,
                coalesce(sum(l.bonus_delta), 0)::bigint AS bonus
         FROM card_ledger l JOIN user_cards uc ON uc.id = l.user_card_id JOIN users u ON u.id = l.user_id WHERE ${where}`,
        params,
      );
      const r = await deps.db.query<EntryRow>(`${ENTRY_SQL} WHERE ${where} ORDER BY l.id DESC LIMIT $9 OFFSET $10`, [...params, f.limit, f.offset]);
      const t = totals.rows[0]!;
      return ok({ items: r.rows.map(toEntry), total: t.total, totalAmount: Number(t.amount), totalCapital: Number(t.capital), totalBonus: Number(t.bonus) });
    },

    getEntry: (tenantId: number, id: number) => deps.db.query<EntryRow>(`${ENTRY_SQL} WHERE l.tenant_id = $1 AND l.id = $2`, [tenantId, id]).then((r) => (r.rows[0] ? toEntry(r.rows[0]) : null)),

    /** Consumers who hold at least one card, by phone (fuzzy). */
    async holders(tenantId: number, f: { phone?: string; limit: number; offset: number }) {
      const r = await deps.db.query<{ id: number; mobile: string | null; nick: string | null; avatar: string | null; total: number }>(
        `SELECT u.id, u.mobile, u.nick, u.avatar, count(*) OVER ()::int AS total FROM users u
         WHERE u.tenant_id = $1 AND EXISTS (SELECT 1 FROM user_cards uc WHERE uc.user_id = u.id) AND ($2::text IS NULL OR u.mobile LIKE $2)
         ORDER BY u.id DESC LIMIT $3 OFFSET $4`,
        [tenantId, likeOf(f.phone), f.limit, f.offset],
      );
      return { items: r.rows.map((u) => ({ userId: u.id, phone: u.mobile, nickname: u.nick, avatar: u.avatar })), total: r.rows[0]?.total ?? 0 };
    },

    /** Every card of a user, with event-card buckets. */
    async memberDetail(tenantId: number, userId: number): Promise<Result<(UserCard & { buckets: CardBucket[] })[]>> {
      const u = await deps.db.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
      if (u.rowCount === 0) return fail(ErrorCode.not_found, 'user not found', { what: 'user' });
      const cards = await this.listCards(tenantId, { userId, limit: 500, offset: 0 });
      const out = [];
      for (const c of cards.items.reverse()) out.push({ ...c, buckets: c.type === 11 ? await this.buckets(tenantId, c.id) : [] });
      return ok(out);
    },

    /** A coupon's code from its code or its numeric id (the 礼遇圈 client's coupon "num"). */
    async couponCodeOf(tenantId: number, num: string): Promise<string | null> {
      const r = await deps.db.query<{ code: string }>(
        `SELECT code FROM coupons WHERE tenant_id = $1 AND (code = $2 OR ($3::bigint IS NOT NULL AND id = $3)) ORDER BY (code = $2) DESC LIMIT 1`,
        [tenantId, num.trim(), /^\d{1,15}$/.test(num.trim()) ? Number(num.trim()) : null],
      );
      return r.rows[0]?.code ?? null;
    },

    // ---------------------------------------------------------------- coupons at the counter (store rule)

    /** Active coupon templates a staff member may hand out: those usable in one of their stores. */
    async staffTemplates(tenantId: number, by: Principal) {
      const list = await templates.list(tenantId, { state: 'active', limit: 500, offset: 0 });
      return list.items.filter((t) => storesOverlap(staffStoresOf(by), t.storeIds));
    },

    /** Gives N coupons of a template to a phone number, only of a template usable in one of the giver's stores. */
    async giveCoupons(tenantId: number, input: { templateId: number; phone: string; quantity: number }, by: Principal) {
      const t = await deps.db.query<{ store_ids: number[] }>('SELECT store_ids FROM coupon_templates WHERE tenant_id = $1 AND id = $2', [tenantId, input.templateId]);
      if (!t.rows[0]) return fail(ErrorCode.not_found, 'coupon template not found', { what: 'template' });
      if (!storesOverlap(staffStoresOf(by), (t.rows[0].store_ids ?? []).map(Number))) {
        return fail(ErrorCode.forbidden, 'this coupon is not usable in any of your stores');
      }
      const u = await deps.db.query('SELECT 1 FROM users WHERE tenant_id = $1 AND mobile = $2', [tenantId, input.phone]);
      if (u.rowCount === 0) return fail(ErrorCode.not_found, `no user with phone ${input.phone}`, { what: 'user' });
      return coupons.grant(tenantId, { templateId: input.templateId, mobile: input.phone, quantity: input.quantity }, by);
    },

    /**
     * The store a staff member writes a coupon off in (domain/permissions.ts
     * writeOffStore): the first of their stores where the coupon is valid;
     * forbidden when it is valid in none of them.
     */
    async couponWriteOffStore(tenantId: number, code: string, by: Principal): Promise<Result<number>> {
      const c = await deps.db.query<{ store_ids: number[] }>(
        'SELECT t.store_ids FROM coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.tenant_id = $1 AND c.code = $2',
        [tenantId, code],
      );
      if (!c.rows[0]) return fail(ErrorCode.not_found, `no coupon with code ${code}`);
      const first = await deps.db.query<{ id: number }>('SELECT id FROM stores WHERE tenant_id = $1 ORDER BY id LIMIT 1', [tenantId]);
      const store = writeOffStore(staffStoresOf(by), (c.rows[0].store_ids ?? []).map(Number), first.rows[0]?.id ?? null);
      if (store !== null) return ok(store);
      if (staffStoresOf(by).length > 0) return fail(ErrorCode.forbidden, 'this coupon is not valid in any of your stores');
      return fail(ErrorCode.invalid_state, 'the merchant has no store to write off in');
    },

    /** The invariant, for tests and audits: card balances equal their ledger sums, buckets their line sums. */
    async checkLedger(tenantId: number) {
      const cards = await deps.db.query<{ id: number }>(
        `SELECT uc.id FROM user_cards uc LEFT JOIN (SELECT user_card_id, sum(capital_delta) AS c, sum(bonus_delta) AS b FROM card_ledger GROUP BY user_card_id) s
           ON s.user_card_id = uc.id
         WHERE uc.tenant_id = $1 AND (uc.capital <> coalesce(s.c, 0) OR uc.bonus <> coalesce(s.b, 0))`,
        [tenantId],
      );
      const buckets = await deps.db.query<{ id: number }>(
        `SELECT b.id FROM card_buckets b LEFT JOIN (SELECT bucket_id, sum(capital_delta) AS c, sum(bonus_delta) AS b FROM card_ledger_buckets GROUP BY bucket_id) s
           ON s.bucket_id = b.id
         WHERE b.tenant_id = $1 AND (b.capital <> coalesce(s.c, 0) OR b.bonus <> coalesce(s.b, 0))`,
        [tenantId],
      );
      return { cardsOff: cards.rows.map((r) => r.id), bucketsOff: buckets.rows.map((r) => r.id) };
    },
  };
}

export type CardService = ReturnType<typeof cardService>;
