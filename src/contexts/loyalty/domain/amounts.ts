// A consumer's money view: wallet balance, points, what they spent, growth.
import type { Fen } from '../../../kernel/money.ts';

export interface Amounts {
  balance: Fen;
  /** Money held back from spending (none is, today). */
  freeze: Fen;
  score: number;
  growth: number;
  /** Paid orders and paid bills, in fen. */
  totalConsumed: Fen;
}

/** Growth: one point per whole yuan spent. */
export const growthOf = (consumed: Fen): number => Math.floor(consumed / 100);
