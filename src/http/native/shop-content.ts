// Staff manage what the shop shows and its money rules: banners, notices,
// config values, user levels, recharge bonus rules, pay-bill discounts,
// consumer invoice requests, and in-app messages to a user.
import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Money, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendResult } from '../problem.ts';
import { formatMoney, parseMoney } from '../../kernel/money.ts';
import type { Banner, Invoice, InvoiceState, Notice } from '../../contexts/commerce/index.ts';

const iso = (d: Date) => d.toISOString();
const text = (max: number) => Type.Optional(Nullable(Type.String({ maxLength: max })));
/** Money strings are checked by the schema; parseMoney cannot fail here. */
const fen = (s: string) => parseMoney(s) ?? 0;

const BannerOut = Type.Object({
  id: Id,
  type: Type.String(),
  title: Type.String(),
  picUrl: Type.String(),
  linkType: Type.Integer(),
  linkUrl: Nullable(Type.String()),
  appid: Nullable(Type.String()),
  businessId: Nullable(Type.Integer()),
  sort: Type.Integer(),
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
const bannerOut = (b: Banner) => ({ ...b, createdAt: iso(b.createdAt) });
const NoticeOut = Type.Object({
  id: Id,
  type: Type.String(),
  title: Type.String(),
  content: Type.String(),
  enabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
const noticeOut = (n: Notice) => ({ ...n, createdAt: iso(n.createdAt) });
const InvoiceOut = Type.Object({
  id: Id,
  userId: Id,
  orderId: Nullable(Type.Integer()),
  amount: Money,
  comName: Nullable(Type.String()),
  tfn: Nullable(Type.String()),
  consumption: Nullable(Type.String()),
  email: Nullable(Type.String()),
  remark: Nullable(Type.String()),
  status: Type.Integer({ description: '0 pending, 1 issued, 2 refused' }),
  file: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
/** The native API's invoice status numbers (0 pending, 1 issued, 2 refused) for the core's states. */
const INVOICE_STATUS: Record<InvoiceState, number> = { pending: 0, issued: 1, refused: 2 };
const INVOICE_STATE_OF: InvoiceState[] = ['pending', 'issued', 'refused'];
const invoiceOut = ({ ext: _e, state, ...i }: Invoice) => ({
  ...i,
  status: INVOICE_STATUS[state],
  amount: formatMoney(i.amount),
  createdAt: iso(i.createdAt),
});

const ConfigOut = Type.Object({
  key: Type.String(),
  value: Type.String(),
  remark: Nullable(Type.String()),
  updatedAt: Type.String({ format: 'date-time' }),
});
const LevelOut = Type.Object({
  id: Id,
  name: Type.String(),
  level: Type.Integer(),
  upgradeAmount: Money,
  rebate: Type.Integer(),
  remark: Nullable(Type.String()),
  prices: Type.Optional(Type.Array(Type.Object({ id: Id, duration: Type.Integer(), unit: Type.Integer(), price: Money }))),
  createdAt: Type.String({ format: 'date-time' }),
});

export default async function shopContentRoutes(app: NativeApp) {
  bannerAndNoticeRoutes(app);
  configRoutes(app);
  levelAndRuleRoutes(app);
  invoiceAndMessageRoutes(app);
}

function bannerAndNoticeRoutes(app: NativeApp) {
  bannerRoutes(app);
  noticeRoutes(app);
}

function bannerRoutes(app: NativeApp) {
  const { services, guard } = app;
  const manage = guard({ roles: ['owner', 'admin', 'operator'] });
  const read = guard();
  const sec = [{ bearer: [] }];

  app.post(
    '/banners',
    {
      preHandler: manage,
      schema: {
        tags: ['shop content'],
        summary: 'Add a banner',
        security: sec,
        body: Type.Object({
          type: Type.Optional(Type.String({ maxLength: 50 })),
          title: Type.Optional(Type.String({ maxLength: 200 })),
          picUrl: Type.String({ minLength: 1, maxLength: 1000 }),
          linkType: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
          linkUrl: text(1000),
          appid: text(100),
          businessId: Type.Optional(Nullable(Type.Integer({ description: "the goods the banner opens: one of this tenant's goods ids" }))),
          sort: Type.Optional(Type.Integer()),
          enabled: Type.Optional(Type.Boolean()),
        }),
        response: { 201: BannerOut, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.shopContent.addBanner(tenantOf(req), req.body, principalOf(req)), 201, bannerOut),
  );
  app.get(
    '/banners',
    {
      preHandler: read,
      schema: {
        tags: ['shop content'],
        summary: 'All banners',
        security: sec,
        querystring: Type.Object({ type: Type.Optional(Type.String()) }),
        response: { 200: Type.Object({ items: Type.Array(BannerOut), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const items = await services.shopContent.banners(tenantOf(req), { type: req.query.type, enabledOnly: false });
      return { items: items.map(bannerOut), total: items.length };
    },
  );
  app.delete(
    '/banners/:id',
    {
      preHandler: manage,
      schema: {
        tags: ['shop content'],
        summary: 'Remove a banner',
        security: sec,
        params: IdParams,
        response: { ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => sendResult(reply, await services.shopContent.removeBanner(tenantOf(req), req.params.id, principalOf(req)), 204),
  );
}

function noticeRoutes(app: NativeApp) {
  const { services, guard } = app;
  const manage = guard({ roles: ['owner', 'admin', 'operator'] });
  const read = guard();
  const sec = [{ bearer: [] }];

  app.post(
    '/notices',
    {
      preHandler: manage,
      schema: {
        tags: ['shop content'],
        summary: 'Publish a notice',
        security: sec,
        body: Type.Object({
          type: Type.Optional(Type.String({ maxLength: 50 })),
          title: Type.String({ minLength: 1, maxLength: 200 }),
          content: Type.Optional(Type.String({ maxLength: 100_000 })),
          enabled: Type.Optional(Type.Boolean()),
        }),
        response: { 201: NoticeOut, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.shopContent.addNotice(tenantOf(req), req.body, principalOf(req)), 201, noticeOut),
  );
  app.get(
    '/notices',
    {
      preHandler: read,
      schema: {
        tags: ['shop content'],
        summary: 'Notices, newest first',
        security: sec,
        querystring: Type.Object({ type: Type.Optional(Type.String()), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(NoticeOut), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const r = await services.shopContent.notices(tenantOf(req), { type: req.query.type, enabledOnly: false, ...pageOf(req.query) });
      return { items: r.items.map(noticeOut), total: r.total };
    },
  );
}

function configRoutes(app: NativeApp) {
  const { services, guard } = app;
  const read = guard();
  const sec = [{ bearer: [] }];

  app.put(
    '/config/:key',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['shop content'],
        summary: 'Set a config value (read by apifm config/value and config/values)',
        security: sec,
        params: Type.Object({ key: Type.String({ minLength: 1, maxLength: 100 }) }),
        body: Type.Object({ value: Type.String({ maxLength: 10_000 }), remark: text(500) }),
        response: { 200: ConfigOut, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.shopContent.setConfig(tenantOf(req), req.params.key, req.body.value, req.body.remark ?? null, principalOf(req)),
        200,
        (c) => ({ ...c, updatedAt: iso(c.updatedAt) }),
      ),
  );
  app.get(
    '/config',
    {
      preHandler: read,
      schema: {
        tags: ['shop content'],
        summary: 'All config values',
        security: sec,
        response: { 200: Type.Object({ items: Type.Array(ConfigOut), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const items = await services.shopContent.configValues(tenantOf(req), null);
      return { items: items.map((c) => ({ ...c, updatedAt: iso(c.updatedAt) })), total: items.length };
    },
  );
}

function levelAndRuleRoutes(app: NativeApp) {
  const { services, guard } = app;
  const sec = [{ bearer: [] }];

  app.post(
    '/user-levels',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['shop content'],
        summary: 'Add a user level (with optional prices to buy it)',
        security: sec,
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          level: Type.Integer({ minimum: 0 }),
          upgradeAmount: Type.Optional(Money),
          rebate: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'basis points paid, 10000 = no discount' })),
          remark: text(500),
          prices: Type.Optional(
            Type.Array(
              Type.Object({
                duration: Type.Integer({ minimum: 1 }),
                unit: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
                price: Money,
              }),
              { maxItems: 20 },
            ),
          ),
        }),
        response: { 201: LevelOut, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const r = await services.shopContent.addLevel(
        tenantOf(req),
        {
          ...b,
          upgradeAmount: b.upgradeAmount ? fen(b.upgradeAmount) : 0,
          prices: (b.prices ?? []).map((p) => ({ ...p, price: fen(p.price) })),
        },
        principalOf(req),
      );
      return sendResult(reply, r, 201, (l) => ({
        ...l,
        upgradeAmount: formatMoney(l.upgradeAmount),
        prices: l.prices.map((p) => ({ id: p.id, duration: p.duration, unit: p.unit, price: formatMoney(p.price) })),
        createdAt: iso(l.createdAt),
      }));
    },
  );

  const RuleOut = Type.Object({ id: Id, confine: Money, send: Money });
  app.post(
    '/recharge-rules',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['shop content'],
        summary: 'Set a recharge bonus rule (recharge ≥ confine, get send)',
        security: sec,
        body: Type.Object({ confine: Money, send: Money }),
        response: { 201: RuleOut, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.account.addRechargeRule(tenantOf(req), fen(req.body.confine), fen(req.body.send), principalOf(req)),
        201,
        (r) => ({ id: r.id, confine: formatMoney(r.confine), send: formatMoney(r.send) }),
      ),
  );

  const PayBillOut = Type.Object({ id: Id, consume: Money, discounts: Money });
  app.post(
    '/pay-bill-discounts',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['shop content'],
        summary: 'Set a pay-bill (买单) discount: spend ≥ consume, get discounts off',
        security: sec,
        body: Type.Object({ consume: Money, discounts: Money }),
        response: { 201: PayBillOut, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.account.addPayBillRule(tenantOf(req), fen(req.body.consume), fen(req.body.discounts), principalOf(req)),
        201,
        (r) => ({
          id: r.id,
          consume: formatMoney(r.consume),
          discounts: formatMoney(r.discounts),
        }),
      ),
  );
}

function invoiceAndMessageRoutes(app: NativeApp) {
  const { services, guard } = app;
  const sec = [{ bearer: [] }];

  app.get(
    '/invoice-requests',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator', 'auditor'] }),
      schema: {
        tags: ['shop content'],
        summary: "Consumers' invoice requests",
        security: sec,
        querystring: Type.Object({ userId: Type.Optional(Id), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(InvoiceOut), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const r = await services.shopContent.invoices(tenantOf(req), { userId: req.query.userId, ...pageOf(req.query) });
      return { items: r.items.map(invoiceOut), total: r.total };
    },
  );
  app.post(
    '/invoice-requests/:id/status',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator'] }),
      schema: {
        tags: ['shop content'],
        summary: 'Mark an invoice request issued (with its file) or refused',
        security: sec,
        params: IdParams,
        body: Type.Object({ status: Type.Integer({ minimum: 0, maximum: 2 }), file: text(1000) }),
        response: { 200: InvoiceOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendResult(
        reply,
        await services.shopContent.setInvoiceStatus(
          tenantOf(req),
          req.params.id,
          INVOICE_STATE_OF[req.body.status]!,
          req.body.file ?? null,
          principalOf(req),
        ),
        200,
        invoiceOut,
      ),
  );

  app.post(
    '/users/:id/messages',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator'] }),
      schema: {
        tags: ['shop content'],
        summary: 'Send an in-app message (站内信) to a consumer',
        security: sec,
        params: IdParams,
        body: Type.Object({
          title: Type.String({ minLength: 1, maxLength: 200 }),
          content: text(10_000),
          type: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
        }),
        response: {
          201: Type.Object({ id: Id, title: Type.String(), createdAt: Type.String({ format: 'date-time' }) }),
          ...errors(400, 401, 403, 404),
        },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.shopContent.sendMessage(tenantOf(req), req.params.id, req.body, principalOf(req)), 201, (m) => ({
        id: m.id,
        title: m.title,
        createdAt: iso(m.createdAt),
      })),
  );
}
