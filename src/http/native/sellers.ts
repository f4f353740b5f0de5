import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NativeApp } from './types.ts';
import { errors, Id, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import { formatMoney } from '../../kernel/money.ts';
import type { Customer, Seller, WriteOffRecord } from '../../contexts/sellers/index.ts';

const sec = [{ bearer: [] }];
const SellerOut = Type.Object({
  id: Id,
  account: Type.String(),
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  wechat: Nullable(Type.String()),
  pic: Nullable(Type.String()),
  intro: Nullable(Type.String()),
  referralCode: Nullable(Type.String()),
  userId: Nullable(Type.Integer()),
  isDefault: Type.Boolean(),
  storeIds: Type.Array(Type.Integer()),
  disabled: Type.Boolean(),
});
const CustomerOut = Type.Object({
  id: Id,
  uid: Type.String(),
  phone: Nullable(Type.String()),
  nick: Nullable(Type.String()),
  seller: Nullable(SellerOut),
  bound: Type.Boolean({ description: 'bound to this seller explicitly; false = owned as the default seller' }),
  isSeller: Type.Boolean(),
  frequenter: Type.Boolean(),
  channel: Nullable(Type.String()),
  boundAt: Nullable(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
});
const WriteOffOut = Type.Object({
  id: Id,
  date: Type.String({ format: 'date-time' }),
  storeId: Nullable(Type.Integer()),
  discount: Money,
  couponCode: Type.String(),
  couponId: Id,
  templateId: Id,
  templateName: Type.String(),
  expired: Type.Boolean(),
});

const sellerOut = (s: Seller) => s;
const customerOut = (c: Customer) => ({ ...c, boundAt: c.boundAt?.toISOString() ?? null, createdAt: c.createdAt.toISOString() });
const writeOffOut = (w: WriteOffRecord) => ({
  id: w.id,
  date: w.date.toISOString(),
  storeId: w.storeId,
  discount: formatMoney(w.discount),
  couponCode: w.coupon.code,
  couponId: w.coupon.id,
  templateId: w.template.id,
  templateName: w.template.name,
  expired: w.coupon.expired,
});

const VIEWERS = ['owner', 'admin', 'operator', 'auditor'];

/** Managers see every seller; a seller only itself. */
function canView(req: FastifyRequest, reply: FastifyReply, sellerId: number): boolean {
  const p = principalOf(req);
  if (p.role === 'platform_admin' || VIEWERS.includes(p.role)) return true;
  if (p.kind === 'staff' && p.role === 'seller' && p.staffId === sellerId) return true;
  void sendProblem(reply, 'forbidden', 403, 'a seller may only look at its own customers and write-offs');
  return false;
}

export default async function sellerRoutes(app: NativeApp) {
  sellerListRoutes(app);
  sellerBindingRoutes(app);
}

function sellerListRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.get(
    '/sellers',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator', 'auditor'] }),
      schema: {
        tags: ['sellers'],
        summary: 'Sellers (staff with role seller) and their profiles',
        security: sec,
        response: { 200: Type.Object({ items: Type.Array(SellerOut) }), ...errors(401, 403) },
      },
    },
    async (req) => ({ items: (await services.sellers.list(tenantOf(req))).map(sellerOut) }),
  );

  app.put(
    '/sellers/:id',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['sellers'],
        summary:
          "Set a seller's profile: WeChat, picture, intro, referral code (generated when absent), linked consumer account, default seller",
        security: sec,
        params: Type.Object({ id: Id }),
        body: Type.Object({
          wechat: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
          pic: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
          intro: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
          referralCode: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' }))),
          userId: Type.Optional(Nullable(Id)),
          isDefault: Type.Optional(Type.Boolean()),
        }),
        response: { 200: SellerOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.sellers.saveProfile(tenantOf(req), req.params.id, req.body, principalOf(req)), 200, sellerOut),
  );

  app.get(
    '/sellers/:id/customers',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator', 'auditor', 'seller'] }),
      schema: {
        tags: ['sellers'],
        summary: "A seller's customers (bound to it, plus every unbound consumer for the default seller)",
        security: sec,
        params: Type.Object({ id: Id }),
        querystring: Type.Object(PageQuery),
        response: { 200: Type.Object({ items: Type.Array(CustomerOut), total: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      if (!canView(req, reply, req.params.id)) return reply;
      const r = await services.sellers.customers(tenantOf(req), req.params.id, pageOf(req.query));
      return { items: r.items.map(customerOut), total: r.total };
    },
  );

  app.get(
    '/sellers/:id/write-offs',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator', 'auditor', 'seller'] }),
      schema: {
        tags: ['sellers'],
        summary: "A seller's coupon write-offs, newest first",
        security: sec,
        params: Type.Object({ id: Id }),
        querystring: Type.Object({ code: Type.Optional(Type.String({ maxLength: 64 })), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(WriteOffOut), total: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      if (!canView(req, reply, req.params.id)) return reply;
      const r = await services.sellers.writeOffs(tenantOf(req), req.params.id, { code: req.query.code, ...pageOf(req.query) });
      return { items: r.items.map(writeOffOut), total: r.total };
    },
  );
}

function sellerBindingRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.put(
    '/users/:id/seller',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator'] }),
      schema: {
        tags: ['sellers'],
        summary: 'Assign a consumer to a seller (sellerId null: back to the default seller)',
        security: sec,
        params: Type.Object({ id: Id }),
        body: Type.Object({ sellerId: Nullable(Id), channel: Type.Optional(Nullable(Type.String({ maxLength: 64 }))) }),
        response: { 200: CustomerOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.sellers.assign(tenantOf(req), req.params.id, req.body.sellerId, principalOf(req), req.body.channel),
        200,
        customerOut,
      ),
  );

  app.post(
    '/sellers/referrals',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator'] }),
      schema: {
        tags: ['sellers'],
        summary: 'Bind a consumer to the seller behind a referral code (as at registration); a bound consumer keeps its seller',
        security: sec,
        body: Type.Object({
          userId: Id,
          referralCode: Type.String({ minLength: 1, maxLength: 32 }),
          channel: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
        }),
        response: { 200: Type.Object({ bound: Type.Boolean(), sellerId: Id }), ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.sellers.bindByReferral(tenantOf(req), req.body.userId, req.body.referralCode, req.body.channel)),
  );
}
