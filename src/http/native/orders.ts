// Staff read shop orders, ship them, write off pickups and close unpaid ones.
import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult, statusOf } from '../problem.ts';
import { formatMoney } from '../../kernel/money.ts';
import type { Order, OrderError, OrderLine, OrderResult, OrderState } from '../../contexts/commerce/index.ts';
import type { FastifyReply } from 'fastify';

// The native API's order words (kept as they were): status numbers and labels,
// and the problem details its order refusals have always carried.
const STATUS: Record<OrderState, number> = { creating: -2, closed: -1, unpaid: 0, paid: 1, shipped: 2, received: 3, reviewed: 4 };
const STATUS_TEXT: Record<OrderState, string> = {
  creating: '创建中',
  closed: '订单关闭',
  unpaid: '待支付',
  paid: '待发货',
  shipped: '待收货',
  received: '待评价',
  reviewed: '已完成',
};
const STATE_OF = new Map((Object.entries(STATUS) as [OrderState, number][]).map(([k, v]) => [v, k]));

/** An order refusal as the native problem it has always been (detail text and extra members). */
function problemOf(e: OrderError): { detail: string; extra?: Record<string, unknown> } {
  const d = e.details;
  if (d.orderReason === 'unknown_pickup') return { detail: '核销码不存在' };
  if (d.orderReason === 'state' && d.step === 'close')
    return { detail: '当前订单无法关闭', extra: d.state ? { orderStatus: STATUS[d.state] } : undefined };
  if (d.orderReason === 'state' && d.step === 'write_off') {
    if (d.state === 'closed') return { detail: '订单已关闭', extra: { reason: 'closed' } };
    if (d.state === 'unpaid') return { detail: '订单未付款', extra: { reason: 'unpaid' } };
    return { detail: '已核销，无需重复核销', extra: { reason: 'done' } };
  }
  return { detail: e.message };
}

function sendOrder<T>(reply: FastifyReply, r: OrderResult<T>, map: (v: T) => unknown) {
  if (r.ok) return sendResult(reply, r, 200, map);
  const p = problemOf(r.error);
  return sendProblem(reply, r.error.code, statusOf(r.error.code), p.detail, p.extra);
}

const LineOut = Type.Object({
  id: Id,
  goodsId: Id,
  skuId: Nullable(Type.Integer()),
  goodsName: Type.String(),
  propertyChildIds: Type.String(),
  unitPrice: Money,
  number: Type.Integer(),
  amount: Money,
  amountCoupon: Money,
});

const OrderOut = Type.Object({
  id: Id,
  orderNumber: Type.String(),
  userId: Id,
  status: Type.Integer({ description: '-1 closed, 0 awaiting payment, 1 paid, 2 shipped, 3 received, 4 reviewed' }),
  statusText: Type.String(),
  storeId: Nullable(Type.Integer()),
  goodsNumber: Type.Integer(),
  amountGoods: Money,
  amountCoupon: Money,
  amountDeduction: Money,
  deductionScore: Type.Integer(),
  amountReal: Money,
  couponIds: Type.Array(Type.Integer()),
  redemptionId: Nullable(Type.Integer()),
  hxAt: Nullable(Type.String({ format: 'date-time' })),
  remark: Nullable(Type.String()),
  paidAt: Nullable(Type.String({ format: 'date-time' })),
  closedAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  lines: Type.Optional(Type.Array(LineOut)),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const orderOut = (o: Order, lines?: OrderLine[]) => ({
  id: o.id,
  orderNumber: o.orderNumber,
  userId: o.userId,
  status: STATUS[o.state],
  statusText: STATUS_TEXT[o.state],
  storeId: o.storeId,
  goodsNumber: o.goodsNumber,
  amountGoods: formatMoney(o.amountGoods),
  amountCoupon: formatMoney(o.amountCoupon),
  amountDeduction: formatMoney(o.amountDeduction),
  deductionScore: o.deductionScore,
  amountReal: formatMoney(o.amountPayable),
  couponIds: o.couponIds,
  redemptionId: o.redemptionId,
  hxAt: iso(o.pickedUpAt),
  remark: o.remark,
  paidAt: iso(o.paidAt),
  closedAt: iso(o.closedAt),
  createdAt: o.createdAt.toISOString(),
  ...(lines
    ? {
        lines: lines.map((l) => ({
          id: l.id,
          goodsId: l.goodsId,
          skuId: l.skuId,
          goodsName: l.goodsName,
          propertyChildIds: l.propertyChildIds,
          unitPrice: formatMoney(l.unitPrice),
          number: l.number,
          amount: formatMoney(l.amount),
          amountCoupon: formatMoney(l.amountCoupon),
        })),
      }
    : {}),
});

export default async function orderRoutes(app: NativeApp) {
  const { services, guard } = app;
  const staff = guard({ roles: ['owner', 'admin', 'operator', 'auditor'] });
  const act = [guard({ roles: ['owner', 'admin', 'operator', 'seller'] }), app.idempotent];

  app.get(
    '/orders',
    {
      preHandler: staff,
      schema: {
        tags: ['orders'],
        summary: 'Shop orders, newest first, filtered by user, status, order number',
        security: [{ bearer: [] }],
        querystring: Type.Object({
          userId: Type.Optional(Id),
          status: Type.Optional(Type.Integer({ minimum: -1, maximum: 4 })),
          orderNumber: Type.Optional(Type.String({ maxLength: 64 })),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(OrderOut), total: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await services.orders.list(tenantOf(req), {
        userId: q.userId,
        states: q.status === undefined ? null : [STATE_OF.get(q.status)!],
        orderNumber: q.orderNumber,
        ...pageOf(q),
      });
      return { items: r.items.map((x) => orderOut(x.order, x.lines)), total: r.total };
    },
  );

  app.get(
    '/orders/:id',
    {
      preHandler: staff,
      schema: {
        tags: ['orders'],
        summary: 'One order with its lines',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: OrderOut, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const d = await services.orders.detail(tenantOf(req), { id: req.params.id });
      if (!d) return sendProblem(reply, 'not_found', 404, 'order not found');
      return orderOut(d.order, d.lines);
    },
  );

  app.post(
    '/orders/:id/ship',
    {
      preHandler: act,
      schema: {
        tags: ['orders'],
        summary: 'Mark a paid order shipped',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: OrderOut, ...errors(401, 403, 409) },
      },
    },
    async (req, reply) => sendOrder(reply, await services.orders.ship(tenantOf(req), req.params.id, principalOf(req)), (o) => orderOut(o)),
  );

  app.post(
    '/orders/:id/close',
    {
      preHandler: [guard({ roles: ['owner', 'admin', 'operator'] }), app.idempotent],
      schema: {
        tags: ['orders'],
        summary: 'Close an unpaid order: stock, points and coupons go back',
        security: [{ bearer: [] }],
        params: IdParams,
        response: { 200: OrderOut, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => sendOrder(reply, await services.orders.close(tenantOf(req), req.params.id, null, 'staff'), (o) => orderOut(o)),
  );

  app.post(
    '/orders/hx',
    {
      preHandler: act,
      schema: {
        tags: ['orders'],
        summary: 'Write off a pickup order by its number',
        security: [{ bearer: [] }],
        body: Type.Object({ hxNumber: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: OrderOut, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendOrder(reply, await services.orders.writeOff(tenantOf(req), req.body.hxNumber, { principal: principalOf(req) }), (o) =>
        orderOut(o),
      ),
  );
}
