// End-to-end flows through the real apifm-wxapi SDK, as a mini-program would call them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { lastCode, makeExchangeCodes, newMobile } from './helpers.ts';
import { sdkCalls, sdkFor, type WxApi } from './sdk.ts';

let rt: TestRuntime;
let t: TenantFixture;
let api: WxApi;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  api = sdkFor(rt.app, t.slug);
});
afterAll(async () => rt?.close());

async function sdkRegister() {
  const mobile = newMobile();
  expect((await api.smsValidateCode!(mobile)).code).toBe(0);
  const code = await lastCode(rt.services, t.tenantId, mobile);
  const reg = await api.register_mobile!({ mobile, code, pwd: 'secret-123', autoLogin: true });
  expect(reg.code).toBe(0);
  expect(reg.data).toMatchObject({ token: expect.any(String), uid: expect.any(Number) });
  return { mobile, token: reg.data.token as string, uid: reg.data.uid as number };
}

describe('apifm-wxapi SDK flows', () => {
  it('register → login → coupons → fetch → my', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'SDK 满100减10', stock: 10, perUserLimit: 3 });
    const u = await sdkRegister();
    const login = await api.login_mobile!(u.mobile, 'secret-123', 'dev-1', 'node');
    expect(login).toMatchObject({ code: 0, data: { uid: u.uid } });
    expect((await api.checkToken!(login.data.token)).code).toBe(0);
    const detail = await api.userDetail!(login.data.token);
    expect(detail.data.base).toMatchObject({ id: u.uid, mobile: u.mobile });

    const list = await api.coupons!({ token: u.token });
    expect(list.code).toBe(0);
    const rule = list.data.find((c: { id: number }) => c.id === tpl.id);
    expect(rule).toMatchObject({ name: 'SDK 满100减10', moneyMin: 10, moneyHreshold: 100, numberPersonMax: 3 });
    expect((await api.couponDetail!(tpl.id)).data.couponRefs).toEqual([]);

    const fetched = await api.fetchCoupons!({ id: tpl.id, token: u.token });
    expect(fetched.code).toBe(0);
    const my = await api.myCoupons!({ token: u.token, status: 0 });
    expect(my.code).toBe(0);
    expect(my.data[0]).toMatchObject({ pid: tpl.id, money: 10, status: 0 });
    expect(my.data[0].dateEnd.split(' ')).toHaveLength(2);
    expect((await api.myCoupons!({ token: u.token, status: '1,2,3' })).code).toBe(700);
    expect((await api.couponStatistics!(u.token)).data).toMatchObject({ canUse: 1 });

    await api.loginout!(login.data.token);
    expect((await api.checkToken!(login.data.token)).code).toBe(2000);
    expect((await api.myCoupons!({ token: login.data.token, status: 0 })).code).toBe(2000);
  });

  it('fetching beyond the per-person limit answers 20003', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'one each', perUserLimit: 1 });
    const u = await sdkRegister();
    expect((await api.fetchCoupons!({ id: tpl.id, token: u.token })).code).toBe(0);
    expect((await api.fetchCoupons!({ id: tpl.id, token: u.token })).code).toBe(20003);
    const offered = await api.coupons!({ token: u.token });
    expect((offered.data ?? []).some((c: { id: number }) => c.id === tpl.id)).toBe(false);
  });

  it('exchange with a wrong then the right password', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'SDK 卡密', stock: 5 });
    const [[code, password]] = (await makeExchangeCodes(rt.app, rt.services, t.auth, tpl.id, 1)) as [[string, string]];
    const u = await sdkRegister();
    const wrong = await api.exchangeCoupons!(u.token, code, '12345678');
    expect(wrong.code).not.toBe(0);
    expect(typeof wrong.msg).toBe('string');
    expect((await api.exchangeCoupons!(u.token, code, password)).code).toBe(0);
    const my = await api.myCoupons!({ token: u.token, status: 0 });
    expect(my.data.map((c: { pid: number }) => c.pid)).toContain(tpl.id);
  });

  it('sign-in twice in a day: 0 then 10000; today-signed 0; logs list it', async () => {
    await rt.services.signIns.setRules(t.tenantId, [{ continuous: 1, score: 3 }], null);
    const u = await sdkRegister();
    expect((await api.scoreTodaySignedInfo!(u.token)).code).toBe(700);
    expect((await api.scoreSign!(u.token)).code).toBe(0);
    expect((await api.scoreSign!(u.token)).code).toBe(10000);
    expect((await api.scoreTodaySignedInfo!(u.token)).code).toBe(0);
    const logs = await api.scoreSignLogs!({ token: u.token, page: 1, pageSize: 20 });
    expect(logs.data).toMatchObject({ totalRow: 1, result: [{ continuous: 1 }] });
    expect((await api.scoreSignRules!()).data).toEqual([{ continuous: 1, score: 3 }]);
    const scoreLogs = await api.scoreLogs!({ token: u.token });
    expect(scoreLogs.data.result[0]).toMatchObject({ score: 3, typeStr: '每日签到' });
  });

  it('went through both SDK bases (API and COMMON) to the tenant mount', () => {
    const paths = new Set(sdkCalls.map((c) => c.path));
    expect(paths).toContain(`/${t.slug}/discounts/coupons`); // COMMON_BASE_URL + subDomain
    expect(paths).toContain(`/${t.slug}/user/m/register`); // API_BASE_URL + '/' + subDomain
  });
});
