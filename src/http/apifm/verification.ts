// apifm verification module: SMS and e-mail codes (through services.messages:
// one per minute per recipient, a daily cap, limited tries, expiry) and
// picture captchas.
import crypto from 'node:crypto';
import { CONSUMER_CODE_PURPOSE } from '../../contexts/identity/index.ts';
import type { Services } from '../../compose.ts';
import { MOBILE_RE } from '../../contexts/identity/index.ts';
import { err, failure, ok, route, type ApifmApp, type Envelope } from './kit.ts';

const CAPTCHA_KEY = /^[A-Za-z0-9_.:-]{1,100}$/;

/** sendCode's failures: 5001 within a minute, 503 over the daily cap. */
function sendFailure(e: { code: string; message: string; details?: Record<string, unknown> }): Envelope {
  if (e.code === 'rate_limited') {
    const retry = Number(e.details?.retryAfterSec ?? 0);
    return retry <= 60 ? err(5001, '发送间隔不能短于1分钟') : err(503, '同一个手机号每日发送验证码超过限制');
  }
  return failure(e as never);
}

/** checkCode's failures: 10000 wrong code, 10001 none valid (expired, used, too many tries). */
function checkFailure(e: { code: string; message: string }): Envelope {
  return e.code === 'wrong_password' ? err(10000, '验证码错误') : err(10001, `验证码失效，请重新获取 (${e.message})`);
}

async function picGate(services: Services, tenantId: number, key?: string, picCode?: string): Promise<Envelope | null> {
  if (!key && !picCode) return null;
  if (!key) return err(500, '请输入图形验证码的KEY');
  if (!picCode) return err(501, '请输入图形验证码');
  const r = await services.captcha.check(tenantId, key, picCode, true);
  return r.ok ? null : err(502, '图形验证码错误');
}

export default async function verificationRoutes(app: ApifmApp) {
  route(
    app,
    {
      method: 'GET',
      url: '/verification/sms/get',
      summary: '获取短信验证码 (picture code when key/picCode given); 5001 within a minute, 503 daily cap, 500/501/502 picture code',
      params: { mobile: 'string!', key: 'string', picCode: 'string' },
    },
    async ({ p, tenant, services }) => {
      if (!MOBILE_RE.test(p.mobile)) return err(301, '手机号码格式错误');
      const gate = await picGate(services, tenant.id, p.key, p.picCode);
      if (gate) return gate;
      const r = await services.messages.sendCode(tenant.id, 'sms', p.mobile, CONSUMER_CODE_PURPOSE, tenant.name);
      return r.ok ? ok() : sendFailure(r.error);
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/verification/sms/check',
      summary: '校验短信验证码 (does not use it up); 10000 wrong, 10001 expired',
      params: { mobile: 'string!', code: 'string!' },
    },
    async ({ p, tenant, services }) => {
      const r = await services.messages.checkCode(tenant.id, 'sms', p.mobile, CONSUMER_CODE_PURPOSE, p.code, false);
      return r.ok ? ok() : checkFailure(r.error);
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/verification/mail/get',
      summary: '获取邮件验证码; 5001 within a minute, 503 daily cap',
      params: { mail: 'string!' },
    },
    async ({ p, tenant, services }) => {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.mail)) return err(601, '邮箱格式错误');
      const r = await services.messages.sendCode(tenant.id, 'email', p.mail, CONSUMER_CODE_PURPOSE, tenant.name);
      return r.ok ? ok() : sendFailure(r.error);
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/verification/mail/check',
      summary: '校验邮件验证码 (does not use it up); 10000 wrong, 10001 expired',
      params: { mail: 'string!', code: 'string!' },
    },
    async ({ p, tenant, services }) => {
      const r = await services.messages.checkCode(tenant.id, 'email', p.mail, CONSUMER_CODE_PURPOSE, p.code, false);
      return r.ok ? ok() : checkFailure(r.error);
    },
  );
  route(
    app,
    {
      method: 'GET',
      url: '/verification/pic/get',
      summary:
        '获取图形验证码: an SVG image for `key` (optional: without one a key is made up; either way it comes back in the X-Captcha-Key header)',
      params: { key: 'string' },
    },
    async ({ p, tenant, services, reply, req }) => {
      // The key goes back in a response header: only header-safe keys are taken, never copied unchecked.
      if (p.key !== undefined && !CAPTCHA_KEY.test(p.key.trim()))
        return err(601, '参数格式错误: key must be 1-100 letters, digits or . _ : -');
      const key = p.key?.trim() || `k${Date.now().toString(36)}${crypto.randomBytes(8).toString('hex')}`;
      const r = await services.captcha.create(tenant.id, key, req.ip);
      if (!r.ok) return failure(r.error);
      return reply
        .code(200)
        .header('cache-control', 'no-store')
        .header('x-captcha-key', key)
        .header('access-control-expose-headers', 'X-Captcha-Key')
        .type('image/svg+xml')
        .send(r.value.svg);
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/verification/pic/check',
      summary: '校验图形验证码 (kept for sms/get); 502 wrong, 700 none for this key',
      params: { key: 'string!', code: 'string!' },
    },
    async ({ p, tenant, services }) => {
      const r = await services.captcha.check(tenant.id, p.key, p.code, false);
      if (r.ok) return ok();
      return r.error.code === 'not_found' ? err(700, '图形验证码已失效，请重新获取') : err(502, '图形验证码错误');
    },
  );
}
