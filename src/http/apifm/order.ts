// apifm orders: create (or, with calculate=true, only price) with coupons and
// points, list, detail, close, delete, pay from the wallet, pickup write-off,
// confirm receipt, reviews, statistics and after-sales requests.
import type { FastifyRequest } from 'fastify';
import type {
  Order,
  OrderError,
  OrderFailureReason,
  OrderInput,
  OrderLine,
  OrderQuote,
  OrderState,
  UsableCoupon,
} from '../../contexts/commerce/index.ts';
import { withText } from './wire/commerce.ts';
import { userCouponView } from './coupon-views.ts';
import { apifmDate, CODE, err, failure, idList, ok, pageOf, rawParams, route, yuan, type ApifmApp, type Envelope } from './kit.ts';
import {
  CREATE_CODES,
  createMessage,
  ORDER_LOG_TYPE,
  ORDER_STATUS,
  ORDER_STATUS_TEXT,
  orderStateOfWire,
  pickupRefusal,
  STATE_TEXT,
  TEXT,
} from './wire/commerce.ts';

import { orderRefundRoutes } from './order-refunds.ts';
function createFailure(e: OrderError): Envelope {
  const reason = e.details.orderReason;
  const code = (CREATE_CODES as Partial<Record<OrderFailureReason, number>>)[reason];
  if (code !== undefined) return err(code, createMessage(e));
  return failure(e, { not_found: 20000, sold_out: 60000, not_enough_points: 70001, coupon_used: 30000, conflict: 900 });
}

/** The failure with the seed's text for a refused move of this use-case. */

/** goodsJsonStr → lines; null when it is not the documented JSON array. */
export function parseGoodsJson(s: string): OrderInput['lines'] | null {
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    return null;
  }
  if (!Array.isArray(v)) return null;
  const out: OrderInput['lines'] = [];
  for (const x of v) {
    if (!x || typeof x !== 'object') return null;
    const o = x as Record<string, unknown>;
    const goodsId = Number(o.goodsId);
    const number = Number(o.number ?? 1);
    if (!Number.isSafeInteger(goodsId) || !Number.isSafeInteger(number)) return null;
    const pc = o.propertyChildIds;
    out.push({ goodsId, number, propertyChildIds: pc === undefined || pc === null ? '' : String(pc) });
  }
  return out;
}

/** A user coupon as the checkout's couponUserList shows it: the same view as discounts/my, plus what it takes off this cart. */
export function couponUserItem(u: UsableCoupon, tz: string) {
  return { ...userCouponView({ ...u.coupon, template: u.template }, tz), discount: yuan(u.discount) };
}

function quoteOut(q: OrderQuote, tz: string) {
  return {
    amountTotle: yuan(q.amountGoods),
    amountTotleOriginal: yuan(q.amountGoods),
    couponAmount: yuan(q.amountCoupon),
    amountCoupons: yuan(q.amountCoupon),
    deductionMoney: yuan(q.amountDeduction),
    deductionScore: q.deductionScore,
    amountLogistics: yuan(q.amountLogistics),
    amountLogistics2: 0,
    freightScore: 0,
    peisongfee: 0,
    amountReal: yuan(q.amountPayable),
    score: 0,
    goodsNumber: q.goodsNumber,
    isNeedLogistics: q.needsDelivery,
    couponId: q.couponIds,
    // Promo codes (quan's `promoCode` parameter): the codes applied and what they take off (included in couponAmount).
    promoCode: q.promoCodes.join(','),
    promoAmount: yuan(q.amountPromo),
    // Left out when there is none: clients test `if (res.data.couponUserList)` to show the coupon picker.
    couponUserList: q.usable.length ? q.usable.map((u) => couponUserItem(u, tz)) : undefined,
    scoreDeductionRules: q.scoreRules.map((r) => ({ loop: r.loop, score: r.score, money: yuan(r.money) })),
    goodsAdditionalPriceMap: {},
  };
}

export function orderInfo(o: Order, tz: string) {
  return {
    id: o.id,
    orderNumber: o.orderNumber,
    uid: o.userId,
    status: ORDER_STATUS[o.state],
    statusStr: ORDER_STATUS_TEXT[o.state],
    amount: yuan(o.amountGoods),
    amountTotle: yuan(o.amountGoods),
    couponAmount: yuan(o.amountCoupon),
    amountCoupons: yuan(o.amountCoupon),
    deductionMoney: yuan(o.amountDeduction),
    deductionScore: o.deductionScore,
    amountLogistics: yuan(o.amountLogistics),
    amountReal: yuan(o.amountPayable),
    score: 0,
    goodsNumber: o.goodsNumber,
    isNeedLogistics: o.needsDelivery,
    hxNumber: o.pickupNumber,
    isHx: o.pickedUpAt !== null,
    shopId: o.storeId ?? 0,
    remark: o.remark ?? '',
    hasRefund: o.hasRefund,
    refundStatus: o.hasRefund ? 1 : 0,
    isEnd: o.state === 'closed' || o.state === 'reviewed',
    isPay: o.paidAt !== null,
    couponId: o.couponIds,
    promoCode: o.promoCodes.join(','),
    promoAmount: yuan(o.amountPromo),
    type: 0,
    invoiceId: 0,
    dateAdd: apifmDate(o.createdAt, tz),
    datePay: apifmDate(o.paidAt, tz),
    dateClose: apifmDate(o.closedAt, tz),
    dateUpdate: apifmDate(o.updatedAt, tz),
  };
}

const goodsOf = (o: Order, lines: OrderLine[]) =>
  lines.map((l) => ({
    id: l.id,
    orderId: o.id,
    goodsId: l.goodsId,
    goodsName: l.goodsName,
    pic: l.pic ?? '',
    property: l.propertyStr ?? '',
    propertyChildIds: l.propertyChildIds,
    amountSingle: yuan(l.unitPrice),
    amount: yuan(l.amount),
    amountCoupon: yuan(l.amountCoupon),
    number: l.number,
    score: 0,
    isReputation: l.reputation !== null,
    reputation: l.reputation,
  }));

function logisticsOf(o: Order) {
  if (!o.needsDelivery && !o.address) return null;
  return {
    linkMan: o.contactName ?? '',
    mobile: o.mobile ?? '',
    address: o.address ?? '',
    provinceId: o.provinceId ?? '',
    cityId: o.cityId ?? '',
    districtId: o.districtId ?? '',
    provinceStr: '',
    cityStr: '',
    areaStr: '',
    streetStr: '',
    trackingNumber: '',
    shipperName: '',
  };
}

function orderInput(req: FastifyRequest, goodsJsonStr: string): OrderInput | Envelope {
  const raw = rawParams(req);
  const lines = parseGoodsJson(goodsJsonStr);
  if (!lines) return err(10001, 'goodsJsonStr 格式错误');
  const deduction = raw.deductionScore;
  // EW: "-1" no deduction, "0" automatic, n that many points.
  if (deduction !== undefined && !/^(-1|\d{1,12})$/.test(deduction.trim())) return err(CODE.badFormat, '参数格式错误: deductionScore');
  const expire = raw.expireMinutes;
  let ext: Record<string, unknown> | null = null;
  if (raw.extJsonStr) {
    try {
      const e = JSON.parse(raw.extJsonStr) as unknown;
      if (e && typeof e === 'object' && !Array.isArray(e)) ext = e as Record<string, unknown>;
    } catch {
      return err(CODE.badFormat, '参数格式错误: extJsonStr');
    }
  }
  return {
    lines,
    couponIds: idList(raw.couponId),
    promoCodes: (raw.promoCode ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
    deductionScore: deduction === undefined ? -1 : Number(deduction.trim()),
    remark: raw.remark ?? null,
    contactName: raw.linkMan ?? null,
    mobile: raw.mobile ?? null,
    address: raw.address ?? null,
    provinceId: raw.provinceId ?? null,
    cityId: raw.cityId ?? null,
    districtId: raw.districtId ?? null,
    deliveryType: raw.peisongType ?? null,
    expireMinutes: expire && /^\d{1,6}$/.test(expire) ? Number(expire) : null,
    ext,
    filterStoreId: raw.filterShopId && /^\d{1,15}$/.test(raw.filterShopId) ? Number(raw.filterShopId) : null,
  };
}

const isEnvelope = (x: unknown): x is Envelope => !!x && typeof x === 'object' && 'code' in x && 'msg' in x;

export default async function orderRoutes(app: ApifmApp) {
  orderPlaceRoutes(app);
  orderMoveRoutes(app);
  orderRefundRoutes(app);
}

function orderPlaceRoutes(app: ApifmApp) {
  route(
    app,
    {
      method: 'POST',
      url: '/order/create',
      summary: '创建订单 (create an order; calculate=true only prices it)',
      login: true,
      params: {
        goodsJsonStr: 'string!',
        calculate: 'bool',
        couponId: 'string',
        promoCode: 'string',
        deductionScore: 'string',
        remark: 'string',
        linkMan: 'string',
        mobile: 'string',
        address: 'string',
        provinceId: 'string',
        cityId: 'string',
        districtId: 'string',
        peisongType: 'string',
        expireMinutes: 'string',
        extJsonStr: 'string',
        filterShopId: 'string',
      },
      moves: true,
    },
    async ({ req, p, tenant, user, services }) => {
      const input = orderInput(req, p.goodsJsonStr);
      if (isEnvelope(input)) return input;
      if (p.calculate) {
        const q = await services.orders.price(tenant.id, user.userId, input);
        return q.ok ? ok(quoteOut(q.value, tenant.timezone)) : createFailure(q.error);
      }
      const r = await services.orders.create(tenant.id, user.userId, input);
      return r.ok ? ok(orderInfo(r.value, tenant.timezone)) : createFailure(r.error);
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/order/list',
      summary: '订单列表 (orders with goodsMap, logisticsMap, userMap)',
      login: true,
      params: { status: 'string', statusBatch: 'string', hasRefund: 'bool', orderNumber: 'string', page: 'int', pageSize: 'int' },
    },
    async ({ p, tenant, user, services }) => {
      const pg = pageOf(p);
      const statuses = [...idListSigned(p.status), ...idListSigned(p.statusBatch)];
      const states = statuses.map(orderStateOfWire).filter((s): s is OrderState => s !== undefined);
      // Only unknown status numbers: nothing can match.
      if (statuses.length && !states.length) return err(CODE.noData, '暂无数据');
      const r = await services.orders.list(tenant.id, {
        userId: user.userId,
        states: states.length ? states : null,
        hasRefund: p.hasRefund ?? null,
        orderNumber: p.orderNumber ?? null,
        limit: pg.limit,
        offset: pg.offset,
      });
      if (!r.items.length) return err(CODE.noData, '暂无数据');
      const u = await services.users.get(tenant.id, user.userId);
      const goodsMap: Record<number, unknown[]> = {};
      const logisticsMap: Record<number, unknown> = {};
      for (const { order, lines } of r.items) {
        goodsMap[order.id] = goodsOf(order, lines);
        const l = logisticsOf(order);
        if (l) logisticsMap[order.id] = l;
      }
      return ok({
        orderList: r.items.map((x) => orderInfo(x.order, tenant.timezone)),
        goodsMap,
        logisticsMap,
        userMap: { [user.userId]: { id: user.userId, nick: u?.nick ?? '', mobile: u?.mobile ?? '', avatarUrl: u?.avatar ?? '' } },
        totalRow: r.total,
        totalPage: Math.ceil(r.total / pg.pageSize),
      });
    },
  );

  route(
    app,
    { method: 'GET', url: '/order/detail', summary: '订单详情 (order detail)', login: true, params: { id: 'int', hxNumber: 'string' } },
    async ({ p, tenant, user, services }) => {
      if (p.id === undefined && !p.hxNumber) return err(300, '缺少id参数');
      const d = await services.orders.detailForUser(tenant.id, user.userId, { id: p.id, pickupNumber: p.hxNumber });
      if (!d) return err(404, '暂无数据');
      const coupons = await services.orders.couponsOf(tenant.id, d.order.couponIds);
      return ok({
        orderInfo: orderInfo(d.order, tenant.timezone),
        goods: goodsOf(d.order, d.lines),
        logistics: logisticsOf(d.order),
        logisticsTraces: [],
        orderLogisticsShippers: [],
        orderStores: [],
        extJson: d.order.ext ?? {},
        logs: d.logs.map((l) => ({
          type: ORDER_LOG_TYPE[l.event],
          typeStr: l.remark ?? '',
          remark: l.remark ?? '',
          dateAdd: apifmDate(l.createdAt, tenant.timezone),
        })),
        goodsCoupons: [],
        coupons: coupons.map((c) => ({ id: c.coupon.id, pid: c.coupon.templateId, name: c.template?.name ?? '', code: c.coupon.code })),
      });
    },
  );
}

function orderMoveRoutes(app: ApifmApp) {
  route(
    app,
    {
      method: 'POST',
      url: '/order/close',
      summary: '关闭订单 (close an unpaid order)',
      login: true,
      params: { orderId: 'int!' },
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.orders.close(tenant.id, p.orderId, user.userId);
      return r.ok ? ok() : failure(withText(r.error, 'close'), { invalid_state: 20000, not_found: 20000 });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/order/delete',
      summary: '删除订单 (delete a closed or finished order)',
      login: true,
      params: { orderId: 'int!' },
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.orders.remove(tenant.id, user.userId, p.orderId);
      return r.ok ? ok() : failure(withText(r.error, 'remove'), { invalid_state: 20000, not_found: 700 });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/order/pay',
      summary: '钱包支付订单 (pay an order from the wallet)',
      login: true,
      params: { orderId: 'int!' },
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.orders.pay(tenant.id, user.userId, p.orderId);
      if (r.ok) return ok();
      if (r.error.details.orderReason === 'no_wallet') return err(20001, TEXT.noWallet);
      return failure(withText(r.error, 'pay'), {
        invalid_state: 20000,
        not_found: 700,
        insufficient_balance: 20002,
        not_enough_points: 20003,
      });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/order/hx',
      summary: '订单核销 (pickup write-off by number; clerks only)',
      login: true,
      params: { hxNumber: 'string!' },
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.orders.writeOff(tenant.id, p.hxNumber, { userId: user.userId });
      if (r.ok) return ok();
      const d = r.error.details;
      if (d.orderReason === 'not_clerk') return err(CODE.forbidden, TEXT.notClerk);
      if (d.orderReason === 'state') return err(...pickupRefusal(d.state));
      return err(CODE.noData, d.orderReason === 'unknown_pickup' ? TEXT.unknownPickup : r.error.message);
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/order/delivery',
      summary: '确认收货 (confirm receipt)',
      login: true,
      params: { orderId: 'int!' },
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.orders.confirm(tenant.id, user.userId, p.orderId);
      return r.ok ? ok() : failure(withText(r.error, 'receive'), { invalid_state: 20000 });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/order/reputation',
      summary: '评价接口 (review every line of a received order)',
      params: { postJsonString: 'string!' },
      moves: true,
    },
    async ({ req, p, tenant, services }) => {
      let body: { token?: string; orderId?: unknown; reputations?: unknown };
      try {
        body = JSON.parse(p.postJsonString) as typeof body;
      } catch {
        return err(10000, '评价数据请提交 json 数据格式');
      }
      if (!body || typeof body !== 'object') return err(10000, '评价数据请提交 json 数据格式');
      const token = body.token ?? rawParams(req).token;
      const who = token ? await services.consumerAuth.authenticate(tenant.id, String(token)) : null;
      if (!who) return err(CODE.token, '当前登录token无效，请重新登录');
      if (!Array.isArray(body.reputations)) return err(10002, 'reputations 必须是数组的形式');
      const reviews = [];
      for (const x of body.reputations as Record<string, unknown>[]) {
        if (!x || x.id === undefined || x.reputation === undefined) return err(10001, '针对订单的每个商品都需要评价，缺少评价参数');
        reviews.push({
          id: Number(x.id),
          reputation: Number(x.reputation),
          remark: x.remark == null ? null : String(x.remark),
          pics: Array.isArray(x.pics) ? x.pics.map(String) : [],
        });
      }
      const orderId = Number(body.orderId);
      if (!Number.isSafeInteger(orderId)) return err(CODE.missing, '缺少参数 orderId');
      const r = await services.orders.review(tenant.id, who.userId, orderId, reviews);
      if (r.ok) return ok();
      const reason = r.error.details.orderReason;
      if (reason === 'state') return err(20000, STATE_TEXT.review);
      if (reason === 'review_missing') return err(30000, TEXT.reviewMissing);
      if (reason === 'review_line') return err(40000, TEXT.reviewLine);
      return err(CODE.badFormat, r.error.message);
    },
  );
}

function idListSigned(v: string | undefined): number[] {
  if (!v) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^-?\d{1,2}$/.test(s))
    .map(Number);
}
