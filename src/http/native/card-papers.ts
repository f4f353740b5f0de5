// Native card invoices, receipt uploads and QR payloads (mounted by cards.ts).
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Money, PageQuery, pageOf } from './schemas.ts';
import { bearerToken, principalOf, tenantOf } from './guard.ts';
import { sendError, sendProblem, sendResult } from '../problem.ts';
import { parseMoney } from '../../kernel/money.ts';
import { ErrorCode, fail } from '../../kernel/result.ts';
import { badMoney, invoiceOut, InvoiceOut, QrOut, sec, STAFF, Time, money } from './card-views.ts';
import { readMultipart } from '../multipart.ts';
import type { QrTarget } from '../../contexts/platform/index.ts';

// ------------------------------------------------------------ invoices
export function invoiceRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;
  app.get(
    '/cards/:id/invoices',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: "A card's invoices and what is still invoiceable",
        security: sec,
        params: IdParams,
        response: {
          200: Type.Object({ charged: Money, invoiced: Money, invoiceable: Money, items: Type.Array(InvoiceOut) }),
          ...errors(401, 403, 404),
        },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.invoices.forCard(tenantOf(req), { cardId: req.params.id }, principalOf(req)), 200, (v) => ({
        charged: money(v.charged),
        invoiced: money(v.invoiced),
        invoiceable: money(v.invoiceable),
        items: v.items.map(invoiceOut),
      })),
  );

  app.post(
    '/cards/:id/invoices',
    {
      preHandler: [guard({ roles: [...STAFF] }), idempotent],
      schema: {
        tags: ['cards'],
        summary: 'Record an invoice (never more than still invoiceable)',
        security: sec,
        params: IdParams,
        body: Type.Object({
          amount: Money,
          image: Type.Optional(Type.String({ maxLength: 500 })),
          summary: Type.Optional(Type.String({ maxLength: 500 })),
          storeId: Type.Optional(Id),
        }),
        response: { 201: InvoiceOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const a = parseMoney(req.body.amount);
      if (a === null) return badMoney(reply, 'amount', req.body.amount);
      return sendResult(
        reply,
        await services.invoices.add(
          tenantOf(req),
          { card: { cardId: req.params.id }, amount: a, image: req.body.image, summary: req.body.summary, storeId: req.body.storeId },
          principalOf(req),
        ),
        201,
        invoiceOut,
      );
    },
  );

  app.get(
    '/invoices',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: 'All card invoices, by phone (fuzzy) and time',
        security: sec,
        querystring: Type.Object({
          phone: Type.Optional(Type.String({ maxLength: 20 })),
          from: Type.Optional(Time),
          to: Type.Optional(Time),
          ...PageQuery,
        }),
        response: { 200: Type.Object({ items: Type.Array(InvoiceOut), total: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const r = await services.invoices.list(
        tenantOf(req),
        { phone: q.phone, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, ...pageOf(q) },
        principalOf(req),
      );
      return sendResult(reply, r, 200, (v) => ({ items: v.items.map(invoiceOut), total: v.total }));
    },
  );
}

// ------------------------------------------------------------ uploads
export function uploadRoutes(app: NativeApp) {
  const { services, guard } = app;
  app.post(
    '/uploads/images',
    {
      preHandler: guard({ roles: [...STAFF] }),
      schema: {
        tags: ['cards'],
        summary: 'Upload an image (multipart field "file"; PNG, JPEG, GIF or WebP, at most 5 MiB)',
        security: sec,
        consumes: ['multipart/form-data'],
        response: {
          201: Type.Object({ url: Type.String(), name: Type.String(), mime: Type.String(), size: Type.Integer() }),
          ...errors(400, 401, 413),
        },
      },
    },
    async (req, reply) => {
      const data = await readUpload(req);
      if (!data.ok) return sendError(reply, data.error);
      return sendResult(reply, await services.uploads.saveImage(tenantOf(req), data.value, principalOf(req)), 201);
    },
  );

  app.get(
    '/uploads/:day/:file',
    {
      schema: {
        tags: ['cards'],
        summary: 'An uploaded image',
        params: Type.Object({ day: Type.String({ maxLength: 6 }), file: Type.String({ maxLength: 60 }) }),
      },
    },
    async (req, reply) => {
      const f = await services.uploads.read(`${req.params.day}/${req.params.file}`);
      if (!f) return sendProblem(reply, 'not_found', 404, 'no such upload');
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .type(f.mime)
        .send(f.data);
    },
  );
}

// ------------------------------------------------------------ QR
export function qrRoutes(app: NativeApp) {
  const { services, guard } = app;
  const qrReply = async (reply: FastifyReply, target: QrTarget, png: boolean) => {
    const q = await services.qr.issue(target);
    const image = await services.qr.png(q.payload);
    reply.header('cache-control', 'no-store');
    if (png) return reply.type('image/png').send(image);
    return { payload: q.payload, expiresAt: q.expiresAt.toISOString(), png: `data:image/png;base64,${image.toString('base64')}` };
  };
  const Format = Type.Object({ format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('png')])) });

  app.get(
    '/cards/:id/qr',
    {
      preHandler: guard(),
      schema: {
        tags: ['cards'],
        summary: `The card's current signed QR payload (valid ${services.qr.ttlSec} s) and PNG, for a merchant back end showing it to its consumer`,
        security: sec,
        params: IdParams,
        querystring: Format,
        response: { 200: QrOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const c = await services.cards.getCard(tenantOf(req), { cardId: req.params.id });
      if (!c) return sendProblem(reply, 'not_found', 404, 'card not found');
      return qrReply(reply, { kind: 'card', tenantId: tenantOf(req), cardId: c.id }, req.query.format === 'png');
    },
  );

  // The consumer's own QR: a consumer session token (Authorization: Bearer) of the tenant named in X-Tenant.
  app.get(
    '/consumer/qr',
    {
      schema: {
        tags: ['cards'],
        summary: "The consumer's current QR for one of their cards or coupons (consumer token + X-Tenant)",
        headers: Type.Object({ 'x-tenant': Type.String({ minLength: 1, maxLength: 63 }) }),
        querystring: Type.Object({
          cardId: Type.Optional(Id),
          couponCode: Type.Optional(Type.String({ maxLength: 64 })),
          ...Format.properties,
        }),
        response: { 200: QrOut, ...errors(400, 401, 404) },
      },
    },
    async (req, reply) => {
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
    },
  );

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
