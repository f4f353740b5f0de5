import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import { formatMoney } from '../../kernel/money.ts';
import type { Quote } from '../../contexts/coupons/index.ts';
import { RedemptionOut, redemptionOut } from './coupons.ts';

const sec = [{ bearer: [] }];
const Item = Type.Object({
  goodsId: Type.Optional(Nullable(Id)),
  categoryId: Type.Optional(Nullable(Id)),
  price: Money,
  quantity: Type.Integer({ minimum: 1, maximum: 100000 }),
});
const CartFields = {
  userId: Type.Optional(Nullable(Id)),
  storeId: Type.Optional(Nullable(Id)),
  items: Type.Array(Item, { minItems: 1, maxItems: 200 }),
  couponCodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
  promoCodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20 })),
};

const Choice = Type.Object({
  codes: Type.Array(Type.String()),
  discount: Money,
  total: Money,
  adjustments: Type.Array(Type.Object({ code: Type.String(), line: Type.Integer(), amount: Money })),
});
const QuoteOut = Type.Object({
  subtotal: Money,
  coupons: Type.Array(
    Type.Object({
      code: Type.String(),
      kind: Type.String(),
      name: Type.String(),
      eligible: Type.Boolean(),
      reason: Nullable(Type.Object({ code: Type.String(), message: Type.String(), conflictsWith: Type.Optional(Type.String()) })),
      discount: Money,
      allocation: Type.Array(Type.Object({ line: Type.Integer(), amount: Money })),
    }),
  ),
  best: Choice,
  selection: Nullable(Choice),
});

type Pick = Quote['pricing']['best'];
const choiceOut = (c: Pick) => ({
  codes: c.couponIds,
  discount: formatMoney(c.discount),
  total: formatMoney(c.total),
  adjustments: c.adjustments.map((a) => ({ code: a.couponId, line: Number(a.lineId), amount: formatMoney(a.amount) })),
});

export function quoteOut(q: Quote) {
  const p = q.pricing;
  return {
    subtotal: formatMoney(p.subtotal),
    coupons: p.evaluations.map((e) => ({
      code: e.id,
      kind: q.coupons.get(e.id)?.kind ?? 'coupon',
      name: q.coupons.get(e.id)?.name ?? '',
      eligible: e.eligible,
      reason: e.reason,
      discount: formatMoney(e.discount),
      allocation: e.allocation.map((a) => ({ line: Number(a.lineId), amount: formatMoney(a.amount) })),
    })),
    best: choiceOut(p.best),
    selection: p.selection ? choiceOut(p.selection) : null,
  };
}

export default async function redemptionRoutes(app: NativeApp) {
  redemptionUseRoutes(app);
  redemptionListRoutes(app);
}

function redemptionUseRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;

  app.post(
    '/quotes',
    {
      preHandler: guard(),
      schema: {
        tags: ['redemptions'],
        summary:
          "Price a cart with the user's coupons and any given codes: each coupon's discount or the reason it does not apply, and the best combination. Changes nothing.",
        security: sec,
        body: Type.Object(CartFields),
        response: { 200: QuoteOut, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) => sendResult(reply, await services.redemptions.quote(tenantOf(req), req.body), 200, quoteOut),
  );

  app.post(
    '/redemptions',
    {
      preHandler: [guard({ roles: ['owner', 'admin', 'operator', 'seller'] }), idempotent],
      schema: {
        tags: ['redemptions'],
        summary: 'Redeem the named coupons and promo codes for an order: all of them or none',
        security: sec,
        body: Type.Object({ ...CartFields, orderRef: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 201: RedemptionOut, ...errors(400, 401, 403, 404, 409, 422) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.redemptions.redeem(tenantOf(req), req.body, principalOf(req)), 201, redemptionOut),
  );

  app.post(
    '/redemptions/:id/rollback',
    {
      preHandler: [guard({ roles: ['owner', 'admin', 'operator'] }), idempotent],
      schema: {
        tags: ['redemptions'],
        summary: 'Roll a redemption back: its coupons become usable again, exactly once',
        security: sec,
        params: Type.Object({ id: Id }),
        response: { 200: RedemptionOut, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.redemptions.rollback(tenantOf(req), req.params.id, principalOf(req)), 200, redemptionOut),
  );

  app.get(
    '/redemptions/:id',
    {
      preHandler: guard(),
      schema: {
        tags: ['redemptions'],
        summary: 'One redemption',
        security: sec,
        params: Type.Object({ id: Id }),
        response: { 200: RedemptionOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const r = await services.redemptions.get(tenantOf(req), req.params.id);
      return r ? redemptionOut(r) : sendProblem(reply, 'not_found', 404, 'redemption not found');
    },
  );
}

function redemptionListRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.get(
    '/redemptions',
    {
      preHandler: guard(),
      schema: {
        tags: ['redemptions'],
        summary: 'Redemptions and write-offs, filtered by store, staff, kind and time',
        security: sec,
        querystring: Type.Object({
          storeId: Type.Optional(Id),
          staffId: Type.Optional(Id),
          kind: Type.Optional(Type.Union([Type.Literal('order'), Type.Literal('write_off')])),
          from: Type.Optional(Type.String({ format: 'date-time' })),
          to: Type.Optional(Type.String({ format: 'date-time' })),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(RedemptionOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await services.redemptions.list(tenantOf(req), {
        storeId: q.storeId,
        staffId: q.staffId,
        kind: q.kind,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        ...pageOf(q),
      });
      return { items: r.items.map(redemptionOut), total: r.total };
    },
  );
}
