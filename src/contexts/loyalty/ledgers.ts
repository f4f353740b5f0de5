// Points and wallet: each balance lives on the user row beside its
// append-only ledger; both change in one transaction, by conditional updates
// that never let a balance go below zero.
import type { Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';

export interface LedgerEntry {
  id: number;
  delta: number;
  balanceAfter: number;
  reason: string;
  ref: string | null;
  remark: string | null;
  createdAt: Date;
}

type Book = 'points' | 'wallet';
const TABLE: Record<Book, { column: string; ledger: string }> = {
  points: { column: 'points', ledger: 'points_ledger' },
  wallet: { column: 'wallet_balance', ledger: 'wallet_ledger' },
};

/** Moves a balance by delta (negative spends) inside the caller's transaction. */
export async function moveBalance(
  q: Queryable,
  book: Book,
  tenantId: number,
  userId: number,
  delta: number,
  reason: string,
  ref: string | null = null,
  remark: string | null = null,
): Promise<Result<LedgerEntry>> {
  const { column, ledger } = TABLE[book];
  const u = await q.query<{ balance: number }>(
    `UPDATE users SET ${column} = ${column} + $3 WHERE tenant_id = $1 AND id = $2 AND ${column} + $3 >= 0 RETURNING ${column} AS balance`,
    [tenantId, userId, delta],
  );
  if (!u.rows[0]) {
    const exists = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
    if (!exists.rowCount) return fail(ErrorCode.not_found, 'user not found');
    return fail(book === 'points' ? ErrorCode.not_enough_points : ErrorCode.insufficient_balance, `not enough ${book === 'points' ? 'points' : 'balance'}`);
  }
  const e = await q.query<{ id: number; created_at: Date }>(
    `INSERT INTO ${ledger} (tenant_id, user_id, delta, balance_after, reason, ref, remark) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id, created_at`,
    [tenantId, userId, delta, u.rows[0].balance, reason, ref, remark],
  );
  return ok({ id: e.rows[0]!.id, delta, balanceAfter: u.rows[0].balance, reason, ref, remark, createdAt: e.rows[0]!.created_at });
}

export function ledgerService(deps: Deps) {
  const credit = (book: Book) => async (tenantId: number, userId: number, amount: number | Fen, remark: string | null, by: Principal) => {
    if (!Number.isSafeInteger(amount) || amount === 0) return fail(ErrorCode.invalid_input, 'amount must be a non-zero whole number');
    return deps.db.tx(async (q) => {
      const r = await moveBalance(q, book, tenantId, userId, amount, amount > 0 ? 'operator_credit' : 'operator_debit', null, remark);
      if (r.ok) await audit(q, tenantId, by, { action: `${book}.credit`, targetType: 'user', targetId: userId, details: { amount, remark } });
      return r;
    });
  };
  return {
    creditPoints: credit('points'),
    creditWallet: credit('wallet'),
    async entries(book: Book, tenantId: number, userId: number, limit: number, offset: number) {
      const r = await deps.db.query<{ id: number; delta: number; balance_after: number; reason: string; ref: string | null; remark: string | null; created_at: Date; total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM ${TABLE[book].ledger} WHERE tenant_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3 OFFSET $4`,
        [tenantId, userId, limit, offset],
      );
      return {
        items: r.rows.map((x) => ({ id: x.id, delta: x.delta, balanceAfter: x.balance_after, reason: x.reason, ref: x.ref, remark: x.remark, createdAt: x.created_at })),
        total: r.rows[0]?.total ?? 0,
      };
    },
  };
}

export type LedgerService = ReturnType<typeof ledgerService>;
