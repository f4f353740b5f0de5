// apifm user module: register / login / reset / bind by mobile, username and
// email, token check and logout, profile detail and modify.
import type { FastifyRequest } from 'fastify';
import type { ConsumerAuthService, LoginKind } from '../../contexts/identity/index.ts';
import type { Services } from '../../compose.ts';
import type { Tenant } from '../../contexts/identity/index.ts';
import { SOURCE_RE } from '../../contexts/identity/index.ts';
import { apifmDate, CODE, err, failure, ok, rawParams, route, type ApifmApp, type CodeMap, type Envelope } from './kit.ts';

/** Codes shared by the account endpoints: 10000 registered/unknown, 20000 bad verification code, 30000 wrong password. */
const REGISTER_CODES: CodeMap = {
  already_registered: 10000,
  wrong_password: 20000,
  invalid_input: 20000,
  rate_limited: 4000,
  not_found: 700,
};
const LOGIN_CODES: CodeMap = { not_found: 10000, invalid_credentials: 30000, rate_limited: 4000, forbidden: 4000 };
const RESET_CODES: CodeMap = { not_found: 10000, wrong_password: 20000, invalid_input: 20000 };
const BIND_CODES: CodeMap = { already_registered: 10000, wrong_password: 20000, invalid_input: 20000 };

const REGISTER_PARAMS = {
  pwd: 'string!',
  code: 'string',
  autoLogin: 'bool',
  nick: 'string',
  city: 'string',
  province: 'string',
  referrer: 'int',
  postJsonString: 'string',
  // Not in seed 004: the client's channel (iOS, android, wechat, …) and a seller's referral code.
  source: 'string',
  referralCode: 'string',
} as const;

/**
 * Where a registration comes from, for promo-code and coupon source limits:
 * the `source` parameter, else `source` in postJsonString, else the client
 * the request carries (WeChat / Alipay mini-program, iOS, Android), else "h5".
 */
export function registrationSource(req: FastifyRequest, p: { source?: string; postJsonString?: string }): string {
  if (p.source?.trim()) return p.source.trim();
  if (p.postJsonString) {
    try {
      const ext = JSON.parse(p.postJsonString) as unknown;
      const v = ext && typeof ext === 'object' ? (ext as Record<string, unknown>).source : undefined;
      if (typeof v === 'string' && SOURCE_RE.test(v.trim())) return v.trim();
    } catch {
      // modify() reports a malformed postJsonString
    }
  }
  const ua = String(req.headers['user-agent'] ?? '');
  const referer = String(req.headers.referer ?? '');
  if (/MicroMessenger/i.test(ua) || referer.startsWith('https://servicewechat.com/')) return 'wechat';
  if (/AlipayClient/i.test(ua)) return 'alipay';
  if (/iPhone|iPad|iPod/i.test(ua)) return 'iOS';
  if (/Android/i.test(ua)) return 'android';
  return 'h5';
}

async function doRegister(
  services: Services,
  tenant: Tenant,
  kind: LoginKind,
  id: string,
  p: {
    pwd: string;
    code?: string;
    autoLogin?: boolean;
    nick?: string;
    city?: string;
    province?: string;
    referrer?: number;
    postJsonString?: string;
    source?: string;
    referralCode?: string;
  },
  req: FastifyRequest,
): Promise<Envelope> {
  const auth: ConsumerAuthService = services.consumerAuth;
  if (p.source?.trim() && !SOURCE_RE.test(p.source.trim()))
    return err(CODE.badFormat, '参数格式错误: source (1-32 letters, digits, _ . : -)');
  const r = await auth.register(tenant.id, kind, {
    id,
    password: p.pwd,
    code: p.code,
    nick: p.nick ?? null,
    referrerId: p.referrer ?? null,
    source: registrationSource(req, p),
    referralCode: p.referralCode ?? null,
  });
  if (!r.ok) return failure(r.error, REGISTER_CODES);
  if (p.city || p.province || p.postJsonString) {
    await auth.modify(tenant.id, r.value.id, { city: p.city, province: p.province, extJsonStr: p.postJsonString });
  }
  if (!p.autoLogin) return ok({ uid: r.value.id });
  const s = await auth.openSession(tenant.id, r.value.id);
  return ok({ token: s.token, uid: r.value.id });
}

async function doLogin(services: Services, tenant: Tenant, kind: LoginKind, id: string, pwd: string, ip: string): Promise<Envelope> {
  const r = await services.consumerAuth.login(tenant.id, kind, id, pwd, ip);
  if (!r.ok) return failure(r.error, LOGIN_CODES);
  const u = r.value.user;
  return ok({ token: r.value.token, uid: u.id, mobile: u.mobile ?? undefined });
}

const LOGIN_PARAMS = { pwd: 'string!', deviceId: 'string', deviceName: 'string' } as const;

export default async function userRoutes(app: ApifmApp) {
  registerAndLoginRoutes(app);
  sessionAndProfileRoutes(app);
}

function registerAndLoginRoutes(app: ApifmApp) {
  mobileAndUsernameRoutes(app);
  emailRoutes(app);
}

function mobileAndUsernameRoutes(app: ApifmApp) {
  // ---- mobile
  route(
    app,
    {
      method: 'POST',
      url: '/user/m/register',
      summary: '用户注册[手机号] (code from verification/sms/get); 10000 already registered',
      params: { mobile: 'string!', ...REGISTER_PARAMS, code: 'string!' },
    },
    async ({ p, tenant, services, req }) => doRegister(services, tenant, 'mobile', p.mobile, p, req),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/user/m/login',
      summary: '用户登录[手机号] → {token, uid}; 10000 unknown mobile, 30000 wrong password',
      params: { mobile: 'string!', ...LOGIN_PARAMS },
    },
    async ({ p, tenant, services, req }) => doLogin(services, tenant, 'mobile', p.mobile, p.pwd, req.ip),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/user/m/reset-pwd',
      summary: '重设密码[手机找回密码]; 10000 no such user',
      params: { mobile: 'string!', code: 'string!', pwd: 'string!' },
    },
    async ({ p, tenant, services }) => {
      const r = await services.consumerAuth.resetPassword(tenant.id, 'mobile', p.mobile, p.code, p.pwd);
      return r.ok ? ok() : failure(r.error, RESET_CODES);
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/user/m/bind-mobile',
      summary: '绑定手机号码 (code from sms/get); 10000 bound to someone else',
      params: { mobile: 'string!', code: 'string!', pwd: 'string' },
      login: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.consumerAuth.bind(tenant.id, user.userId, 'mobile', p.mobile, { code: p.code, password: p.pwd });
      return r.ok ? ok() : failure(r.error, BIND_CODES);
    },
  );

  // ---- username
  route(
    app,
    {
      method: 'POST',
      url: '/user/username/register',
      summary: '用户注册[用户名]; 10000 already registered',
      params: { username: 'string!', ...REGISTER_PARAMS },
    },
    async ({ p, tenant, services, req }) => doRegister(services, tenant, 'username', p.username, p, req),
  );
}

function emailRoutes(app: ApifmApp) {
  // ---- mobile
  route(
    app,
    {
      method: 'POST',
      url: '/user/username/login',
      summary: '用户登录[用户名] → {token, uid}',
      params: { username: 'string!', ...LOGIN_PARAMS },
    },
    async ({ p, tenant, services, req }) => doLogin(services, tenant, 'username', p.username, p.pwd, req.ip),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/user/username/bindUsername',
      summary: '设置用户名',
      params: { username: 'string!', pwd: 'string' },
      login: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.consumerAuth.bind(tenant.id, user.userId, 'username', p.username, { password: p.pwd });
      return r.ok ? ok() : failure(r.error, BIND_CODES);
    },
  );

  // ---- email
  route(
    app,
    {
      method: 'POST',
      url: '/user/email/register',
      summary: '用户注册[邮箱] (code from verification/mail/get); 10000 already registered',
      params: { email: 'string!', ...REGISTER_PARAMS, code: 'string!' },
    },
    async ({ p, tenant, services, req }) => doRegister(services, tenant, 'email', p.email, p, req),
  );
  route(
    app,
    { method: 'POST', url: '/user/email/login', summary: '用户登录[邮箱] → {token, uid}', params: { email: 'string!', ...LOGIN_PARAMS } },
    async ({ p, tenant, services, req }) => doLogin(services, tenant, 'email', p.email, p.pwd, req.ip),
  );
  route(
    app,
    {
      method: 'POST',
      url: '/user/email/reset-pwd',
      summary: '重设密码[邮箱找回密码]; 10000 no such user',
      params: { email: 'string!', code: 'string!', pwd: 'string!' },
    },
    async ({ p, tenant, services }) => {
      const r = await services.consumerAuth.resetPassword(tenant.id, 'email', p.email, p.code, p.pwd);
      return r.ok ? ok() : failure(r.error, RESET_CODES);
    },
  );
}

function sessionAndProfileRoutes(app: ApifmApp) {
  // ---- mobile
  route(
    app,
    {
      method: 'POST',
      url: '/user/email/bindEmail',
      summary: '绑定邮箱 (code from mail/get)',
      params: { email: 'string!', code: 'string!', pwd: 'string' },
      login: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.consumerAuth.bind(tenant.id, user.userId, 'email', p.email, { code: p.code, password: p.pwd });
      return r.ok ? ok() : failure(r.error, BIND_CODES);
    },
  );

  // ---- session and profile
  route(
    app,
    { method: 'GET', url: '/user/check-token', summary: '检测登录token是否有效: 0 valid, 2000 not', params: {}, login: true },
    async () => ok(),
  );
  route(app, { method: 'GET', url: '/user/loginout', summary: '退出登录 (always 0)', params: {} }, async ({ req, tenant, services }) => {
    const token = rawParams(req).token;
    if (token) await services.consumerAuth.logout(tenant.id, token);
    return ok();
  });
  route(
    app,
    { method: 'GET', url: '/user/detail', summary: '查看用户详情: {base, userLevel}', params: {}, login: true },
    async ({ tenant, user, services }) => {
      const u = await services.consumerAuth.profile(tenant.id, user.userId);
      if (!u) return failure({ code: 'unauthenticated', message: 'user not found' });
      const amounts = await services.account.amounts(tenant.id, user.userId);
      const level = await services.consumerAuth.level(tenant.id, amounts?.totalConsumed ?? 0);
      return ok({
        base: {
          id: u.id,
          nick: u.nick ?? '',
          avatarUrl: u.avatar ?? '',
          mobile: u.mobile ?? '',
          username: u.username ?? '',
          email: u.email ?? '',
          gender: u.gender,
          province: u.province ?? '',
          city: u.city ?? '',
          birthday: u.birthday ?? '',
          referrer: u.referrerId ?? undefined,
          isSeller: u.sellerId !== null,
          isIdcardCheck: false,
          isTeamLeader: false,
          // No paid member levels with an end date here: empty means "no expiry to show".
          levelExpire: '',
          status: u.disabled ? 1 : 0,
          statusStr: u.disabled ? '禁用' : '正常',
          dateAdd: apifmDate(u.createdAt, tenant.timezone),
        },
        ext: u.ext ?? {},
        userLevel: { id: level.id, level: level.level, name: level.name, canUpgrade: level.canUpgrade },
        // Delivery membership (配送会员) is out of scope: always "not a member", so clients reading .status do not break.
        peisongMember: { status: 0, type: 0, statusStr: '未开通' },
        // Partners (合伙人 / distribution) are out of scope too: the same "not a partner" shape, so clients reading it do not break.
        partnerInfo: { id: 0, uid: u.id, type: 0, typeStr: '', status: 0, statusStr: '未开通', isPartner: false },
      });
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/user/modify',
      summary: '修改用户信息',
      params: {
        nick: 'string',
        avatarUrl: 'string',
        gender: 'int',
        province: 'string',
        city: 'string',
        birthday: 'string',
        extJsonStr: 'string',
      },
      login: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.consumerAuth.modify(tenant.id, user.userId, p);
      return r.ok ? ok() : failure(r.error);
    },
  );
}
