// The apifm dialect's words for orders: status numbers (−2…4) and labels, log
// type numbers, after-sales labels, and the Chinese messages seed 004's
// clients show, produced from the core's typed failures.
import type { OrderError, OrderEvent, OrderRefusal, OrderState, RefundState } from '../../../contexts/commerce/index.ts';

export const ORDER_STATUS: Record<OrderState, number> = {
  creating: -2,
  closed: -1,
  unpaid: 0,
  paid: 1,
  shipped: 2,
  received: 3,
  reviewed: 4,
};
export const ORDER_STATUS_TEXT: Record<OrderState, string> = {
  creating: '创建中',
  closed: '订单关闭',
  unpaid: '待支付',
  paid: '待发货',
  shipped: '待收货',
  received: '待评价',
  reviewed: '已完成',
};
const STATE_OF = new Map((Object.entries(ORDER_STATUS) as [OrderState, number][]).map(([k, v]) => [v, k]));
/** A client's status number → the state (undefined: no such status). */
export const orderStateOfWire = (n: number): OrderState | undefined => STATE_OF.get(n);

export const ORDER_LOG_TYPE: Record<OrderEvent, number> = {
  created: 0,
  closed: -1,
  paid: 1,
  shipped: 2,
  received: 3,
  reviewed: 4,
  after_sales: 5,
};

export const REFUND_STATUS: Record<RefundState, number> = { open: 0, cancelled: 1, done: 2, refused: 3 };
export const REFUND_STATUS_TEXT: Record<RefundState, string> = { open: '处理中', cancelled: '已撤销', done: '已处理', refused: '已拒绝' };

/** Refusals of order/create → its documented codes. */
export const CREATE_CODES: Record<OrderRefusal, number> = {
  bad_lines: 10001,
  no_lines: 90004,
  bad_goods: 20000,
  off_sale: 40002,
  sku_needed: 20001,
  bad_sku: 90000,
  stores: 9000,
  stock: 60000,
  coupon: 30000,
  threshold: 30001,
  points: 70001,
  points_short: 70001,
  remark: 10005,
  // Not in seed 004 (it has no promo codes): the coupon code, with the reason in msg.
  promo: 30000,
  no_user: 20000,
};

/** The message a refusal of order/create shows: the seed's texts where it has one, else the core's. */
export function createMessage(e: OrderError): string {
  switch (e.details.orderReason) {
    case 'stock':
      return '库存不足';
    case 'points_short':
      return '积分不足';
    default:
      return e.message;
  }
}

/** The seed's text for a refused move, by use-case. */
export const STATE_TEXT = {
  pay: '当前订单无需支付',
  close: '当前订单无法关闭',
  remove: '当前订单无法删除',
  receive: '订单状态错误',
  review: '状态错误，只有待评价状态才能评价',
  after_sales: '当前订单无法发起售后',
} as const;

export const TEXT = {
  noWallet: '找不到用户钱包',
  notClerk: '您未获得该接口权限',
  unknownPickup: '核销码不存在',
  pickupClosed: '订单已关闭',
  pickupUnpaid: '订单未付款',
  pickupDone: '已核销，无需重复核销',
  reviewLine: '参数有误，评价商品记录不存在',
  reviewMissing: '每个商品都需要评价哦~',
  afterSalesOpen: '请勿重复申请',
  afterSalesNone: '无权查看该订单的售后信息',
} as const;

/** A refused pickup write-off → its code and text (closed 10000, unpaid 20000, otherwise already written off 30000). */
export function pickupRefusal(state: OrderState | undefined): [code: number, msg: string] {
  if (state === 'closed') return [10000, TEXT.pickupClosed];
  if (state === 'unpaid') return [20000, TEXT.pickupUnpaid];
  return [30000, TEXT.pickupDone];
}

/** A failure whose move was refused → the seed's text for that use-case; other failures keep the core's message. */
export function orderMessage(e: OrderError, step: keyof typeof STATE_TEXT): string {
  return e.details.orderReason === 'state' ? STATE_TEXT[step] : e.message;
}

/** The failure with its apifm text for the step that failed. */
export const withText = (e: OrderError, step: Parameters<typeof orderMessage>[1]): OrderError => ({ ...e, message: orderMessage(e, step) });
