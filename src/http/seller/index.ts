// The seller write-off dialect (seed 000): sellers logged in from WeChat
// (/api/cus/...) or the web back office (/api/sell/...) write off coupons by
// code, see their write-off history and their customers. Envelope
// {code:1000, msg, data}; pages in Spring Data form; times "YYYY-MM-DD
// HH:mm:ss" in the merchant's zone. Every failure is a non-1000 code in the
// same envelope (see SELLER_CODES).
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fenToYuan } from '../../kernel/money.ts';
import { ErrorCode, type DomainError } from '../../kernel/result.ts';
import type { Principal } from '../../kernel/deps.ts';
import type { Services } from '../../compose.ts';
import type { Customer, Seller, WriteOffRecord } from '../../contexts/sellers/index.ts';
import { verifyStaffPasswordOrMd5 } from '../../contexts/identity/index.ts';
import { formatLocalDateTime } from './time.ts';
import { edgeErrorHandler, JSON_TYPE, type EdgeError, type EdgeReply } from '../edge/kinds.ts';

export const SELLER_CODES = {
  ok: 1000,
  invalidInput: 1001,
  notLoggedIn: 1002,
  notSeller: 1003,
  loginFailed: 1004,
  tooManyAttempts: 1005,
  couponNotFound: 2001,
  couponUsed: 2002,
  couponExpired: 2003,
  // 2004 ("another merchant's") is never answered: another merchant's code is 2001, like a code nobody has.
  outsideStores: 2005,
  otherSeller: 2006,
  couponNotYetValid: 2007,
  couponVoided: 2008,
  couponNotUsable: 2009,
  noRoute: 1404,
  internal: 1500,
} as const;

export function sellerCodeOf(e: DomainError): number {
  const reason = e.details?.reason;
  switch (e.code) {
    case ErrorCode.invalid_input:
      return SELLER_CODES.invalidInput;
    case ErrorCode.unauthenticated:
      return SELLER_CODES.notLoggedIn;
    case ErrorCode.invalid_credentials:
      return SELLER_CODES.loginFailed;
    case ErrorCode.rate_limited:
      return SELLER_CODES.tooManyAttempts;
    case ErrorCode.forbidden:
      if (reason === 'other_seller') return SELLER_CODES.otherSeller;
      if (reason === 'outside_stores') return SELLER_CODES.outsideStores;
      return SELLER_CODES.notSeller;
    case ErrorCode.wrong_store:
      return SELLER_CODES.outsideStores;
    case ErrorCode.not_found:
      return SELLER_CODES.couponNotFound;
    case ErrorCode.coupon_used:
      return SELLER_CODES.couponUsed;
    case ErrorCode.coupon_expired:
      return SELLER_CODES.couponExpired;
    case ErrorCode.coupon_not_yet_valid:
      return SELLER_CODES.couponNotYetValid;
    case ErrorCode.coupon_voided:
      return SELLER_CODES.couponVoided;
    default:
      return SELLER_CODES.couponNotUsable;
  }
}

const reply1000 = (reply: FastifyReply, msg: string, data: unknown) => reply.code(200).send({ code: SELLER_CODES.ok, msg, data });
const replyFail = (reply: FastifyReply, code: number, msg: string, status = 200) => reply.code(status).send({ code, msg, data: null });

type PageKey = 'content' | 'totalElements' | 'totalPages' | 'last' | 'first' | 'numberOfElements' | 'sort' | 'size' | 'number';

/** A Spring Data page, keys in the order the seed's example shows them. */
function springPage<T>(content: T[], total: number, number: number, size: number, order: PageKey[]) {
  const totalPages = Math.ceil(total / size);
  const v: Record<PageKey, unknown> = {
    content,
    totalElements: total,
    totalPages,
    last: number + 1 >= totalPages,
    first: number === 0,
    numberOfElements: content.length,
    sort: null,
    size,
    number,
  };
  return Object.fromEntries(order.map((k) => [k, v[k]]));
}

const sellerJson = (s: Seller | null) =>
  s && { id: s.id, account: s.account, name: s.name, phone: s.phone, wechat: s.wechat, pic: s.pic, intro: s.intro };

const customerJson = (c: Customer) => ({
  id: c.id,
  uid: c.uid,
  phone: c.phone,
  seller: sellerJson(c.seller),
  bSell: c.isSeller,
  frequenter: c.frequenter,
  sellerChannel: c.channel,
});

function writeOffJson(w: WriteOffRecord, tz: string) {
  const t = w.template;
  return {
    id: w.id,
    couponObj: {
      id: w.coupon.id,
      code: w.coupon.code,
      coupon: {
        id: t.id,
        content: t.name,
        finite: t.stock !== null,
        num: t.stock ?? t.issued,
        startDate: formatLocalDateTime(t.validFrom ?? w.coupon.validFrom, tz),
        endDate: formatLocalDateTime(t.validTo ?? w.coupon.validTo, tz),
        amount: t.discountType === 'amount' && t.amountOff !== null ? fenToYuan(t.amountOff) : null,
      },
      expired: w.coupon.expired,
      note: t.description,
      generalTime: formatLocalDateTime(w.coupon.createdAt, tz),
    },
    seller: sellerJson(w.seller),
    date: formatLocalDateTime(w.date, tz),
  };
}

const Params = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 200 })),
  code: Type.Optional(Type.String({ maxLength: 64 })),
  storeId: Type.Optional(Type.Integer({ minimum: 1 })),
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  size: Type.Optional(Type.Integer({ minimum: 1, maximum: 9999 })),
});
const LoginParams = Type.Object({
  account: Type.Optional(Type.String({ maxLength: 64 })),
  username: Type.Optional(Type.String({ maxLength: 64 })),
  password: Type.Optional(Type.String({ maxLength: 200 })),
});

type P = { token?: string; code?: string; storeId?: number; page?: number; size?: number };
const paramsOf = <T>(req: FastifyRequest): T => ({ ...((req.query as object) ?? {}), ...((req.body as object) ?? {}) }) as T;

function tokenOf(req: FastifyRequest, p: P): string | null {
  if (p.token) return p.token;
  const h = req.headers.token;
  if (typeof h === 'string' && h) return h;
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

function side(services: Services, which: 'cus' | 'sell') {
  const defaultSize = which === 'cus' ? 999 : 9999;
  return async function routes(app: FastifyInstance) {
    const r = app.withTypeProvider<TypeBoxTypeProvider>();
    r.setNotFoundHandler((req, reply) =>
      replyFail(reply, SELLER_CODES.noRoute, `no such call ${req.method} ${req.url.split('?')[0]}`, 404),
    );

    /**
     * The calling seller, or a reply already sent: a seller's staff session
     * (either side), or on the WeChat side the consumer token of a seller's
     * own WeChat account (seed 000: "绑定成为 seller 的微信用户登录之后得到的 token").
     */
    async function seller(
      req: FastifyRequest,
      reply: FastifyReply,
      p: P,
    ): Promise<{ principal: Principal; me: Seller & { tenantId: number }; tz: string } | null> {
      const token = tokenOf(req, p);
      if (!token) {
        replyFail(reply, SELLER_CODES.notLoggedIn, 'token is required: log in first');
        return null;
      }
      const principal = await services.auth.authenticate(token);
      const found = principal
        ? await services.sellers.asSeller(principal).then((r) => (r.ok ? { ok: true as const, value: { principal, me: r.value } } : r))
        : which === 'cus'
          ? await wechatSeller(token)
          : null;
      if (!found) {
        replyFail(reply, SELLER_CODES.notLoggedIn, 'the token is invalid or has expired: log in again');
        return null;
      }
      if (!found.ok) {
        replyFail(reply, sellerCodeOf(found.error), found.error.message);
        return null;
      }
      const tenant = await services.tenants.get(found.value.me.tenantId);
      return { ...found.value, tz: tenant?.timezone ?? 'Asia/Shanghai' };
    }

    /** The seller behind a consumer token (its own WeChat account), or null when the token is no live consumer session. */
    async function wechatSeller(token: string) {
      const tenantId = await services.consumerTokens.tenantOf(token);
      const consumer = tenantId === null ? null : await services.consumerAuth.authenticate(tenantId, token);
      return consumer ? services.sellers.asSellerAccount(consumer.tenantId, consumer.userId) : null;
    }

    const page = (p: P) => {
      const size = p.size ?? defaultSize;
      const number = p.page ?? 0;
      return { size, number, limit: size, offset: number * size };
    };

    r.post(
      '/login',
      {
        schema: {
          tags: ['seller dialect'],
          summary: `Seller login (${which === 'cus' ? 'WeChat side' : 'web back office'}); data.token is the session token`,
          body: Type.Optional(LoginParams),
          querystring: LoginParams,
        },
      },
      async (req, reply) => {
        const p = paramsOf<{ account?: string; username?: string; password?: string }>(req);
        const account = (p.account ?? p.username ?? '').trim();
        if (!account || !p.password) return replyFail(reply, SELLER_CODES.invalidInput, 'account and password are required');
        const v = await services.auth.verifyCredentials(account, p.password, req.ip, verifyStaffPasswordOrMd5);
        if (!v.ok)
          return replyFail(
            reply,
            sellerCodeOf(v.error),
            v.error.code === ErrorCode.invalid_credentials ? 'wrong account or password' : v.error.message,
          );
        if (v.value.role !== 'seller' || v.value.tenantId === null)
          return replyFail(reply, SELLER_CODES.notSeller, 'this account is not a seller');
        const s = await services.auth.openSession(v.value);
        const info = await services.sellers.get(v.value.tenantId, v.value.id);
        return reply1000(reply, 'login success', {
          token: s.token,
          expiresAt: formatLocalDateTime(s.expiresAt, s.tenant?.timezone ?? 'Asia/Shanghai'),
          seller: sellerJson(info),
        });
      },
    );

    r.post(
      '/logout',
      { schema: { tags: ['seller dialect'], summary: 'End the seller session', body: Type.Optional(Params), querystring: Params } },
      async (req, reply) => {
        const token = tokenOf(req, paramsOf<P>(req));
        if (!token) return replyFail(reply, SELLER_CODES.notLoggedIn, 'token is required');
        await services.auth.logout(token);
        const consumerTenant = which === 'cus' ? await services.consumerTokens.tenantOf(token) : null;
        if (consumerTenant !== null) await services.consumerAuth.logout(consumerTenant, token);
        return reply1000(reply, 'logout success', null);
      },
    );

    r.post(
      '/writeOffCoupons',
      {
        schema: {
          tags: ['seller dialect'],
          summary: "Write off a customer's coupon by its code",
          body: Type.Optional(Params),
          querystring: Params,
        },
      },
      async (req, reply) => {
        const p = paramsOf<P>(req);
        const s = await seller(req, reply, p);
        if (!s) return reply;
        if (!p.code?.trim()) return replyFail(reply, SELLER_CODES.invalidInput, 'code is required: the code of the coupon to write off');
        const w = await services.sellers.writeOff(s.principal, p.code, { storeId: p.storeId ?? null });
        if (!w.ok) return replyFail(reply, sellerCodeOf(w.error), w.error.message);
        return reply1000(reply, 'write off coupon success', null);
      },
    );

    r.post(
      '/getMyCustomer',
      {
        schema: {
          tags: ['seller dialect'],
          summary: "The seller's customers (Spring page; page from 0)",
          body: Type.Optional(Params),
          querystring: Params,
        },
      },
      async (req, reply) => {
        const p = paramsOf<P>(req);
        const s = await seller(req, reply, p);
        if (!s) return reply;
        const pg = page(p);
        const list = await services.sellers.customers(s.me.tenantId, s.me.id, pg);
        const content = list.items.map(customerJson);
        return which === 'cus'
          ? reply1000(
              reply,
              'get all my customer success',
              springPage(content, list.total, pg.number, pg.size, [
                'content',
                'totalElements',
                'totalPages',
                'last',
                'first',
                'numberOfElements',
                'sort',
                'size',
                'number',
              ]),
            )
          : reply1000(
              reply,
              'get my customer success',
              springPage(content, list.total, pg.number, pg.size, [
                'content',
                'last',
                'totalPages',
                'totalElements',
                'first',
                'numberOfElements',
                'sort',
                'size',
                'number',
              ]),
            );
      },
    );

    r.post(
      '/writeOffHistory',
      {
        schema: {
          tags: ['seller dialect'],
          summary: "The seller's write-offs, newest first (code filters one coupon)",
          body: Type.Optional(Params),
          querystring: Params,
        },
      },
      async (req, reply) => {
        const p = paramsOf<P>(req);
        const s = await seller(req, reply, p);
        if (!s) return reply;
        const pg = page(p);
        const list = await services.sellers.writeOffs(s.me.tenantId, s.me.id, { code: p.code, limit: pg.limit, offset: pg.offset });
        const content = list.items.map((w) => writeOffJson(w, s.tz));
        return reply1000(
          reply,
          'get all write off history success',
          springPage(content, list.total, pg.number, pg.size, [
            'content',
            'totalPages',
            'totalElements',
            'last',
            'first',
            'numberOfElements',
            'sort',
            'size',
            'number',
          ]),
        );
      },
    );
  };
}

/** An edge error in this dialect's envelope: client errors are HTTP 200 code 1001, unknown calls 404/1404, internal ones 500/1500. */
export function renderSellerEdge(e: EdgeError): EdgeReply {
  const fail = (status: number, code: number, msg: string) => ({ status, contentType: JSON_TYPE, body: { code, msg, data: null } });
  if (e.kind === 'not_found') return fail(404, SELLER_CODES.noRoute, e.message);
  if (e.kind === 'internal') return fail(500, SELLER_CODES.internal, e.message);
  return fail(200, SELLER_CODES.invalidInput, e.kind === 'missing' ? `${e.field} is required` : e.message);
}

/** Mounted at /api/cus and /api/sell, each with its own not-found reply; errors in this dialect's envelope. */
export async function sellerDialect(app: FastifyInstance, opts: { services: Services }) {
  app.setErrorHandler(edgeErrorHandler(renderSellerEdge));
  await app.register(side(opts.services, 'cus'), { prefix: '/api/cus' });
  await app.register(side(opts.services, 'sell'), { prefix: '/api/sell' });
}
