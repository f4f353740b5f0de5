// How a card expense is taken from a card's money (pure rule, no I/O).
//
// An event card (type 11) keeps one bucket per recharge through an event.
// An expense takes from the OLDEST open bucket first (FIFO by bucket id) and,
// inside a bucket, CAPITAL first, then BONUS; it moves on to the next bucket
// only when the current one is empty. Any other card is one bucket: capital
// first, then bonus.
import type { Fen } from '../../../kernel/money.ts';

export interface SpendSource {
  id: number;
  capital: Fen;
  bonus: Fen;
}

export interface SpendPart {
  id: number;
  capital: Fen;
  bonus: Fen;
}

/** The parts taken from each source, or null when they hold less than `amount`. */
export function splitSpend(sources: readonly SpendSource[], amount: Fen): SpendPart[] | null {
  if (!Number.isSafeInteger(amount) || amount <= 0) return null;
  let left = amount;
  const parts: SpendPart[] = [];
  for (const s of sources) {
    if (left === 0) break;
    const c = Math.min(s.capital, left);
    left -= c;
    const b = Math.min(s.bonus, left);
    left -= b;
    if (c > 0 || b > 0) parts.push({ id: s.id, capital: c, bonus: b });
  }
  return left === 0 ? parts : null;
}
