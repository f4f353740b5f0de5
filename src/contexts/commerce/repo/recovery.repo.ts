// What recovery looks for: orders stuck being created, closed orders whose
// coupons were not given back, unpaid orders past their expiry.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import { ORDER_STATE_DB as S } from './order-rows.ts';

export async function stuckCreating(
  q: Queryable,
  olderThanSec: number,
  tenantId: number | null,
): Promise<{ id: number; tenantId: number; orderNumber: string; amountCoupon: number }[]> {
  const r = await q.query<RowOf<'orders', 'id' | 'tenant_id' | 'order_number' | 'amount_coupon'>>(
    `SELECT id, tenant_id, order_number, amount_coupon FROM orders
     WHERE status = ${S.creating} AND created_at < now() - make_interval(secs => $1) AND ($2::bigint IS NULL OR tenant_id = $2) LIMIT 500`,
    [olderThanSec, tenantId],
  );
  return r.rows.map((o) => ({ id: o.id, tenantId: o.tenant_id, orderNumber: o.order_number, amountCoupon: o.amount_coupon }));
}

/** creating → unpaid with the redemption that was made for it; false when it moved meanwhile. */
export async function finishCreating(q: Queryable, orderId: number, redemptionId: number): Promise<boolean> {
  const u = await q.query(
    `UPDATE orders SET status = ${S.unpaid}, redemption_id = $2, updated_at = now() WHERE id = $1 AND status = ${S.creating}`,
    [orderId, redemptionId],
  );
  return u.rowCount === 1;
}

export async function closedWithCouponsHeld(
  q: Queryable,
  olderThanSec: number,
  tenantId: number | null,
): Promise<{ id: number; tenantId: number; redemptionId: number }[]> {
  const r = await q.query<{ id: number; tenant_id: number; redemption_id: number }>(
    `SELECT id, tenant_id, redemption_id FROM orders WHERE status = ${S.closed} AND redemption_id IS NOT NULL AND NOT coupons_released
       AND closed_at < now() - make_interval(secs => $1) AND ($2::bigint IS NULL OR tenant_id = $2) LIMIT 500`,
    [olderThanSec, tenantId],
  );
  return r.rows.map((o) => ({ id: o.id, tenantId: o.tenant_id, redemptionId: o.redemption_id }));
}

export async function expiredUnpaid(q: Queryable, tenantId: number | null): Promise<{ id: number; tenantId: number }[]> {
  const r = await q.query<RowOf<'orders', 'id' | 'tenant_id'>>(
    `SELECT id, tenant_id FROM orders WHERE status = ${S.unpaid} AND expires_at IS NOT NULL AND expires_at < now() AND ($1::bigint IS NULL OR tenant_id = $1) LIMIT 500`,
    [tenantId],
  );
  return r.rows.map((o) => ({ id: o.id, tenantId: o.tenant_id }));
}
