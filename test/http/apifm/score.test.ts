import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm, registerUser } from './helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
});
afterAll(async () => rt?.close());

describe('apifm score', () => {
  it('has no rules yet: sign/rules, send/rule and deduction/rules answer 700', async () => {
    const other = await makeTenant(rt.services, rt.app);
    const c = apifm(rt.app, other.slug);
    expect((await c('/score/sign/rules', {}, 'GET')).code).toBe(700);
    expect((await c('/score/send/rule', {})).code).toBe(700);
    expect((await c('/score/deduction/rules', {}, 'GET')).code).toBe(700);
  });

  it('signs in once a day: 0 then 10000; today-signed 700 then 0; points and logs follow the rules', async () => {
    const set = await rt.services.signIns.setRules(
      t.tenantId,
      [
        { continuous: 1, score: 5 },
        { continuous: 3, score: 20 },
      ],
      null,
    );
    expect(set.ok).toBe(true);
    const rules = await call('/score/sign/rules', {}, 'GET');
    expect(rules).toMatchObject({
      code: 0,
      data: [
        { continuous: 1, score: 5 },
        { continuous: 3, score: 20 },
      ],
    });

    const u = await registerUser(call, rt.services, t.tenantId);
    expect((await call('/score/sign', {})).code).toBe(2000);
    expect((await call('/score/today-signed', { token: u.token }, 'GET')).code).toBe(700);
    expect((await call('/score/sign/logs', { token: u.token })).code).toBe(700);
    const first = await call('/score/sign', { token: u.token });
    expect(first).toMatchObject({ code: 0, data: { continuous: 1, score: 5 } });
    expect((await call('/score/sign', { token: u.token })).code).toBe(10000);
    const today = await call('/score/today-signed', { token: u.token }, 'GET');
    expect(today.code).toBe(0);
    expect(today.data.dateAdd).toMatch(DATE);
    expect((await rt.services.users.get(t.tenantId, u.uid))!.points).toBe(5);

    const logs = await call('/score/sign/logs', { token: u.token, page: 1, pageSize: 10 });
    expect(logs.code).toBe(0);
    expect(logs.data).toMatchObject({ totalRow: 1, totalPage: 1, result: [{ continuous: 1 }] });
    expect(logs.data.result[0].dateAdd).toMatch(DATE);
    expect((await call('/score/sign/logs', { token: u.token, page: 2, pageSize: 10 })).code).toBe(700);

    const pl = await call('/score/logs', { token: u.token });
    expect(pl.code).toBe(0);
    expect(pl.data.result[0]).toMatchObject({ behavior: 0, score: 5, type: 2, typeStr: '每日签到' });
    expect(typeof pl.data.result[0].remark).toBe('string');
    expect(pl.data.result[0].dateAdd).toMatch(DATE);
    expect((await call('/score/logs', { token: u.token, behavior: 1 })).code).toBe(700);
    expect((await call('/score/logs', { token: u.token, type: 2 })).data.totalRow).toBe(1);
    expect((await call('/score/logs', { token: u.token, dateAddBegin: 'not-a-date' })).code).toBe(601);
    expect((await call('/score/logs', { token: u.token, dateAddBegin: '2001-01-01', dateAddEnd: '2001-01-02' })).code).toBe(700);
  });

  it('signs in exactly once under concurrent taps', async () => {
    const u = await registerUser(call, rt.services, t.tenantId);
    const codes = (await Promise.all(Array.from({ length: 5 }, () => call('/score/sign', { token: u.token })))).map((r) => r.code).sort();
    expect(codes).toEqual([0, 10000, 10000, 10000, 10000]);
  });

  it('exchanges a 积分券 number once: data.score; 700 for a bad number with data.msg', async () => {
    const made = await rt.services.pointsExtras.createVouchers(t.tenantId, { count: 2, score: 120 }, null);
    expect(made.ok).toBe(true);
    const [n1] = made.ok ? made.value : [];
    const u = await registerUser(call, rt.services, t.tenantId);
    const bad = await call('/score/exchange', { token: u.token, number: '0000' });
    expect(bad.code).toBe(700);
    expect(typeof bad.data.msg).toBe('string');
    const good = await call('/score/exchange', { token: u.token, number: n1! });
    expect(good).toMatchObject({ code: 0, data: { score: 120 } });
    expect((await call('/score/exchange', { token: u.token, number: n1! })).code).not.toBe(0);
    expect((await rt.services.users.get(t.tenantId, u.uid))!.points).toBe(120);
    const logs = await call('/score/logs', { token: u.token });
    expect(logs.data.result[0]).toMatchObject({ behavior: 0, score: 120, type: 7 });
  });

  it('shows send and deduction rules with numbers (money in yuan)', async () => {
    await rt.services.pointsExtras.setSendRule(t.tenantId, { code: 'register', score: 100, confine: 0 }, null);
    await rt.services.pointsExtras.addDeductionRule(t.tenantId, { score: 100, money: 150, loop: true }, null);
    expect(await call('/score/send/rule', {})).toMatchObject({ code: 0, data: [{ code: 'register', score: 100 }] });
    expect(await call('/score/deduction/rules', {}, 'GET')).toMatchObject({ code: 0, data: [{ score: 100, money: 1.5, loop: true }] });
  });
});
