// Orders: price a cart with the user's coupons and points (quote.ts), create
// it for real in one transaction (create.ts), pay it from the wallet (pay.ts),
// close it with stock, points and coupons back exactly once (close.ts),
// deliver or write it off at pickup (fulfil.ts), reviews (review.ts),
// after-sales (after-sales.ts), reads (read.ts) and crash recovery
// (recover.ts, a recurring job). This file only assembles the facade the
// dialects call (`services.orders.*`).
import type { Principal } from '../../kernel/deps.ts';
import type { Deps } from '../../kernel/deps.ts';
import { applyRefund, cancelRefund, refundsOfOrder } from './after-sales.ts';
import { closeOrder, removeOrder } from './close.ts';
import { createOrder } from './create.ts';
import type { LineReview, OrderFilter, OrderInput, OrderWhere, RefundInput } from './domain/order.ts';
import { confirmOrder, shipOrder, writeOffOrder } from './fulfil.ts';
import { orderDeps, type OrderCollaborators } from './order-deps.ts';
import { payOrder } from './pay.ts';
import { priceOrder } from './quote.ts';
import { consumedOnOrders, couponsOfOrder, getOrder, listOrdersWithLines, orderCounts, orderDetail, orderDetailForUser } from './read.ts';
import { recoverOrders } from './recover.ts';
import { scoreRules } from './repo/order-facts.repo.ts';
import { reviewOrder } from './review.ts';

export function orderService(deps: Deps, collaborators: OrderCollaborators) {
  const d = orderDeps(deps, collaborators);
  return {
    /** The price of a cart for this user; changes nothing. */
    price: (tenantId: number, userId: number, input: OrderInput, listUsable = true) => priceOrder(d, tenantId, userId, input, listUsable),
    scoreRules: (tenantId: number) => scoreRules(deps.db, tenantId),
    /** Creates the order for real: all or nothing. */
    create: (tenantId: number, userId: number, input: OrderInput) => createOrder(d, tenantId, userId, input),
    /** Pays an unpaid order from the user's wallet. */
    pay: (tenantId: number, userId: number, orderId: number) => payOrder(d, tenantId, userId, orderId),
    /** The user (or staff, userId null) closes an unpaid order. */
    close: (tenantId: number, orderId: number, userId: number | null, reason = 'user') => closeOrder(d, tenantId, orderId, userId, reason),
    /** A closed or finished order disappears from the user's list. */
    remove: (tenantId: number, userId: number, orderId: number) => removeOrder(d, tenantId, userId, orderId),
    /** Pickup write-off by number: staff, or a user who is a pickup clerk. */
    writeOff: (tenantId: number, pickupNumber: string, by: { userId?: number; principal?: Principal }) =>
      writeOffOrder(d, tenantId, pickupNumber, by),
    confirm: (tenantId: number, userId: number, orderId: number) => confirmOrder(d, tenantId, userId, orderId),
    ship: (tenantId: number, orderId: number, by: Principal) => shipOrder(d, tenantId, orderId, by),
    review: (tenantId: number, userId: number, orderId: number, reviews: LineReview[]) =>
      reviewOrder(d, tenantId, userId, orderId, reviews),
    get: (tenantId: number, where: OrderWhere, userId?: number | null) => getOrder(d, tenantId, where, userId),
    detail: (tenantId: number, where: OrderWhere, userId?: number | null) => orderDetail(d, tenantId, where, userId),
    detailForUser: (tenantId: number, userId: number, ask: { id?: number; pickupNumber?: string }) =>
      orderDetailForUser(d, tenantId, userId, ask),
    list: (tenantId: number, f: OrderFilter) => listOrdersWithLines(d, tenantId, f),
    statistics: (tenantId: number, userId: number) => orderCounts(d, tenantId, userId),
    refundApply: (tenantId: number, userId: number, input: RefundInput) => applyRefund(d, tenantId, userId, input),
    refundCancel: (tenantId: number, userId: number, orderId: number) => cancelRefund(d, tenantId, userId, orderId),
    refunds: (tenantId: number, userId: number, orderId: number) => refundsOfOrder(d, tenantId, userId, orderId),
    consumed: (tenantId: number, userId: number) => consumedOnOrders(d, tenantId, userId),
    /** Crash recovery, one pass (the recurring job 'commerce.order_recovery' runs it; tests call it). */
    recover: (olderThanSec = 120, tenantId: number | null = null) => recoverOrders(d, olderThanSec, tenantId),
    /** The coupons with their templates, for showing which coupons an order used. */
    couponsOf: (tenantId: number, ids: number[]) => couponsOfOrder(d, tenantId, ids),
  };
}

export type OrderService = ReturnType<typeof orderService>;
