// The orders tables ⇄ the domain: stored numbers and rows mapped at the edge.
import type { Row } from '../../../db/rows.ts';
import type { OrderEvent, Order, OrderLine, Refund, RefundState } from '../domain/order.ts';
import { ORDER_STATES, type OrderState } from '../domain/order-state.ts';

/** orders.status as stored (the numbers of earlier versions; no migration). */
export const ORDER_STATE_DB: Record<OrderState, number> = {
  creating: -2,
  closed: -1,
  unpaid: 0,
  paid: 1,
  shipped: 2,
  received: 3,
  reviewed: 4,
};
/** order_logs.type as stored. */
export const ORDER_EVENT_DB: Record<OrderEvent, number> = {
  created: 0,
  closed: -1,
  paid: 1,
  shipped: 2,
  received: 3,
  reviewed: 4,
  after_sales: 5,
};
/** order_refunds.status as stored. */
export const REFUND_STATE_DB: Record<RefundState, number> = { open: 0, cancelled: 1, done: 2, refused: 3 };

const invert = <K extends string>(m: Record<K, number>) => new Map((Object.entries(m) as [K, number][]).map(([k, v]) => [v, k]));
const STATE_OF = invert(ORDER_STATE_DB);
const EVENT_OF = invert(ORDER_EVENT_DB);
const REFUND_OF = invert(REFUND_STATE_DB);

export const orderStateOf = (n: number): OrderState => {
  const s = STATE_OF.get(n);
  if (!s) throw new Error(`orders.status ${n} is not a known state (${ORDER_STATES.join(', ')})`);
  return s;
};
export const orderEventOf = (n: number): OrderEvent => EVENT_OF.get(n) ?? 'created';
export const refundStateOf = (n: number): RefundState => REFUND_OF.get(n) ?? 'open';

/** The stored numbers of some states, for a `status IN (…)` / `= ANY($n)`. */
export const dbStates = (states: readonly OrderState[]): number[] => states.map((s) => ORDER_STATE_DB[s]);
/** The same as SQL text (only ever our own integer constants). */
export const dbStateList = (states: readonly OrderState[]): string => dbStates(states).join(', ');

export type OrderRow = Row<'orders'>;
export type LineRow = Row<'order_lines'>;

export const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  orderNumber: r.order_number,
  state: orderStateOf(r.status),
  storeId: r.store_id,
  goodsNumber: r.goods_number,
  amountGoods: r.amount_goods,
  amountCoupon: r.amount_coupon,
  amountDeduction: r.amount_deduction,
  deductionScore: r.deduction_score,
  amountLogistics: r.amount_logistics,
  amountPayable: r.amount_real,
  couponIds: (r.coupon_ids ?? []).map(Number),
  promoCodes: r.promo_codes ?? [],
  amountPromo: Number(r.amount_promo ?? 0),
  redemptionId: r.redemption_id,
  pickupNumber: r.hx_number,
  pickedUpAt: r.hx_at,
  needsDelivery: r.is_need_logistics,
  deliveryType: r.peisong_type,
  contactName: r.link_man,
  mobile: r.mobile,
  address: r.address,
  provinceId: r.province_id,
  cityId: r.city_id,
  districtId: r.district_id,
  remark: r.remark,
  ext: (r.ext as Record<string, unknown> | null) ?? null,
  expiresAt: r.expires_at,
  paidAt: r.paid_at,
  closedAt: r.closed_at,
  closeReason: r.close_reason,
  hasRefund: r.has_refund,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toLine = (r: LineRow): OrderLine => ({
  id: r.id,
  goodsId: r.goods_id,
  skuId: r.sku_id,
  goodsName: r.goods_name,
  pic: r.pic,
  propertyChildIds: r.property_child_ids,
  propertyStr: r.property_str,
  unitPrice: r.unit_price,
  number: r.number,
  amount: r.amount,
  amountCoupon: r.amount_coupon,
  reputation: r.reputation,
  reputationRemark: r.reputation_remark,
});

export const toRefund = (x: Row<'order_refunds'>): Refund => ({
  id: x.id,
  orderId: x.order_id,
  userId: x.user_id,
  type: x.type,
  logisticsStatus: x.logistics_status,
  reason: x.reason,
  remark: x.remark,
  amount: x.amount,
  pics: x.pics ?? [],
  state: refundStateOf(x.status),
  createdAt: x.created_at,
});

/** Ledger remarks written with the points and wallet moves of orders (stored, shown to users as they are). */
export const LEDGER_REMARK = {
  deduction: '积分抵扣',
  undoneBack: '订单未创建，积分退回',
  closeBack: '关闭订单，积分退回',
  pay: '支付订单',
} as const;

/** Log remarks of a pickup write-off (stored). */
export const pickupLogRemark = (by: { userId?: number; staff: boolean }) => (by.staff ? `核销 (staff)` : `核销 (user ${by.userId ?? ''})`);
