import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import { PROMO_CODE_ACTIONS, type PromoCode } from '../../contexts/coupons/index.ts';

const sec = [{ bearer: [] }];
const Amount = Type.Union([Type.String(), Type.Number()]);
const RuleIn = Type.Object({
  type: Type.String({ description: 'discount_market_price (rate with cap) or amount_off' }),
  condition: Type.Optional(
    Type.Object({ amountAtLeast: Type.Optional(Nullable(Amount)), countAtLeast: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))) }),
  ),
  action: Type.Object({
    discount: Type.Optional(Nullable(Amount)),
    discountAtMost: Type.Optional(Nullable(Amount)),
    amountOff: Type.Optional(Nullable(Amount)),
  }),
});
const Fields = {
  code: Type.String({ minLength: 3, maxLength: 32 }),
  name: Type.String({ minLength: 1, maxLength: 100 }),
  rule: RuleIn,
  limitTimes: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  userUseLimit: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  userSourceLimit: Type.Optional(Nullable(Type.Union([Type.String(), Type.Array(Type.String())]))),
  userTypeLimit: Type.Optional(Nullable(Type.Union([Type.Literal('any'), Type.Literal('new'), Type.Literal('no_purchase')]))),
  validFrom: Type.String({ format: 'date-time' }),
  validTo: Type.String({ format: 'date-time' }),
  // native-api.md names these `department` and `staff`; `departmentId` / `staffId` are accepted too.
  department: Type.Optional(Nullable(Id)),
  staff: Type.Optional(Nullable(Id)),
  departmentId: Type.Optional(Nullable(Id)),
  staffId: Type.Optional(Nullable(Id)),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
};

/** The contract's `department` / `staff` onto the service's ids; an explicit null clears. */
function withIds<T extends { department?: number | null; staff?: number | null; departmentId?: number | null; staffId?: number | null }>(
  b: T,
) {
  const { department, staff, ...rest } = b;
  return {
    ...rest,
    ...(department !== undefined ? { departmentId: department } : {}),
    ...(staff !== undefined ? { staffId: staff } : {}),
  };
}
const PromoOut = Type.Object({
  id: Id,
  code: Type.String(),
  name: Type.String(),
  rule: Type.Unknown(),
  limitTimes: Nullable(Type.Integer()),
  usedTimes: Type.Integer(),
  userUseLimit: Nullable(Type.Integer()),
  userSourceLimit: Type.Array(Type.String()),
  userTypeLimit: Type.String(),
  validFrom: Type.String({ format: 'date-time' }),
  validTo: Type.String({ format: 'date-time' }),
  department: Nullable(Type.Integer()),
  staff: Nullable(Type.Integer()),
  departmentId: Nullable(Type.Integer()),
  staffId: Nullable(Type.Integer()),
  description: Nullable(Type.String()),
  state: Type.String(),
  createdBy: Nullable(Type.Integer()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export const promoOut = (p: PromoCode) => ({
  ...p,
  department: p.departmentId,
  staff: p.staffId,
  validFrom: p.validFrom.toISOString(),
  validTo: p.validTo.toISOString(),
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

export default async function promoCodeRoutes(app: NativeApp) {
  promoCodeEditRoutes(app);
  promoCodeStateRoutes(app);
}

function promoCodeEditRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;

  app.post(
    '/promo-codes',
    {
      preHandler: [guard({ roles: ['owner', 'admin', 'operator'] }), idempotent],
      schema: {
        tags: ['promo codes'],
        summary: 'Create a promo code (pending approval)',
        security: sec,
        body: Type.Object(Fields),
        response: { 201: PromoOut, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.promoCodes.create(tenantOf(req), withIds(req.body), principalOf(req)), 201, promoOut),
  );

  app.get(
    '/promo-codes',
    {
      preHandler: guard(),
      schema: {
        tags: ['promo codes'],
        summary: 'List promo codes; state=pending is the approval queue',
        security: sec,
        querystring: Type.Object({
          state: Type.Optional(Type.String()),
          code: Type.Optional(Type.String()),
          name: Type.Optional(Type.String()),
          department: Type.Optional(Id),
          staff: Type.Optional(Id),
          departmentId: Type.Optional(Id),
          staffId: Type.Optional(Id),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(PromoOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await services.promoCodes.list(tenantOf(req), {
        state: q.state,
        code: q.code,
        name: q.name,
        departmentId: q.department ?? q.departmentId,
        staffId: q.staff ?? q.staffId,
        ...pageOf(q),
      });
      return { items: r.items.map(promoOut), total: r.total };
    },
  );

  app.get(
    '/promo-codes/:id',
    {
      preHandler: guard(),
      schema: {
        tags: ['promo codes'],
        summary: 'One promo code',
        security: sec,
        params: Type.Object({ id: Id }),
        response: { 200: PromoOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const p = await services.promoCodes.get(tenantOf(req), req.params.id);
      return p ? promoOut(p) : sendProblem(reply, 'not_found', 404, 'promo code not found');
    },
  );
}

function promoCodeStateRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;

  app.patch(
    '/promo-codes/:id',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator'] }),
      schema: {
        tags: ['promo codes'],
        summary: 'Change a promo code while draft, pending or rejected (a rejected one goes back to pending)',
        security: sec,
        params: Type.Object({ id: Id }),
        body: Type.Partial(Type.Object(Fields)),
        response: { 200: PromoOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.promoCodes.update(tenantOf(req), req.params.id, withIds(req.body), principalOf(req)), 200, promoOut),
  );

  app.post(
    '/promo-codes/:id/:action',
    {
      preHandler: [guard({ roles: ['owner', 'admin', 'operator', 'auditor'] }), idempotent],
      schema: {
        tags: ['promo codes'],
        summary: 'Approval actions: submit (draft or rejected → pending), approve or reject (pending), void (approved only)',
        security: sec,
        params: Type.Object({ id: Id, action: Type.Union(PROMO_CODE_ACTIONS.map((a) => Type.Literal(a))) }),
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) })),
        response: { 200: PromoOut, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      // The use-case enforces who may take the action; a refusal is a plain 403 here (its details stay in the core).
      const r = await services.promoCodes.act(tenantOf(req), req.params.id, req.params.action, principalOf(req), req.body?.reason);
      if (!r.ok && r.error.code === 'forbidden') return sendProblem(reply, 'forbidden', 403, r.error.message);
      return sendResult(reply, r, 200, promoOut);
    },
  );
}
