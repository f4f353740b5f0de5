// The orders, their lines and their log: every statement on them. The
// conditional writes take their from-states from the state machine.
import type { Queryable } from '../../../db/store.ts';
import type { Fen } from '../../../kernel/money.ts';
import type { Order, OrderEvent, OrderFilter, OrderLine, OrderLog, OrderWhere, QuotedLine } from '../domain/order.ts';
import { orderStatesFor, REMOVABLE_STATES, PAID_STATES, VISIBLE_STATES, type OrderState } from '../domain/order-state.ts';
import {
  dbStateList,
  dbStates,
  ORDER_EVENT_DB,
  ORDER_STATE_DB as S,
  orderEventOf,
  orderStateOf,
  toLine,
  toOrder,
  type LineRow,
  type OrderRow,
} from './order-rows.ts';

/** The log remarks as stored (shown to users as they are). */
export const LOG_REMARK = {
  created: '下单',
  paid: '支付成功',
  received: '确认收货',
  shipped: '发货',
  reviewed: '评价',
  after_sales: '申请售后',
} as const;

export async function findOrder(q: Queryable, tenantId: number, where: OrderWhere, userId?: number | null): Promise<Order | null> {
  const r = await q.query<OrderRow>(
    `SELECT * FROM orders WHERE tenant_id = $1 AND status <> ${S.creating} AND deleted_at IS NULL
       AND ($2::bigint IS NULL OR id = $2) AND ($3::text IS NULL OR hx_number = $3) AND ($4::text IS NULL OR order_number = $4)
       AND ($5::bigint IS NULL OR user_id = $5)
     LIMIT 1`,
    [tenantId, where.id ?? null, where.pickupNumber ?? null, where.orderNumber ?? null, userId ?? null],
  );
  return r.rows[0] ? toOrder(r.rows[0]) : null;
}

export async function linesOf(q: Queryable, orderIds: number[]): Promise<Map<number, OrderLine[]>> {
  const by = new Map<number, OrderLine[]>();
  if (!orderIds.length) return by;
  const r = await q.query<LineRow>('SELECT * FROM order_lines WHERE order_id = ANY($1::bigint[]) ORDER BY id', [orderIds]);
  for (const l of r.rows) {
    const list = by.get(l.order_id) ?? [];
    list.push(toLine(l));
    by.set(l.order_id, list);
  }
  return by;
}

export async function logsOf(q: Queryable, tenantId: number, orderId: number): Promise<OrderLog[]> {
  const r = await q.query<{ type: number; remark: string | null; created_at: Date }>(
    'SELECT type, remark, created_at FROM order_logs WHERE tenant_id = $1 AND order_id = $2 ORDER BY id',
    [tenantId, orderId],
  );
  return r.rows.map((l) => ({ event: orderEventOf(l.type), remark: l.remark, createdAt: l.created_at }));
}

export async function addLog(q: Queryable, tenantId: number, orderId: number, event: OrderEvent, remark: string): Promise<void> {
  await q.query('INSERT INTO order_logs (tenant_id, order_id, type, remark) VALUES ($1, $2, $3, $4)', [
    tenantId,
    orderId,
    ORDER_EVENT_DB[event],
    remark,
  ]);
}

/** The next order id (the order number is made from it before the row is written). */
export async function nextOrderId(q: Queryable): Promise<number> {
  return (await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('orders', 'id'))::bigint AS id`)).rows[0]!.id;
}

/** A new order as written: named fields, in the core's words. */
export interface NewOrder {
  id: number;
  tenantId: number;
  userId: number;
  orderNumber: string;
  state: OrderState;
  storeId: number | null;
  goodsNumber: number;
  amountGoods: Fen;
  amountCoupon: Fen;
  amountDeduction: Fen;
  deductionScore: number;
  amountLogistics: Fen;
  amountPayable: Fen;
  couponIds: number[];
  pickupNumber: string;
  needsDelivery: boolean;
  deliveryType: string | null;
  contactName: string | null;
  mobile: string | null;
  address: string | null;
  provinceId: string | null;
  cityId: string | null;
  districtId: string | null;
  remark: string | null;
  ext: Record<string, unknown> | null;
  expiresAt: Date | null;
  createdAt: Date;
  promoCodes: string[];
  amountPromo: Fen;
  redemptionId: number | null;
}

/** The order, its lines and its first log entry, in one statement. */
export async function insertOrder(q: Queryable, o: NewOrder, lines: QuotedLine[]): Promise<void> {
  const cols: [column: string, value: unknown][] = [
    ['id', o.id],
    ['tenant_id', o.tenantId],
    ['user_id', o.userId],
    ['order_number', o.orderNumber],
    ['status', S[o.state]],
    ['store_id', o.storeId],
    ['goods_number', o.goodsNumber],
    ['amount_goods', o.amountGoods],
    ['amount_coupon', o.amountCoupon],
    ['amount_deduction', o.amountDeduction],
    ['deduction_score', o.deductionScore],
    ['amount_logistics', o.amountLogistics],
    ['amount_real', o.amountPayable],
    ['coupon_ids', o.couponIds],
    ['hx_number', o.pickupNumber],
    ['is_need_logistics', o.needsDelivery],
    ['peisong_type', o.deliveryType],
    ['link_man', o.contactName],
    ['mobile', o.mobile],
    ['address', o.address],
    ['province_id', o.provinceId],
    ['city_id', o.cityId],
    ['district_id', o.districtId],
    ['remark', o.remark],
    ['ext', o.ext ? JSON.stringify(o.ext) : null],
    ['expires_at', o.expiresAt],
    ['created_at', o.createdAt],
    ['updated_at', o.createdAt],
    ['promo_codes', o.promoCodes],
    ['amount_promo', o.amountPromo],
    ['redemption_id', o.redemptionId],
  ];
  const lineCols: [column: string, type: string, value: (l: QuotedLine) => unknown][] = [
    ['goods_id', 'bigint', (l) => l.goodsId],
    ['sku_id', 'bigint', (l) => l.skuId],
    ['category_id', 'bigint', (l) => l.categoryId],
    ['goods_name', 'text', (l) => l.name],
    ['pic', 'text', (l) => l.pic],
    ['property_child_ids', 'text', (l) => l.propertyChildIds],
    ['property_str', 'text', (l) => l.propertyStr],
    ['unit_price', 'bigint', (l) => l.unitPrice],
    ['number', 'int', (l) => l.number],
    ['amount', 'bigint', (l) => l.amount],
    ['amount_coupon', 'bigint', (l) => l.amountCoupon],
  ];
  const n = cols.length;
  const param = (name: string) => `$${cols.findIndex(([c]) => c === name) + 1}`;
  await q.query(
    `WITH o AS (INSERT INTO orders (${cols.map(([c]) => c).join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(',')}) RETURNING id),
          l AS (INSERT INTO order_lines (tenant_id, order_id, ${lineCols.map(([c]) => c).join(', ')})
     SELECT ${param('tenant_id')}, ${param('id')}, * FROM unnest(${lineCols.map(([, t], i) => `$${n + i + 1}::${t}[]`).join(', ')})),
          g AS (INSERT INTO order_logs (tenant_id, order_id, type, remark) SELECT ${param('tenant_id')}, o.id, ${ORDER_EVENT_DB.created}, '${LOG_REMARK.created}' FROM o)
     SELECT 1`,
    [...cols.map(([, v]) => v), ...lineCols.map(([, , f]) => lines.map(f))],
  );
}

/** unpaid → paid, unless it expired meanwhile. */
export async function markPaid(q: Queryable, tenantId: number, orderId: number, userId: number): Promise<Order | null> {
  const r = await q.query<OrderRow>(
    `UPDATE orders SET status = ${S.paid}, paid_at = now(), updated_at = now()
     WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND status IN (${dbStateList(orderStatesFor('pay'))}) AND deleted_at IS NULL
       AND (expires_at IS NULL OR expires_at > now()) RETURNING *`,
    [tenantId, orderId, userId],
  );
  return r.rows[0] ? toOrder(r.rows[0]) : null;
}

/** Hides a closed or finished order from the user's list; false when it is not one. */
export async function hideOrder(q: Queryable, tenantId: number, userId: number, orderId: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE orders SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND status IN (${dbStateList(REMOVABLE_STATES)}) AND deleted_at IS NULL`,
    [tenantId, orderId, userId],
  );
  return r.rowCount === 1;
}

/** Pickup write-off: a paid or shipped order not yet written off becomes received. */
export async function markPickedUp(q: Queryable, tenantId: number, pickupNumber: string): Promise<Order | null> {
  const r = await q.query<OrderRow>(
    `UPDATE orders SET hx_at = now(), status = ${S.received}, updated_at = now()
     WHERE tenant_id = $1 AND hx_number = $2 AND status IN (${dbStateList(orderStatesFor('receive'))}) AND hx_at IS NULL AND deleted_at IS NULL RETURNING *`,
    [tenantId, pickupNumber],
  );
  return r.rows[0] ? toOrder(r.rows[0]) : null;
}

export async function markReceived(q: Queryable, tenantId: number, orderId: number, userId: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE orders SET status = ${S.received}, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND status IN (${dbStateList(orderStatesFor('receive'))}) AND deleted_at IS NULL`,
    [tenantId, orderId, userId],
  );
  return r.rowCount === 1;
}

export async function markShipped(q: Queryable, tenantId: number, orderId: number): Promise<Order | null> {
  const r = await q.query<OrderRow>(
    `UPDATE orders SET status = ${S.shipped}, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status IN (${dbStateList(orderStatesFor('ship'))}) RETURNING *`,
    [tenantId, orderId],
  );
  return r.rows[0] ? toOrder(r.rows[0]) : null;
}

export async function markReviewed(q: Queryable, tenantId: number, orderId: number, userId: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE orders SET status = ${S.reviewed}, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND status IN (${dbStateList(orderStatesFor('review'))})`,
    [tenantId, orderId, userId],
  );
  return r.rowCount === 1;
}

export async function lineIdsOf(q: Queryable, orderId: number): Promise<Set<number>> {
  const lines = await q.query<{ id: number }>('SELECT id FROM order_lines WHERE order_id = $1', [orderId]);
  return new Set(lines.rows.map((l) => l.id));
}

export async function reviewLine(q: Queryable, lineId: number, reputation: number, remark: string | null, pics: string[]): Promise<void> {
  await q.query(
    'UPDATE order_lines SET reputation = $2, reputation_remark = $3, reputation_pics = $4, reputation_at = now() WHERE id = $1',
    [lineId, reputation, remark, pics],
  );
}

/** What an order took from stock (to give it back). */
export async function stockOf(q: Queryable, orderId: number): Promise<{ goodsId: number; skuId: number | null; number: number }[]> {
  const lines = await q.query<LineRow>('SELECT * FROM order_lines WHERE order_id = $1', [orderId]);
  return lines.rows.map((l) => ({ goodsId: l.goods_id, skuId: l.sku_id, number: l.number }));
}

/** Closes an order in one of `from` (for this user, when given); null when it is in none. */
export async function markClosed(
  q: Queryable,
  tenantId: number,
  orderId: number,
  userId: number | null,
  reason: string,
  from: readonly OrderState[],
): Promise<Order | null> {
  const r = await q.query<OrderRow>(
    `UPDATE orders SET status = ${S.closed}, closed_at = now(), close_reason = $4, updated_at = now()
     WHERE tenant_id = $1 AND id = $2 AND ($3::bigint IS NULL OR user_id = $3) AND status = ANY($5::smallint[]) AND deleted_at IS NULL RETURNING *`,
    [tenantId, orderId, userId, reason, dbStates(from)],
  );
  return r.rows[0] ? toOrder(r.rows[0]) : null;
}

/** Undoes a half-made order: closed, hidden, nothing left to release. null when it is not being created. */
export async function markUndone(q: Queryable, tenantId: number, orderId: number, why: string): Promise<Order | null> {
  const r = await q.query<OrderRow>(
    `UPDATE orders SET status = ${S.closed}, closed_at = now(), close_reason = $3, deleted_at = now(), coupons_released = true, updated_at = now()
     WHERE tenant_id = $1 AND id = $2 AND status IN (${dbStateList(orderStatesFor('undo'))}) RETURNING *`,
    [tenantId, orderId, why],
  );
  return r.rows[0] ? toOrder(r.rows[0]) : null;
}

export async function markCouponsReleased(q: Queryable, tenantId: number | null, orderId: number): Promise<void> {
  if (tenantId === null) await q.query('UPDATE orders SET coupons_released = true WHERE id = $1', [orderId]);
  else await q.query('UPDATE orders SET coupons_released = true WHERE tenant_id = $1 AND id = $2', [tenantId, orderId]);
}

export async function listOrders(q: Queryable, tenantId: number, f: OrderFilter): Promise<{ orders: Order[]; total: number }> {
  const r = await q.query<OrderRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM orders
     WHERE tenant_id = $1 AND status <> ${S.creating} AND ($2::bigint IS NULL OR (user_id = $2 AND deleted_at IS NULL))
       AND ($3::smallint[] IS NULL OR status = ANY($3)) AND ($4::boolean IS NULL OR has_refund = $4) AND ($5::text IS NULL OR order_number = $5)
     ORDER BY id DESC LIMIT $6 OFFSET $7`,
    [tenantId, f.userId ?? null, f.states ? dbStates(f.states) : null, f.hasRefund ?? null, f.orderNumber ?? null, f.limit, f.offset],
  );
  return { orders: r.rows.map(toOrder), total: r.rows[0]?.total ?? 0 };
}

export async function countByState(q: Queryable, tenantId: number, userId: number): Promise<Record<OrderState, number>> {
  const r = await q.query<{ status: number; n: number }>(
    `SELECT status, count(*)::int AS n FROM orders WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL AND status <> ${S.creating} GROUP BY status`,
    [tenantId, userId],
  );
  const out = Object.fromEntries(VISIBLE_STATES.map((s) => [s, 0])) as Record<OrderState, number>;
  for (const x of r.rows) out[orderStateOf(x.status)] = x.n;
  return out;
}

/** What the user paid for orders. */
export async function paidTotal(q: Queryable, tenantId: number, userId: number): Promise<Fen> {
  const r = await q.query<{ s: number }>(
    `SELECT COALESCE(sum(amount_real), 0)::bigint AS s FROM orders WHERE tenant_id = $1 AND user_id = $2 AND status IN (${dbStateList(PAID_STATES)})`,
    [tenantId, userId],
  );
  return Number(r.rows[0]?.s ?? 0);
}

export async function setHasRefund(q: Queryable, orderId: number, has: boolean): Promise<void> {
  await q.query(`UPDATE orders SET has_refund = ${has ? 'true' : 'false'}, updated_at = now() WHERE id = $1`, [orderId]);
}
