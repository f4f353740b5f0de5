import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm, lastCode, newMobile, registerUser } from './helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
});
afterAll(async () => rt?.close());

describe('apifm plumbing', () => {
  it('answers an unknown domain in the envelope with a clear message', async () => {
    const r = await rt.app.inject({ method: 'GET', url: '/no-such-shop/user/check-token?token=x' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ code: 404 });
    expect(r.json().msg).toContain('no-such-shop');
  });

  it('answers an unknown path under a tenant with 404 in the envelope, and leaves /api/v1 alone', async () => {
    expect(await call('/nope/nothing')).toMatchObject({ code: 404 });
    const native = await rt.app.inject({ method: 'GET', url: '/api/v1/does-not-exist' });
    expect(native.statusCode).toBe(404);
    expect(native.headers['content-type']).toContain('application/problem+json');
  });

  it('documents its routes in /openapi.json under /{domain}', async () => {
    const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    for (const path of [
      '/{domain}/user/m/register',
      '/{domain}/discounts/fetch',
      '/{domain}/score/sign',
      '/{domain}/verification/sms/get',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    expect(doc.paths['/{domain}/discounts/fetch'].post).toBeDefined();
    expect(doc.paths['/{domain}/discounts/fetch'].get).toBeUndefined(); // the undocumented method is hidden
  });

  it('needs a token where a login is needed: 2000', async () => {
    expect((await call('/user/detail', {}, 'GET')).code).toBe(2000);
    expect((await call('/user/detail', { token: 'bogus' }, 'GET')).code).toBe(2000);
    expect((await call('/user/check-token', { token: 'bogus' }, 'GET')).code).toBe(2000);
  });

  it('reports a missing parameter as 600 and takes JSON bodies and query strings too', async () => {
    expect((await call('/user/m/login', { pwd: 'x' })).code).toBe(600);
    const json = await rt.app.inject({
      method: 'POST',
      url: `/${t.slug}/user/m/login`,
      payload: { mobile: '13000000000', pwd: 'whatever1' },
    });
    expect(json.json().code).toBe(10000);
    const qs = await rt.app.inject({ method: 'POST', url: `/${t.slug}/user/m/login?mobile=13000000000&pwd=whatever1` });
    expect(qs.json().code).toBe(10000);
  });
});

describe('apifm user', () => {
  it('registers by mobile with an SMS code, logs in, checks and drops the token', async () => {
    const mobile = newMobile();
    expect(await call('/verification/sms/get', { mobile }, 'GET')).toMatchObject({ code: 0 });
    const code = await lastCode(rt.services, t.tenantId, mobile);
    expect((await call('/user/m/register', { mobile, code: '000000' === code ? '111111' : '000000', pwd: 'secret-123' })).code).toBe(20000);
    const reg = await call('/user/m/register', { mobile, code, pwd: 'secret-123', autoLogin: true });
    expect(reg.code).toBe(0);
    expect(typeof reg.data.token).toBe('string');
    expect(typeof reg.data.uid).toBe('number');
    // again: 10000 already registered
    expect((await call('/user/m/register', { mobile, code, pwd: 'secret-123' })).code).toBe(10000);

    expect((await call('/user/m/login', { mobile, pwd: 'wrong-pwd', deviceId: 'd', deviceName: 'n' })).code).toBe(30000);
    const login = await call('/user/m/login', { mobile, pwd: 'secret-123', deviceId: 'd', deviceName: 'n' });
    expect(login.code).toBe(0);
    expect(login.data).toMatchObject({ uid: reg.data.uid });
    expect(await call('/user/check-token', { token: login.data.token }, 'GET')).toMatchObject({ code: 0 });
    expect(await call('/user/loginout', { token: login.data.token }, 'GET')).toMatchObject({ code: 0 });
    expect((await call('/user/check-token', { token: login.data.token }, 'GET')).code).toBe(2000);
    // the registration session is still alive
    expect((await call('/user/check-token', { token: reg.data.token }, 'GET')).code).toBe(0);
  });

  it('throttles failed logins per account', async () => {
    const u = await registerUser(call, rt.services, t.tenantId);
    for (let i = 0; i < 5; i++) expect((await call('/user/m/login', { mobile: u.mobile, pwd: 'bad-password' })).code).toBe(30000);
    const blocked = await call('/user/m/login', { mobile: u.mobile, pwd: u.pwd });
    expect(blocked.code).toBe(4000);
    expect(blocked.msg).toMatch(/too many/);
  });

  it('resets a password with an SMS code; unknown mobile is 10000; old sessions end', async () => {
    // A user made by staff (no code sent to this mobile yet this minute), logged in through the API.
    const mobile = newMobile();
    const made = await rt.services.users.create(t.tenantId, { mobile, password: 'secret-123' }, null);
    expect(made.ok).toBe(true);
    const u = { mobile, token: (await call('/user/m/login', { mobile, pwd: 'secret-123' })).data.token as string };
    expect((await call('/user/m/reset-pwd', { mobile: newMobile(), code: '123456', pwd: 'new-secret' })).code).toBe(10000);
    await call('/verification/sms/get', { mobile: u.mobile }, 'GET');
    const code = await lastCode(rt.services, t.tenantId, u.mobile);
    expect((await call('/user/m/reset-pwd', { mobile: u.mobile, code, pwd: 'new-secret' })).code).toBe(0);
    expect((await call('/user/check-token', { token: u.token }, 'GET')).code).toBe(2000);
    expect((await call('/user/m/login', { mobile: u.mobile, pwd: 'new-secret' })).code).toBe(0);
  });

  it('registers and logs in by username, binds a username and an email', async () => {
    const username = `user_${Date.now().toString(36)}`;
    const reg = await call('/user/username/register', { username, pwd: 'secret-123', autoLogin: 'true' });
    expect(reg.code).toBe(0);
    expect((await call('/user/username/register', { username, pwd: 'secret-123' })).code).toBe(10000);
    const login = await call('/user/username/login', { username, pwd: 'secret-123', deviceId: 'x', deviceName: 'y' });
    expect(login.code).toBe(0);

    const email = `${username}@example.com`;
    expect(await call('/verification/mail/get', { mail: email }, 'GET')).toMatchObject({ code: 0 });
    const code = await lastCode(rt.services, t.tenantId, email);
    expect(await call('/verification/mail/check', { mail: email, code })).toMatchObject({ code: 0 });
    expect(await call('/user/email/bindEmail', { token: login.data.token, email, code })).toMatchObject({ code: 0 });
    expect((await call('/user/email/login', { email, pwd: 'secret-123' })).code).toBe(0);

    const u2 = await registerUser(call, rt.services, t.tenantId);
    const newName = `bound_${Date.now().toString(36)}`;
    expect(await call('/user/username/bindUsername', { token: u2.token, username: newName })).toMatchObject({ code: 0 });
    expect((await call('/user/username/bindUsername', { token: u2.token, username })).code).toBe(10000);
    expect((await call('/user/username/login', { username: newName, pwd: u2.pwd })).code).toBe(0);
  });

  it('registers by email with a code, resets the password by email', async () => {
    const email = `e${Date.now().toString(36)}@example.org`;
    await call('/verification/mail/get', { mail: email }, 'GET');
    const code = await lastCode(rt.services, t.tenantId, email);
    const reg = await call('/user/email/register', { email, code, pwd: 'secret-123', autoLogin: true });
    expect(reg.code).toBe(0);
    expect((await call('/user/email/reset-pwd', { email, code: '000000', pwd: 'another-1' })).code).toBe(20000);
    const r2 = await rt.services.messages.sendCode(t.tenantId, 'email', email, 'consumer');
    expect(r2.ok).toBe(false); // within the minute
  });

  it('binds a mobile with a code and a new password', async () => {
    const username = `m_${Date.now().toString(36)}`;
    const reg = await call('/user/username/register', { username, pwd: 'secret-123', autoLogin: true });
    const mobile = newMobile();
    await call('/verification/sms/get', { mobile }, 'GET');
    const code = await lastCode(rt.services, t.tenantId, mobile);
    expect(await call('/user/m/bind-mobile', { token: reg.data.token, mobile, code, pwd: 'mobile-pwd' })).toMatchObject({ code: 0 });
    expect((await call('/user/m/login', { mobile, pwd: 'mobile-pwd' })).code).toBe(0);
  });

  it('shows detail {base, userLevel} and applies modify', async () => {
    const u = await registerUser(call, rt.services, t.tenantId);
    expect(
      await call('/user/modify', {
        token: u.token,
        nick: '小明',
        avatarUrl: 'https://img.example/a.png',
        gender: 1,
        city: '杭州',
        province: '浙江',
      }),
    ).toMatchObject({ code: 0 });
    const d = await call('/user/detail', { token: u.token }, 'GET');
    expect(d.code).toBe(0);
    expect(d.data.base).toMatchObject({
      id: u.uid,
      nick: '小明',
      avatarUrl: 'https://img.example/a.png',
      mobile: u.mobile,
      gender: 1,
      city: '杭州',
      province: '浙江',
      isSeller: false,
      isIdcardCheck: false,
    });
    expect(d.data.base.dateAdd).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(d.data.userLevel).toMatchObject({ level: expect.any(Number), name: expect.any(String), canUpgrade: expect.any(Boolean) });
    expect(d.data.peisongMember).toMatchObject({ status: 0 });
    expect(typeof d.data.base.levelExpire).toBe('string');
    expect((await call('/user/modify', { token: u.token, gender: 7 })).code).toBe(601);
  });

  it('derives userLevel from the tenant levels and the spending so far', async () => {
    const other = await makeTenant(rt.services, rt.app);
    const c = apifm(rt.app, other.slug);
    const u = await registerUser(c, rt.services, other.tenantId);
    expect((await c('/user/detail', { token: u.token }, 'GET')).data.userLevel).toEqual({
      id: 0,
      level: 0,
      name: '普通会员',
      canUpgrade: false,
    });
    await rt.db.query(
      `INSERT INTO user_levels (tenant_id, name, level, upgrade_amount) VALUES ($1, '银卡', 1, 0), ($1, '金卡', 2, 100000)`,
      [other.tenantId],
    );
    const d = await c('/user/detail', { token: u.token }, 'GET');
    expect(d.data.userLevel).toMatchObject({ level: 1, name: '银卡', canUpgrade: true });
  });
});

describe('apifm verification', () => {
  it('limits SMS codes to one a minute per mobile (5001) and checks codes (10000 wrong, 10001 none)', async () => {
    const mobile = newMobile();
    expect((await call('/verification/sms/check', { mobile, code: '123456' })).code).toBe(10001);
    expect((await call('/verification/sms/get', { mobile }, 'GET')).code).toBe(0);
    expect((await call('/verification/sms/get', { mobile }, 'GET')).code).toBe(5001);
    const code = await lastCode(rt.services, t.tenantId, mobile);
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await call('/verification/sms/check', { mobile, code: wrong })).code).toBe(10000);
    expect((await call('/verification/sms/check', { mobile, code })).code).toBe(0);
    expect((await call('/verification/sms/get', { mobile: 'abc' }, 'GET')).code).toBe(301);
  });

  it('serves a real captcha image and gates sms/get with it', async () => {
    const res = await rt.app.inject({ method: 'GET', url: `/${t.slug}/verification/pic/get?key=k1` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
    expect(res.body).toMatch(/^<svg/);
    await rt.services.captcha.setForTest(t.tenantId, 'k2', 'AbCd');
    expect((await call('/verification/pic/check', { key: 'k2', code: 'zzzz' })).code).toBe(502);
    expect((await call('/verification/pic/check', { key: 'k2', code: 'abcd' })).code).toBe(0);
    expect((await call('/verification/pic/check', { key: 'nokey', code: 'abcd' })).code).toBe(700);
    const mobile = newMobile();
    expect((await call('/verification/sms/get', { mobile, key: 'k2' }, 'GET')).code).toBe(501);
    expect((await call('/verification/sms/get', { mobile, picCode: 'abcd' }, 'GET')).code).toBe(500);
    expect((await call('/verification/sms/get', { mobile, key: 'k2', picCode: 'xxxx' }, 'GET')).code).toBe(502);
    await rt.services.captcha.setForTest(t.tenantId, 'k3', 'WXYZ');
    expect((await call('/verification/sms/get', { mobile, key: 'k3', picCode: 'wxyz' }, 'GET')).code).toBe(0);
    // used up by sms/get
    expect((await call('/verification/pic/check', { key: 'k3', code: 'wxyz' })).code).toBe(700);
  });
});
