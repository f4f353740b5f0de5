// Event-card buckets (card_buckets): one per recharge through an event on an
// event card. Each write is a conditional UPDATE whose `status IN (…)` is the
// bucket machine's from-states (domain/bucket-state.ts), so a bucket moves
// only as the table allows even under concurrent requests.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import { BUCKET_STATES, fromStates, type BucketAction, type BucketState } from '../domain/bucket-state.ts';
import type { CardBucket } from '../domain/card.ts';

/** card_buckets.status as stored. */
export const BUCKET_DB: Record<BucketState, number> = {
  untouched: 1,
  partly_spent: 2,
  cash_back_due: 3,
  recharge_refunded: 4,
  cashed_back: 5,
};
export const bucketStateOf = (n: number): BucketState => {
  const s = BUCKET_STATES.find((k) => BUCKET_DB[k] === Number(n));
  if (!s) throw new Error(`unknown bucket status ${n}`);
  return s;
};
/** The SQL list of the stored states an action applies to, e.g. "1, 2". */
const from = (a: BucketAction) =>
  fromStates(a)
    .map((s) => BUCKET_DB[s])
    .join(', ');

export async function insertBucket(
  q: Queryable,
  tenantId: number,
  b: { cardId: number; eventId: number; capital: number; bonus: number },
): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO card_buckets (tenant_id, user_card_id, event_id, capital_initial, bonus_initial, capital, bonus, status)
     VALUES ($1, $2, $3, $4, $5, $4, $5, ${BUCKET_DB.untouched}) RETURNING id`,
    [tenantId, b.cardId, b.eventId, b.capital, b.bonus],
  );
  return r.rows[0]!.id;
}

/** The buckets an expense may take from, oldest first, locked (after the card). */
export async function lockSpendable(
  q: Queryable,
  tenantId: number,
  cardId: number,
): Promise<{ id: number; capital: number; bonus: number }[]> {
  const open = await q.query<Pick<Row<'card_buckets'>, 'id' | 'capital' | 'bonus'>>(
    `SELECT id, capital, bonus FROM card_buckets WHERE tenant_id = $2 AND user_card_id = $1 AND status IN (${from('spend')}) ORDER BY id FOR NO KEY UPDATE`,
    [cardId, tenantId],
  );
  return open.rows;
}

/** Takes from a bucket: partly spent, or cash-back due when emptied; false when it holds less or cannot be spent. */
export async function spendBucket(q: Queryable, tenantId: number, id: number, capital: number, bonus: number): Promise<boolean> {
  const b = await q.query(
    `UPDATE card_buckets SET capital = capital - $2, bonus = bonus - $3,
       status = CASE WHEN capital - $2 = 0 AND bonus - $3 = 0 THEN ${BUCKET_DB.cash_back_due} ELSE ${BUCKET_DB.partly_spent} END
     WHERE tenant_id = $4 AND id = $1 AND capital >= $2 AND bonus >= $3 AND status IN (${from('spend')})`,
    [id, capital, bonus, tenantId],
  );
  return b.rowCount === 1;
}

/** Puts an expense's line back (the line's deltas are negative): untouched again when whole; false when cashed back or refunded. */
export async function putBackBucket(
  q: Queryable,
  tenantId: number,
  id: number,
  capitalDelta: number,
  bonusDelta: number,
): Promise<boolean> {
  const b = await q.query(
    `UPDATE card_buckets SET capital = capital - $2, bonus = bonus - $3,
       status = CASE WHEN capital - $2 = capital_initial AND bonus - $3 = bonus_initial THEN ${BUCKET_DB.untouched} ELSE ${BUCKET_DB.partly_spent} END
     WHERE tenant_id = $4 AND id = $1 AND status IN (${from('put_back')})`,
    [id, capitalDelta, bonusDelta, tenantId],
  );
  return b.rowCount === 1;
}

/** Empties an untouched bucket whose recharge is refunded; false when it has been touched. */
export async function refundBucket(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const b = await q.query(
    `UPDATE card_buckets SET capital = 0, bonus = 0, status = ${BUCKET_DB.recharge_refunded} WHERE tenant_id = $2 AND id = $1 AND status IN (${from('refund_recharge')})`,
    [id, tenantId],
  );
  return b.rowCount === 1;
}

export async function bucketCard(q: Queryable, tenantId: number, id: number): Promise<number | null> {
  const owner = await q.query<Pick<Row<'card_buckets'>, 'user_card_id'>>(
    'SELECT user_card_id FROM card_buckets WHERE tenant_id = $1 AND id = $2',
    [tenantId, id],
  );
  return owner.rows[0]?.user_card_id ?? null;
}

/** Due → cashed back, once; null when the bucket is not due. */
export async function cashBackBucket(
  q: Queryable,
  tenantId: number,
  id: number,
): Promise<{ cardId: number; capitalInitial: number; eventId: number } | null> {
  const b = await q.query<Pick<Row<'card_buckets'>, 'user_card_id' | 'capital_initial' | 'event_id'>>(
    `UPDATE card_buckets SET status = ${BUCKET_DB.cashed_back}, cashed_back_at = now() WHERE tenant_id = $1 AND id = $2 AND status IN (${from('cash_back')})
     RETURNING user_card_id, capital_initial, event_id`,
    [tenantId, id],
  );
  const r = b.rows[0];
  return r ? { cardId: r.user_card_id, capitalInitial: r.capital_initial, eventId: r.event_id } : null;
}

export async function bucketState(q: Queryable, tenantId: number, id: number): Promise<BucketState | null> {
  const s = await q.query<Pick<Row<'card_buckets'>, 'status'>>('SELECT status FROM card_buckets WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
  ]);
  return s.rows[0] ? bucketStateOf(s.rows[0].status) : null;
}

export async function bucketsOfCard(q: Queryable, tenantId: number, cardId: number): Promise<CardBucket[]> {
  const r = await q.query<Row<'card_buckets'> & { event_title: string | null }>(
    `SELECT b.*, e.title AS event_title FROM card_buckets b LEFT JOIN card_events e ON e.id = b.event_id
     WHERE b.tenant_id = $1 AND b.user_card_id = $2 ORDER BY b.id`,
    [tenantId, cardId],
  );
  return r.rows.map((b) => ({
    id: b.id,
    eventId: b.event_id,
    eventTitle: b.event_title,
    capitalInitial: b.capital_initial,
    bonusInitial: b.bonus_initial,
    capital: b.capital,
    bonus: b.bonus,
    state: bucketStateOf(b.status),
    cashedBackAt: b.cashed_back_at,
    createdAt: b.created_at,
  }));
}
