// Points and wallet books: each balance lives beside its append-only ledger and
// always equals the sum of its entries; a move never takes it below zero.
import { ErrorCode, fail, type Failure } from '../../../kernel/result.ts';

export type Book = 'points' | 'wallet';

export interface LedgerEntry {
  id: number;
  delta: number;
  balanceAfter: number;
  reason: string;
  ref: string | null;
  remark: string | null;
  createdAt: Date;
}

/** Which way an entry moved the balance: income adds (delta > 0), expense takes (delta < 0). */
export type LedgerDirection = 'income' | 'expense';

/** The refusal of a move that would take the book below zero. */
export function shortfall(book: Book): Failure<'not_enough_points' | 'insufficient_balance'> {
  return book === 'points'
    ? fail(ErrorCode.not_enough_points, 'not enough points')
    : fail(ErrorCode.insufficient_balance, 'not enough balance');
}

/** An operator's credit (or debit, when negative): a non-zero whole number. */
export const isCreditAmount = (amount: number): boolean => Number.isSafeInteger(amount) && amount !== 0;

/** The ledger reason of an operator's credit or debit. */
export const creditReason = (amount: number): 'operator_credit' | 'operator_debit' => (amount > 0 ? 'operator_credit' : 'operator_debit');
