// The append-only card ledger (card_ledger, card_ledger_buckets): one row per
// movement, written in the same transaction as the balances it moves; the
// database refuses UPDATE and DELETE on it (migration 005's trigger) and makes
// a refund once (the unique key on refund_of).
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Fen } from '../../../kernel/money.ts';
import type { CardEntry, Channel, LedgerKind, RecordFilter, RecordPage } from '../domain/card.ts';

/** card_ledger.channel as stored: 1 in the app, 2 at a store. */
export const CHANNEL_DB: Record<Channel, number> = { app: 1, store: 2 };
const channelOf = (n: number): Channel => (Number(n) === CHANNEL_DB.app ? 'app' : 'store');

/** card_ledger.explain stored when none is given (the texts of the 礼遇圈 data set; both dialects show the stored text). */
export const EXPLAIN_DB: Record<LedgerKind, string> = {
  recharge: '余额充值',
  expense: '线下消费',
  refund: '消费回退',
  recharge_refund: '充值退款',
  cash_back: '活动卡返现',
  invoice: '开发票',
};

const ENTRY_SQL = `
  SELECT l.*, uc.card_no, uc.card_product_id, p.title, u.mobile, u.nick, e.title AS event_title, s.name AS store_name,
         o.order_no AS refund_of_order_no,
         EXISTS (SELECT 1 FROM card_ledger r WHERE r.refund_of = l.id) AS refunded
  FROM card_ledger l JOIN user_cards uc ON uc.id = l.user_card_id JOIN card_products p ON p.id = uc.card_product_id
  JOIN users u ON u.id = l.user_id LEFT JOIN card_events e ON e.id = l.event_id LEFT JOIN stores s ON s.id = l.store_id
  LEFT JOIN card_ledger o ON o.id = l.refund_of`;

type EntryRow = Row<'card_ledger'> &
  Pick<Row<'user_cards'>, 'card_no' | 'card_product_id'> &
  Pick<Row<'card_products'>, 'title'> &
  Pick<Row<'users'>, 'mobile' | 'nick'> & {
    event_title: string | null;
    store_name: string | null;
    refund_of_order_no: number | null;
    refunded: boolean;
  };

const toEntry = (r: EntryRow): CardEntry => ({
  id: r.id,
  orderNo: r.order_no,
  kind: r.kind as LedgerKind,
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
  channel: channelOf(r.channel),
  explain: r.explain,
  image: r.image,
  couponIds: (r.coupon_ids ?? []).map(Number),
  createdAt: r.created_at,
});

export interface BucketLine {
  bucketId: number;
  capital: Fen;
  bonus: Fen;
}

export interface EntryInsert {
  tenantId: number;
  card: { id: number; userId: number };
  kind: LedgerKind;
  amount: Fen;
  capitalDelta: Fen;
  bonusDelta: Fen;
  after: { capital: number; bonus: number };
  eventId?: number | null;
  bucketId?: number | null;
  refundOf?: number | null;
  storeId: number | null;
  staffId: number | null;
  channel?: Channel;
  explain?: string | null;
  image?: string | null;
  couponIds?: number[];
  lines?: BucketLine[];
}

/** Appends one ledger entry (and its bucket lines); null when refund_of was already refunded. */
export async function appendEntry(q: Queryable, e: EntryInsert): Promise<{ id: number; orderNo: number } | null> {
  const r = await q.query<{ id: number; order_no: number }>(
    `INSERT INTO card_ledger (tenant_id, user_card_id, user_id, kind, amount, capital_delta, bonus_delta, capital_after, bonus_after,
       event_id, bucket_id, refund_of, store_id, staff_id, channel, explain, image, coupon_ids)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)
     ON CONFLICT (refund_of, tenant_id) WHERE refund_of IS NOT NULL DO NOTHING
     RETURNING id, order_no`,
    [
      e.tenantId,
      e.card.id,
      e.card.userId,
      e.kind,
      e.amount,
      e.capitalDelta,
      e.bonusDelta,
      e.after.capital,
      e.after.bonus,
      e.eventId ?? null,
      e.bucketId ?? null,
      e.refundOf ?? null,
      e.storeId,
      e.staffId,
      CHANNEL_DB[e.channel ?? 'store'],
      e.explain ?? EXPLAIN_DB[e.kind],
      e.image ?? null,
      e.couponIds ?? [],
    ],
  );
  const row = r.rows[0];
  if (!row) return null;
  for (const l of e.lines ?? []) {
    await q.query(
      'INSERT INTO card_ledger_buckets (tenant_id, entry_id, bucket_id, capital_delta, bonus_delta) VALUES ($1, $2, $3, $4, $5)',
      [e.tenantId, row.id, l.bucketId, l.capital, l.bonus],
    );
  }
  return { id: row.id, orderNo: row.order_no };
}

export async function entryById(q: Queryable, tenantId: number, id: number): Promise<CardEntry | null> {
  const r = await q.query<EntryRow>(`${ENTRY_SQL} WHERE l.tenant_id = $1 AND l.id = $2`, [tenantId, id]);
  return r.rows[0] ? toEntry(r.rows[0]) : null;
}

/** A movement of a kind by its order number. */
export async function findMovement(
  q: Queryable,
  tenantId: number,
  orderNo: number,
  kind: 'expense' | 'recharge',
): Promise<{ id: number; userCardId: number } | null> {
  const orig = await q.query<Pick<Row<'card_ledger'>, 'id' | 'user_card_id'>>(
    `SELECT id, user_card_id FROM card_ledger WHERE tenant_id = $1 AND order_no = $2 AND kind = $3`,
    [tenantId, orderNo, kind],
  );
  const o = orig.rows[0];
  return o ? { id: o.id, userCardId: o.user_card_id } : null;
}

/** Whether a movement has a refund entry. */
export async function isRefunded(q: Queryable, tenantId: number, entryId: number): Promise<boolean> {
  const done = await q.query('SELECT 1 FROM card_ledger WHERE tenant_id = $1 AND refund_of = $2', [tenantId, entryId]);
  return done.rowCount > 0;
}

export interface Movement {
  id: number;
  amount: Fen;
  capitalDelta: Fen;
  bonusDelta: Fen;
  bucketId: number | null;
  couponIds: number[];
}

export async function movement(q: Queryable, tenantId: number, id: number): Promise<Movement> {
  const o = (await q.query<Row<'card_ledger'>>('SELECT * FROM card_ledger WHERE tenant_id = $1 AND id = $2', [tenantId, id])).rows[0]!;
  return {
    id: o.id,
    amount: o.amount,
    capitalDelta: o.capital_delta,
    bonusDelta: o.bonus_delta,
    bucketId: o.bucket_id,
    couponIds: (o.coupon_ids ?? []).map(Number),
  };
}

/** How a movement moved each bucket. */
export async function movementLines(q: Queryable, tenantId: number, entryId: number): Promise<BucketLine[]> {
  const r = await q.query<Row<'card_ledger_buckets'>>('SELECT * FROM card_ledger_buckets WHERE tenant_id = $1 AND entry_id = $2', [
    tenantId,
    entryId,
  ]);
  return r.rows.map((l) => ({ bucketId: l.bucket_id, capital: l.capital_delta, bonus: l.bonus_delta }));
}

/** `%`-safe fuzzy match text for LIKE. */
export const likeOf = (s: string | undefined | null) => (s ? `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null);

/** Entries of the given kinds, newest first, with filters; totals over the whole filtered set. */
export async function records(q: Queryable, tenantId: number, kinds: LedgerKind[], f: RecordFilter): Promise<RecordPage> {
  const where = `l.tenant_id = $1 AND l.kind = ANY($2::text[]) AND ($3::text IS NULL OR u.mobile LIKE $3)
    AND ($4::text IS NULL OR u.mobile LIKE $4 OR u.nick LIKE $4 OR uc.card_no::text LIKE $4)
    AND ($5::timestamptz IS NULL OR l.created_at >= $5) AND ($6::timestamptz IS NULL OR l.created_at <= $6)
    AND ($7::bigint IS NULL OR l.user_id = $7) AND ($8::bigint IS NULL OR l.user_card_id = $8)`;
  const params = [tenantId, kinds, likeOf(f.phone), likeOf(f.keywords), f.from ?? null, f.to ?? null, f.userId ?? null, f.cardId ?? null];
  const totals = await q.query<{ total: number; amount: number; capital: number; bonus: number }>(
    `SELECT count(*)::int AS total, coalesce(sum(l.amount), 0)::bigint AS amount, coalesce(sum(l.capital_delta), 0)::bigint AS capital,
            coalesce(sum(l.bonus_delta), 0)::bigint AS bonus
     FROM card_ledger l JOIN user_cards uc ON uc.id = l.user_card_id JOIN users u ON u.id = l.user_id WHERE ${where}`,
    params,
  );
  const r = await q.query<EntryRow>(`${ENTRY_SQL} WHERE ${where} ORDER BY l.id DESC LIMIT $9 OFFSET $10`, [...params, f.limit, f.offset]);
  const t = totals.rows[0]!;
  return {
    items: r.rows.map(toEntry),
    total: t.total,
    totalAmount: Number(t.amount),
    totalCapital: Number(t.capital),
    totalBonus: Number(t.bonus),
  };
}

/** Diagnostic (tests, audits): the cards whose balances differ from their ledger sums, the buckets from their line sums. */
export async function checkLedger(q: Queryable, tenantId: number): Promise<{ cardsOff: number[]; bucketsOff: number[] }> {
  const cards = await q.query<{ id: number }>(
    `SELECT uc.id FROM user_cards uc LEFT JOIN (SELECT user_card_id, sum(capital_delta) AS c, sum(bonus_delta) AS b FROM card_ledger GROUP BY user_card_id) s
       ON s.user_card_id = uc.id
     WHERE uc.tenant_id = $1 AND (uc.capital <> coalesce(s.c, 0) OR uc.bonus <> coalesce(s.b, 0))`,
    [tenantId],
  );
  const buckets = await q.query<{ id: number }>(
    `SELECT b.id FROM card_buckets b LEFT JOIN (SELECT bucket_id, sum(capital_delta) AS c, sum(bonus_delta) AS b FROM card_ledger_buckets GROUP BY bucket_id) s
       ON s.bucket_id = b.id
     WHERE b.tenant_id = $1 AND (b.capital <> coalesce(s.c, 0) OR b.bonus <> coalesce(s.b, 0))`,
    [tenantId],
  );
  return { cardsOff: cards.rows.map((r) => r.id), bucketsOff: buckets.rows.map((r) => r.id) };
}
