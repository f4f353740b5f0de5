// The 礼遇圈 store-staff dialect (seed 001), mounted at /web/: every route is
// a POST taking form or JSON parameters, answering `{errCode, result, msg,
// data, time}` (+ `total, pages, pageNum, pageSize` on pages). Thin: parse,
// authorise, call a service, shape the reply; errors never leave as
// problem+json but in this envelope with the seed's codes.
import multipart from '@fastify/multipart';
import { Type, type TProperties, type TSchema } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { parseMoney } from '../../kernel/money.ts';
import { roleMay, type CardPermission } from '../../contexts/identity/index.ts';
import { ErrorCode, fail, ok as okResult, type Result } from '../../kernel/result.ts';
import type { Role } from '../../kernel/deps.ts';
import type { Services } from '../../compose.ts';
import type { CardEntry, CardEvent, UserCard } from '../../contexts/cards/index.ts';
import type { Invoice } from '../../contexts/cards/index.ts';
import { verifyStaffPasswordMd5 } from '../../kernel/security.ts';
import {
  envelope, javaTime, localTime, LYQ, lyqOf, msTime, pageFields, paging, sendCode, sendFail, staffAuth, staffCheck, tokenOf, yuan,
} from './kit.ts';

type App = FastifyInstance & { withTypeProvider: FastifyInstance['withTypeProvider'] };

// Menus and permissions shown by manage/user/info, by role.
const ALL_PATHS = [
  'manage/v3/store/list', 'manage/v3/card/store_card', 'manage/v3/userCard/add', 'manage/v3/cardEvent/all_event', 'manage/v3/cardEvent/detail',
  'manage/v3/userCard/charge', 'manage/v3/userCard/expense', 'manage/v3/turnover/refund', 'manage/v3/turnover/refund_charge', 'manage/ask/code',
  'manage/v3/turnover/record_list', 'manage/v3/turnover/expense_list', 'manage/v3/turnover/refund_list', 'manage/v3/userCard/user_card',
  'manage/v3/userCard/user_card_detail', 'manage/v3/userCard/card_status', 'manage/upload/image', 'manage/tool/scan', 'manage/v3/coupon/use',
  'manage/v3/coupon/forUser', 'manage/v3/coupon/xcx_list', 'manage/v3/invoice/list', 'manage/v3/invoice/add', 'manage/v3/card/card_detail', 'manage/v3/invoice/all_list',
];
const MENUS = ['store', 'memberCard', 'recharge', 'expense', 'turnover', 'member', 'scan', 'coupon', 'invoice'];
// Which card permission (domain/permissions.ts, enforced by the services) each path and menu needs; the rest need none.
const PATH_NEEDS: Partial<Record<string, CardPermission>> = {
  'manage/v3/turnover/refund': 'card.refund', 'manage/v3/turnover/refund_charge': 'card.refund', 'manage/ask/code': 'card.refund',
  'manage/v3/userCard/card_status': 'card.cash_back', 'manage/v3/invoice/add': 'card.invoice',
  'manage/v3/turnover/record_list': 'card.records', 'manage/v3/turnover/expense_list': 'card.records', 'manage/v3/turnover/refund_list': 'card.records',
  'manage/v3/invoice/list': 'card.records', 'manage/v3/invoice/all_list': 'card.records',
};
const MENU_NEEDS: Partial<Record<string, CardPermission>> = { turnover: 'card.records', invoice: 'card.records' };
const allowedFor = (role: Role, needs: Partial<Record<string, CardPermission>>, names: string[]) =>
  names.filter((n) => { const p = needs[n]; return !p || roleMay(role, p); });
const ROLE_IDS: Record<Role, number> = { platform_admin: 1, owner: 2, admin: 3, operator: 4, auditor: 5, seller: 6 };

const Token = { token: Type.Optional(Type.String({ maxLength: 200 })) };
const Body = <P extends TProperties>(props: P) => Type.Object({ ...Token, ...props });
const Int = Type.Integer({ minimum: 1 });
const Amount = Type.String({ maxLength: 20, description: 'BigDecimal, e.g. 200.00' });
const OptStr = (max = 200) => Type.Optional(Type.String({ maxLength: max }));
const Paged = { pageNum: Type.Optional(Type.Integer({ minimum: 1, default: 1 })), pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 14 })) };
const TimeRange = { startTime: Type.Optional(Type.Integer({ minimum: 0 })), endTime: Type.Optional(Type.Integer({ minimum: 0 })) };
const schema = <T extends TSchema>(summary: string, body: T) => ({ tags: ['liyuquan'], summary, body });

const storeIdsText = (ids: number[]) => (ids.length ? ids.join(',') : '');

export async function liyuquanApi(app: App, opts: { services: Services }) {
  const { services } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const auth = staffAuth(services);
  const checkStaff = staffCheck(services);
  await app.register(multipart, { limits: { fileSize: services.uploads.maxBytes, files: 1, fields: 10 } });
  app.decorateRequest('lyq', null);

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      const v = err.validation[0];
      const missing = v?.keyword === 'required' ? String(v.params?.missingProperty ?? '') : null;
      if (missing) return sendCode(reply, LYQ.missingParam, `缺少参数: ${missing}`);
      return sendCode(reply, LYQ.missingParam, `参数错误: ${(v?.instancePath || '').replace(/^\//, '')} ${v?.message ?? ''}`.trim());
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendCode(reply, status, err.message, status);
    req.log.error({ err }, 'unhandled error');
    return sendCode(reply, 500, `服务器内部错误 (request ${req.id})`, 500);
  });
  app.setNotFoundHandler((req, reply) => sendCode(reply, 404, `no route ${req.method} ${req.url.split('?')[0]}`, 404));

  const ok = (reply: FastifyReply, extra: Parameters<typeof envelope>[1] = {}) => reply.send(envelope(LYQ.ok, extra));
  const money = (reply: FastifyReply, field: string, v: string) => {
    const fen = parseMoney(v);
    if (fen === null) {
      sendCode(reply, LYQ.failed, `${field}: "${v}" is not an amount like 200.00`);
      return null;
    }
    return fen;
  };
  const actor = (req: FastifyRequest) => lyqOf(req).principal;
  const tenant = (req: FastifyRequest) => lyqOf(req).tenantId;
  const tz = (req: FastifyRequest) => lyqOf(req).timeZone;

  // ------------------------------------------------------------------ 2 user
  r.post('/manage/user/login', {
    schema: schema('Staff login; password is MD5(password) in hex', Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 64 }), client: Type.Optional(Type.Integer()) })),
  }, async (req, reply) => {
    const v = await services.auth.verifyCredentials(req.body.username, req.body.password, req.ip, verifyStaffPasswordMd5);
    if (!v.ok) return sendCode(reply, LYQ.failed, v.error.code === ErrorCode.invalid_credentials ? '用户名或密码错误' : v.error.message);
    const s = await services.auth.openSession(v.value);
    return ok(reply, { data: s.token });
  });

  r.post('/manage/user/info', { preHandler: auth, schema: schema('The logged-in staff member, menus and permissions', Body({})) }, async (req, reply) => {
    const p = actor(req);
    const s = await services.staff.get(tenant(req), p.staffId);
    if (!s) return sendCode(reply, LYQ.loginNeeded, '需要登录');
    return ok(reply, {
      data: {
        sysAdmin: {
          id: s.id, username: s.username, password: '', active: s.disabled ? 0 : 1, avatar: null, realName: s.name, phone: s.phone, idNumber: null, gender: null,
          email: null, qq: null, wechat: null, created: javaTime(s.createdAt), updated: javaTime(s.createdAt), createAdminId: null, updateAdminId: null,
          createIp: '', loginCount: null, lastLoginTime: null, lastLoginIp: null,
        },
        menus: allowedFor(s.role, MENU_NEEDS, MENUS),
        permissions: allowedFor(s.role, PATH_NEEDS, ALL_PATHS),
        permissionList: null,
        roleId: ROLE_IDS[s.role],
      },
    });
  });

  // ------------------------------------------------------------------ 3 operations
  r.post('/manage/v3/store/list', { preHandler: auth, schema: schema("The merchant's stores (the staff member's own when bound to stores)", Body({ ...Paged })) }, async (req, reply) => {
    const pg = paging(req.body);
    const p = actor(req);
    const all = await services.stores.list(tenant(req), { limit: 10_000, offset: 0 });
    const mine = p.storeIds.length ? all.items.filter((s) => p.storeIds.includes(s.id)) : all.items;
    const page = mine.slice(pg.offset, pg.offset + pg.limit);
    return ok(reply, {
      data: page.map((s) => ({
        id: s.id, merchantId: tenant(req), name: s.name, address: s.address, phone: s.phone, area: s.area, linkman: s.linkman, adminId: null,
        merchantName: lyqOf(req).tenantName, password: null, created: javaTime(s.createdAt), updated: javaTime(s.createdAt),
      })),
      page: pageFields(mine.length, pg.pageNum, pg.pageSize),
    });
  });

  const eventVo = (e: CardEvent) => ({
    id: e.id, title: e.title, summary: e.summary, rechargeMoney: yuan(e.rechargeMoney), sendMoney: yuan(e.sendMoney), targetId: e.templateId, adminId: e.createdBy,
    type: e.type, status: e.status, created: javaTime(e.createdAt), targetName: e.templateName,
  });

  r.post('/manage/v3/card/store_card', { preHandler: auth, schema: schema('Card products that can be opened here, with stores and events', Body({ type: Type.Optional(Type.Integer()) })) }, async (req, reply) => {
    const products = await services.cards.listProducts(tenant(req), { activeOnly: true, storeIds: actor(req).storeIds });
    return ok(reply, {
      data: products.map((p) => ({
        id: p.id, cardNo: null, title: p.title, colour: p.colour, logo: p.logo, storeIds: storeIdsText(p.storeIds), eventIds: p.events.length ? p.events.map((e) => e.id).join(',') : null,
        adminId: p.createdBy, type: p.type, created: javaTime(p.createdAt), summary: p.summary, detail: p.detail,
        storeVos: p.stores.map((s) => ({ id: s.id, name: s.name, address: s.address, area: s.area, phone: s.phone, linkman: s.linkman })),
        eventVos: p.events.map(eventVo),
      })),
    });
  });

  r.post('/manage/v3/userCard/add', {
    preHandler: auth,
    schema: schema('Open a card for a phone number', Body({ phone: Type.String({ minLength: 1, maxLength: 20 }), membershipCardId: Int, password: OptStr(64) })),
  }, async (req, reply) => {
    const { phone, membershipCardId, password } = req.body;
    const out = await services.cards.openCard(tenant(req), { phone, productId: membershipCardId, password: password ? { md5: password } : null }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '开卡成功' });
  });

  r.post('/manage/v3/cardEvent/all_event', { preHandler: auth, schema: schema("A card's events", Body({ cardId: Int })) }, async (req, reply) => {
    const out = await services.cards.listEvents(tenant(req), req.body.cardId, true);
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { data: out.value.map(eventVo) });
  });

  r.post('/manage/v3/userCard/charge', {
    preHandler: auth,
    schema: schema('Recharge a member card', Body({ phone: Type.String({ minLength: 1, maxLength: 20 }), cardId: Int, recharge: Amount, send: Amount, eventId: Type.Optional(Int), image: Type.String({ maxLength: 500 }) })),
  }, async (req, reply) => {
    const b = req.body;
    const recharge = money(reply, 'recharge', b.recharge);
    if (recharge === null) return reply;
    const send = money(reply, 'send', b.send);
    if (send === null) return reply;
    const out = await services.cards.recharge(tenant(req), { card: { phone: b.phone, productId: b.cardId }, recharge, send, eventId: b.eventId ?? null, image: b.image || null }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '充值成功' });
  });

  r.post('/manage/v3/userCard/expense', {
    preHandler: auth,
    schema: schema('Spend from a member card (card password as MD5)', Body({ phone: Type.String({ minLength: 1, maxLength: 20 }), cardId: Int, expense: Amount, password: Type.String({ minLength: 1, maxLength: 64 }) })),
  }, async (req, reply) => {
    const b = req.body;
    const amount = money(reply, 'expense', b.expense);
    if (amount === null) return reply;
    const out = await services.cards.expense(tenant(req), { card: { phone: b.phone, productId: b.cardId }, amount, password: { md5: b.password } }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '成功' });
  });

  r.post('/manage/v3/turnover/refund', { preHandler: auth, schema: schema('Refund an expense (SMS code from manage/ask/code)', Body({ orderNo: Int, code: Type.String({ minLength: 1, maxLength: 10 }) })) }, async (req, reply) => {
    const out = await services.cards.refundExpense(tenant(req), { orderNo: req.body.orderNo, code: req.body.code }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '成功' });
  });

  r.post('/manage/ask/code', { preHandler: auth, schema: schema("Send the refund SMS code to the staff member's phone", Body({})) }, async (req, reply) => {
    const out = await services.cards.sendRefundCode(tenant(req), actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '成功' });
  });

  r.post('/manage/v3/turnover/refund_charge', { preHandler: auth, schema: schema('Refund a recharge (SMS code from manage/ask/code)', Body({ orderNo: Int, code: Type.String({ minLength: 1, maxLength: 10 }) })) }, async (req, reply) => {
    const out = await services.cards.refundRecharge(tenant(req), { orderNo: req.body.orderNo, code: req.body.code }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '成功' });
  });

  r.post('/manage/v3/cardEvent/detail', { preHandler: auth, schema: schema('One event, with its coupon', Body({ eventId: Int })) }, async (req, reply) => {
    const e = await services.cards.getEvent(tenant(req), req.body.eventId);
    if (!e) return sendCode(reply, LYQ.failed, 'event not found');
    return ok(reply, {
      data: {
        id: e.id, title: e.title, couponTitle: e.templateName, summary: e.summary, rechargeMoney: yuan(e.rechargeMoney), sendMoney: yuan(e.sendMoney), targetId: e.templateId,
        adminId: e.createdBy, type: e.type, status: e.status, updated: localTime(e.updatedAt, tz(req)), created: localTime(e.createdAt, tz(req)), scale: null, quantity: e.quantity,
      },
    });
  });

  // ------------------------------------------------------------------ 4 queries
  const entryBase = (e: CardEntry) => ({
    id: e.id, membershipCardId: e.cardProductId, title: e.title, cardNo: e.cardNo, userId: e.userId, nickname: e.nickname, phone: e.phone,
  });
  const range = (b: { startTime?: number; endTime?: number }) => ({ from: msTime(b.startTime), to: msTime(b.endTime) });

  r.post('/manage/v3/turnover/record_list', {
    preHandler: auth,
    schema: schema('Recharge records with totals', Body({ phone: OptStr(20), keywords: OptStr(50), ...TimeRange, ...Paged })),
  }, async (req, reply) => {
    const pg = paging(req.body);
    const r = await services.cards.records(tenant(req), ['recharge'], { phone: req.body.phone || undefined, keywords: req.body.keywords || undefined, ...range(req.body), ...pg }, actor(req));
    if (!r.ok) return sendFail(reply, r.error);
    const out = r.value;
    return ok(reply, {
      data: {
        totalChargeMoney: yuan(out.totalCapital), totalSendMoney: yuan(out.totalBonus),
        chargeReVo: out.items.map((e) => ({
          ...entryBase(e), memberEventId: e.eventId, eventName: e.eventName, rechargeMoney: yuan(e.capitalDelta), sendMoney: yuan(e.bonusDelta), type: e.channel,
          storeId: e.storeId, storeName: e.storeName, explain: e.explain, created: javaTime(e.createdAt), orderNo: e.orderNo, image: e.image, refunded: e.refunded,
        })),
      },
      page: pageFields(out.total, pg.pageNum, pg.pageSize),
    });
  });

  r.post('/manage/v3/turnover/expense_list', { preHandler: auth, schema: schema('Expense records with totals', Body({ phone: OptStr(20), ...TimeRange, ...Paged })) }, async (req, reply) => {
    const pg = paging(req.body);
    const r = await services.cards.records(tenant(req), ['expense'], { phone: req.body.phone || undefined, ...range(req.body), ...pg }, actor(req));
    if (!r.ok) return sendFail(reply, r.error);
    const out = r.value;
    return ok(reply, {
      data: {
        totalExpenseMoney: yuan(out.totalAmount),
        expenseReVo: out.items.map((e) => ({
          ...entryBase(e), expenseMoney: yuan(e.amount), type: e.channel, storeId: e.storeId, storeName: e.storeName, explain: e.explain,
          created: javaTime(e.createdAt), orderNo: e.orderNo, refunded: e.refunded,
        })),
      },
      page: pageFields(out.total, pg.pageNum, pg.pageSize),
    });
  });

  r.post('/manage/v3/turnover/refund_list', { preHandler: auth, schema: schema('Refund records (expense and recharge refunds)', Body({ phone: OptStr(20), ...TimeRange, ...Paged })) }, async (req, reply) => {
    const pg = paging(req.body);
    const r = await services.cards.records(tenant(req), ['refund', 'recharge_refund'], { phone: req.body.phone || undefined, ...range(req.body), ...pg }, actor(req));
    if (!r.ok) return sendFail(reply, r.error);
    const out = r.value;
    return ok(reply, {
      data: out.items.map((e) => ({
        ...entryBase(e), money: yuan(e.amount), storeName: e.storeName, explain: e.explain, created: javaTime(e.createdAt), orderNo: e.orderNo, refundOrderNo: e.refundOfOrderNo,
      })),
      page: pageFields(out.total, pg.pageNum, pg.pageSize),
    });
  });

  r.post('/manage/v3/userCard/user_card', { preHandler: auth, schema: schema('Members (users holding a card)', Body({ phone: OptStr(20), ...Paged })) }, async (req, reply) => {
    const pg = paging(req.body);
    const out = await services.cards.holders(tenant(req), { phone: req.body.phone || undefined, ...pg });
    return ok(reply, { data: out.items, page: pageFields(out.total, pg.pageNum, pg.pageSize) });
  });

  r.post('/manage/v3/userCard/user_card_detail', { preHandler: auth, schema: schema("A member's cards with event-card details", Body({ userId: Int })) }, async (req, reply) => {
    const out = await services.cards.memberDetail(tenant(req), req.body.userId);
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, {
      data: out.value.map((c) => ({
        userId: c.userId, phone: c.phone, nickname: c.nickname, avatar: c.avatar, cardId: c.cardProductId, title: c.title, cardNo: c.cardNo, balance: yuan(c.balance),
        type: c.type, capital: c.type === 11 ? yuan(c.capital) : null, send: c.type === 11 ? yuan(c.bonus) : null, created: javaTime(c.createdAt),
        eventCards: c.type === 11 ? c.buckets.map((b) => ({ storeMemberEventId: b.id, capitalBalance: yuan(b.capital), sendBalance: yuan(b.bonus), status: b.status })) : null,
      })),
    });
  });

  r.post('/manage/v3/userCard/card_status', { preHandler: auth, schema: schema('Cash back an event-card recharge that is due (3 → 5)', Body({ storeMemberEventId: Int })) }, async (req, reply) => {
    const out = await services.cards.cashBack(tenant(req), req.body.storeMemberEventId, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '' });
  });

  // ------------------------------------------------------------------ 5 upload
  // The client posts every parameter, the token too, as a multipart form field
  // beside the file; the query string and the token header work as well.
  r.post('/manage/upload/image', {
    schema: {
      tags: ['liyuquan'], summary: 'Upload an image (multipart: field "file", "module" (int, 1 for now) and "token" as form fields or in the query); data is its absolute URL',
      consumes: ['multipart/form-data'], querystring: Type.Object({ module: Type.Optional(Type.Integer()), ...Token }),
    },
  }, async (req, reply) => {
    // A token outside the form is checked before the file is read.
    const early = tokenOf(req);
    if (early) {
      const refused = await checkStaff(req, early);
      if (refused) return sendCode(reply, refused.errCode, refused.msg);
    }
    const form = await readForm(req);
    if (!early) {
      const refused = await checkStaff(req, form.ok ? form.value.fields.token ?? null : null);
      if (refused) return sendCode(reply, refused.errCode, refused.msg);
    }
    if (!form.ok) return sendFail(reply, form.error);
    const moduleText = form.value.fields.module ?? (req.query.module !== undefined ? String(req.query.module) : undefined);
    if (moduleText === undefined || moduleText === '') return sendCode(reply, LYQ.missingParam, '缺少参数: module');
    if (!/^-?\d{1,9}$/.test(moduleText.trim())) return sendCode(reply, LYQ.missingParam, `参数错误: module must be an integer, got "${moduleText.slice(0, 20)}"`);
    if (!form.value.file) return sendCode(reply, LYQ.failed, 'no file in the request (multipart field "file")');
    const out = await services.uploads.saveImage(tenant(req), form.value.file, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    // Absolute, like the seed's examples: PUBLIC_URL when configured (the service's URL), else this request's own origin.
    const url = /^https?:\/\//i.test(out.value.url) ? out.value.url : `${req.protocol}://${req.host}${out.value.url}`;
    return ok(reply, { msg: '成功', data: url });
  });

  // ------------------------------------------------------------------ 6 scan and coupons
  const couponView = async (req: FastifyRequest, code: string) => {
    const found = await services.coupons.get(tenant(req), code);
    if (!found) return null;
    const { coupon, template } = found;
    const stores = await services.stores.list(tenant(req), { limit: 10_000, offset: 0 });
    const names = (template.storeIds.length ? stores.items.filter((s) => template.storeIds.includes(s.id)) : stores.items).map((s) => `${s.name}/`).join('');
    const same = coupon.ownerId ? await services.coupons.list(tenant(req), { ownerId: coupon.ownerId, templateId: template.id, status: 'usable', limit: 1, offset: 0 }) : { total: 0 };
    return {
      coupon, template,
      view: {
        num: coupon.id, couponId: template.id, userId: coupon.ownerId, quantity: same.total, code: coupon.code, created: localTime(coupon.receivedAt ?? coupon.createdAt, tz(req)),
        title: template.name, summary: template.description, logo: null, storeIds: storeIdsText(template.storeIds), date: localTime(coupon.validTo, tz(req)), storeName: names,
        status: coupon.status,
      },
    };
  };

  const cardView = (c: UserCard, tzone: string) => ({
    id: c.id, membershipCardId: c.cardProductId, userId: c.userId, phone: c.phone, balance: yuan(c.balance), created: localTime(c.createdAt, tzone), cardNo: c.cardNo, title: c.title,
    summary: c.summary, colour: c.colour, logo: c.logo, type: c.type, storeIds: storeIdsText(c.storeIds), grade: null, summaryGrade: null,
    code: null, avatar: c.avatar, nickname: c.nickname,
  });

  r.post('/manage/tool/scan', { preHandler: auth, schema: schema("Scan a member card's or a coupon's QR code (signed by quan, short-lived)", Body({ qrcode: Type.String({ minLength: 1, maxLength: 500 }) })) }, async (req, reply) => {
    const v = await services.qr.verify(req.body.qrcode);
    if (!v.ok) return sendFail(reply, v.error);
    if (v.value.tenantId !== tenant(req)) return sendCode(reply, LYQ.failed, 'this QR code belongs to another merchant');
    if (v.value.kind === 'card') {
      const c = await services.cards.getCard(tenant(req), { cardId: v.value.cardId });
      if (!c) return sendCode(reply, LYQ.failed, 'card not found');
      return ok(reply, {
        data: { ...cardView(c, tz(req)), qrcodeType: 1, capital: c.type === 11 ? yuan(c.capital) : 0, send: c.type === 11 ? yuan(c.bonus) : 0 },
      });
    }
    const cv = await couponView(req, v.value.code);
    if (!cv) return sendCode(reply, LYQ.failed, 'coupon not found');
    return ok(reply, { data: { ...cv.view, qrcodeType: 2 } });
  });

  r.post('/manage/v3/coupon/use', { preHandler: auth, schema: schema('Write off a coupon by its number in the staff member\'s store', Body({ num: Type.String({ minLength: 1, maxLength: 64 }) })) }, async (req, reply) => {
    const code = await services.cards.couponCodeOf(tenant(req), req.body.num);
    if (!code) return sendCode(reply, LYQ.failed, `no coupon with number ${req.body.num}`);
    const where = await services.cards.couponWriteOffStore(tenant(req), code, actor(req));
    if (!where.ok) return sendFail(reply, where.error);
    const storeId = where.value;
    const before = await couponView(req, code);
    const out = await services.redemptions.writeOff(tenant(req), code, { storeId }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    const view = before!.view;
    const detail = {
      code: view.code, couponId: view.couponId, created: (before!.coupon.receivedAt ?? before!.coupon.createdAt).getTime(), date: before!.coupon.validTo?.getTime() ?? null,
      logo: null, num: view.num, quantity: view.quantity, storeIds: view.storeIds, summary: view.summary, title: view.title, userId: view.userId,
    };
    return ok(reply, {
      data: {
        id: out.value.id, num: view.num, couponId: view.couponId, userId: view.userId, storeId, detail: JSON.stringify(detail), adminId: actor(req).staffId, quantity: 1,
        created: localTime(out.value.createdAt, tz(req)), nickname: null, phone: null, storeName: null, title: view.title,
      },
    });
  });

  r.post('/manage/v3/coupon/forUser', {
    preHandler: auth,
    schema: schema('Give N coupons of a template to a phone number', Body({ phone: Type.String({ minLength: 1, maxLength: 20 }), couponId: Int, quantity: Type.Integer({ minimum: 1, maximum: 100 }) })),
  }, async (req, reply) => {
    const out = await services.cards.giveCoupons(tenant(req), { templateId: req.body.couponId, phone: req.body.phone, quantity: req.body.quantity }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '赠送成功' });
  });

  r.post('/manage/v3/coupon/xcx_list', { preHandler: auth, schema: schema('Coupon templates the staff member may hand out, with their stores', Body({})) }, async (req, reply) => {
    const usable = await services.cards.staffTemplates(tenant(req), actor(req));
    const stores = await services.stores.list(tenant(req), { limit: 10_000, offset: 0 });
    return ok(reply, {
      data: usable.map((t) => ({
        id: t.id, title: t.name, summary: t.description, logo: null, storeIds: storeIdsText(t.storeIds), adminId: null, type: t.discount.type === 'amount' ? 1 : 2, status: 1,
        date: t.validity.type === 'fixed' ? localTime(t.validity.to, tz(req)) : null, updated: localTime(t.updatedAt, tz(req)), created: localTime(t.createdAt, tz(req)),
        storeVos: (t.storeIds.length ? stores.items.filter((s) => t.storeIds.includes(s.id)) : stores.items).map((s) => ({
          id: s.id, name: s.name, address: s.address, area: s.area, phone: s.phone, linkman: s.linkman,
        })),
      })),
    });
  });

  // ------------------------------------------------------------------ 8 invoices
  const invoiceVo = (i: Invoice, tzone: string) => ({
    id: i.id, amount: yuan(i.amount), summary: i.summary ?? '', storeId: i.storeId, storeName: i.storeName, created: localTime(i.createdAt, tzone), image: i.image,
  });

  r.post('/manage/v3/invoice/list', { preHandler: auth, schema: schema("A member card's invoices and totals", Body({ userId: Int, cardId: Int })) }, async (req, reply) => {
    const out = await services.invoices.forCard(tenant(req), { userId: req.body.userId, productId: req.body.cardId }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, {
      data: {
        totalCharge: yuan(out.value.charged), totalInvoice: yuan(out.value.invoiced), amount: yuan(out.value.invoiceable),
        invoiceVos: out.value.items.map((i) => invoiceVo(i, tz(req))),
      },
    });
  });

  r.post('/manage/v3/invoice/add', {
    preHandler: auth,
    schema: schema('Record an invoice (never more than still invoiceable)', Body({ userId: Int, cardId: Int, amount: Amount, image: Type.String({ maxLength: 500 }), summary: OptStr(500) })),
  }, async (req, reply) => {
    const amount = money(reply, 'amount', req.body.amount);
    if (amount === null) return reply;
    const out = await services.invoices.add(tenant(req), { card: { userId: req.body.userId, productId: req.body.cardId }, amount, image: req.body.image || null, summary: req.body.summary }, actor(req));
    if (!out.ok) return sendFail(reply, out.error);
    return ok(reply, { msg: '添加成功' });
  });

  r.post('/manage/v3/card/card_detail', { preHandler: auth, schema: schema("A member's card, with what is still invoiceable", Body({ userId: Int, cardId: Int })) }, async (req, reply) => {
    const c = await services.cards.getCard(tenant(req), { userId: req.body.userId, productId: req.body.cardId });
    if (!c) return sendCode(reply, LYQ.failed, 'this user has no such card');
    return ok(reply, { data: { ...cardView(c, tz(req)), qrcodeType: null, balance: yuan(c.invoiceable), capital: null, send: null, storeName: c.storeName } });
  });

  r.post('/manage/v3/invoice/all_list', { preHandler: auth, schema: schema('All invoices, by phone (fuzzy) and time', Body({ phone: OptStr(20), ...TimeRange, ...Paged })) }, async (req, reply) => {
    const pg = paging(req.body);
    const r = await services.invoices.list(tenant(req), { phone: req.body.phone || undefined, ...range(req.body), ...pg }, actor(req));
    if (!r.ok) return sendFail(reply, r.error);
    const out = r.value;
    return ok(reply, {
      data: out.items.map((i) => ({ ...invoiceVo(i, tz(req)), userId: i.userId, phone: i.phone, nickname: i.nickname })),
      page: pageFields(out.total, pg.pageNum, pg.pageSize),
    });
  });
}

/** A multipart form: its text fields and the bytes of its one file (the first). */
async function readForm(req: FastifyRequest): Promise<Result<{ fields: Record<string, string>; file: Buffer | null }>> {
  if (!req.isMultipart()) return fail(ErrorCode.invalid_input, 'send the image as multipart/form-data (field "file")', { field: 'file' });
  const fields: Record<string, string> = {};
  let file: Buffer | null = null;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const data = await part.toBuffer();
        file ??= data;
      } else if (typeof part.value === 'string' || typeof part.value === 'number') {
        fields[part.fieldname] = String(part.value);
      }
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'FST_REQ_FILE_TOO_LARGE') return fail(ErrorCode.invalid_input, 'the file is larger than 5 MiB', { field: 'file' });
    if (code === 'FST_FILES_LIMIT_REACHED' || code === 'FST_FIELDS_LIMIT_REACHED' || code === 'FST_PARTS_LIMIT_REACHED') return fail(ErrorCode.invalid_input, 'send one file and a few fields');
    throw e;
  }
  return okResult({ fields, file });
}
