// apifm odds and ends the clients rely on: user/detail's partnerInfo,
// verification/pic/get without a key, the SMS daily cap (503) and code expiry
// (10001), and an order paid with two stackable coupons (couponId="a,b").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { CODE_LIMITS } from '../../../src/contexts/platform/messages.ts';
import { apifm, lastCode, newMobile, registerUser } from './helpers.ts';
import { couponState, giveCoupon, makeGoods, makeShopper, topUp } from './shop-fixtures.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
}, 60_000);
afterAll(async () => rt?.close());

describe('user/detail', () => {
  it('has partnerInfo (not a partner) beside base, userLevel and peisongMember', async () => {
    const u = await registerUser(call, rt.services, t.tenantId);
    const d = await call('/user/detail', { token: u.token }, 'GET');
    expect(d.code).toBe(0);
    expect(d.data.partnerInfo).toEqual({ id: 0, uid: u.uid, type: 0, typeStr: '', status: 0, statusStr: '未开通', isPartner: false });
    expect(d.data).toHaveProperty('base');
    expect(d.data).toHaveProperty('peisongMember');
  });
});

describe('verification', () => {
  it('pic/get without a key makes one up and returns it in X-Captcha-Key; with a key it keeps it', async () => {
    const res = await rt.app.inject({ method: 'GET', url: `/${t.slug}/verification/pic/get` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('image/svg+xml');
    expect(res.body).toMatch(/^<svg/);
    const key = res.headers['x-captcha-key'] as string;
    expect(key).toMatch(/^k[0-9a-z]+$/);
    const other = await rt.app.inject({ method: 'GET', url: `/${t.slug}/verification/pic/get` });
    expect(other.headers['x-captcha-key']).not.toBe(key);
    // The made-up key names a live captcha: a wrong answer is 502, not 700 "none for this key".
    expect((await call('/verification/pic/check', { key, code: '!!!!' })).code).toBe(502);
    const mine = await rt.app.inject({ method: 'GET', url: `/${t.slug}/verification/pic/get?key=my-key-1` });
    expect(mine.headers['x-captcha-key']).toBe('my-key-1');
  });

  it('sms/get stops at the daily cap with 503', async () => {
    const mobile = newMobile();
    for (let i = 0; i < CODE_LIMITS.perDay; i++) {
      expect((await call('/verification/sms/get', { mobile }, 'GET')).code, `send ${i + 1}`).toBe(0);
      // A minute passes between sends: forget the one-a-minute counter, keep the daily one.
      await rt.services.deps.cache.del(`vcode:min:${t.tenantId}:sms:${mobile}`);
    }
    const capped = await call('/verification/sms/get', { mobile }, 'GET');
    expect(capped).toMatchObject({ code: 503, msg: expect.stringContaining('每日') });
    // Another mobile is not affected.
    expect((await call('/verification/sms/get', { mobile: newMobile() }, 'GET')).code).toBe(0);
  });

  it('an expired code answers 10001 on check and cannot register', async () => {
    const mobile = newMobile();
    expect((await call('/verification/sms/get', { mobile }, 'GET')).code).toBe(0);
    const code = await lastCode(rt.services, t.tenantId, mobile);
    expect((await call('/verification/sms/check', { mobile, code })).code).toBe(0);
    await rt.services.deps.db.query(
      `UPDATE verification_codes SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND recipient = $2`,
      [t.tenantId, mobile],
    );
    const checked = await call('/verification/sms/check', { mobile, code });
    expect(checked.code).toBe(10001);
    expect(checked.msg).toContain('失效');
    const reg = await call('/user/m/register', { mobile, code, pwd: 'secret-123' });
    expect(reg.code).not.toBe(0);
    expect((await call('/user/m/login', { mobile, pwd: 'secret-123' })).code).toBe(10000);
  });
});

describe('order with two stackable coupons', () => {
  it('couponId="a,b" applies both in the quote and the order, and paying from the wallet uses both', async () => {
    const tea = await makeGoods(rt.app, t, { name: 'Tea', price: '60.00', stock: 10 });
    const u = await makeShopper(rt.services, t.tenantId);
    const a = await giveCoupon(rt.app, rt.services, t, u.uid, {
      name: '10 off 100',
      discount: { type: 'amount', amount: '10.00' },
      minSpend: '100.00',
      stackable: true,
    });
    const b = await giveCoupon(rt.app, rt.services, t, u.uid, {
      name: '5 off',
      discount: { type: 'amount', amount: '5.00' },
      minSpend: '0.00',
      stackable: true,
    });
    const goodsJsonStr = JSON.stringify([{ goodsId: tea.id, number: 2 }]);
    const q = await call('/order/create', { token: u.token, goodsJsonStr, calculate: true, couponId: `${a.couponId},${b.couponId}` });
    expect(q.code).toBe(0);
    expect(q.data).toMatchObject({ amountTotle: 120, couponAmount: 15, amountReal: 105 });
    expect([...q.data.couponId].sort()).toEqual([a.couponId, b.couponId].sort());
    const made = await call('/order/create', { token: u.token, goodsJsonStr, couponId: `${a.couponId},${b.couponId}` });
    expect(made).toMatchObject({ code: 0, data: { couponAmount: 15, amountReal: 105, status: 0 } });
    await topUp(rt.app, t, u.uid, '200.00');
    expect((await call('/order/pay', { token: u.token, orderId: made.data.id })).code).toBe(0);
    expect(await couponState(rt.services, t.tenantId, a.couponId)).toBe('used');
    expect(await couponState(rt.services, t.tenantId, b.couponId)).toBe('used');
    const amount = await call('/user/amount', { token: u.token }, 'GET');
    expect(amount.data.balance).toBe(95);
    const my = await call('/discounts/my', { token: u.token, status: 0 }, 'GET');
    expect(my.code).toBe(700);
  });
});
