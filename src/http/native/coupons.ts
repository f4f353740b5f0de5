import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendError, sendProblem, sendResult } from '../problem.ts';
import { formatMoney } from '../../kernel/money.ts';
import type { Coupon, CouponEvent } from '../../contexts/coupons/index.ts';
import type { Redemption } from '../../contexts/coupons/index.ts';
import { TemplateOut, templateOut } from './templates.ts';

const Time = Type.String({ format: 'date-time' });
const sec = [{ bearer: [] }];

export const CouponOut = Type.Object({
  id: Id,
  code: Type.String(),
  templateId: Id,
  ownerId: Nullable(Type.Integer()),
  source: Type.String(),
  batchId: Nullable(Type.Integer()),
  status: Type.String({ description: 'usable, not_yet_valid, expired, used or voided (computed from state and time)' }),
  validFrom: Nullable(Time),
  validTo: Nullable(Time),
  receivedAt: Nullable(Time),
  usedAt: Nullable(Time),
  redemptionId: Nullable(Type.Integer()),
  createdAt: Time,
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const couponOut = (c: Coupon) => ({
  id: c.id,
  code: c.code,
  templateId: c.templateId,
  ownerId: c.ownerId,
  source: c.source,
  batchId: c.batchId,
  status: c.status,
  validFrom: iso(c.validFrom),
  validTo: iso(c.validTo),
  receivedAt: iso(c.receivedAt),
  usedAt: iso(c.usedAt),
  redemptionId: c.redemptionId,
  createdAt: c.createdAt.toISOString(),
});

const EventOut = Type.Object({
  kind: Type.String(),
  fromUser: Nullable(Type.Integer()),
  toUser: Nullable(Type.Integer()),
  staffId: Nullable(Type.Integer()),
  storeId: Nullable(Type.Integer()),
  redemptionId: Nullable(Type.Integer()),
  details: Nullable(Type.Record(Type.String(), Type.Unknown())),
  createdAt: Time,
});
const eventOut = (e: CouponEvent) => ({ ...e, createdAt: e.createdAt.toISOString() });

export const RedemptionOut = Type.Object({
  id: Id,
  kind: Type.String(),
  orderRef: Nullable(Type.String()),
  userId: Nullable(Type.Integer()),
  storeId: Nullable(Type.Integer()),
  staffId: Nullable(Type.Integer()),
  subtotal: Money,
  discountTotal: Money,
  status: Type.String(),
  createdAt: Time,
  rolledBackAt: Nullable(Time),
  items: Type.Array(Type.Object({ couponCode: Nullable(Type.String()), promoCode: Nullable(Type.String()), discount: Money })),
});
export const redemptionOut = (r: Redemption) => ({
  id: r.id,
  kind: r.kind,
  orderRef: r.orderRef,
  userId: r.userId,
  storeId: r.storeId,
  staffId: r.staffId,
  subtotal: formatMoney(r.subtotal),
  discountTotal: formatMoney(r.discountTotal),
  status: r.status,
  createdAt: r.createdAt.toISOString(),
  rolledBackAt: iso(r.rolledBackAt),
  items: r.items.map((i) => ({ ...i, discount: formatMoney(i.discount) })),
});

const ISSUERS = ['owner', 'admin', 'operator'] as const;

export default async function couponRoutes(app: NativeApp) {
  consumerCouponRoutes(app);
  staffCouponRoutes(app);
  couponLookupRoutes(app);
}

function consumerCouponRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;

  app.post(
    '/coupon-templates/:id/claims',
    {
      preHandler: [guard({ roles: [...ISSUERS] }), idempotent],
      schema: {
        tags: ['coupons'],
        summary: "Claim a coupon on a user's behalf, under the rules of the user's own claim; detect:true only checks",
        description:
          'Stock, per-user limit, claim window, claim password, points cost, price, sign-in days and audience all apply. Honours Idempotency-Key.',
        security: sec,
        params: Type.Object({ id: Id }),
        body: Type.Object({
          userId: Id,
          password: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
          detect: Type.Optional(Type.Boolean()),
          paid: Type.Optional(Type.Boolean({ description: 'the merchant has taken payment for a paid coupon' })),
        }),
        response: {
          200: Type.Object({ wouldSucceed: Type.Boolean() }),
          201: CouponOut,
          ...errors(400, 401, 402, 403, 404, 409, 422),
        },
      },
    },
    async (req, reply) => {
      const r = await services.coupons.claim(tenantOf(req), req.params.id, req.body.userId, req.body, principalOf(req));
      if (!r.ok) return sendError(reply, r.error);
      if (r.value.detect) return reply.code(200).send({ wouldSucceed: true });
      return reply.code(201).send(couponOut(r.value.coupon));
    },
  );

  app.post(
    '/coupons/exchange',
    {
      preHandler: [guard({ roles: [...ISSUERS] }), idempotent],
      schema: {
        tags: ['coupons'],
        summary: 'Exchange a 卡密 code + password from a batch; the coupon becomes the user’s',
        security: sec,
        body: Type.Object({ userId: Id, code: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ maxLength: 64 }) }),
        response: { 201: CouponOut, ...errors(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (req, reply) => sendResult(reply, await services.coupons.exchange(tenantOf(req), req.body, principalOf(req)), 201, couponOut),
  );

  app.post(
    '/coupons/:code/gift',
    {
      preHandler: [guard({ roles: [...ISSUERS] }), idempotent],
      schema: {
        tags: ['coupons'],
        summary: 'Give a coupon to another user of the tenant (by id or mobile); ownership moves, the history keeps both',
        security: sec,
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object({
          fromUserId: Type.Optional(Id),
          toUserId: Type.Optional(Id),
          toMobile: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: { 200: CouponOut, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => {
      if (req.body.toUserId === undefined && !req.body.toMobile)
        return sendProblem(reply, 'invalid_input', 400, 'give toUserId or toMobile');
      return sendResult(reply, await services.coupons.gift(tenantOf(req), req.params.code, req.body, principalOf(req)), 200, couponOut);
    },
  );
}

function staffCouponRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;

  app.post(
    '/coupons/grant',
    {
      preHandler: [guard({ roles: [...ISSUERS] }), idempotent],
      schema: {
        tags: ['coupons'],
        summary: 'Staff give N coupons of an active template to a user (by id or mobile); stock applies',
        security: sec,
        body: Type.Object({
          templateId: Id,
          userId: Type.Optional(Id),
          mobile: Type.Optional(Type.String({ maxLength: 20 })),
          quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
        }),
        response: { 201: Type.Object({ items: Type.Array(CouponOut) }), ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      if (req.body.userId === undefined && !req.body.mobile) return sendProblem(reply, 'invalid_input', 400, 'give userId or mobile');
      return sendResult(reply, await services.coupons.grant(tenantOf(req), req.body, principalOf(req)), 201, (cs) => ({
        items: cs.map(couponOut),
      }));
    },
  );

  app.get(
    '/coupons',
    {
      preHandler: guard(),
      schema: {
        tags: ['coupons'],
        summary: 'Find coupons by owner, owner mobile, template, status or code',
        security: sec,
        querystring: Type.Object({
          ownerId: Type.Optional(Id),
          mobile: Type.Optional(Type.String()),
          templateId: Type.Optional(Id),
          status: Type.Optional(Type.Union(['usable', 'not_yet_valid', 'expired', 'used', 'voided'].map((s) => Type.Literal(s)))),
          code: Type.Optional(Type.String()),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(CouponOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await services.coupons.list(tenantOf(req), {
        ownerId: q.ownerId,
        mobile: q.mobile,
        templateId: q.templateId,
        status: q.status as Coupon['status'] | undefined,
        code: q.code,
        ...pageOf(q),
      });
      return { items: r.items.map(couponOut), total: r.total };
    },
  );
}

function couponLookupRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;

  app.get(
    '/coupons/:code',
    {
      preHandler: guard(),
      schema: {
        tags: ['coupons'],
        summary: 'One coupon with its template and history',
        security: sec,
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.Object({ coupon: CouponOut, template: TemplateOut, history: Type.Array(EventOut) }), ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const r = await services.coupons.get(tenantOf(req), req.params.code);
      if (!r) return sendProblem(reply, 'not_found', 404, `no coupon with code ${req.params.code}`);
      return { coupon: couponOut(r.coupon), template: templateOut(r.template), history: r.history.map(eventOut) };
    },
  );

  app.post(
    '/coupons/:code/write-off',
    {
      preHandler: [guard({ roles: ['owner', 'admin', 'operator', 'seller'] }), idempotent],
      schema: {
        tags: ['redemptions'],
        summary: 'A cashier writes off a coupon in a store; recorded with staff, store, time and amount',
        security: sec,
        params: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }),
        body: Type.Object({
          storeId: Id,
          orderRef: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
          amount: Type.Optional(Nullable(Money)),
        }),
        response: { 201: Type.Composite([RedemptionOut, Type.Object({ coupon: CouponOut })]), ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.redemptions.writeOff(tenantOf(req), req.params.code, req.body, principalOf(req)), 201, (r) => ({
        ...redemptionOut(r),
        coupon: couponOut(r.coupon),
      })),
  );
}
