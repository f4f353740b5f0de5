// After-sales requests on paid orders: one open request per order.
import { ok } from '../../kernel/result.ts';
import type { Refund, RefundInput } from './domain/order.ts';
import { PAID_STATES } from './domain/order-state.ts';
import { orderTx, type OrderDeps } from './order-deps.ts';
import { orderFail, stateRefusal, type OrderResult } from './order-errors.ts';
import { cancelOpenRefund, insertRefund, lockUserOrder, refundsOf } from './repo/after-sales.repo.ts';
import { addLog, LOG_REMARK, setHasRefund } from './repo/orders.repo.ts';
import { recordEvents } from '../events/index.ts';

export type RefundApplyCode = 'invalid_input' | 'invalid_state' | 'conflict';

export function checkRefund(input: RefundInput): OrderResult<void, 'invalid_input'> {
  if (![0, 1, 2].includes(input.type)) return orderFail('invalid_input', 'after_sales_bad', 'type must be 0, 1 or 2');
  if (![0, 1].includes(input.logisticsStatus)) return orderFail('invalid_input', 'after_sales_bad', 'logisticsStatus must be 0 or 1');
  if (!input.reason?.trim()) return orderFail('invalid_input', 'after_sales_bad', 'reason is required');
  return ok(undefined);
}

export async function applyRefund(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  input: RefundInput,
): Promise<OrderResult<Refund, RefundApplyCode>> {
  const checked = checkRefund(input);
  if (!checked.ok) return checked;
  return orderTx(d.deps.db, async (q): Promise<OrderResult<Refund, RefundApplyCode>> => {
    const order = await lockUserOrder(q, tenantId, input.orderId, userId);
    if (!order || !PAID_STATES.includes(order.state))
      return stateRefusal('after_sales', order?.state, 'only a paid order can get an after-sales request');
    if (input.amount > order.amountPayable) return orderFail('invalid_input', 'after_sales_bad', 'amount is more than the order paid');
    const r = await insertRefund(q, tenantId, userId, { ...input, reason: input.reason.trim() });
    if (!r) return orderFail('conflict', 'after_sales_open', 'this order has an open after-sales request already');
    await setHasRefund(q, input.orderId, true);
    await addLog(q, tenantId, input.orderId, 'after_sales', LOG_REMARK.after_sales);
    const payload = { orderId: order.id, orderNo: order.orderNumber, userId, refundId: r.id, amountFen: r.amount };
    await recordEvents(q, [{ tenantId, type: 'order.refund_requested', payload }]);
    return ok(r);
  });
}

export async function cancelRefund(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  orderId: number,
): Promise<OrderResult<void, 'not_found'>> {
  return orderTx(d.deps.db, async (q): Promise<OrderResult<void, 'not_found'>> => {
    if (!(await cancelOpenRefund(q, tenantId, orderId, userId)))
      return orderFail('not_found', 'after_sales_none', 'this order has no open after-sales request of yours');
    await setHasRefund(q, orderId, false);
    return ok(undefined);
  });
}

export const refundsOfOrder = (d: OrderDeps, tenantId: number, userId: number, orderId: number): Promise<Refund[]> =>
  refundsOf(d.deps.db, tenantId, orderId, userId);
