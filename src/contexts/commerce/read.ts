// Reading orders: one, one with its lines and log, a page of them, counts by
// state, what a user spent, and the coupons an order used. Reads write nothing.
import type { Fen } from '../../kernel/money.ts';
import type { Coupon, Template } from '../coupons/index.ts';
import type { Order, OrderDetail, OrderFilter, OrderLine, OrderWhere } from './domain/order.ts';
import type { OrderState } from './domain/order-state.ts';
import { isClerk } from './fulfil.ts';
import type { OrderDeps } from './order-deps.ts';
import { couponsWithTemplates } from './repo/order-facts.repo.ts';
import { ORDER_STATE_DB } from './repo/order-rows.ts';
import { countByState, findOrder, linesOf, listOrders, logsOf, paidTotal } from './repo/orders.repo.ts';

/** `get` answers the order with two aliases earlier callers read: the stored status number and the pickup number as hxNumber. */
export type OrderWithAliases = Order & { status: number; hxNumber: string };

export async function getOrder(
  d: OrderDeps,
  tenantId: number,
  where: OrderWhere,
  userId?: number | null,
): Promise<OrderWithAliases | null> {
  const o = await findOrder(d.deps.db, tenantId, where, userId);
  return o ? { ...o, status: ORDER_STATE_DB[o.state], hxNumber: o.pickupNumber } : null;
}

/** One order with its lines and log; `userId` scopes it to that user's orders (null: any, for staff). */
export async function orderDetail(d: OrderDeps, tenantId: number, where: OrderWhere, userId?: number | null): Promise<OrderDetail | null> {
  const o = await findOrder(d.deps.db, tenantId, where, userId);
  if (!o) return null;
  const lines = (await linesOf(d.deps.db, [o.id])).get(o.id) ?? [];
  return { order: o, lines, logs: await logsOf(d.deps.db, tenantId, o.id) };
}

/**
 * A user's view of one order, by id or by pickup number. Asked with a pickup
 * number, a pickup clerk sees any order of the tenant (to hand it over); anyone
 * else only their own.
 */
export async function orderDetailForUser(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  ask: { id?: number; pickupNumber?: string },
): Promise<OrderDetail | null> {
  const clerk = ask.pickupNumber ? await isClerk(d, tenantId, userId) : false;
  const where: OrderWhere = ask.id !== undefined ? { id: ask.id } : { pickupNumber: ask.pickupNumber };
  return orderDetail(d, tenantId, where, clerk ? null : userId);
}

export async function listOrdersWithLines(
  d: OrderDeps,
  tenantId: number,
  f: OrderFilter,
): Promise<{ items: { order: Order; lines: OrderLine[] }[]; total: number }> {
  const r = await listOrders(d.deps.db, tenantId, f);
  const lines = await linesOf(
    d.deps.db,
    r.orders.map((o) => o.id),
  );
  return { items: r.orders.map((o) => ({ order: o, lines: lines.get(o.id) ?? [] })), total: r.total };
}

export const orderCounts = (d: OrderDeps, tenantId: number, userId: number): Promise<Record<OrderState, number>> =>
  countByState(d.deps.db, tenantId, userId);

/** What the user has spent on orders (pay-bills are counted by the account service). */
export const consumedOnOrders = (d: OrderDeps, tenantId: number, userId: number): Promise<Fen> => paidTotal(d.deps.db, tenantId, userId);

/** Coupons with their templates (one query), for showing which coupons an order used. */
export const couponsOfOrder = (d: OrderDeps, tenantId: number, ids: number[]): Promise<{ coupon: Coupon; template: Template | null }[]> =>
  couponsWithTemplates(d.deps.db, tenantId, ids, d.now());
