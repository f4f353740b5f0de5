// Closing an unpaid order gives back, in one transaction and exactly once,
// its stock, its points and its coupons and promo codes (the coupon core's
// rollbackIn). Undoing a half-made order (recovery) gives stock and points back.
// Removing hides a closed or finished order from the user's list.
import type { Db } from '../../db/store.ts';
import { ErrorCode, ok } from '../../kernel/result.ts';
import { moveBalance } from '../loyalty/index.ts';
import { releaseStock } from './catalogue.ts';
import type { Order } from './domain/order.ts';
import { orderStatesFor } from './domain/order-state.ts';
import type { OrderDeps } from './order-deps.ts';
import { orderMissing, stateRefusal, type OrderResult } from './order-errors.ts';
import { LEDGER_REMARK } from './repo/order-rows.ts';
import { addLog, findOrder, hideOrder, markClosed, markCouponsReleased, markUndone, stockOf } from './repo/orders.repo.ts';
import { recordEvents } from '../events/index.ts';

export type CloseCode = 'not_found' | 'invalid_state';

/** The user (or staff / recovery, userId null) closes an unpaid order; `reason` is stored and logged. */
export async function closeOrder(
  d: OrderDeps,
  tenantId: number,
  orderId: number,
  userId: number | null,
  reason: string,
): Promise<OrderResult<Order, CloseCode>> {
  const db = d.deps.db;
  const closed = await db.tx(async (q) => {
    const o = await markClosed(q, tenantId, orderId, userId, reason, orderStatesFor('close'));
    if (!o) return null;
    await releaseStock(q, tenantId, await stockOf(q, orderId));
    if (o.deductionScore > 0) {
      const back = await moveBalance(
        q,
        'points',
        tenantId,
        o.userId,
        o.deductionScore,
        'order_close',
        o.orderNumber,
        LEDGER_REMARK.closeBack,
      );
      if (!back.ok) throw new Error(`points back failed: ${back.error.message}`);
    }
    // Its coupons and promo codes come back in the same transaction, exactly once.
    if (o.redemptionId) {
      const back = await d.redemptions.rollbackIn(q, tenantId, o.redemptionId, null);
      if (!back.ok && back.error.code !== ErrorCode.already_rolled_back) throw new Error(`coupon release failed: ${back.error.message}`);
      await markCouponsReleased(q, null, orderId);
    }
    await addLog(q, tenantId, orderId, 'closed', reason);
    const payload = { orderId, orderNo: o.orderNumber, userId: o.userId, reason };
    await recordEvents(q, [{ tenantId, type: 'order.closed', payload }]);
    return o;
  });
  if (!closed) {
    const o = await findOrder(db, tenantId, { id: orderId }, userId);
    if (!o) return orderMissing();
    return stateRefusal('close', o.state, `an order that is ${o.state} cannot be closed`);
  }
  return ok((await findOrder(db, tenantId, { id: orderId }))!);
}

/** Undoes a half-made order (being created): stock and points back, hidden. Once. */
export async function undoCreating(db: Db, tenantId: number, orderId: number, why: string): Promise<void> {
  await db.tx(async (q) => {
    const o = await markUndone(q, tenantId, orderId, why);
    if (!o) return;
    await releaseStock(q, tenantId, await stockOf(q, orderId));
    if (o.deductionScore > 0) {
      const back = await moveBalance(
        q,
        'points',
        tenantId,
        o.userId,
        o.deductionScore,
        'order_deduction_back',
        o.orderNumber,
        LEDGER_REMARK.undoneBack,
      );
      if (!back.ok) throw new Error(`points back failed: ${back.error.message}`);
    }
  });
}

/** Gives the coupons of a closed order back (the core's rollback happens once; repeats are harmless). */
export async function releaseCoupons(d: OrderDeps, tenantId: number, orderId: number, redemptionId: number): Promise<void> {
  const r = await d.redemptions.rollback(tenantId, redemptionId, null);
  if (r.ok || r.error.code === ErrorCode.already_rolled_back) await markCouponsReleased(d.deps.db, tenantId, orderId);
}

/** A closed or finished order disappears from the user's list. */
export async function removeOrder(d: OrderDeps, tenantId: number, userId: number, orderId: number): Promise<OrderResult<void, CloseCode>> {
  if (await hideOrder(d.deps.db, tenantId, userId, orderId)) return ok(undefined);
  const o = await findOrder(d.deps.db, tenantId, { id: orderId }, userId);
  return o ? stateRefusal('remove', o.state, `an order that is ${o.state} cannot be removed`) : orderMissing();
}
