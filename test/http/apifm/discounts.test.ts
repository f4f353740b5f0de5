import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { moveBalance } from '../../../src/contexts/loyalty/ledgers.ts';
import { apifm, makeExchangeCodes, registerUser } from './helpers.ts';

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

describe('apifm discounts', () => {
  it('answers 700 for an empty coupon list and for my coupons when there are none', async () => {
    const other = await makeTenant(rt.services, rt.app);
    const c2 = apifm(rt.app, other.slug);
    expect((await c2('/discounts/coupons', {}, 'GET')).code).toBe(700);
    const u = await registerUser(c2, rt.services, other.tenantId);
    expect((await c2('/discounts/my', { token: u.token, status: 0 }, 'GET')).code).toBe(700);
    expect((await c2('/discounts/my', {}, 'GET')).code).toBe(2000);
  });

  it('lists coupon rules with the fields clients read; pwd is "Y" only when a password is needed', async () => {
    const plain = await makeTemplate(rt.app, t, { name: '满100减10', stock: 50, perUserLimit: 2 });
    const locked = await makeTemplate(rt.app, t, { name: '口令券', claimPassword: 'open-sesame' });
    const rate = await makeTemplate(rt.app, t, {
      name: '88折',
      discount: { type: 'rate', rate: '0.88', maxOff: '20.00' },
      minSpend: '0.00',
    });
    const r = await call('/discounts/coupons', {}, 'GET');
    expect(r.code).toBe(0);
    expect(Array.isArray(r.data)).toBe(true);
    const byId = new Map(r.data.map((c: { id: number }) => [c.id, c]));
    const a = byId.get(plain.id) as Record<string, unknown>;
    expect(a).toMatchObject({
      id: plain.id,
      name: '满100减10',
      moneyType: 0,
      moneyMin: 10,
      moneyMax: 10,
      moneyHreshold: 100,
      numberPersonMax: 2,
      numberLeft: 50,
      needScore: 0,
      needAmount: 0,
      needSignedContinuous: 0,
    });
    expect('pwd' in a).toBe(false);
    expect(typeof a.endTime).toBe('string');
    expect((byId.get(locked.id) as Record<string, unknown>).pwd).toBe('Y');
    expect(byId.get(rate.id)).toMatchObject({ moneyType: 1, moneyMin: 8.8, moneyHreshold: 0 });
    const only = await call('/discounts/coupons', { ids: `${plain.id}` }, 'GET');
    expect(only.data.map((c: { id: number }) => c.id)).toEqual([plain.id]);
  });

  it('shows rule detail with couponRefs', async () => {
    // A scope names the tenant's own goods (issue 12: another tenant's ids are refused).
    const goods = [];
    for (const name of ['g11', 'g12']) {
      const g = await rt.app.inject({ method: 'POST', url: '/api/v1/goods', headers: t.auth, payload: { name, price: '1.00', stock: 1 } });
      goods.push(g.json().id as number);
    }
    const tpl = await makeTemplate(rt.app, t, { name: '指定商品', scope: { type: 'goods', ids: goods } });
    const d = await call('/discounts/detail', { id: tpl.id }, 'GET');
    expect(d.code).toBe(0);
    expect(d.data.couponRefs).toEqual(goods.map((refId) => ({ type: 1, refId })));
    expect(d.data).toMatchObject({ id: tpl.id, name: '指定商品' });
    expect((await call('/discounts/detail', { id: 999999 }, 'GET')).code).toBe(700);
    expect((await call('/discounts/detail', {}, 'GET')).code).toBe(600);
  });

  it('fetches: 0, per-person limit 20003, sold out 20001, then the coupon shows in my with its fields', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'limit-1', stock: 2, perUserLimit: 1 });
    const u = await registerUser(call, rt.services, t.tenantId);
    expect((await call('/discounts/fetch', { id: tpl.id })).code).toBe(2000);
    expect((await call('/discounts/fetch', { id: tpl.id, token: u.token, detect: true })).code).toBe(0);
    expect((await call('/discounts/my', { token: u.token, status: 0 }, 'GET')).code).toBe(700); // detect changed nothing
    expect((await call('/discounts/fetch', { id: tpl.id, token: u.token })).code).toBe(0);
    expect((await call('/discounts/fetch', { id: tpl.id, token: u.token })).code).toBe(20003);
    // with a token, the list no longer offers it to this user
    const listed = await call('/discounts/coupons', { token: u.token }, 'GET');
    expect((listed.data ?? []).map((c: { id: number }) => c.id)).not.toContain(tpl.id);
    const v = await registerUser(call, rt.services, t.tenantId);
    expect((await call('/discounts/fetch', { id: tpl.id, token: v.token })).code).toBe(0);
    const w = await registerUser(call, rt.services, t.tenantId);
    expect((await call('/discounts/fetch', { id: tpl.id, token: w.token })).code).toBe(20001);

    const my = await call('/discounts/my', { token: u.token, status: 0 }, 'GET');
    expect(my.code).toBe(0);
    expect(my.data).toHaveLength(1);
    expect(my.data[0]).toMatchObject({
      pid: tpl.id,
      name: 'limit-1',
      money: 10,
      moneyType: 0,
      moneyHreshold: 100,
      status: 0,
      statusStr: expect.any(String),
    });
    expect(typeof my.data[0].id).toBe('number');
    expect(my.data[0].dateEnd).toMatch(DATE);
    expect((await call('/discounts/my', { token: u.token, status: '1,2,3' }, 'GET')).code).toBe(700);
    expect((await call('/discounts/my', { token: u.token, status: 0, consumAmount: 99 }, 'GET')).code).toBe(700);
    expect((await call('/discounts/my', { token: u.token, status: 0, consumAmount: 100 }, 'GET')).code).toBe(0);
    expect((await call('/discounts/fetch', { id: 987654, token: u.token })).code).toBe(700);
  });

  it('keeps the per-person limit under concurrent fetches', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'rush', stock: 100, perUserLimit: 2 });
    const u = await registerUser(call, rt.services, t.tenantId);
    const codes = (await Promise.all(Array.from({ length: 8 }, () => call('/discounts/fetch', { id: tpl.id, token: u.token }))))
      .map((r) => r.code)
      .sort((a, b) => a - b);
    expect(codes).toEqual([0, 0, 20003, 20003, 20003, 20003, 20003, 20003]);
    expect(
      (await call('/discounts/my', { token: u.token, status: 0 }, 'GET')).data.filter((c: { pid: number }) => c.pid === tpl.id),
    ).toHaveLength(2);
  });

  it('fetches by password: wrong 20000 with id, 700 without; right password works', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'pwd', claimPassword: 'KOULING-77' });
    const u = await registerUser(call, rt.services, t.tenantId);
    expect((await call('/discounts/fetch', { id: tpl.id, token: u.token })).code).toBe(20000);
    expect((await call('/discounts/fetch', { id: tpl.id, token: u.token, pwd: 'nope' })).code).toBe(20000);
    expect((await call('/discounts/fetch', { token: u.token, pwd: 'nope' })).code).toBe(700);
    expect((await call('/discounts/fetch', { token: u.token, pwd: 'KOULING-77' })).code).toBe(0);
  });

  it('needs points (30001) and payment (30002 with the amount in data); expired (20004); ended (20002)', async () => {
    const u = await registerUser(call, rt.services, t.tenantId);
    const costly = await makeTemplate(rt.app, t, { name: 'points', claimCostPoints: 50 });
    expect((await call('/discounts/fetch', { id: costly.id, token: u.token })).code).toBe(30001);
    await rt.db.tx((q) => moveBalance(q, 'points', t.tenantId, u.uid, 60, 'test'));
    expect((await call('/discounts/fetch', { id: costly.id, token: u.token })).code).toBe(0);
    expect((await rt.services.users.get(t.tenantId, u.uid))!.points).toBe(10);

    const paid = await makeTemplate(rt.app, t, { name: 'paid', price: '9.90' });
    const pay = await call('/discounts/fetch', { id: paid.id, token: u.token });
    expect(pay).toMatchObject({ code: 30002, data: 9.9 });

    const past = await makeTemplate(rt.app, t, {
      name: 'old',
      validity: { type: 'fixed', from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' },
    });
    expect((await call('/discounts/fetch', { id: past.id, token: u.token })).code).toBe(20004);

    const ended = await makeTemplate(rt.app, t, { name: 'ended' });
    const end = await rt.app.inject({ method: 'POST', url: `/api/v1/coupon-templates/${ended.id}/end`, headers: t.auth, payload: {} });
    expect(end.statusCode).toBeLessThan(300);
    expect((await call('/discounts/fetch', { id: ended.id, token: u.token })).code).toBe(20002);
  });

  it('exchanges a 卡密: wrong password 20000, right one 0, again 20001', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'card', stock: 10 });
    const [[code, password]] = (await makeExchangeCodes(rt.app, rt.services, t.auth, tpl.id, 1)) as [[string, string]];
    const u = await registerUser(call, rt.services, t.tenantId);
    expect((await call('/discounts/exchange', { token: u.token, number: code, pwd: '00000000' })).code).toBe(20000);
    expect((await call('/discounts/exchange', { token: u.token, number: code, pwd: password })).code).toBe(0);
    expect((await call('/discounts/exchange', { token: u.token, number: code, pwd: password })).code).toBe(20001);
    const my = await call('/discounts/my', { token: u.token, status: 0 }, 'GET');
    expect(my.data.map((c: { pid: number }) => c.pid)).toContain(tpl.id);
  });

  it('gives a coupon to another user by mobile or uid (20000 not mine, 30000 no such user) and counts statistics', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'gift' });
    const u = await registerUser(call, rt.services, t.tenantId);
    const v = await makeUser(rt.services, t.tenantId);
    await call('/discounts/fetch', { id: tpl.id, token: u.token });
    await call('/discounts/fetch', { id: tpl.id, token: u.token });
    const mine = (await call('/discounts/my', { token: u.token, status: 0 }, 'GET')).data as Array<{ id: number }>;
    expect(mine).toHaveLength(2);
    expect((await call('/discounts/send', { token: u.token, id: 424242, mobile: v.mobile! })).code).toBe(20000);
    expect((await call('/discounts/send', { token: u.token, id: mine[0]!.id, mobile: '13900000009' })).code).toBe(30000);
    expect((await call('/discounts/send', { token: u.token, id: mine[0]!.id, mobile: v.mobile! })).code).toBe(0);
    expect((await call('/discounts/send', { token: u.token, id: mine[1]!.id, uid: v.id })).code).toBe(0);
    const st = await call('/discounts/statistics', { token: u.token }, 'GET');
    expect(st).toMatchObject({ code: 0, data: { total: 0, canUse: 0 } });
    const c = await rt.services.coupons.list(t.tenantId, { ownerId: v.id, limit: 10, offset: 0 });
    expect(c.total).toBe(2);
  });

  it('merges coupons per a rule: list, wrong set refused, right set → target coupon', async () => {
    const a = await makeTemplate(rt.app, t, { name: 'piece A' });
    const target = await makeTemplate(rt.app, t, { name: 'whole' });
    const rule = await rt.services.couponExtras.createMergeRule(t.tenantId, {
      name: '2A → whole',
      targetTemplateId: target.id,
      items: [{ templateId: a.id, number: 2 }],
    });
    expect(rule.ok).toBe(true);
    const rules = await call('/discounts/merge/list', {}, 'GET');
    expect(rules.code).toBe(0);
    const listed = rules.data.find((m: { id: number }) => rule.ok && m.id === rule.value.id);
    expect(listed).toMatchObject({
      name: '2A → whole',
      couponId: target.id,
      rules: [{ type: 0, couponId: a.id, couponName: 'piece A', number: 2 }],
    });

    const u = await registerUser(call, rt.services, t.tenantId);
    await call('/discounts/fetch', { id: a.id, token: u.token });
    const first = (await call('/discounts/my', { token: u.token, status: 0 }, 'GET')).data as Array<{ id: number }>;
    const mergeId = rule.ok ? rule.value.id : 0;
    expect((await call('/discounts/merge', { token: u.token, mergeId, couponIds: `${first[0]!.id}` })).code).toBe(30000);
    await call('/discounts/fetch', { id: a.id, token: u.token });
    const two = (await call('/discounts/my', { token: u.token, status: 0 }, 'GET')).data as Array<{ id: number; pid: number }>;
    expect((await call('/discounts/merge', { token: u.token, mergeId, couponIds: two.map((c) => c.id).join(',') })).code).toBe(0);
    const after = (await call('/discounts/my', { token: u.token, status: 0 }, 'GET')).data as Array<{ pid: number }>;
    expect(after.map((c) => c.pid)).toEqual([target.id]);
    const invalid = (await call('/discounts/my', { token: u.token, status: '1,2,3' }, 'GET')).data as Array<{ status: number }>;
    expect(invalid.map((c) => c.status)).toEqual([1, 1]);
  });

  it('shares a coupon: open → another user fetches once; closed shares cannot be fetched', async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'share' });
    const u = await registerUser(call, rt.services, t.tenantId);
    const v = await registerUser(call, rt.services, t.tenantId);
    const w = await registerUser(call, rt.services, t.tenantId);
    await call('/discounts/fetch', { id: tpl.id, token: u.token });
    await call('/discounts/fetch', { id: tpl.id, token: u.token });
    const [c1, c2] = (await call('/discounts/my', { token: u.token, status: 0 }, 'GET')).data as Array<{ id: number }>;
    const open = await call('/discounts/share/open', { token: u.token, id: c1!.id });
    expect(open.code).toBe(0);
    expect(typeof open.data.shareToken).toBe('string');
    expect((await call('/discounts/share/fetch', { token: v.token, id: c1!.id, shareToken: 'wrong' })).code).toBe(700);
    expect((await call('/discounts/share/fetch', { token: v.token, id: c1!.id, shareToken: open.data.shareToken })).code).toBe(0);
    expect((await call('/discounts/share/fetch', { token: w.token, id: c1!.id, shareToken: open.data.shareToken })).code).toBe(700);
    expect(((await call('/discounts/my', { token: v.token, status: 0 }, 'GET')).data as Array<{ id: number }>).map((c) => c.id)).toEqual([
      c1!.id,
    ]);

    const open2 = await call('/discounts/share/open', { token: u.token, id: c2!.id });
    expect((await call('/discounts/share/close', { token: u.token, id: c2!.id })).code).toBe(0);
    expect((await call('/discounts/share/fetch', { token: w.token, id: c2!.id, shareToken: open2.data.shareToken })).code).toBe(700);
  });

  it("writes off a coupon from a seller's own WeChat account only; a seller's customer gets 1000", async () => {
    const tpl = await makeTemplate(rt.app, t, { name: 'hx', minSpend: '0.00' });
    const u = await registerUser(call, rt.services, t.tenantId);
    await call('/discounts/fetch', { id: tpl.id, token: u.token });
    const [c] = (await call('/discounts/my', { token: u.token, status: 0 }, 'GET')).data as Array<{ code: string }>;
    const seller = await registerUser(call, rt.services, t.tenantId);
    expect((await call('/discounts/hx', { token: seller.token, code: c!.code, shopId: 1 })).code).toBe(1000);
    const store = await rt.app.inject({ method: 'POST', url: '/api/v1/stores', headers: t.auth, payload: { name: 'Main' } });
    expect(store.statusCode).toBe(201);
    const staff = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/staff',
      headers: t.auth,
      payload: { username: `hx_${t.slug}`, password: 'seller-pass-123', role: 'seller', name: 'Hx' },
    });
    expect(staff.statusCode).toBe(201);
    // Being a seller's customer (users.seller_id) is no right to write off: only the seller's own account is.
    const customer = await rt.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${seller.uid}/seller`,
      headers: t.auth,
      payload: { sellerId: staff.json().id },
    });
    expect(customer.statusCode).toBe(200);
    expect((await call('/discounts/hx', { token: seller.token, code: c!.code, shopId: store.json().id, amount: '50.00' })).code).toBe(1000);
    const link = await rt.app.inject({
      method: 'PUT',
      url: `/api/v1/sellers/${staff.json().id}`,
      headers: t.auth,
      payload: { userId: seller.uid },
    });
    expect(link.statusCode).toBe(200);
    const hx = await call('/discounts/hx', { token: seller.token, code: c!.code, shopId: store.json().id, amount: '50.00' });
    expect(hx).toMatchObject({ code: 0, data: { discount: 10 } });
    const used = (await call('/discounts/my', { token: u.token, status: '3' }, 'GET')).data as Array<{ status: number; statusStr: string }>;
    expect(used[0]).toMatchObject({ status: 3 });
    expect((await call('/discounts/hx', { token: seller.token, code: c!.code, shopId: store.json().id, amount: '50.00' })).code).toBe(
      30000,
    );
  });
});
