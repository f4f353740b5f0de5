// Creating an order for real, in one transaction: points, the coupon core's
// redemption (redeemIn), the order row with its lines and first log entry,
// and stock last (the hot goods row is locked for the shortest time). All or
// nothing: any refusal is returned and rolls the whole transaction back.
import type { Queryable } from '../../db/store.ts';
import { formatMoney } from '../../kernel/money.ts';
import { ErrorCode, ok } from '../../kernel/result.ts';
import { moveBalance } from '../loyalty/index.ts';
import { takeStock } from './catalogue.ts';
import type { Order, OrderInput, OrderQuote } from './domain/order.ts';
import { newOrderNumber, newPickupNumber } from './domain/order-number.ts';
import { orderTx, type OrderDeps } from './order-deps.ts';
import { orderFail, type OrderResult } from './order-errors.ts';
import { priceOrder, type QuoteCode } from './quote.ts';
import { LEDGER_REMARK } from './repo/order-rows.ts';
import { findOrder, insertOrder, nextOrderId } from './repo/orders.repo.ts';
import { recordEvents } from '../events/index.ts';

/** The quote's codes, and whatever the coupon core's redeemIn refuses with (it names no codes of its own yet). */
export type CreateCode = QuoteCode | ErrorCode;

/** The coupon core's codes that only a promo code's use gives. */
const PROMO_CAUSES: readonly ErrorCode[] = [ErrorCode.sold_out, ErrorCode.per_user_limit, ErrorCode.audience_mismatch];

/** Takes the points the quote deducts. */
async function takePoints(
  q: Queryable,
  tenantId: number,
  userId: number,
  qv: OrderQuote,
  orderNumber: string,
): Promise<OrderResult<void, 'not_found' | 'not_enough_points'>> {
  if (qv.deductionScore <= 0) return ok(undefined);
  const p = await moveBalance(q, 'points', tenantId, userId, -qv.deductionScore, 'order_deduction', orderNumber, LEDGER_REMARK.deduction);
  if (p.ok) return ok(undefined);
  return p.error.code === ErrorCode.not_found
    ? orderFail('not_found', 'no_user', p.error.message)
    : orderFail('not_enough_points', 'points_short', 'not enough points');
}

/**
 * Redeems the quote's coupons and promo codes by the coupon core in this same
 * transaction; the redemption id (null without coupons). A refusal is the
 * promo codes' when the coupon core's promo rules refuse them now.
 */
async function redeemCoupons(
  d: OrderDeps,
  q: Queryable,
  tenantId: number,
  userId: number,
  qv: OrderQuote,
  orderNumber: string,
): Promise<OrderResult<number | null, ErrorCode>> {
  if (!qv.couponCodes.length && !qv.promoCodes.length) return ok(null);
  const red = await d.redemptions.redeemIn(
    q,
    tenantId,
    {
      userId,
      storeId: qv.storeId,
      items: qv.lines.map((l) => ({ goodsId: l.goodsId, categoryId: l.categoryId, price: formatMoney(l.unitPrice), quantity: l.number })),
      couponCodes: qv.couponCodes,
      promoCodes: qv.promoCodes,
      orderRef: orderNumber,
    },
    null,
  );
  if (!red.ok) {
    const promo =
      qv.promoCodes.length > 0 &&
      (PROMO_CAUSES.includes(red.error.code) || !(await d.promoLoader.load(q, tenantId, qv.promoCodes, userId, d.now())).ok);
    return orderFail(red.error.code, promo ? 'promo' : 'coupon', promo ? `promo code: ${red.error.message}` : red.error.message, {
      cause: red.error.code,
    });
  }
  // The core re-prices under its locks; a different discount means the quote went stale.
  if (red.value.discountTotal !== qv.amountCoupon)
    return orderFail('coupon_not_eligible', 'coupon', 'the coupons changed while ordering; try again');
  return ok(red.value.id);
}

async function writeOrder(
  d: OrderDeps,
  q: Queryable,
  tenantId: number,
  userId: number,
  input: OrderInput,
  qv: OrderQuote,
): Promise<OrderResult<number, ErrorCode>> {
  const at = d.now();
  const id = await nextOrderId(q);
  const orderNumber = newOrderNumber(at, id);
  const points = await takePoints(q, tenantId, userId, qv, orderNumber);
  if (!points.ok) return points;
  const redemption = await redeemCoupons(d, q, tenantId, userId, qv, orderNumber);
  if (!redemption.ok) return redemption;
  const expireMinutes = input.expireMinutes ?? null;
  await insertOrder(
    q,
    {
      id,
      tenantId,
      userId,
      orderNumber,
      state: 'unpaid',
      storeId: qv.storeId,
      goodsNumber: qv.goodsNumber,
      amountGoods: qv.amountGoods,
      amountCoupon: qv.amountCoupon,
      amountDeduction: qv.amountDeduction,
      deductionScore: qv.deductionScore,
      amountLogistics: qv.amountLogistics,
      amountPayable: qv.amountPayable,
      couponIds: qv.couponIds,
      pickupNumber: newPickupNumber(id),
      needsDelivery: qv.needsDelivery,
      deliveryType: input.deliveryType ?? null,
      contactName: input.contactName ?? null,
      mobile: input.mobile ?? null,
      address: input.address ?? null,
      provinceId: input.provinceId ?? null,
      cityId: input.cityId ?? null,
      districtId: input.districtId ?? null,
      remark: input.remark ?? null,
      ext: input.ext ?? null,
      expiresAt: expireMinutes && expireMinutes > 0 ? new Date(at.getTime() + expireMinutes * 60_000) : null,
      createdAt: at,
      promoCodes: qv.promoCodes,
      amountPromo: qv.amountPromo,
      redemptionId: redemption.value,
    },
    qv.lines,
  );
  // Last, so the hot goods row is locked for the shortest time.
  if (!(await takeStock(q, tenantId, qv.lines))) return orderFail('sold_out', 'stock', 'not enough stock');
  const created = { orderId: id, orderNo: orderNumber, userId, amountFen: qv.amountPayable, status: 'unpaid' };
  await recordEvents(q, [{ tenantId, type: 'order.created', payload: created }]);
  return ok(id);
}

/** Creates the order for real: all or nothing. */
export async function createOrder(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  input: OrderInput,
): Promise<OrderResult<Order, CreateCode>> {
  const quoted = await priceOrder(d, tenantId, userId, input, false);
  if (!quoted.ok) return quoted;
  const made = await orderTx(d.deps.db, (q) => writeOrder(d, q, tenantId, userId, input, quoted.value));
  if (!made.ok) return made;
  return ok((await findOrder(d.deps.db, tenantId, { id: made.value }))!);
}
