// apifm user account: amounts as numbers, cash log (v1 array, v2 paged,
// filters), recharges and bonus rules, shipping addresses, levels, messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm } from './helpers.ts';
import { makeShopper, nativeCall, topUp } from './shop-fixtures.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
}, 60_000);
afterAll(async () => rt?.close());

describe('amount and cash log', () => {
  it('user/amount gives numbers; 2000 without a token', async () => {
    const u = await makeShopper(rt.services, t.tenantId, { points: 30 });
    expect((await call('/user/amount', {}, 'GET')).code).toBe(2000);
    const empty = await call('/user/amount', { token: u.token }, 'GET');
    expect(empty).toMatchObject({ code: 0, data: { balance: 0, freeze: 0, score: 30, growth: 0, totleConsumed: 0 } });
    await topUp(rt.app, t, u.uid, '12.34');
    const a = await call('/user/amount', { token: u.token }, 'GET');
    expect(a.data.balance).toBe(12.34);
    for (const k of ['balance', 'freeze', 'score', 'growth', 'totleConsumed']) expect(typeof a.data[k]).toBe('number');
  });

  it('cashLog is an array, cashLog/v2 is paged; both filter and answer 700 when empty', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    expect((await call('/user/cashLog', { token: u.token })).code).toBe(700);
    expect((await call('/user/cashLog/v2', { token: u.token })).code).toBe(700);
    await topUp(rt.app, t, u.uid, '100.00');
    await topUp(rt.app, t, u.uid, '50.00');
    expect((await rt.services.account.payBill(t.tenantId, u.uid, 3000)).ok).toBe(true);
    const v1 = await call('/user/cashLog', { token: u.token });
    expect(Array.isArray(v1.data)).toBe(true);
    expect(v1.data.map((x: { amount: number; behavior: number; type: number }) => [x.amount, x.behavior, x.type])).toEqual([
      [30, 1, 2],
      [50, 0, 0],
      [100, 0, 0],
    ]);
    expect(v1.data[0].dateAdd).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const v2 = await call('/user/cashLog/v2', { token: u.token, page: 1, pageSize: 2 });
    expect(v2.data).toMatchObject({ totalRow: 3, totalPage: 2 });
    expect(v2.data.result).toHaveLength(2);
    expect((await call('/user/cashLog/v2', { token: u.token, page: 3, pageSize: 2 })).code).toBe(700);
    expect((await call('/user/cashLog/v2', { token: u.token, behavior: 0 })).data.totalRow).toBe(2);
    expect((await call('/user/cashLog/v2', { token: u.token, type: 2 })).data.totalRow).toBe(1);
    const today = v1.data[0].dateAdd.slice(0, 10);
    expect((await call('/user/cashLog/v2', { token: u.token, dateAddBegin: today, dateAddEnd: today })).data.totalRow).toBe(3);
    expect((await call('/user/cashLog/v2', { token: u.token, dateAddBegin: '2001-01-01', dateAddEnd: '2001-01-02' })).code).toBe(700);
    expect((await call('/user/cashLog/v2', { token: u.token, dateAddBegin: 'yesterday' })).code).toBe(601);

    const pay = await call('/user/payLogs', { token: u.token });
    expect(pay.data.map((x: { money: number }) => x.money)).toEqual([50, 100]);
    expect(pay.data[0]).toHaveProperty('nextAction');
  });

  it('recharge/send/rule lists {confine, send} set by staff', async () => {
    const fresh = await makeTenant(rt.services, rt.app);
    const c = apifm(rt.app, fresh.slug);
    expect((await c('/user/recharge/send/rule', {}, 'GET')).code).toBe(700);
    expect((await nativeCall(rt.app, fresh, 'POST', '/recharge-rules', { confine: '100.00', send: '10.00' })).status).toBe(201);
    expect((await nativeCall(rt.app, fresh, 'POST', '/recharge-rules', { confine: '0', send: '10.00' })).status).toBe(400);
    expect((await c('/user/recharge/send/rule', {}, 'GET')).data).toEqual([expect.objectContaining({ confine: 100, send: 10 })]);
  });
});

describe('pay-bill', () => {
  it('discounts is a plain array; pay refuses without enough balance and changes nothing', async () => {
    const fresh = await makeTenant(rt.services, rt.app);
    const c = apifm(rt.app, fresh.slug);
    expect((await c('/payBill/discounts', {}, 'GET')).code).toBe(700);
    await nativeCall(rt.app, fresh, 'POST', '/pay-bill-discounts', { consume: '50.00', discounts: '5.00' });
    const u = await makeShopper(rt.services, fresh.tenantId);
    await topUp(rt.app, fresh, u.uid, '20.00');
    expect((await c('/payBill/pay', { token: u.token, money: '60', calculate: true })).data).toMatchObject({
      money: 60,
      discounts: 5,
      realMoney: 55,
    });
    const short = await c('/payBill/pay', { token: u.token, money: '60' });
    expect(short).toMatchObject({ code: 40000, data: 35 });
    expect((await c('/user/amount', { token: u.token }, 'GET')).data).toMatchObject({ balance: 20, totleConsumed: 0 });
    expect((await c('/payBill/pay', { token: u.token, money: '20' })).data).toMatchObject({ realMoney: 20 });
    expect((await c('/user/amount', { token: u.token }, 'GET')).data).toMatchObject({ balance: 0, totleConsumed: 20 });
    expect((await c('/payBill/pay', { token: u.token, money: 'abc' })).code).toBe(601);
    expect((await c('/payBill/pay', { money: '1' })).code).toBe(2000);
  });
});

describe('shipping addresses', () => {
  it('adds, lists, defaults, updates and deletes; 700 when none', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const other = await makeShopper(rt.services, t.tenantId);
    expect((await call('/user/shipping-address/list/v2', { token: u.token })).code).toBe(700);
    expect((await call('/user/shipping-address/default/v2', { token: u.token }, 'GET')).code).toBe(700);
    expect((await call('/user/shipping-address/add', { token: u.token, linkMan: 'A' })).code).toBe(600);
    const base = { token: u.token, mobile: '13800000001', provinceId: '310000', cityId: '310100', address: 'Road 1' };
    const a = await call('/user/shipping-address/add', { ...base, linkMan: 'A' });
    expect(a.code).toBe(0);
    const b = await call('/user/shipping-address/add', { ...base, linkMan: 'B', isDefault: 'true' });
    // The first address became the default; adding B as default moved it.
    const def = await call('/user/shipping-address/default/v2', { token: u.token }, 'GET');
    expect(def.data.info).toMatchObject({
      id: b.data.id,
      linkMan: 'B',
      provinceId: '310000',
      cityId: '310100',
      address: 'Road 1',
      mobile: '13800000001',
    });
    const l = await call('/user/shipping-address/list', { token: u.token }, 'GET');
    expect(l.data.map((x: { id: number; isDefault: boolean }) => [x.id, x.isDefault])).toEqual([
      [b.data.id, true],
      [a.data.id, false],
    ]);
    const up = await call('/user/shipping-address/update', { token: u.token, id: a.data.id, address: 'Road 2', isDefault: 'true' });
    expect(up.data).toMatchObject({ address: 'Road 2', linkMan: 'A', isDefault: true });
    expect((await call('/user/shipping-address/detail/v2', { token: u.token, id: b.data.id }, 'GET')).data.info.isDefault).toBe(false);
    expect((await call('/user/shipping-address/detail/v2', { token: other.token, id: a.data.id }, 'GET')).code).toBe(700);
    expect((await call('/user/shipping-address/delete', { token: other.token, id: a.data.id })).code).toBe(700);
    expect((await call('/user/shipping-address/delete', { token: u.token, id: a.data.id })).code).toBe(0);
    const v2 = await call('/user/shipping-address/list/v2', { token: u.token, page: 1, pageSize: 10 });
    expect(v2.data).toMatchObject({ totalRow: 1, totalPage: 1, result: [{ id: b.data.id }] });
  });
});

describe('levels and messages', () => {
  it('level list is paged; info and prices', async () => {
    const fresh = await makeTenant(rt.services, rt.app);
    const c = apifm(rt.app, fresh.slug);
    expect((await c('/user/level/list', {})).code).toBe(700);
    const lv = await nativeCall(rt.app, fresh, 'POST', '/user-levels', {
      name: 'Gold',
      level: 1,
      upgradeAmount: '1000.00',
      rebate: 9500,
      prices: [{ duration: 12, unit: 1, price: '99.00' }],
    });
    expect(lv.status).toBe(201);
    expect((await nativeCall(rt.app, fresh, 'POST', '/user-levels', { name: 'Gold again', level: 1 })).status).toBe(409);
    expect((await c('/user/level/list', {})).data).toMatchObject({
      totalRow: 1,
      result: [{ id: lv.body.id, name: 'Gold', level: 1, upgradeAmount: 1000 }],
    });
    expect((await c('/user/level/info', { id: lv.body.id }, 'GET')).data).toMatchObject({
      info: { name: 'Gold' },
      prices: [{ duration: 12, price: 99 }],
    });
    expect((await c('/user/level/prices', { levelId: lv.body.id }, 'GET')).data).toEqual([
      expect.objectContaining({ duration: 12, unit: 1, price: 99 }),
    ]);
    expect((await c('/user/level/info', { id: 999999 }, 'GET')).code).toBe(700);
  });

  it("messages: list (paged), read, delete — only one's own", async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const other = await makeShopper(rt.services, t.tenantId);
    expect((await call('/user/message/list', { token: u.token })).code).toBe(700);
    const m = await nativeCall(rt.app, t, 'POST', `/users/${u.uid}/messages`, { title: 'Hello', content: 'Welcome' });
    expect(m.status).toBe(201);
    const l = await call('/user/message/list', { token: u.token });
    expect(l.data).toMatchObject({ totalRow: 1, result: [{ id: m.body.id, title: 'Hello', content: 'Welcome', isRead: false }] });
    expect((await call('/user/message/read', { token: other.token, id: m.body.id })).code).toBe(700);
    expect((await call('/user/message/read', { token: u.token, id: m.body.id })).code).toBe(0);
    expect((await call('/user/message/list', { token: u.token, isRead: 'false' })).code).toBe(700);
    expect((await call('/user/message/del', { token: u.token, id: m.body.id })).code).toBe(0);
    expect((await call('/user/message/list', { token: u.token })).code).toBe(700);
  });
});
