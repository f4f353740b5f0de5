// Native card products and their recharge events (mounted by cards.ts).
import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Money, Nullable } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import { parseMoney } from '../../kernel/money.ts';
import { badMoney, cardKindOf, eventKindOf, eventOut, EventOut, MANAGERS, productOut, ProductOut, sec } from './card-views.ts';

// ------------------------------------------------------------ products and events
export function productRoutes(app: NativeApp) {
  const { services, guard } = app;
  app.post(
    '/card-products',
    {
      preHandler: guard({ roles: [...MANAGERS] }),
      schema: {
        tags: ['cards'],
        summary: 'Create a membership card product',
        security: sec,
        body: Type.Object({
          title: Type.String({ minLength: 1, maxLength: 100 }),
          type: Type.Union([Type.Literal(1), Type.Literal(10), Type.Literal(11)]),
          colour: Type.Optional(Type.String({ maxLength: 20 })),
          logo: Type.Optional(Type.String({ maxLength: 500 })),
          storeIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
          summary: Type.Optional(Type.String({ maxLength: 5000 })),
        }),
        response: { 201: ProductOut, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => {
      const { type, ...face } = req.body;
      return sendResult(
        reply,
        await services.cards.createProduct(tenantOf(req), { ...face, kind: cardKindOf(type)! }, principalOf(req)),
        201,
        productOut,
      );
    },
  );

  app.get(
    '/card-products',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: 'Card products with their stores and events',
        security: sec,
        querystring: Type.Object({ type: Type.Optional(Type.Integer()) }),
        response: { 200: Type.Object({ items: Type.Array(ProductOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const kind = req.query.type === undefined ? undefined : cardKindOf(req.query.type);
      // A type that is no card type matches no product.
      const items = req.query.type !== undefined && !kind ? [] : await services.cards.listProducts(tenantOf(req), { kind });
      return { items: items.map(productOut), total: items.length };
    },
  );

  app.get(
    '/card-products/:id',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: 'One card product',
        security: sec,
        params: IdParams,
        response: { 200: ProductOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const p = await services.cards.getProduct(tenantOf(req), req.params.id);
      return p ? productOut(p) : sendProblem(reply, 'not_found', 404, 'card product not found');
    },
  );

  app.patch(
    '/card-products/:id',
    {
      preHandler: guard({ roles: [...MANAGERS] }),
      schema: {
        tags: ['cards'],
        summary:
          'Change a card product (title, colour, logo, stores, summary; status 2 disables it: no new cards). Its type cannot change.',
        security: sec,
        params: IdParams,
        body: Type.Object(
          {
            title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
            colour: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
            logo: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
            storeIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
            summary: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))),
            status: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
          },
          { additionalProperties: false },
        ),
        response: { 200: ProductOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.cards.updateProduct(tenantOf(req), req.params.id, req.body, principalOf(req)), 200, productOut),
  );
}

export function eventRoutes(app: NativeApp) {
  const { services, guard } = app;
  app.post(
    '/card-products/:id/events',
    {
      preHandler: guard({ roles: [...MANAGERS] }),
      schema: {
        tags: ['cards'],
        summary: 'Create a recharge event of a card product',
        security: sec,
        params: IdParams,
        body: Type.Object({
          title: Type.String({ minLength: 1, maxLength: 100 }),
          summary: Type.Optional(Type.String({ maxLength: 2000 })),
          type: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(5)]),
          rechargeMoney: Money,
          sendMoney: Money,
          couponTemplateId: Type.Optional(Id),
          quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        }),
        response: { 201: EventOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) => {
      const r = parseMoney(req.body.rechargeMoney);
      const s = parseMoney(req.body.sendMoney);
      if (r === null) return badMoney(reply, 'rechargeMoney', req.body.rechargeMoney);
      if (s === null) return badMoney(reply, 'sendMoney', req.body.sendMoney);
      const out = await services.cards.createEvent(
        tenantOf(req),
        req.params.id,
        {
          title: req.body.title,
          summary: req.body.summary,
          kind: eventKindOf(req.body.type),
          rechargeMoney: r,
          sendMoney: s,
          templateId: req.body.couponTemplateId,
          quantity: req.body.quantity,
        },
        principalOf(req),
      );
      return sendResult(reply, out, 201, eventOut);
    },
  );

  app.get(
    '/card-products/:id/events',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: 'Events of a card product',
        security: sec,
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(EventOut), total: Type.Integer() }), ...errors(401, 404) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.cards.listEvents(tenantOf(req), req.params.id), 200, (es) => ({
        items: es.map(eventOut),
        total: es.length,
      })),
  );

  app.get(
    '/card-events/:id',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: 'One card event',
        security: sec,
        params: IdParams,
        response: { 200: EventOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const e = await services.cards.getEvent(tenantOf(req), req.params.id);
      return e ? eventOut(e) : sendProblem(reply, 'not_found', 404, 'card event not found');
    },
  );
}
