// 买单 (pay-bill): a consumer pays an amount at the till from the wallet, less
// the best discount rule the amount meets.
import type { Fen } from '../../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

/** An amount of at least `consume` takes `discounts` off. */
export interface PayBillRule {
  id: number;
  consume: Fen;
  discounts: Fen;
}

export interface PayBillQuote {
  money: Fen;
  discount: Fen;
  realMoney: Fen;
}

/** The best rule for an amount: the largest discount among those whose threshold it meets. */
export function bestPayBillDiscount(rules: readonly { consume: Fen; discounts: Fen }[], money: Fen): Fen {
  let best = 0;
  for (const r of rules) if (money >= r.consume && r.discounts > best) best = r.discounts;
  return Math.min(best, money);
}

/** What paying `money` costs under the rules; the amount must be a positive whole number of fen. */
export function quotePayBill(rules: readonly { consume: Fen; discounts: Fen }[], money: Fen): Result<PayBillQuote, 'invalid_input'> {
  if (!Number.isSafeInteger(money) || money <= 0) return fail(ErrorCode.invalid_input, 'money must be more than 0');
  const discount = bestPayBillDiscount(rules, money);
  return ok({ money, discount, realMoney: money - discount });
}

export function checkPayBillRule(consume: Fen, discounts: Fen): Result<void, 'invalid_input'> {
  if (!(consume > 0) || !(discounts > 0) || discounts > consume)
    return fail(ErrorCode.invalid_input, 'consume and discounts must be more than 0, discounts at most consume');
  return ok(undefined);
}

/** The wallet ledger ref of a paid bill. */
export const payBillRef = (billId: number): string => `PB${billId}`;
