import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import { formatMoney, fenToRate } from '../../kernel/money.ts';
import type { Template, TemplateAction } from '../../contexts/coupons/index.ts';
import { APPROVAL_TABLE, TEMPLATE_ACTIONS } from '../../contexts/identity/index.ts';
import type { Role } from '../../kernel/deps.ts';

const Time = Type.String({ format: 'date-time' });
const DiscountIn = Type.Union([
  Type.Object({ type: Type.Literal('amount'), amount: Money }),
  Type.Object({ type: Type.Literal('rate'), rate: Type.String({ pattern: '^0?\\.\\d{1,4}$' }), maxOff: Type.Optional(Nullable(Money)) }),
]);
const ScopeIn = Type.Union([
  Type.Object({ type: Type.Literal('all') }),
  Type.Object({ type: Type.Literal('categories'), ids: Type.Array(Id, { minItems: 1 }) }),
  Type.Object({ type: Type.Literal('goods'), ids: Type.Array(Id, { minItems: 1 }) }),
]);
const ValidityIn = Type.Union([
  Type.Object({ type: Type.Literal('fixed'), from: Time, to: Time }),
  Type.Object({
    type: Type.Literal('relative'),
    days: Type.Integer({ minimum: 1, maximum: 3650 }),
    startAfterDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
  }),
]);
const AudienceIn = Type.Object({
  userType: Type.Union([Type.Literal('any'), Type.Literal('new'), Type.Literal('no_purchase')]),
  sources: Type.Optional(Type.Array(Type.String())),
});

const TemplateFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  discount: DiscountIn,
  minSpend: Type.Optional(Money),
  minQuantity: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  scope: Type.Optional(ScopeIn),
  storeIds: Type.Optional(Type.Array(Id)),
  validity: ValidityIn,
  claimFrom: Type.Optional(Nullable(Time)),
  claimTo: Type.Optional(Nullable(Time)),
  stock: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
  perUserLimit: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  claimCostPoints: Type.Optional(Type.Integer({ minimum: 0 })),
  price: Type.Optional(Money),
  claimPassword: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  requiredSignInDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
  audience: Type.Optional(AudienceIn),
  stackable: Type.Optional(Type.Boolean()),
};

const CreateBody = Type.Object({ ...TemplateFields, activate: Type.Optional(Type.Boolean()) });
const PatchBody = Type.Partial(Type.Object(TemplateFields));

export const TemplateOut = Type.Object({
  id: Id,
  name: Type.String(),
  description: Nullable(Type.String()),
  discount: Type.Object({
    type: Type.String(),
    amount: Type.Optional(Money),
    rate: Type.Optional(Type.String()),
    maxOff: Type.Optional(Nullable(Money)),
  }),
  minSpend: Money,
  minQuantity: Nullable(Type.Integer()),
  scope: Type.Object({ type: Type.String(), ids: Type.Optional(Type.Array(Type.Integer())) }),
  storeIds: Type.Array(Type.Integer()),
  validity: Type.Object({
    type: Type.String(),
    from: Type.Optional(Time),
    to: Type.Optional(Time),
    days: Type.Optional(Type.Integer()),
    startAfterDays: Type.Optional(Type.Integer()),
  }),
  claimFrom: Nullable(Time),
  claimTo: Nullable(Time),
  stock: Nullable(Type.Integer()),
  issued: Type.Integer(),
  left: Nullable(Type.Integer()),
  perUserLimit: Nullable(Type.Integer()),
  claimCostPoints: Type.Integer(),
  price: Money,
  hasClaimPassword: Type.Boolean(),
  requiredSignInDays: Type.Integer(),
  audience: Type.Object({ userType: Type.String(), sources: Type.Array(Type.String()) }),
  stackable: Type.Boolean(),
  state: Type.String(),
  createdAt: Time,
  updatedAt: Time,
});

export function templateOut(t: Template) {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    discount:
      t.discount.type === 'amount'
        ? { type: 'amount', amount: formatMoney(t.discount.amountOff) }
        : { type: 'rate', rate: fenToRate(t.discount.rateBp), maxOff: t.discount.maxOff === null ? null : formatMoney(t.discount.maxOff) },
    minSpend: formatMoney(t.minSpend),
    minQuantity: t.minQuantity,
    scope: t.scope,
    storeIds: t.storeIds,
    validity:
      t.validity.type === 'fixed'
        ? { type: 'fixed', from: t.validity.from.toISOString(), to: t.validity.to.toISOString() }
        : { type: 'relative', days: t.validity.days, startAfterDays: t.validity.startAfterDays },
    claimFrom: t.claimFrom?.toISOString() ?? null,
    claimTo: t.claimTo?.toISOString() ?? null,
    stock: t.stock,
    issued: t.issued,
    left: t.stock === null ? null : t.stock - t.issued,
    perUserLimit: t.perUserLimit,
    claimCostPoints: t.claimCostPoints,
    price: formatMoney(t.price),
    hasClaimPassword: t.hasClaimPassword,
    requiredSignInDays: t.requiredSignInDays,
    audience: t.audience,
    stackable: t.stackable,
    state: t.state,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

const EDITORS = ['owner', 'admin', 'operator'] as const;
// Who may take each state move is the use-case's (identity's permission table); the
// guard only keeps out the roles that may take none of them.
const ACTORS = [...new Set(TEMPLATE_ACTIONS.flatMap((a) => APPROVAL_TABLE[`template.${a}`]))].filter(
  (r): r is Role => r !== 'platform_admin',
);

export default async function templateRoutes(app: NativeApp) {
  templateEditRoutes(app);
  templateStateRoutes(app);
}

function templateEditRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;
  const sec = [{ bearer: [] }];

  app.post(
    '/coupon-templates',
    {
      preHandler: [guard({ roles: [...EDITORS] }), idempotent],
      schema: {
        tags: ['coupon templates'],
        summary: 'Create a template (draft; or active with activate:true when the tenant needs no approval)',
        security: sec,
        body: CreateBody,
        response: { 201: TemplateOut, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => sendResult(reply, await services.templates.create(tenantOf(req), req.body, principalOf(req)), 201, templateOut),
  );

  app.get(
    '/coupon-templates',
    {
      preHandler: guard(),
      schema: {
        tags: ['coupon templates'],
        summary: 'List templates, filtered by state and name',
        security: sec,
        querystring: Type.Object({ state: Type.Optional(Type.String()), name: Type.Optional(Type.String()), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(TemplateOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const r = await services.templates.list(tenantOf(req), { state: req.query.state, name: req.query.name, ...pageOf(req.query) });
      return { items: r.items.map(templateOut), total: r.total };
    },
  );

  app.get(
    '/coupon-templates/:id',
    {
      preHandler: guard(),
      schema: {
        tags: ['coupon templates'],
        summary: 'One template',
        security: sec,
        params: Type.Object({ id: Id }),
        response: { 200: TemplateOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const t = await services.templates.get(tenantOf(req), req.params.id);
      return t ? templateOut(t) : sendProblem(reply, 'not_found', 404, 'coupon template not found');
    },
  );

  app.patch(
    '/coupon-templates/:id',
    {
      preHandler: guard({ roles: [...EDITORS] }),
      schema: {
        tags: ['coupon templates'],
        summary: 'Change a template while it is not yet active (draft or pending)',
        security: sec,
        params: Type.Object({ id: Id }),
        body: PatchBody,
        response: { 200: TemplateOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.templates.update(tenantOf(req), req.params.id, req.body, principalOf(req)), 200, templateOut),
  );
}

function templateStateRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;
  const sec = [{ bearer: [] }];

  app.post(
    '/coupon-templates/:id/:action',
    {
      preHandler: [guard({ roles: ACTORS }), idempotent],
      schema: {
        tags: ['coupon templates'],
        summary: 'Move a template through its states: submit, approve, reject, activate, pause, resume, end, void',
        security: sec,
        params: Type.Object({ id: Id, action: Type.Union(TEMPLATE_ACTIONS.map((a) => Type.Literal(a))) }),
        body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) })),
        response: { 200: TemplateOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.templates.act(tenantOf(req), req.params.id, req.params.action as TemplateAction, principalOf(req), req.body?.reason),
        200,
        templateOut,
      ),
  );

  app.get(
    '/coupon-templates/:id/stats',
    {
      preHandler: guard(),
      schema: {
        tags: ['coupon templates'],
        summary: 'Issued, left, claimed by channel, redeemed, rolled back, discount given',
        security: sec,
        params: Type.Object({ id: Id }),
        response: {
          200: Type.Object({
            templateId: Id,
            stock: Nullable(Type.Integer()),
            issued: Type.Integer(),
            left: Nullable(Type.Integer()),
            claimedByChannel: Type.Record(Type.String(), Type.Integer()),
            redeemed: Type.Integer(),
            rolledBack: Type.Integer(),
            discountGiven: Money,
          }),
          ...errors(401, 404),
        },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.templates.stats(tenantOf(req), req.params.id), 200, (s) => ({
        ...s,
        discountGiven: formatMoney(s.discountGiven),
      })),
  );
}
