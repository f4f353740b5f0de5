// Membership cards on the native API: card products and their events, cards,
// recharge / expense / refunds / cash-back, records, invoices, uploads and
// QR payloads (staff side, and the consumer's own current QR).
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Money, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import { parseMoney } from '../../kernel/money.ts';
import { ALL_LEDGER_KINDS, type LedgerKind } from '../../contexts/cards/index.ts';
import { badMoney, cardOut, entryOut, EntryOut, OrderNoParams, RecordQuery, sec, STAFF, CardOut, money } from './card-views.ts';

import { eventRoutes, productRoutes } from './card-products.ts';
import { invoiceRoutes, qrRoutes, uploadRoutes } from './card-papers.ts';
export default async function cardRoutes(app: NativeApp) {
  const { services } = app;
  await app.register(multipart, { limits: { fileSize: services.uploads.maxBytes, files: 1, fields: 10 } });
  productRoutes(app);
  eventRoutes(app);
  cardRoutesOf(app);
  moneyRoutes(app);
  invoiceRoutes(app);
  uploadRoutes(app);
  qrRoutes(app);
}

// ------------------------------------------------------------ cards
function cardRoutesOf(app: NativeApp) {
  const { services, guard, idempotent } = app;
  app.post(
    '/cards',
    {
      preHandler: [guard({ roles: [...STAFF] }), idempotent],
      schema: {
        tags: ['cards'],
        summary: 'Open a card for a phone number (the consumer is created when new); password defaults to the last 6 digits of the phone',
        security: sec,
        body: Type.Object({
          productId: Id,
          phone: Type.Optional(Type.String({ maxLength: 20 })),
          userId: Type.Optional(Id),
          password: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
          storeId: Type.Optional(Id),
        }),
        response: { 201: CardOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const { productId, phone, userId, password, storeId } = req.body;
      const r = await services.cards.openCard(
        tenantOf(req),
        { productId, phone, userId, storeId, password: password ? { plain: password } : null },
        principalOf(req),
      );
      return sendResult(reply, r, 201, cardOut);
    },
  );

  app.get(
    '/cards',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: 'Cards, filtered by holder, phone (fuzzy) or product',
        security: sec,
        querystring: Type.Object({
          userId: Type.Optional(Id),
          phone: Type.Optional(Type.String({ maxLength: 20 })),
          productId: Type.Optional(Id),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(CardOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const r = await services.cards.listCards(tenantOf(req), {
        userId: req.query.userId,
        phone: req.query.phone,
        productId: req.query.productId,
        ...pageOf(req.query),
      });
      return { items: r.items.map(cardOut), total: r.total };
    },
  );

  app.get(
    '/cards/:id',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: 'One card, with its event-card buckets',
        security: sec,
        params: IdParams,
        response: { 200: CardOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const c = await services.cards.getCard(tenantOf(req), { cardId: req.params.id });
      if (!c) return sendProblem(reply, 'not_found', 404, 'card not found');
      return cardOut({ ...c, buckets: await services.cards.buckets(tenantOf(req), c.id) });
    },
  );

  app.get(
    '/cards/:id/ledger',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: "A card's ledger, newest first",
        security: sec,
        params: IdParams,
        querystring: Type.Object({ ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(EntryOut), total: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      const r = await services.cards.records(
        tenantOf(req),
        ALL_LEDGER_KINDS,
        { cardId: req.params.id, ...pageOf(req.query) },
        principalOf(req),
      );
      return sendResult(reply, r, 200, (v) => ({ items: v.items.map(entryOut), total: v.total }));
    },
  );
}

function moneyRoutes(app: NativeApp) {
  cardMoveRoutes(app);
  refundAndRecordRoutes(app);
}

const refundBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 10 }),
  storeId: Type.Optional(Id),
  explain: Type.Optional(Type.String({ maxLength: 200 })),
});

function cardMoveRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;
  app.post(
    '/cards/:id/recharge',
    {
      preHandler: [guard({ roles: [...STAFF] }), idempotent],
      schema: {
        tags: ['cards'],
        summary: "Recharge a card; with an event the amounts must equal the event's and its coupons are issued",
        security: sec,
        params: IdParams,
        body: Type.Object({
          recharge: Money,
          send: Type.Optional(Money),
          eventId: Type.Optional(Id),
          image: Type.Optional(Type.String({ maxLength: 500 })),
          storeId: Type.Optional(Id),
        }),
        response: { 201: EntryOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const r = parseMoney(req.body.recharge);
      const s = parseMoney(req.body.send ?? '0');
      if (r === null) return badMoney(reply, 'recharge', req.body.recharge);
      if (s === null) return badMoney(reply, 'send', req.body.send ?? '');
      const out = await services.cards.recharge(
        tenantOf(req),
        {
          card: { cardId: req.params.id },
          recharge: r,
          send: s,
          eventId: req.body.eventId,
          image: req.body.image,
          storeId: req.body.storeId,
        },
        principalOf(req),
      );
      return sendResult(reply, out, 201, entryOut);
    },
  );

  app.post(
    '/cards/:id/expense',
    {
      preHandler: [guard({ roles: [...STAFF] }), idempotent],
      schema: {
        tags: ['cards'],
        summary: 'Spend from a card with its password (event-card buckets oldest first, capital before bonus)',
        security: sec,
        params: IdParams,
        body: Type.Object({ amount: Money, password: Type.String({ maxLength: 64 }), storeId: Type.Optional(Id) }),
        response: { 201: EntryOut, ...errors(400, 401, 403, 404, 422, 429) },
      },
    },
    async (req, reply) => {
      const a = parseMoney(req.body.amount);
      if (a === null) return badMoney(reply, 'amount', req.body.amount);
      const out = await services.cards.expense(
        tenantOf(req),
        { card: { cardId: req.params.id }, amount: a, password: { plain: req.body.password }, storeId: req.body.storeId },
        principalOf(req),
      );
      return sendResult(reply, out, 201, entryOut);
    },
  );

  app.post(
    '/cards/refund-code',
    {
      preHandler: guard({ roles: [...STAFF] }),
      schema: {
        tags: ['cards'],
        summary: "Send the refund SMS code to the calling staff member's phone",
        security: sec,
        response: { 200: Type.Object({ expiresInSec: Type.Integer(), to: Type.String() }), ...errors(401, 409, 429) },
      },
    },
    async (req, reply) => sendResult(reply, await services.cards.sendRefundCode(tenantOf(req), principalOf(req))),
  );

  app.post(
    '/card-expenses/:orderNo/refund',
    {
      preHandler: [guard({ roles: [...STAFF] }), idempotent],
      schema: {
        tags: ['cards'],
        summary: 'Refund an expense (once; needs the SMS code from POST /cards/refund-code)',
        security: sec,
        params: OrderNoParams,
        body: refundBody,
        response: { 201: EntryOut, ...errors(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.cards.refundExpense(
          tenantOf(req),
          { orderNo: Number(req.params.orderNo), code: req.body.code, storeId: req.body.storeId, explain: req.body.explain },
          principalOf(req),
        ),
        201,
        entryOut,
      ),
  );
}

function refundAndRecordRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;
  app.post(
    '/card-recharges/:orderNo/refund',
    {
      preHandler: [guard({ roles: [...STAFF] }), idempotent],
      schema: {
        tags: ['cards'],
        summary: 'Refund a recharge (once; only while unspent and not invoiced; voids its coupons; needs the SMS code)',
        security: sec,
        params: OrderNoParams,
        body: refundBody,
        response: { 201: EntryOut, ...errors(400, 401, 403, 404, 409, 422, 429) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.cards.refundRecharge(
          tenantOf(req),
          { orderNo: Number(req.params.orderNo), code: req.body.code, storeId: req.body.storeId, explain: req.body.explain },
          principalOf(req),
        ),
        201,
        entryOut,
      ),
  );

  app.post(
    '/card-buckets/:id/cash-back',
    {
      preHandler: [guard({ roles: [...STAFF] }), idempotent],
      schema: {
        tags: ['cards'],
        summary: 'Cash back an event-card recharge that is due (status 3 → 5, once)',
        security: sec,
        params: IdParams,
        response: { 201: EntryOut, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => sendResult(reply, await services.cards.cashBack(tenantOf(req), req.params.id, principalOf(req)), 201, entryOut),
  );

  app.get(
    '/card-records',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: 'Card movements of the merchant with totals: recharges, expenses, refunds, cash-backs, invoices',
        security: sec,
        querystring: RecordQuery,
        response: {
          200: Type.Object({
            items: Type.Array(EntryOut),
            total: Type.Integer(),
            totalAmount: Money,
            totalCapital: Type.String(),
            totalBonus: Type.String(),
          }),
          ...errors(401, 403),
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const kinds: LedgerKind[] = !q.kind ? ALL_LEDGER_KINDS : q.kind === 'refund' ? ['refund', 'recharge_refund'] : [q.kind];
      const r = await services.cards.records(
        tenantOf(req),
        kinds,
        {
          phone: q.phone,
          keywords: q.keywords,
          from: q.from ? new Date(q.from) : undefined,
          to: q.to ? new Date(q.to) : undefined,
          ...pageOf(q),
        },
        principalOf(req),
      );
      return sendResult(reply, r, 200, (v) => ({
        items: v.items.map(entryOut),
        total: v.total,
        totalAmount: money(v.totalAmount),
        totalCapital: money(v.totalCapital),
        totalBonus: money(v.totalBonus),
      }));
    },
  );
}
