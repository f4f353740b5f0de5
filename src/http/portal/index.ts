// The promo-code portal dialect (seeds 002/003): calls by method name at
// POST /portal/gateway (`method` plus the parameters, form or JSON) or by the
// seed's paths (/portal/promotioncode/getPromotionCodeList, ...). Replies as
// the seed: {code:200, list, total, limit, offset}, {code:200, info},
// {code:20001, message} / {code:5001 | 50002, message}, {code:20003, data:{auth}}
// / {code:50003, message}. Other failures: see PORTAL_CODES.
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../../kernel/result.ts';
import type { PromoCodeAction, PromoCodeState } from '../../contexts/coupons/index.ts';
import type { Principal, Role } from '../../kernel/deps.ts';
import type { Services } from '../../compose.ts';
import type { PromoCode, PromoCodeInput } from '../../contexts/coupons/index.ts';
import { roleMay, verifyStaffPasswordOrMd5, type DepartmentNode } from '../../contexts/identity/index.ts';
import { formatLocalDateTime, parseLocalDateTime } from '../seller/time.ts';
import { promoRuleFromPortal, promoRuleToPortal } from './promotion-info.ts';
import { boundsFor } from '../edge/schema.ts';
import { edgeErrorHandler, JSON_TYPE, type EdgeError, type EdgeReply } from '../edge/kinds.ts';

export const PORTAL_CODES = {
  ok: 200,
  saved: 20001,
  loggedIn: 20003,
  saveFailed: 5001,
  setFailed: 50002,
  loginFailed: 50003,
  badRequest: 40000,
  notLoggedIn: 40001,
  forbidden: 40003,
  notFound: 40004,
  internal: 50000,
} as const;

/** Seed state numbers ↔ the approval machine. */
export const STATE_NUMBERS: Record<PromoCodeState, number> = { pending: 0, approved: 1, rejected: 2, voided: 3, draft: 4 };
const STATE_OF_NUMBER = Object.fromEntries(Object.entries(STATE_NUMBERS).map(([s, n]) => [n, s])) as Record<number, PromoCodeState>;
const ACTION_FOR_STATE: Partial<Record<PromoCodeState, PromoCodeAction>> = {
  pending: 'submit',
  approved: 'approve',
  rejected: 'reject',
  voided: 'void',
};
const EDITORS: Role[] = ['owner', 'admin', 'operator'];
const READERS: Role[] = ['owner', 'admin', 'operator', 'auditor'];

const USER_TYPE_IN: Record<string, 'any' | 'new' | 'no_purchase'> = {
  no_buy: 'no_purchase',
  new_reg: 'new',
  '': 'any',
  all: 'any',
  any: 'any',
};
const USER_TYPE_OUT: Record<string, string | null> = { no_purchase: 'no_buy', new: 'new_reg', any: null };

type Params = Record<string, unknown>;
interface Caller {
  principal: Principal & { kind: 'staff' };
  tenantId: number;
  tz: string;
}
type Reply = Record<string, unknown>;
interface Call {
  auth: boolean;
  run(p: Params, ctx: { req: FastifyRequest; caller: Caller | null }): Promise<Reply>;
}

const msg = (code: number, message: string): Reply => ({ code, message });
const str = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : String(v).trim());
/** A whole number within its parameter's bounds (edge/schema.ts), undefined when absent, null when not one. */
function int(v: unknown, name = 'id'): number | undefined | null {
  if (v === undefined || v === null || v === '') return undefined;
  const t = String(v).trim();
  if (!/^-?\d{1,16}$/.test(t)) return null;
  const n = Number(t);
  const b = boundsFor(name, 'integer');
  return n >= b.minimum && n <= b.maximum ? n : null;
}
/** Paging: absent → the default; present but not a number → null (refused, never silently defaulted). */
const intOr = (v: unknown, name: string, def: number) => {
  const n = int(v, name);
  return n === undefined ? def : n;
};

function menuFor(role: Role) {
  const has = (roles: Role[]) => role === 'platform_admin' || roles.includes(role);
  const promo = [
    ...(has(READERS) ? [{ title: '优惠码列表', href: '/promotioncode', icon: 'list' }] : []),
    ...(has(EDITORS) ? [{ title: '新增优惠码', href: '/promotioncode/add', icon: 'plus' }] : []),
    ...(roleMay(role, 'promo.approve') ? [{ title: '优惠码审核', href: '/promotioncode/audit', icon: 'check' }] : []),
  ];
  const system = [
    ...(has(READERS) ? [{ title: '部门', href: '/department', icon: 'sitemap' }] : []),
    { title: '个人资料', href: '/profile', icon: 'user' },
  ];
  return [
    { title: '首页', href: '/', icon: 'home' },
    ...(promo.length ? [{ title: '优惠码', parent: true, list: promo }] : []),
    { title: '系统', parent: true, list: system },
  ];
}

const departmentJson = (n: DepartmentNode): Reply =>
  n.children.length ? { name: n.name, id: n.id, sub: n.children.map(departmentJson) } : { name: n.name, id: n.id };

function calls(services: Services): Record<string, Call> {
  /** Everything a promo code's portal form shows besides itself. */
  async function context(tenantId: number) {
    const paths = await services.departments.paths(tenantId);
    const staffNames = new Map<number, string>();
    return {
      paths,
      async staffName(id: number | null): Promise<string | null> {
        if (id === null) return null;
        if (!staffNames.has(id)) {
          const s = await services.staff.get(tenantId, id);
          staffNames.set(id, s ? (s.name ?? s.username) : '');
        }
        return staffNames.get(id) || null;
      },
    };
  }

  async function listItem(p: PromoCode, c: Caller, ctx: Awaited<ReturnType<typeof context>>) {
    return {
      id: p.id,
      name: p.name,
      limit_times: p.limitTimes,
      req_department: p.departmentId === null ? null : (ctx.paths.get(p.departmentId)?.path ?? null),
      limit_date_from: formatLocalDateTime(p.validFrom, c.tz),
      limit_date_to: formatLocalDateTime(p.validTo, c.tz),
      describe: p.description,
      staff: await ctx.staffName(p.staffId),
      state: STATE_NUMBERS[p.state],
    };
  }

  async function info(p: PromoCode, c: Caller, ctx: Awaited<ReturnType<typeof context>>) {
    const base = await listItem(p, c, ctx);
    return {
      id: base.id,
      name: base.name,
      limit_times: base.limit_times,
      code: p.code,
      req_department: base.req_department,
      limit_date_from: base.limit_date_from,
      limit_date_to: base.limit_date_to,
      promotion_info: promoRuleToPortal(p.rule),
      user_use_limit: p.userUseLimit,
      user_source_limit: p.userSourceLimit.join(','),
      user_type_limit: USER_TYPE_OUT[p.userTypeLimit] ?? null,
      describe: base.describe,
      staff: base.staff,
      state: base.state,
    };
  }

  const may = (c: Caller, roles: Role[]) => c.principal.role === 'platform_admin' || roles.includes(c.principal.role);
  /** A role refusal: the call's own failure code where the seed gives one (add/update 5001, setState 50002), else 40003. */
  const denied = (roles: Role[], code: number = PORTAL_CODES.forbidden, prefix = '') =>
    msg(code, `${prefix}没有权限: 需要角色 ${roles.join(', ')} (your role may not do this)`);

  /** The portal's snake_case form → the native promo-code input (only the fields given). */
  async function inputOf(
    p: Params,
    c: Caller,
    creating: boolean,
  ): Promise<{ ok: true; value: PromoCodeInput } | { ok: false; message: string }> {
    const v: PromoCodeInput = {};
    const bad = (m: string) => ({ ok: false as const, message: m });
    if (p.name !== undefined) v.name = str(p.name);
    if (p.code !== undefined) v.code = str(p.code);
    if (p.describe !== undefined) v.description = str(p.describe) || null;
    for (const [key, field] of [
      ['limit_times', 'limitTimes'],
      ['user_use_limit', 'userUseLimit'],
    ] as const) {
      if (p[key] === undefined) continue;
      const n = int(p[key], key);
      if (n === null || (n !== undefined && n < 0)) return bad(`${key}: 应为非负整数 (0 或空为不限)`);
      v[field] = n ? n : null;
    }
    if (p.user_source_limit !== undefined) v.userSourceLimit = str(p.user_source_limit) ?? '';
    if (p.user_type_limit !== undefined) {
      const t = USER_TYPE_IN[str(p.user_type_limit) ?? ''];
      if (!t) return bad('user_type_limit: 应为 no_buy (未购买) 或 new_reg (新注册)');
      v.userTypeLimit = t;
    }
    for (const [key, field] of [
      ['limit_date_from', 'validFrom'],
      ['limit_date_to', 'validTo'],
    ] as const) {
      if (p[key] === undefined) continue;
      const d = parseLocalDateTime(String(p[key]), c.tz);
      if (!d) return bad(`${key}: 应为 "YYYY-MM-DD HH:mm:ss"`);
      v[field] = d.toISOString();
    }
    if (p.promotion_info !== undefined) {
      const r = promoRuleFromPortal(p.promotion_info);
      if (!r.ok) return bad(r.message);
      v.rule = r.rule;
    }
    if (p.req_department !== undefined) {
      const ref = str(p.req_department);
      if (!ref) v.departmentId = null;
      else {
        const d = await services.departments.resolve(c.tenantId, ref);
        if (!d.ok) return bad(`req_department: ${d.error.message}`);
        v.departmentId = d.value.id;
      }
    }
    if (p.staff !== undefined && str(p.staff)) {
      const name = str(p.staff)!;
      const all = await services.staff.list(c.tenantId, { limit: 500, offset: 0 });
      const found = all.items.filter((s) => s.username.toLowerCase() === name.toLowerCase() || s.name === name);
      if (found.length !== 1) return bad(found.length ? `staff: 有多名员工叫 "${name}", 请用用户名` : `staff: 没有员工 "${name}"`);
      v.staffId = found[0]!.id;
    } else if (creating) {
      v.staffId = c.principal.staffId;
    }
    return { ok: true, value: v };
  }

  return {
    'portal.system.login': {
      auth: false,
      async run(p, { req }) {
        const user = str(p.user) ?? str(p.username);
        const password = p.password === undefined ? undefined : String(p.password);
        if (!user || !password) return msg(PORTAL_CODES.loginFailed, '登录失败! 请填写用户名和密码');
        const v = await services.auth.verifyCredentials(user, password, req.ip, verifyStaffPasswordOrMd5);
        if (!v.ok)
          return msg(PORTAL_CODES.loginFailed, v.error.code === ErrorCode.rate_limited ? `登录失败! ${v.error.message}` : '登录失败!');
        if (v.value.tenantId === null) return msg(PORTAL_CODES.loginFailed, '登录失败! 平台管理员请使用管理控制台');
        const s = await services.auth.openSession(v.value);
        return { code: PORTAL_CODES.loggedIn, data: { auth: s.token } };
      },
    },

    'portal.system.menu': {
      auth: true,
      async run(_p, { caller }) {
        return { code: PORTAL_CODES.ok, list: menuFor(caller!.principal.role) };
      },
    },

    'portal.system.department': {
      auth: true,
      async run(_p, { caller }) {
        return { code: PORTAL_CODES.ok, list: (await services.departments.tree(caller!.tenantId)).map(departmentJson) };
      },
    },

    'portal.couponCode.getList': {
      auth: true,
      async run(p, { caller }) {
        const c = caller!;
        if (!may(c, READERS)) return denied(READERS);
        const limit = intOr(p.limit, 'limit', 20);
        const offset = intOr(p.offset, 'offset', 0);
        const id = int(p.id);
        const stateNo = int(p.state, 'state');
        if (limit === null || limit < 1 || limit > 500) return msg(PORTAL_CODES.badRequest, 'limit: 1-500');
        if (offset === null || offset < 0) return msg(PORTAL_CODES.badRequest, 'offset: 应为非负整数');
        if (id === null) return msg(PORTAL_CODES.badRequest, 'id: 应为整数');
        if (stateNo === null || (stateNo !== undefined && !(stateNo in STATE_OF_NUMBER)))
          return msg(PORTAL_CODES.badRequest, 'state: 0 待审核, 1 通过, 2 驳回, 3 作废, 4 草稿');
        const state = stateNo === undefined ? undefined : STATE_OF_NUMBER[stateNo];
        let departmentId: number | undefined;
        const dept = str(p.req_department);
        if (dept) {
          const d = await services.departments.resolve(c.tenantId, dept);
          if (!d.ok) return { code: PORTAL_CODES.ok, list: [], total: 0, limit, offset };
          departmentId = d.value.id;
        }
        const name = str(p.name) || undefined;
        let items: PromoCode[];
        let total: number;
        if (id !== undefined) {
          const one = await services.promoCodes.get(c.tenantId, id);
          const match =
            one &&
            (!state || one.state === state) &&
            (!name || one.name.toLowerCase().includes(name.toLowerCase())) &&
            (departmentId === undefined || one.departmentId === departmentId);
          items = match && offset === 0 ? [one] : [];
          total = match ? 1 : 0;
        } else {
          const r = await services.promoCodes.list(c.tenantId, { state, name, departmentId, limit, offset });
          items = r.items;
          total = r.total;
        }
        const ctx = await context(c.tenantId);
        return { code: PORTAL_CODES.ok, list: await Promise.all(items.map((x) => listItem(x, c, ctx))), total, limit, offset };
      },
    },

    'portal.couponCode.detail': {
      auth: true,
      async run(p, { caller }) {
        const c = caller!;
        if (!may(c, READERS)) return denied(READERS);
        const id = int(p.id);
        if (!id) return msg(PORTAL_CODES.badRequest, 'id: 优惠码标示必填');
        const one = await services.promoCodes.get(c.tenantId, id);
        if (!one) return msg(PORTAL_CODES.notFound, `优惠码不存在: ${id}`);
        return { code: PORTAL_CODES.ok, info: await info(one, c, await context(c.tenantId)) };
      },
    },

    'portal.couponCode.add': {
      auth: true,
      async run(p, { caller }) {
        const c = caller!;
        if (!may(c, EDITORS)) return denied(EDITORS, PORTAL_CODES.saveFailed, '保存失败: ');
        const v = await inputOf(p, c, true);
        if (!v.ok) return msg(PORTAL_CODES.saveFailed, `保存失败: ${v.message}`);
        const r = await services.promoCodes.create(c.tenantId, v.value, c.principal);
        return r.ok ? msg(PORTAL_CODES.saved, '保存成功!') : msg(PORTAL_CODES.saveFailed, `保存失败: ${r.error.message}`);
      },
    },

    'portal.couponCode.update': {
      auth: true,
      async run(p, { caller }) {
        const c = caller!;
        if (!may(c, EDITORS)) return denied(EDITORS, PORTAL_CODES.saveFailed, '保存失败: ');
        const id = int(p.id);
        if (!id) return msg(PORTAL_CODES.saveFailed, '保存失败: id (优惠码标示) 必填');
        const v = await inputOf(p, c, false);
        if (!v.ok) return msg(PORTAL_CODES.saveFailed, `保存失败: ${v.message}`);
        const r = await services.promoCodes.update(c.tenantId, id, v.value, c.principal);
        return r.ok ? msg(PORTAL_CODES.saved, '保存成功!') : msg(PORTAL_CODES.saveFailed, `保存失败: ${r.error.message}`);
      },
    },

    'portal.couponCode.setState': {
      auth: true,
      async run(p, { caller }) {
        const c = caller!;
        const id = int(p.id);
        const stateNo = int(p.state, 'state');
        if (!id) return msg(PORTAL_CODES.setFailed, '设置失败: id 必填');
        const target = stateNo === undefined || stateNo === null ? undefined : STATE_OF_NUMBER[stateNo];
        const action = target && ACTION_FOR_STATE[target];
        if (!action) return msg(PORTAL_CODES.setFailed, '设置失败: state 应为 1 (通过), 2 (驳回), 3 (作废) 或 0 (重新提交)');
        // The use-case decides who may take the action (identity's permission table); a refusal names the roles.
        const r = await services.promoCodes.act(c.tenantId, id, action, c.principal);
        if (r.ok) return msg(PORTAL_CODES.saved, '设置成功!');
        if (r.error.code === 'forbidden') return denied([...r.error.details.approval.roles], PORTAL_CODES.setFailed, '设置失败: ');
        return msg(PORTAL_CODES.setFailed, `设置失败: ${r.error.message}`);
      },
    },
  };
}

/** The seed's paths (and sensible ones for the calls it gives no path). */
export const PORTAL_PATHS: Record<string, string> = {
  '/promotioncode/getPromotionCodeList': 'portal.couponCode.getList',
  '/promotioncode/getPromotionCode': 'portal.couponCode.detail',
  '/promotioncode/addPromotionCode': 'portal.couponCode.add',
  '/promotioncode/updatePromotionCode': 'portal.couponCode.update',
  '/promotioncode/auditPromotionCode': 'portal.couponCode.setState',
  '/system/login': 'portal.system.login',
  '/system/menu': 'portal.system.menu',
  '/system/department': 'portal.system.department',
};
const ALIASES: Record<string, string> = {
  'portal.department.getList': 'portal.system.department',
  'portal.system.departments': 'portal.system.department',
};

/** Every method name /portal/gateway dispatches (the call table and its aliases), for docs and tests. */
export const portalMethods = (services: Services): string[] => [...Object.keys(calls(services)), ...Object.keys(ALIASES)];

/** Parameters from the query, the form or JSON body, and a nested `params` (object or JSON text). */
function paramsOf(req: FastifyRequest): Params {
  const body = req.body && typeof req.body === 'object' ? (req.body as Params) : {};
  const out: Params = { ...((req.query as Params) ?? {}), ...body };
  let nested = out.params;
  if (typeof nested === 'string') {
    try {
      nested = JSON.parse(nested);
    } catch {
      nested = undefined;
    }
  }
  if (nested && typeof nested === 'object' && !Array.isArray(nested)) Object.assign(out, nested);
  return out;
}

function authOf(req: FastifyRequest, p: Params): string | null {
  const a = p.auth ?? req.headers.auth;
  if (typeof a === 'string' && a) return a;
  if (typeof a === 'number') return String(a);
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

/** Every parameter a call reads (documented; any other is let through). */
const PARAM_NAMES = [
  ...['id', 'name', 'state', 'limit', 'offset', 'code', 'describe', 'staff', 'req_department', 'promotion_info'],
  ...['limit_times', 'user_use_limit', 'user_source_limit', 'user_type_limit', 'limit_date_from', 'limit_date_to'],
  ...['user', 'username', 'password', 'params'],
];
const Loose = Type.Object(
  {
    method: Type.Optional(Type.String({ maxLength: 100 })),
    auth: Type.Optional(Type.String({ maxLength: 200 })),
    ...Object.fromEntries(PARAM_NAMES.map((n) => [n, Type.Optional(Type.String())])),
  },
  { additionalProperties: true },
);
const TextOrObject = (description: string) => Type.Union([Type.String(), Type.Object({}, { additionalProperties: true })], { description });
// In a JSON body too, every parameter is text (numbers are taken as their text) but promotion_info and params, which may be objects.
const Body = Type.Optional(
  Type.Object(
    {
      ...Object.fromEntries(
        PARAM_NAMES.filter((n) => n !== 'promotion_info' && n !== 'params').map((n) => [n, Type.Optional(Type.String())]),
      ),
      method: Type.Optional(Type.String({ maxLength: 100 })),
      auth: Type.Optional(Type.String({ maxLength: 200 })),
      promotion_info: Type.Optional(TextOrObject('an object or its JSON text')),
      params: Type.Optional(TextOrObject('the parameters as an object or its JSON text')),
    },
    { additionalProperties: true, description: 'the call parameters (seed 002), form-encoded or JSON' },
  ),
);

/** An edge error in this dialect's envelope: client errors are HTTP 200 code 40000, unknown calls 404/40004, internal ones 500/50000. */
export function renderPortalEdge(e: EdgeError): EdgeReply {
  const reply = (status: number, code: number, message: string) => ({ status, contentType: JSON_TYPE, body: msg(code, message) });
  if (e.kind === 'not_found') return reply(404, PORTAL_CODES.notFound, `未知接口: ${e.message}`);
  if (e.kind === 'internal') return reply(500, PORTAL_CODES.internal, `系统错误, 请求号 ${e.requestId}`);
  return reply(200, PORTAL_CODES.badRequest, `参数错误: ${e.message}`);
}

export async function portalDialect(app: FastifyInstance, opts: { services: Services }) {
  const { services } = opts;
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const table = calls(services);

  r.setErrorHandler(edgeErrorHandler(renderPortalEdge));
  r.setNotFoundHandler((req, reply) =>
    reply.code(404).send(msg(PORTAL_CODES.notFound, `未知接口: ${req.method} ${req.url.split('?')[0]}`)),
  );

  async function dispatch(method: string, req: FastifyRequest, reply: FastifyReply) {
    const name = ALIASES[method] ?? method;
    const call = table[name];
    if (!call) return reply.send(msg(PORTAL_CODES.notFound, `未知接口: ${method || '(缺少 method)'}`));
    const p = paramsOf(req);
    let caller: Caller | null = null;
    if (call.auth) {
      const token = authOf(req, p);
      const principal = token ? await services.auth.authenticate(token) : null;
      if (!principal || principal.kind !== 'staff' || principal.tenantId === null) {
        return reply.send(msg(PORTAL_CODES.notLoggedIn, token ? '登录已过期, 请重新登录' : '请先登录 (缺少 auth)'));
      }
      const tenant = await services.tenants.get(principal.tenantId);
      caller = { principal, tenantId: principal.tenantId, tz: tenant?.timezone ?? 'Asia/Shanghai' };
    }
    return reply.send(await call.run(p, { req, caller }));
  }

  const mount = (url: string, summary: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => {
    r.post(url, { schema: { tags: ['portal dialect'], summary, querystring: Loose, body: Body } }, handler);
    r.get(url, { schema: { tags: ['portal dialect'], summary, querystring: Loose } }, handler);
  };
  mount('/gateway', 'Call a portal method by name (method = portal.couponCode.getList, ...)', (req, reply) =>
    dispatch(String(paramsOf(req).method ?? ''), req, reply),
  );
  for (const [path, method] of Object.entries(PORTAL_PATHS)) mount(path, method, (req, reply) => dispatch(method, req, reply));
}
