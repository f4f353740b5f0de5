// After-sales requests (order_refunds): one open request per order.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Order, Refund, RefundInput } from '../domain/order.ts';
import { REFUND_STATE_DB, toOrder, toRefund, type OrderRow } from './order-rows.ts';

export async function lockUserOrder(q: Queryable, tenantId: number, orderId: number, userId: number): Promise<Order | null> {
  const o = await q.query<OrderRow>(
    'SELECT * FROM orders WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND deleted_at IS NULL FOR UPDATE',
    [tenantId, orderId, userId],
  );
  return o.rows[0] ? toOrder(o.rows[0]) : null;
}

/** The new open request, or null when the order has one already. */
export async function insertRefund(
  q: Queryable,
  tenantId: number,
  userId: number,
  input: RefundInput & { reason: string },
): Promise<Refund | null> {
  const r = await q.query<Row<'order_refunds'>>(
    `INSERT INTO order_refunds (tenant_id, order_id, user_id, type, logistics_status, reason, remark, amount, pics)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (order_id, tenant_id) WHERE status = ${REFUND_STATE_DB.open} DO NOTHING RETURNING *`,
    [
      tenantId,
      input.orderId,
      userId,
      input.type,
      input.logisticsStatus,
      input.reason,
      input.remark ?? null,
      input.amount,
      input.pics ?? [],
    ],
  );
  return r.rows[0] ? toRefund(r.rows[0]) : null;
}

export async function cancelOpenRefund(q: Queryable, tenantId: number, orderId: number, userId: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE order_refunds SET status = ${REFUND_STATE_DB.cancelled}, updated_at = now() WHERE tenant_id = $1 AND order_id = $2 AND user_id = $3 AND status = ${REFUND_STATE_DB.open}`,
    [tenantId, orderId, userId],
  );
  return r.rowCount === 1;
}

export async function refundsOf(q: Queryable, tenantId: number, orderId: number, userId: number): Promise<Refund[]> {
  const r = await q.query<Row<'order_refunds'>>(
    'SELECT * FROM order_refunds WHERE tenant_id = $1 AND order_id = $2 AND user_id = $3 ORDER BY id DESC',
    [tenantId, orderId, userId],
  );
  return r.rows.map(toRefund);
}
