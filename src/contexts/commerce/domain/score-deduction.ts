// Points off an order: the tenant's first deduction rule, applied to the
// points the user offers, never more than what is left to pay.
import type { Fen } from '../../../kernel/money.ts';

export interface ScoreRule {
  score: number;
  money: Fen;
  loop: boolean;
}

/** Money the offered points buy under the first rule, capped at `cap`; the points it takes. */
export function scoreDeduction(rules: readonly ScoreRule[], offered: number, cap: Fen): { money: Fen; score: number } {
  const rule = rules[0];
  if (!rule || offered <= 0 || cap <= 0) return { money: 0, score: 0 };
  let units = rule.loop ? Math.floor(offered / rule.score) : offered >= rule.score ? 1 : 0;
  const maxUnits = Math.floor(cap / rule.money);
  if (units > maxUnits) units = maxUnits;
  return { money: units * rule.money, score: units * rule.score };
}
