// Points and wallet: each balance lives on the user row beside its
// append-only ledger; both change in one transaction, by conditional updates
// that never let a balance go below zero.
import type { Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { creditReason, isCreditAmount, shortfall, type Book, type LedgerEntry } from './domain/ledger.ts';
import type { CreditCode, MoveCode } from './errors.ts';
import { moveUserBalanceIn, type BalanceColumn } from '../identity/index.ts';
import { appendEntry, listEntries, pointsLog, userExists, type Page, type PointsLogFilter } from './repo/ledgers.repo.ts';

/** The users column that holds each book's balance (identity writes it, conditionally). */
const BALANCE_OF: Record<Book, BalanceColumn> = { points: 'points', wallet: 'wallet_balance' };

export type { Book, LedgerDirection, LedgerEntry } from './domain/ledger.ts';
export type { PointsLogFilter } from './repo/ledgers.repo.ts';
/** A points history entry (the ledger entry as it is). */
export type PointsLogEntry = LedgerEntry;

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
): Promise<Result<LedgerEntry, MoveCode>> {
  const balanceAfter = await moveUserBalanceIn(q, BALANCE_OF[book], tenantId, userId, delta);
  if (balanceAfter === null) {
    if (!(await userExists(q, tenantId, userId))) return fail(ErrorCode.not_found, 'user not found');
    return shortfall(book);
  }
  const entry = await appendEntry(q, book, tenantId, userId, { delta, balanceAfter, reason, ref, remark });
  await recordEvents(q, [
    book === 'points'
      ? { tenantId, type: 'points.changed', payload: { userId, delta, balance: balanceAfter, reason, ref } }
      : { tenantId, type: 'wallet.changed', payload: { userId, deltaFen: delta, balanceFen: balanceAfter, reason, ref } },
  ]);
  return ok(entry);
}

export function ledgerService(deps: Deps) {
  const credit =
    (book: Book) =>
    async (
      tenantId: number,
      userId: number,
      amount: number | Fen,
      remark: string | null,
      by: Principal,
    ): Promise<Result<LedgerEntry, CreditCode>> => {
      if (!isCreditAmount(amount)) return fail(ErrorCode.invalid_input, 'amount must be a non-zero whole number');
      return deps.db.txResult(async (q) => {
        const r = await moveBalance(q, book, tenantId, userId, amount, creditReason(amount), null, remark);
        if (r.ok)
          await audit(q, tenantId, by, { action: `${book}.credit`, targetType: 'user', targetId: userId, details: { amount, remark } });
        return r;
      });
    };
  return {
    creditPoints: credit('points'),
    creditWallet: credit('wallet'),
    /** A book's entries, newest first. */
    entries(book: Book, tenantId: number, userId: number, limit: number, offset: number): Promise<Page<LedgerEntry>> {
      return listEntries(deps.db, book, tenantId, userId, limit, offset);
    },
    /** The points history with filters: direction, reasons, remark words, [from, to). */
    pointsLog(tenantId: number, userId: number, f: PointsLogFilter): Promise<Page<PointsLogEntry>> {
      return pointsLog(deps.db, tenantId, userId, f);
    },
  };
}

export type LedgerService = ReturnType<typeof ledgerService>;
