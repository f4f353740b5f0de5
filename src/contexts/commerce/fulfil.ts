// Getting a paid order to the user: staff ship it, the user confirms receipt,
// or a pickup clerk (or staff) writes it off by its pickup number.
import type { Principal } from '../../kernel/deps.ts';
import { ok } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import { isPickupClerk, PICKUP_CLERKS_KEY, type Order } from './domain/order.ts';
import { orderTx, type OrderDeps } from './order-deps.ts';
import { orderFail, stateRefusal, type OrderResult } from './order-errors.ts';
import { configValue } from './repo/order-facts.repo.ts';
import { pickupLogRemark } from './repo/order-rows.ts';
import { addLog, findOrder, LOG_REMARK, markPickedUp, markReceived, markShipped } from './repo/orders.repo.ts';

/** Is this user one of the tenant's pickup clerks (config value `order_hx_uids`)? */
export async function isClerk(d: OrderDeps, tenantId: number, userId: number): Promise<boolean> {
  return isPickupClerk(await configValue(d.deps.db, tenantId, PICKUP_CLERKS_KEY), userId);
}

/**
 * Pickup write-off by number: a paid or shipped order not yet written off
 * becomes received. Staff (a principal) may; a user only when a pickup clerk.
 */
export async function writeOffOrder(
  d: OrderDeps,
  tenantId: number,
  pickupNumber: string,
  by: { userId?: number; principal?: Principal },
): Promise<OrderResult<Order, 'forbidden' | 'not_found' | 'invalid_state'>> {
  if (!by.principal && (by.userId === undefined || !(await isClerk(d, tenantId, by.userId)))) {
    return orderFail('forbidden', 'not_clerk', 'only the pickup clerks write off orders');
  }
  const number = pickupNumber.trim();
  return orderTx(d.deps.db, async (q): Promise<OrderResult<Order, 'not_found' | 'invalid_state'>> => {
    const o = await markPickedUp(q, tenantId, number);
    if (!o) {
      const ex = await findOrder(q, tenantId, { pickupNumber: number });
      if (!ex) return orderFail('not_found', 'unknown_pickup', 'no order has this pickup number');
      return stateRefusal(
        'write_off',
        ex.state,
        `an order that is ${ex.state}${ex.pickedUpAt ? ' and written off' : ''} cannot be written off`,
      );
    }
    await addLog(q, tenantId, o.id, 'received', pickupLogRemark({ userId: by.userId, staff: !!by.principal }));
    if (by.principal) await audit(q, tenantId, by.principal, { action: 'order.hx', targetType: 'order', targetId: o.id });
    return ok(o);
  });
}

/** The user confirms receipt. */
export async function confirmOrder(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  orderId: number,
): Promise<OrderResult<void, 'invalid_state'>> {
  return orderTx(d.deps.db, async (q): Promise<OrderResult<void, 'invalid_state'>> => {
    if (!(await markReceived(q, tenantId, orderId, userId)))
      return stateRefusal('receive', undefined, 'only a paid or shipped order can be received');
    await addLog(q, tenantId, orderId, 'received', LOG_REMARK.received);
    return ok(undefined);
  });
}

/** Staff ship a paid order. */
export async function shipOrder(
  d: OrderDeps,
  tenantId: number,
  orderId: number,
  by: Principal,
): Promise<OrderResult<Order, 'invalid_state'>> {
  return orderTx(d.deps.db, async (q): Promise<OrderResult<Order, 'invalid_state'>> => {
    const o = await markShipped(q, tenantId, orderId);
    if (!o) return stateRefusal('ship', undefined, 'only a paid order can be shipped');
    await addLog(q, tenantId, orderId, 'shipped', LOG_REMARK.shipped);
    await audit(q, tenantId, by, { action: 'order.ship', targetType: 'order', targetId: orderId });
    return ok(o);
  });
}
