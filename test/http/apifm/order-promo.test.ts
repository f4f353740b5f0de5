// apifm order/create with a promo code (quan's `promoCode` parameter; seed 004
// has none): the quote shows what the code takes off, a real create redeems it
// with the order (total and per-user limits held by the coupon core's atomic
// writes), and closing the order gives the use back exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm, lastCode, newMobile } from './helpers.ts';
import { couponState, giveCoupon, makeGoods, makeShopper, nativeCall, stockOf, topUp } from './shop-fixtures.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;
let tea: { id: number };
let n = 0;

const goods = (goodsId: number, number: number) => JSON.stringify([{ goodsId, number }]);

/** A promo code made and approved through the native API; returns its id and code. */
async function approvedPromo(fields: Record<string, unknown> = {}) {
  const code = `PROMO${process.pid % 1000}X${++n}`;
  const r = await nativeCall(rt.app, t, 'POST', '/promo-codes', {
    code,
    name: `promo ${code}`,
    rule: { type: 'amount_off', condition: { amountAtLeast: '50.00' }, action: { amountOff: '8.00' } },
    validFrom: '2020-01-01T00:00:00Z',
    validTo: '2099-01-01T00:00:00Z',
    ...fields,
  });
  if (r.status !== 201) throw new Error(`promo: ${JSON.stringify(r.body)}`);
  const a = await nativeCall(rt.app, t, 'POST', `/promo-codes/${r.body.id}/approve`, {});
  if (a.status !== 200) throw new Error(`approve: ${JSON.stringify(a.body)}`);
  return { id: r.body.id as number, code };
}

const usedTimes = async (id: number) => (await nativeCall(rt.app, t, 'GET', `/promo-codes/${id}`)).body.usedTimes as number;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
  tea = await makeGoods(rt.app, t, { name: 'Tea', price: '60.00', stock: 100 });
}, 60_000);
afterAll(async () => rt?.close());

describe('order/create with promoCode', () => {
  it('calculate shows the promo discount (with a coupon beside it) and changes nothing', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const p = await approvedPromo();
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, {
      discount: { type: 'amount', amount: '10.00' },
      minSpend: '100.00',
      stackable: true,
    });
    const q = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods(tea.id, 2),
      calculate: true,
      promoCode: p.code.toLowerCase(),
      couponId: c.couponId,
    });
    expect(q.code).toBe(0);
    expect(q.data).toMatchObject({
      amountTotle: 120,
      couponAmount: 18,
      promoAmount: 8,
      promoCode: p.code.toLowerCase(),
      amountReal: 102,
      couponId: [c.couponId],
    });
    expect(typeof q.data.promoAmount).toBe('number');
    const alone = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), calculate: true, promoCode: p.code });
    expect(alone.data).toMatchObject({ amountTotle: 60, couponAmount: 8, promoAmount: 8, amountReal: 52, couponId: [] });
    const without = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), calculate: true });
    expect(without.data).toMatchObject({ promoAmount: 0, promoCode: '' });
    expect(await usedTimes(p.id)).toBe(0);
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('issued');
  });

  it('refuses unknown, unapproved and below-threshold codes with 30000/30001 and a message naming the promo code', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const unknown = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods(tea.id, 1),
      calculate: true,
      promoCode: 'NOPE-NOPE',
    });
    expect(unknown.code).toBe(30000);
    expect(unknown.msg).toMatch(/promo code/);
    const pending = await nativeCall(rt.app, t, 'POST', '/promo-codes', {
      code: `PEND${++n}`,
      name: 'pending',
      rule: { type: 'amount_off', action: { amountOff: '1.00' } },
      validFrom: '2020-01-01T00:00:00Z',
      validTo: '2099-01-01T00:00:00Z',
    });
    const notApproved = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: pending.body.code });
    expect(notApproved.code).toBe(30000);
    expect(notApproved.msg).toMatch(/pending/);
    const p = await approvedPromo({ rule: { type: 'amount_off', condition: { amountAtLeast: '100.00' }, action: { amountOff: '5.00' } } });
    expect((await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code })).code).toBe(30001);
    const future = await approvedPromo({ validFrom: '2098-01-01T00:00:00Z' });
    const early = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: future.code });
    expect(early.code).toBe(30000);
    expect(early.msg).toMatch(/promo code/);
    expect(await stockOf(rt.services, tea.id)).toBe(100);
  });

  it('a real create redeems the code with the order; close gives the use back exactly once', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const p = await approvedPromo({ limitTimes: 1 });
    const made = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(made.code).toBe(0);
    expect(made.data).toMatchObject({ amountTotle: 60, couponAmount: 8, promoAmount: 8, promoCode: p.code, amountReal: 52, status: 0 });
    expect(await usedTimes(p.id)).toBe(1);
    const detail = await call('/order/detail', { token: u.token, id: made.data.id }, 'GET');
    expect(detail.data.orderInfo).toMatchObject({ promoCode: p.code, promoAmount: 8, amountReal: 52 });

    // The total limit holds: another shopper is refused, and nothing is taken.
    const other = await makeShopper(rt.services, t.tenantId);
    const stock = await stockOf(rt.services, tea.id);
    const refused = await call('/order/create', { token: other.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(refused.code).toBe(30000);
    expect(refused.msg).toMatch(/used up/);
    expect(await stockOf(rt.services, tea.id)).toBe(stock);

    expect((await call('/order/close', { token: u.token, orderId: made.data.id })).code).toBe(0);
    expect(await usedTimes(p.id)).toBe(0);
    expect((await call('/order/close', { token: u.token, orderId: made.data.id })).code).toBe(20000);
    expect(await usedTimes(p.id)).toBe(0);

    const again = await call('/order/create', { token: other.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(again.code).toBe(0);
    expect(await usedTimes(p.id)).toBe(1);
  });

  it('holds the per-user limit across orders and frees it when an order closes', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const p = await approvedPromo({ userUseLimit: 1 });
    const first = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(first.code).toBe(0);
    const second = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(second.code).toBe(30000);
    expect(second.msg).toMatch(/per person/);
    const other = await makeShopper(rt.services, t.tenantId);
    expect((await call('/order/create', { token: other.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code })).code).toBe(0);
    expect((await call('/order/close', { token: u.token, orderId: first.data.id })).code).toBe(0);
    expect((await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code })).code).toBe(0);
    expect(await usedTimes(p.id)).toBe(2);
  });

  it('under concurrent orders never uses a code more than its limit', async () => {
    const p = await approvedPromo({ limitTimes: 3 });
    const shoppers = await Promise.all(Array.from({ length: 8 }, () => makeShopper(rt.services, t.tenantId)));
    const rs = await Promise.all(
      shoppers.map((s) => call('/order/create', { token: s.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code })),
    );
    expect(rs.filter((r) => r.code === 0)).toHaveLength(3);
    expect(rs.filter((r) => r.code !== 0).every((r) => r.code === 30000)).toBe(true);
    expect(await usedTimes(p.id)).toBe(3);
  });
});

/** Registers through apifm m/register with the given extra parameters and headers. */
async function register(params: Record<string, string> = {}, headers: Record<string, string> = {}) {
  const mobile = newMobile();
  expect((await call('/verification/sms/get', { mobile }, 'GET')).code).toBe(0);
  const code = await lastCode(rt.services, t.tenantId, mobile);
  const res = await rt.app.inject({
    method: 'POST',
    url: `/${t.slug}/user/m/register`,
    payload: new URLSearchParams({ mobile, code, pwd: 'secret-123', autoLogin: 'true', ...params }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
  const r = res.json();
  if (r.code !== 0) throw new Error(`register: ${res.body}`);
  return { token: r.data.token as string, uid: r.data.uid as number };
}

const sourceOf = async (uid: number) => (await nativeCall(rt.app, t, 'GET', `/users/${uid}`)).body.source as string | null;

describe('registration source and the promo code user limits at redemption', () => {
  it('registration keeps the source: the parameter, postJsonString.source, else the client from the request', async () => {
    expect(await sourceOf((await register({ source: 'iOS' })).uid)).toBe('iOS');
    expect(await sourceOf((await register({ postJsonString: JSON.stringify({ source: 'android', x: 1 }) })).uid)).toBe('android');
    const wx = await register(
      {},
      {
        'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) MicroMessenger/8.0.40 miniProgram',
        referer: 'https://servicewechat.com/wx123/1/page-frame.html',
      },
    );
    expect(await sourceOf(wx.uid)).toBe('wechat');
    expect(await sourceOf((await register({}, { 'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8)' })).uid)).toBe('android');
    expect(await sourceOf((await register({}, { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)' })).uid)).toBe(
      'iOS',
    );
    expect(await sourceOf((await register()).uid)).toBe('h5');
    const bad = await call('/user/m/register', { mobile: newMobile(), code: '123456', pwd: 'secret-123', source: 'no spaces allowed' });
    expect(bad.code).toBe(601);
  });

  it('user_source_limit: only users from the listed sources redeem the code', async () => {
    const p = await approvedPromo({ userSourceLimit: ['iOS', 'wechat'] });
    const ios = await register({ source: 'iOS' });
    const android = await register({ source: 'android' });
    const refused = await call('/order/create', {
      token: android.token,
      goodsJsonStr: goods(tea.id, 1),
      promoCode: p.code,
      calculate: true,
    });
    expect(refused.code).toBe(30000);
    expect(refused.msg).toMatch(/iOS, wechat/);
    expect((await call('/order/create', { token: android.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code })).code).toBe(30000);
    const made = await call('/order/create', { token: ios.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(made).toMatchObject({ code: 0, data: { promoAmount: 8 } });
    expect(await usedTimes(p.id)).toBe(1);
  });

  it('user_type_limit no_purchase (no_buy): refused once the user has paid an order', async () => {
    const p = await approvedPromo({ userTypeLimit: 'no_purchase' });
    const u = await register();
    const first = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(first.code).toBe(0);
    await topUp(rt.app, t, u.uid, '100.00');
    expect((await call('/order/pay', { token: u.token, orderId: first.data.id })).code).toBe(0);
    const after = await call('/order/create', { token: u.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(after.code).toBe(30000);
    expect(after.msg).toMatch(/not bought/);
    expect(await usedTimes(p.id)).toBe(1);
  });

  it('user_type_limit new (new_reg): only users registered in the last days', async () => {
    const p = await approvedPromo({ userTypeLimit: 'new' });
    const fresh = await register();
    const old = await register();
    await rt.services.deps.db.query(`UPDATE users SET created_at = now() - interval '30 days' WHERE id = $1`, [old.uid]);
    const refused = await call('/order/create', { token: old.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code });
    expect(refused.code).toBe(30000);
    expect(refused.msg).toMatch(/new users only/);
    expect((await call('/order/create', { token: fresh.token, goodsJsonStr: goods(tea.id, 1), promoCode: p.code })).code).toBe(0);
    expect(await usedTimes(p.id)).toBe(1);
  });
});
