// The points and wallet ledgers (points_ledger, wallet_ledger), and the
// balances beside them on identity's users row.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Book, LedgerDirection, LedgerEntry } from '../domain/ledger.ts';

const TABLE: Record<Book, { column: string; ledger: string }> = {
  points: { column: 'points', ledger: 'points_ledger' },
  wallet: { column: 'wallet_balance', ledger: 'wallet_ledger' },
};

/** How the ledger filters below encode a direction: 0 income (delta > 0), 1 expense (delta < 0). */
const DIRECTION_DB: Record<LedgerDirection, 0 | 1> = { income: 0, expense: 1 };
const directionParam = (d: LedgerDirection | null | undefined) => (d ? DIRECTION_DB[d] : null);

type LedgerRow = Row<'points_ledger'> | Row<'wallet_ledger'>;
type Counted<R> = R & { total: number };

const toEntry = (x: Omit<LedgerRow, 'tenant_id' | 'user_id'>): LedgerEntry => ({
  id: x.id,
  delta: x.delta,
  balanceAfter: x.balance_after,
  reason: x.reason,
  ref: x.ref,
  remark: x.remark,
  createdAt: x.created_at,
});

export interface Page<T> {
  items: T[];
  total: number;
}

const pageOf = <R extends { total: number }, T>(rows: R[], map: (r: R) => T): Page<T> => ({
  items: rows.map(map),
  total: rows[0]?.total ?? 0,
});

export async function userExists(q: Queryable, tenantId: number, userId: number): Promise<boolean> {
  const exists = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
  return exists.rowCount > 0;
}

export interface NewEntry {
  delta: number;
  balanceAfter: number;
  reason: string;
  ref: string | null;
  remark: string | null;
}

/** Appends one ledger entry (the caller has just moved the balance by its delta). */
export async function appendEntry(q: Queryable, book: Book, tenantId: number, userId: number, e: NewEntry): Promise<LedgerEntry> {
  const r = await q.query<Pick<LedgerRow, 'id' | 'created_at'>>(
    `INSERT INTO ${TABLE[book].ledger} (tenant_id, user_id, delta, balance_after, reason, ref, remark) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id, created_at`,
    [tenantId, userId, e.delta, e.balanceAfter, e.reason, e.ref, e.remark],
  );
  return { id: r.rows[0]!.id, ...e, createdAt: r.rows[0]!.created_at };
}

/** A book's entries, newest first. */
export async function listEntries(
  q: Queryable,
  book: Book,
  tenantId: number,
  userId: number,
  limit: number,
  offset: number,
): Promise<Page<LedgerEntry>> {
  const r = await q.query<Counted<LedgerRow>>(
    `SELECT *, count(*) OVER ()::int AS total FROM ${TABLE[book].ledger} WHERE tenant_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [tenantId, userId, limit, offset],
  );
  return pageOf(r.rows, toEntry);
}

export interface PointsLogFilter {
  direction?: LedgerDirection;
  reasons?: string[];
  remark?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

/** The points history: direction, reasons, words of the remark, [from, to). */
export async function pointsLog(q: Queryable, tenantId: number, userId: number, f: PointsLogFilter): Promise<Page<LedgerEntry>> {
  const r = await q.query<Counted<Omit<Row<'points_ledger'>, 'tenant_id' | 'user_id'>>>(
    `SELECT id, delta, balance_after, reason, ref, remark, created_at, count(*) OVER ()::int AS total FROM points_ledger
         WHERE tenant_id = $1 AND user_id = $2
           AND ($3::int IS NULL OR ($3 = 0 AND delta > 0) OR ($3 = 1 AND delta < 0))
           AND ($4::text[] IS NULL OR reason = ANY($4))
           AND ($5::text IS NULL OR remark LIKE '%' || $5 || '%')
           AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at < $7)
         ORDER BY id DESC LIMIT $8 OFFSET $9`,
    [tenantId, userId, directionParam(f.direction), f.reasons ?? null, f.remark ?? null, f.from ?? null, f.to ?? null, f.limit, f.offset],
  );
  return pageOf(r.rows, toEntry);
}

export interface WalletLogFilter {
  direction: LedgerDirection | null;
  reasons: string[] | null;
  ref: string | null;
  from: Date | null;
  to: Date | null;
  limit: number;
  offset: number;
}

/** The wallet history: direction, reasons, ref, [from, to). */
export async function walletLog(q: Queryable, tenantId: number, userId: number, f: WalletLogFilter): Promise<Page<LedgerEntry>> {
  const r = await q.query<Counted<Omit<Row<'wallet_ledger'>, 'tenant_id' | 'user_id'>>>(
    `SELECT id, delta, balance_after, reason, ref, remark, created_at, count(*) OVER ()::int AS total FROM wallet_ledger
         WHERE tenant_id = $1 AND user_id = $2
           AND ($3::int IS NULL OR ($3 = 0 AND delta > 0) OR ($3 = 1 AND delta < 0))
           AND ($4::text[] IS NULL OR reason = ANY($4)) AND ($5::text IS NULL OR ref = $5)
           AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at < $7)
         ORDER BY id DESC LIMIT $8 OFFSET $9`,
    [tenantId, userId, directionParam(f.direction), f.reasons, f.ref, f.from, f.to, f.limit, f.offset],
  );
  return pageOf(r.rows, toEntry);
}

export interface Recharge {
  id: number;
  money: number;
  reason: string;
  ref: string | null;
  remark: string | null;
  createdAt: Date;
}

/** Money put into the wallet (operator credits and recharges), newest first. */
export async function recharges(
  q: Queryable,
  tenantId: number,
  userId: number,
  limit: number,
  offset: number,
  ref: string | null,
): Promise<Page<Recharge>> {
  const r = await q.query<Counted<Pick<Row<'wallet_ledger'>, 'id' | 'delta' | 'reason' | 'ref' | 'remark' | 'created_at'>>>(
    `SELECT id, delta, reason, ref, remark, created_at, count(*) OVER ()::int AS total FROM wallet_ledger
         WHERE tenant_id = $1 AND user_id = $2 AND delta > 0 AND reason IN ('operator_credit', 'recharge') AND ($5::text IS NULL OR ref = $5)
         ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [tenantId, userId, limit, offset, ref],
  );
  return pageOf(r.rows, (x) => ({ id: x.id, money: x.delta, reason: x.reason, ref: x.ref, remark: x.remark, createdAt: x.created_at }));
}

/** Balances and spending (paid orders and paid bills) of one user; null when there is no such user. */
export async function amountsRow(
  q: Queryable,
  tenantId: number,
  userId: number,
): Promise<{ wallet: number; points: number; consumed: number } | null> {
  const r = await q.query<Pick<Row<'users'>, 'wallet_balance' | 'points'> & { consumed: number | string }>(
    `SELECT u.wallet_balance, u.points,
           (SELECT COALESCE(sum(amount_real), 0) FROM orders o WHERE o.tenant_id = u.tenant_id AND o.user_id = u.id AND o.status >= 1)
           + (SELECT COALESCE(sum(real_money), 0) FROM pay_bills b WHERE b.tenant_id = u.tenant_id AND b.user_id = u.id) AS consumed
         FROM users u WHERE u.tenant_id = $1 AND u.id = $2`,
    [tenantId, userId],
  );
  const row = r.rows[0];
  return row ? { wallet: row.wallet_balance, points: row.points, consumed: Number(row.consumed) } : null;
}
