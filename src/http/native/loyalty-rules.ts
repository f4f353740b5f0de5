// Staff settings behind the consumer (apifm) features: sign-in rules, points
// rules (given on events, points as money), points-voucher numbers (积分券)
// and coupon merge rules.
import { Type } from '@sinclair/typebox';
import { parseMoney } from '../../kernel/money.ts';
import { formatMoney } from '../../kernel/money.ts';
import { fail } from '../../kernel/result.ts';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Money } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendResult } from '../problem.ts';

const sec = [{ bearer: [] }];
const tags = ['loyalty rules'];
const Rule = Type.Object({
  continuous: Type.Integer({ minimum: 1, maximum: 366 }),
  score: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
});
const SendRule = Type.Object({ code: Type.String(), score: Type.Integer(), confine: Type.Integer() });
const DeductionRule = Type.Object({ id: Id, score: Type.Integer(), money: Money, loop: Type.Boolean(), type: Type.Integer() });
const MergeRule = Type.Object({
  id: Id,
  name: Type.String(),
  target: Type.Object({ templateId: Id, name: Type.String() }),
  items: Type.Array(Type.Object({ templateId: Id, name: Type.String(), number: Type.Integer() })),
});

export default async function loyaltyRuleRoutes(app: NativeApp) {
  pointsRuleRoutes(app);
  voucherAndMergeRuleRoutes(app);
}

function pointsRuleRoutes(app: NativeApp) {
  signInAndSendRuleRoutes(app);
  deductionRuleRoutes(app);
}

function signInAndSendRuleRoutes(app: NativeApp) {
  const { services, guard } = app;
  const managers = guard({ roles: ['owner', 'admin', 'operator'] });

  app.get(
    '/sign-in-rules',
    {
      preHandler: guard(),
      schema: {
        tags,
        summary: 'Points per consecutive sign-in day',
        security: sec,
        response: { 200: Type.Object({ items: Type.Array(Rule) }), ...errors(401) },
      },
    },
    async (req) => ({ items: await services.signIns.rules(tenantOf(req)) }),
  );

  app.put(
    '/sign-in-rules',
    {
      preHandler: managers,
      schema: {
        tags,
        summary: 'Replace the sign-in rules (the highest continuous ≤ the streak applies)',
        security: sec,
        body: Type.Object({ items: Type.Array(Rule, { maxItems: 100 }) }),
        response: { 200: Type.Object({ items: Type.Array(Rule) }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.signIns.setRules(tenantOf(req), req.body.items, principalOf(req)), 200, (items) => ({ items })),
  );

  app.get(
    '/points-send-rules',
    {
      preHandler: guard(),
      schema: {
        tags,
        summary: 'Points given on events (shown by score/send/rule)',
        security: sec,
        response: { 200: Type.Object({ items: Type.Array(SendRule) }), ...errors(401) },
      },
    },
    async (req) => ({ items: await services.pointsExtras.sendRules(tenantOf(req)) }),
  );

  app.put(
    '/points-send-rules/:code',
    {
      preHandler: managers,
      schema: {
        tags,
        summary: 'Set the points given on an event code',
        security: sec,
        params: Type.Object({ code: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ score: Type.Integer({ minimum: 0 }), confine: Type.Optional(Type.Integer({ minimum: 0 })) }),
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.pointsExtras.setSendRule(
          tenantOf(req),
          { code: req.params.code, score: req.body.score, confine: req.body.confine ?? 0 },
          principalOf(req),
        ),
        204,
      ),
  );
}

function deductionRuleRoutes(app: NativeApp) {
  const { services, guard } = app;
  const managers = guard({ roles: ['owner', 'admin', 'operator'] });

  app.get(
    '/points-deduction-rules',
    {
      preHandler: guard(),
      schema: {
        tags,
        summary: 'Points as money at checkout',
        security: sec,
        response: { 200: Type.Object({ items: Type.Array(DeductionRule) }), ...errors(401) },
      },
    },
    async (req) => ({
      items: (await services.pointsExtras.deductionRules(tenantOf(req))).map((r) => ({ ...r, money: formatMoney(r.money) })),
    }),
  );

  app.post(
    '/points-deduction-rules',
    {
      preHandler: managers,
      schema: {
        tags,
        summary: 'Add a rule: every `score` points take `money` off (repeatable when loop)',
        security: sec,
        body: Type.Object({
          score: Type.Integer({ minimum: 1 }),
          money: Money,
          loop: Type.Optional(Type.Boolean()),
          type: Type.Optional(Type.Integer({ minimum: 0 })),
        }),
        response: { 201: DeductionRule, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const money = parseMoney(req.body.money);
      const r =
        money === null
          ? fail('invalid_input', 'money is not an amount')
          : await services.pointsExtras.addDeductionRule(tenantOf(req), { ...req.body, money }, principalOf(req));
      return sendResult(reply, r, 201, (d) => ({ ...d, money: formatMoney(d.money) }));
    },
  );
}

function voucherAndMergeRuleRoutes(app: NativeApp) {
  const { services, guard } = app;
  const managers = guard({ roles: ['owner', 'admin', 'operator'] });

  app.post(
    '/points-vouchers',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags,
        summary: 'Make 积分券 numbers worth `score` points each; the numbers are shown only in this reply',
        security: sec,
        body: Type.Object({
          count: Type.Integer({ minimum: 1, maximum: 10000 }),
          score: Type.Integer({ minimum: 1 }),
          expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: { 201: Type.Object({ numbers: Type.Array(Type.String()) }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.pointsExtras.createVouchers(
          tenantOf(req),
          { count: req.body.count, score: req.body.score, expiresAt: req.body.expiresAt ? new Date(req.body.expiresAt) : null },
          principalOf(req),
        ),
        201,
        (numbers) => ({ numbers }),
      ),
  );

  app.get(
    '/coupon-merge-rules',
    {
      preHandler: guard(),
      schema: {
        tags,
        summary: 'Active coupon merge rules',
        security: sec,
        response: { 200: Type.Object({ items: Type.Array(MergeRule) }), ...errors(401) },
      },
    },
    async (req) => ({ items: await services.couponExtras.mergeRules(tenantOf(req)) }),
  );

  app.post(
    '/coupon-merge-rules',
    {
      preHandler: managers,
      schema: {
        tags,
        summary: 'Hand in `number` coupons of each listed template, get one of the target template',
        security: sec,
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          targetTemplateId: Id,
          items: Type.Array(Type.Object({ templateId: Id, number: Type.Integer({ minimum: 1, maximum: 100 }) }), {
            minItems: 1,
            maxItems: 20,
          }),
        }),
        response: { 201: MergeRule, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => sendResult(reply, await services.couponExtras.createMergeRule(tenantOf(req), req.body, principalOf(req)), 201),
  );

  app.delete(
    '/coupon-merge-rules/:id',
    {
      preHandler: managers,
      schema: {
        tags,
        summary: 'Withdraw a merge rule',
        security: sec,
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.couponExtras.setMergeRuleActive(tenantOf(req), req.params.id, false, principalOf(req)), 204),
  );
}
