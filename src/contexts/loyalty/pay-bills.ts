// 买单 (pay-bill): pay an amount at the till from the wallet, less the best
// matching discount rule; the bill row and the wallet debit land together.
import type { Fen } from '../../kernel/money.ts';
import { ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { checkPayBillRule, payBillRef, quotePayBill, type PayBillQuote, type PayBillRule } from './domain/pay-bill.ts';
import type { PayBillCode } from './errors.ts';
import { moveBalance } from './ledgers.ts';
import { markPurchasedIn } from '../identity/index.ts';
import { insertPayBill, payBillRules, upsertPayBillRule } from './repo/pay-bills.repo.ts';

export { bestPayBillDiscount } from './domain/pay-bill.ts';
export type { PayBillQuote, PayBillRule } from './domain/pay-bill.ts';

export interface PayBillLabels {
  /** The wallet ledger remark of the debit (the dialect's words). */
  remark?: string;
}

export function payBillService(deps: Deps) {
  const rules = (tenantId: number): Promise<PayBillRule[]> => payBillRules(deps.db, tenantId);

  return {
    payBillRules: rules,

    async addPayBillRule(tenantId: number, consume: Fen, discounts: Fen, by: Principal): Promise<Result<PayBillRule, 'invalid_input'>> {
      const valid = checkPayBillRule(consume, discounts);
      if (!valid.ok) return valid;
      return deps.db.tx(async (q) => {
        const id = await upsertPayBillRule(q, tenantId, consume, discounts);
        await audit(q, tenantId, by, {
          action: 'pay_bill_rule.set',
          targetType: 'pay_bill_rule',
          targetId: id,
          details: { consume, discounts },
        });
        return ok({ id, consume, discounts });
      });
    },

    /** What paying `money` would cost now. */
    async payBillQuote(tenantId: number, money: Fen): Promise<Result<PayBillQuote, 'invalid_input'>> {
      return quotePayBill(await rules(tenantId), money);
    },

    /** Pays a bill from the wallet: the bill row and the wallet debit land together. */
    async payBill(
      tenantId: number,
      userId: number,
      money: Fen,
      labels: PayBillLabels = {},
    ): Promise<Result<PayBillQuote & { id: number }, PayBillCode>> {
      const quote = quotePayBill(await rules(tenantId), money);
      if (!quote.ok) return quote;
      const bill = quote.value;
      return deps.db.txResult(async (q): Promise<Result<PayBillQuote & { id: number }, PayBillCode>> => {
        const id = await insertPayBill(q, tenantId, userId, bill);
        if (bill.realMoney > 0) {
          const paid = await moveBalance(
            q,
            'wallet',
            tenantId,
            userId,
            -bill.realMoney,
            'pay_bill',
            payBillRef(id),
            labels.remark ?? 'pay-bill',
          );
          if (!paid.ok) return paid;
        }
        await markPurchasedIn(q, tenantId, userId);
        return ok({ id, ...bill });
      });
    },
  };
}

export type PayBillService = ReturnType<typeof payBillService>;
