// Paying an unpaid order from the user's wallet: the state and the balance
// move together or not at all.
import { ErrorCode, ok } from '../../kernel/result.ts';
import { moveBalance } from '../loyalty/index.ts';
import type { Order } from './domain/order.ts';
import { orderTx, type OrderDeps } from './order-deps.ts';
import { orderFail, orderMissing, stateRefusal, type OrderResult } from './order-errors.ts';
import { LEDGER_REMARK } from './repo/order-rows.ts';
import { markPurchasedIn } from '../identity/index.ts';
import { addLog, findOrder, LOG_REMARK, markPaid } from './repo/orders.repo.ts';
import { recordEvents } from '../events/index.ts';

export type PayCode = 'not_found' | 'invalid_state' | 'insufficient_balance';

export async function payOrder(d: OrderDeps, tenantId: number, userId: number, orderId: number): Promise<OrderResult<Order, PayCode>> {
  return orderTx(d.deps.db, async (q): Promise<OrderResult<Order, PayCode>> => {
    const o = await markPaid(q, tenantId, orderId, userId);
    if (!o) {
      const exists = await findOrder(q, tenantId, { id: orderId }, userId);
      if (!exists) return orderMissing();
      return stateRefusal('pay', exists.state, `an order that is ${exists.state} cannot be paid (or it has expired)`);
    }
    if (o.amountPayable > 0) {
      const paid = await moveBalance(q, 'wallet', tenantId, userId, -o.amountPayable, 'order_pay', o.orderNumber, LEDGER_REMARK.pay);
      if (!paid.ok) {
        if (paid.error.code === ErrorCode.not_found) return orderFail('not_found', 'no_wallet', paid.error.message);
        if (paid.error.code === ErrorCode.insufficient_balance)
          return orderFail('insufficient_balance', 'wallet_short', paid.error.message);
        throw new Error(`wallet payment failed: ${paid.error.message}`);
      }
    }
    await markPurchasedIn(q, tenantId, userId);
    await addLog(q, tenantId, orderId, 'paid', LOG_REMARK.paid);
    const paid = { orderId, orderNo: o.orderNumber, userId, amountFen: o.amountPayable };
    await recordEvents(q, [{ tenantId, type: 'order.paid', payload: paid }]);
    return ok(o);
  });
}
