// Membership cards on the native API: card products and their events, cards,
// recharge / expense / refunds / cash-back, records, invoices, uploads and
// QR payloads (staff side, and the consumer's own current QR).
import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { bearerToken, principalOf, tenantOf } from './guard.ts';
import { sendError, sendProblem, sendResult } from '../problem.ts';
import { parseMoney } from '../../kernel/money.ts';
import { ErrorCode, fail } from '../../kernel/result.ts';
import { ALL_LEDGER_KINDS, type LedgerKind } from '../../contexts/cards/index.ts';
import {
  badMoney, cardKindOf, cardOut, entryOut, EntryOut, eventKindOf, eventOut, EventOut, invoiceOut, InvoiceOut, MANAGERS, OrderNoParams, productOut, ProductOut,
  QrOut, RecordQuery, sec, STAFF, Time, CardOut, money,
} from './card-views.ts';
import { readMultipart } from '../multipart.ts';
import type { QrTarget } from '../../contexts/platform/index.ts';


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

// ------------------------------------------------------------ products and events
function productRoutes(app: NativeApp) {
  const { services, guard } = app;
  app.post('/card-products', {
    preHandler: guard({ roles: [...MANAGERS] }),
    schema: {
      tags: ['cards'], summary: 'Create a membership card product', security: sec,
      body: Type.Object({
        title: Type.String({ minLength: 1, maxLength: 100 }), type: Type.Union([Type.Literal(1), Type.Literal(10), Type.Literal(11)]), colour: Type.Optional(Type.String({ maxLength: 20 })),
        logo: Type.Optional(Type.String({ maxLength: 500 })), storeIds: Type.Optional(Type.Array(Id, { maxItems: 500 })), summary: Type.Optional(Type.String({ maxLength: 5000 })),
      }),
      response: { 201: ProductOut, ...errors(400, 401, 403) },
    },
  }, async (req, reply) => {
    const { type, ...face } = req.body;
    return sendResult(reply, await services.cards.createProduct(tenantOf(req), { ...face, kind: cardKindOf(type)! }, principalOf(req)), 201, productOut);
  });

  app.get('/card-products', {
    preHandler: guard(),
    schema: {
      tags: ['cards'], summary: 'Card products with their stores and events', security: sec,
      querystring: Type.Object({ type: Type.Optional(Type.Integer()) }),
      response: { 200: Type.Object({ items: Type.Array(ProductOut), total: Type.Integer() }), ...errors(401) },
    },
  }, async (req) => {
    const kind = req.query.type === undefined ? undefined : cardKindOf(req.query.type);
    // A type that is no card type matches no product.
    const items = req.query.type !== undefined && !kind ? [] : await services.cards.listProducts(tenantOf(req), { kind });
    return { items: items.map(productOut), total: items.length };
  });

  app.get('/card-products/:id', {
    preHandler: guard(),
    schema: { tags: ['cards'], summary: 'One card product', security: sec, params: IdParams, response: { 200: ProductOut, ...errors(401, 404) } },
  }, async (req, reply) => {
    const p = await services.cards.getProduct(tenantOf(req), req.params.id);
    return p ? productOut(p) : sendProblem(reply, 'not_found', 404, 'card product not found');
  });

  app.patch('/card-products/:id', {
    preHandler: guard({ roles: [...MANAGERS] }),
    schema: {
      tags: ['cards'], summary: 'Change a card product (title, colour, logo, stores, summary; status 2 disables it: no new cards). Its type cannot change.', security: sec,
      params: IdParams,
      body: Type.Object({
        title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), colour: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
        logo: Type.Optional(Nullable(Type.String({ maxLength: 500 }))), storeIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
        summary: Type.Optional(Nullable(Type.String({ maxLength: 5000 }))), status: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
      }, { additionalProperties: false }),
      response: { 200: ProductOut, ...errors(400, 401, 403, 404) },
    },
  }, async (req, reply) => sendResult(reply, await services.cards.updateProduct(tenantOf(req), req.params.id, req.body, principalOf(req)), 200, productOut));
}

function eventRoutes(app: NativeApp) {
  const { services, guard } = app;
  app.post('/card-products/:id/events', {
    preHandler: guard({ roles: [...MANAGERS] }),
    schema: {
      tags: ['cards'], summary: 'Create a recharge event of a card product', security: sec, params: IdParams,
      body: Type.Object({
        title: Type.String({ minLength: 1, maxLength: 100 }), summary: Type.Optional(Type.String({ maxLength: 2000 })), type: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(5)]),
        rechargeMoney: Money, sendMoney: Money, couponTemplateId: Type.Optional(Id), quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
      }),
      response: { 201: EventOut, ...errors(400, 401, 403, 404) },
    },
  }, async (req, reply) => {
    const r = parseMoney(req.body.rechargeMoney);
    const s = parseMoney(req.body.sendMoney);
    if (r === null) return badMoney(reply, 'rechargeMoney', req.body.rechargeMoney);
    if (s === null) return badMoney(reply, 'sendMoney', req.body.sendMoney);
    const out = await services.cards.createEvent(tenantOf(req), req.params.id, {
      title: req.body.title, summary: req.body.summary, kind: eventKindOf(req.body.type), rechargeMoney: r, sendMoney: s, templateId: req.body.couponTemplateId, quantity: req.body.quantity,
    }, principalOf(req));
    return sendResult(reply, out, 201, eventOut);
  });

  app.get('/card-products/:id/events', {
    preHandler: guard(),
    schema: { tags: ['cards'], summary: 'Events of a card product', security: sec, params: IdParams, response: { 200: Type.Object({ items: Type.Array(EventOut), total: Type.Integer() }), ...errors(401, 404) } },
  }, async (req, reply) => sendResult(reply, await services.cards.listEvents(tenantOf(req), req.params.id), 200, (es) => ({ items: es.map(eventOut), total: es.length })));

  app.get('/card-events/:id', {
    preHandler: guard(),
    schema: { tags: ['cards'], summary: 'One card event', security: sec, params: IdParams, response: { 200: EventOut, ...errors(401, 404) } },
  }, async (req, reply) => {
    const e = await services.cards.getEvent(tenantOf(req), req.params.id);
    return e ? eventOut(e) : sendProblem(reply, 'not_found', 404, 'card event not found');
  });
}

// ------------------------------------------------------------ cards
function cardRoutesOf(app: NativeApp) {
  const { services, guard, idempotent } = app;
  app.post('/cards', {
    preHandler: [guard({ roles: [...STAFF] }), idempotent],
    schema: {
      tags: ['cards'], summary: 'Open a card for a phone number (the consumer is created when new); password defaults to the last 6 digits of the phone', security: sec,
      body: Type.Object({
        productId: Id, phone: Type.Optional(Type.String({ maxLength: 20 })), userId: Type.Optional(Id),
        password: Type.Optional(Type.String({ pattern: '^\\d{6}$' })), storeId: Type.Optional(Id),
      }),
      response: { 201: CardOut, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const { productId, phone, userId, password, storeId } = req.body;
    const r = await services.cards.openCard(tenantOf(req), { productId, phone, userId, storeId, password: password ? { plain: password } : null }, principalOf(req));
    return sendResult(reply, r, 201, cardOut);
  });

  app.get('/cards', {
    preHandler: guard(),
    schema: {
      tags: ['cards'], summary: 'Cards, filtered by holder, phone (fuzzy) or product', security: sec,
      querystring: Type.Object({ userId: Type.Optional(Id), phone: Type.Optional(Type.String({ maxLength: 20 })), productId: Type.Optional(Id), ...PageQuery }),
      response: { 200: Type.Object({ items: Type.Array(CardOut), total: Type.Integer() }), ...errors(401) },
    },
  }, async (req) => {
    const r = await services.cards.listCards(tenantOf(req), { userId: req.query.userId, phone: req.query.phone, productId: req.query.productId, ...pageOf(req.query) });
    return { items: r.items.map(cardOut), total: r.total };
  });

  app.get('/cards/:id', {
    preHandler: guard(),
    schema: { tags: ['cards'], summary: 'One card, with its event-card buckets', security: sec, params: IdParams, response: { 200: CardOut, ...errors(401, 404) } },
  }, async (req, reply) => {
    const c = await services.cards.getCard(tenantOf(req), { cardId: req.params.id });
    if (!c) return sendProblem(reply, 'not_found', 404, 'card not found');
    return cardOut({ ...c, buckets: await services.cards.buckets(tenantOf(req), c.id) });
  });

  app.get('/cards/:id/ledger', {
    preHandler: guard(),
    schema: {
      tags: ['cards'], summary: "A card's ledger, newest first", security: sec, params: IdParams, querystring: Type.Object({ ...PageQuery }),
      response: { 200: Type.Object({ items: Type.Array(EntryOut), total: Type.Integer() }), ...errors(401, 403) },
    },
  }, async (req, reply) => {
    const r = await services.cards.records(tenantOf(req), ALL_LEDGER_KINDS, { cardId: req.params.id, ...pageOf(req.query) }, principalOf(req));
    return sendResult(reply, r, 200, (v) => ({ items: v.items.map(entryOut), total: v.total }));
  });
}

function moneyRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;
  app.post('/cards/:id/recharge', {
    preHandler: [guard({ roles: [...STAFF] }), idempotent],
    schema: {
      tags: ['cards'], summary: "Recharge a card; with an event the amounts must equal the event's and its coupons are issued", security: sec, params: IdParams,
      body: Type.Object({ recharge: Money, send: Type.Optional(Money), eventId: Type.Optional(Id), image: Type.Optional(Type.String({ maxLength: 500 })), storeId: Type.Optional(Id) }),
      response: { 201: EntryOut, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const r = parseMoney(req.body.recharge);
    const s = parseMoney(req.body.send ?? '0');
    if (r === null) return badMoney(reply, 'recharge', req.body.recharge);
    if (s === null) return badMoney(reply, 'send', req.body.send ?? '');
    const out = await services.cards.recharge(tenantOf(req), { card: { cardId: req.params.id }, recharge: r, send: s, eventId: req.body.eventId, image: req.body.image, storeId: req.body.storeId }, principalOf(req));
    return sendResult(reply, out, 201, entryOut);
  });

  app.post('/cards/:id/expense', {
    preHandler: [guard({ roles: [...STAFF] }), idempotent],
    schema: {
      tags: ['cards'], summary: 'Spend from a card with its password (event-card buckets oldest first, capital before bonus)', security: sec, params: IdParams,
      body: Type.Object({ amount: Money, password: Type.String({ maxLength: 64 }), storeId: Type.Optional(Id) }),
      response: { 201: EntryOut, ...errors(400, 401, 403, 404, 422, 429) },
    },
  }, async (req, reply) => {
    const a = parseMoney(req.body.amount);
    if (a === null) return badMoney(reply, 'amount', req.body.amount);
    const out = await services.cards.expense(tenantOf(req), { card: { cardId: req.params.id }, amount: a, password: { plain: req.body.password }, storeId: req.body.storeId }, principalOf(req));
    return sendResult(reply, out, 201, entryOut);
  });

  app.post('/cards/refund-code', {
    preHandler: guard({ roles: [...STAFF] }),
    schema: {
      tags: ['cards'], summary: "Send the refund SMS code to the calling staff member's phone", security: sec,
      response: { 200: Type.Object({ expiresInSec: Type.Integer(), to: Type.String() }), ...errors(401, 409, 429) },
    },
  }, async (req, reply) => sendResult(reply, await services.cards.sendRefundCode(tenantOf(req), principalOf(req))));

  const refundBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 10 }), storeId: Type.Optional(Id), explain: Type.Optional(Type.String({ maxLength: 200 })) });
  app.post('/card-expenses/:orderNo/refund', {
    preHandler: [guard({ roles: [...STAFF] }), idempotent],
    schema: {
      tags: ['cards'], summary: 'Refund an expense (once; needs the SMS code from POST /cards/refund-code)', security: sec, params: OrderNoParams, body: refundBody,
      response: { 201: EntryOut, ...errors(400, 401, 403, 404, 409, 422, 429) },
    },
  }, async (req, reply) =>
    sendResult(reply, await services.cards.refundExpense(tenantOf(req), { orderNo: Number(req.params.orderNo), code: req.body.code, storeId: req.body.storeId, explain: req.body.explain }, principalOf(req)), 201, entryOut));

  app.post('/card-recharges/:orderNo/refund', {
    preHandler: [guard({ roles: [...STAFF] }), idempotent],
    schema: {
      tags: ['cards'], summary: 'Refund a recharge (once; only while unspent and not invoiced; voids its coupons; needs the SMS code)', security: sec, params: OrderNoParams, body: refundBody,
      response: { 201: EntryOut, ...errors(400, 401, 403, 404, 409, 422, 429) },
    },
  }, async (req, reply) =>
    sendResult(reply, await services.cards.refundRecharge(tenantOf(req), { orderNo: Number(req.params.orderNo), code: req.body.code, storeId: req.body.storeId, explain: req.body.explain }, principalOf(req)), 201, entryOut));

  app.post('/card-buckets/:id/cash-back', {
    preHandler: [guard({ roles: [...STAFF] }), idempotent],
    schema: {
      tags: ['cards'], summary: 'Cash back an event-card recharge that is due (status 3 → 5, once)', security: sec, params: IdParams,
      response: { 201: EntryOut, ...errors(401, 403, 404, 409) },
    },
  }, async (req, reply) => sendResult(reply, await services.cards.cashBack(tenantOf(req), req.params.id, principalOf(req)), 201, entryOut));

  app.get('/card-records', {
    preHandler: guard(),
    schema: {
      tags: ['cards'], summary: 'Card movements of the merchant with totals: recharges, expenses, refunds, cash-backs, invoices', security: sec, querystring: RecordQuery,
      response: { 200: Type.Object({ items: Type.Array(EntryOut), total: Type.Integer(), totalAmount: Money, totalCapital: Type.String(), totalBonus: Type.String() }), ...errors(401, 403) },
    },
  }, async (req, reply) => {
    const q = req.query;
    const kinds: LedgerKind[] = !q.kind ? ALL_LEDGER_KINDS : q.kind === 'refund' ? ['refund', 'recharge_refund'] : [q.kind];
    const r = await services.cards.records(tenantOf(req), kinds, { phone: q.phone, keywords: q.keywords, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, ...pageOf(q) }, principalOf(req));
    return sendResult(reply, r, 200, (v) => ({ items: v.items.map(entryOut), total: v.total, totalAmount: money(v.totalAmount), totalCapital: money(v.totalCapital), totalBonus: money(v.totalBonus) }));
  });
}

// ------------------------------------------------------------ invoices
function invoiceRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;
  app.get('/cards/:id/invoices', {
    preHandler: guard(),
    schema: {
      tags: ['cards'], summary: "A card's invoices and what is still invoiceable", security: sec, params: IdParams,
      response: { 200: Type.Object({ charged: Money, invoiced: Money, invoiceable: Money, items: Type.Array(InvoiceOut) }), ...errors(401, 403, 404) },
    },
  }, async (req, reply) =>
    sendResult(reply, await services.invoices.forCard(tenantOf(req), { cardId: req.params.id }, principalOf(req)), 200, (v) => ({
      charged: money(v.charged), invoiced: money(v.invoiced), invoiceable: money(v.invoiceable), items: v.items.map(invoiceOut),
    })));

  app.post('/cards/:id/invoices', {
    preHandler: [guard({ roles: [...STAFF] }), idempotent],
    schema: {
      tags: ['cards'], summary: 'Record an invoice (never more than still invoiceable)', security: sec, params: IdParams,
      body: Type.Object({ amount: Money, image: Type.Optional(Type.String({ maxLength: 500 })), summary: Type.Optional(Type.String({ maxLength: 500 })), storeId: Type.Optional(Id) }),
      response: { 201: InvoiceOut, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (req, reply) => {
    const a = parseMoney(req.body.amount);
    if (a === null) return badMoney(reply, 'amount', req.body.amount);
    return sendResult(reply, await services.invoices.add(tenantOf(req), { card: { cardId: req.params.id }, amount: a, image: req.body.image, summary: req.body.summary, storeId: req.body.storeId }, principalOf(req)), 201, invoiceOut);
  });

  app.get('/invoices', {
    preHandler: guard(),
    schema: {
      tags: ['cards'], summary: 'All card invoices, by phone (fuzzy) and time', security: sec,
      querystring: Type.Object({ phone: Type.Optional(Type.String({ maxLength: 20 })), from: Type.Optional(Time), to: Type.Optional(Time), ...PageQuery }),
      response: { 200: Type.Object({ items: Type.Array(InvoiceOut), total: Type.Integer() }), ...errors(401, 403) },
    },
  }, async (req, reply) => {
    const q = req.query;
    const r = await services.invoices.list(tenantOf(req), { phone: q.phone, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, ...pageOf(q) }, principalOf(req));
    return sendResult(reply, r, 200, (v) => ({ items: v.items.map(invoiceOut), total: v.total }));
  });
}

// ------------------------------------------------------------ uploads
function uploadRoutes(app: NativeApp) {
  const { services, guard } = app;
  app.post('/uploads/images', {
    preHandler: guard({ roles: [...STAFF] }),
    schema: {
      tags: ['cards'], summary: 'Upload an image (multipart field "file"; PNG, JPEG, GIF or WebP, at most 5 MiB)', security: sec, consumes: ['multipart/form-data'],
      response: { 201: Type.Object({ url: Type.String(), name: Type.String(), mime: Type.String(), size: Type.Integer() }), ...errors(400, 401, 413) },
    },
  }, async (req, reply) => {
    const data = await readUpload(req);
    if (!data.ok) return sendError(reply, data.error);
    return sendResult(reply, await services.uploads.saveImage(tenantOf(req), data.value, principalOf(req)), 201);
  });

  app.get('/uploads/:day/:file', {
    schema: { tags: ['cards'], summary: 'An uploaded image', params: Type.Object({ day: Type.String({ maxLength: 6 }), file: Type.String({ maxLength: 60 }) }) },
  }, async (req, reply) => {
    const f = await services.uploads.read(`${req.params.day}/${req.params.file}`);
    if (!f) return sendProblem(reply, 'not_found', 404, 'no such upload');
    return reply.header('cache-control', 'public, max-age=31536000, immutable').header('x-content-type-options', 'nosniff').type(f.mime).send(f.data);
  });
}

// ------------------------------------------------------------ QR
function qrRoutes(app: NativeApp) {
  const { services, guard } = app;
  const qrReply = async (reply: FastifyReply, target: QrTarget, png: boolean) => {
    const q = await services.qr.issue(target);
    const image = await services.qr.png(q.payload);
    reply.header('cache-control', 'no-store');
    if (png) return reply.type('image/png').send(image);
    return { payload: q.payload, expiresAt: q.expiresAt.toISOString(), png: `data:image/png;base64,${image.toString('base64')}` };
  };
  const Format = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('png')])) });

  app.get('/cards/:id/qr', {
    preHandler: guard(),
    schema: {
      tags: ['cards'], summary: `The card's current signed QR payload (valid ${services.qr.ttlSec} s) and PNG, for a merchant back end showing it to its consumer`, security: sec,
      params: IdParams, querystring: Format, response: { 200: QrOut, ...errors(401, 404) },
    },
  }, async (req, reply) => {
    const c = await services.cards.getCard(tenantOf(req), { cardId: req.params.id });
    if (!c) return sendProblem(reply, 'not_found', 404, 'card not found');
    return qrReply(reply, { kind: 'card', tenantId: tenantOf(req), cardId: c.id }, req.query.format === 'png');
  });

  // The consumer's own QR: a consumer session token (Authorization: Bearer) of the tenant named in X-Tenant.
  app.get('/consumer/qr', {
    schema: {
      tags: ['cards'], summary: "The consumer's current QR for one of their cards or coupons (consumer token + X-Tenant)",
      headers: Type.Object({ 'x-tenant': Type.String({ minLength: 1, maxLength: 63 }) }),
      querystring: Type.Object({ cardId: Type.Optional(Id), couponCode: Type.Optional(Type.String({ maxLength: 64 })), ...Format.properties }),
      response: { 200: QrOut, ...errors(400, 401, 404) },
    },
  }, async (req, reply) => {
    const consumer = await consumerOf(req);
    if (!consumer) return sendProblem(reply, 'unauthenticated', 401, 'a consumer session token is required');
    const { cardId, couponCode } = req.query;
    if (cardId !== undefined) {
      const c = await services.cards.getCard(consumer.tenantId, { cardId });
      if (!c || c.userId !== consumer.userId) return sendProblem(reply, 'not_found', 404, 'card not found');
      return qrReply(reply, { kind: 'card', tenantId: consumer.tenantId, cardId }, req.query.format === 'png');
    }
    if (couponCode) {
      const c = await services.coupons.get(consumer.tenantId, couponCode);
      if (!c || c.coupon.ownerId !== consumer.userId) return sendProblem(reply, 'not_found', 404, 'coupon not found');
      return qrReply(reply, { kind: 'coupon', tenantId: consumer.tenantId, code: c.coupon.code }, req.query.format === 'png');
    }
    return sendProblem(reply, 'invalid_input', 400, 'give cardId or couponCode');
  });

  async function consumerOf(req: FastifyRequest) {
    const token = bearerToken(req);
    const slug = req.headers['x-tenant'];
    if (!token || typeof slug !== 'string') return null;
    const tenant = await services.tenants.getBySlug(slug);
    if (!tenant) return null;
    return services.consumerAuth.authenticate(tenant.id, token);
  }
}

/** The bytes of the one file of a multipart request. */
export async function readUpload(req: FastifyRequest) {
  const form = await readMultipart(req, { firstFileOnly: true });
  if (!form.ok) return form;
  if (!form.value.file) return fail(ErrorCode.invalid_input, 'no file in the request', { field: 'file' });
  return { ok: true as const, value: form.value.file };
}
