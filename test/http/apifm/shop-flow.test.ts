// The checkout flow through the real apifm-wxapi SDK (init3 with a request
// function that calls the app): goods → fetch a coupon → quote with it →
// create → pay from the wallet → the coupon shows used → close another order
// and its coupon is usable again. Also pay-bill, addresses, banners,
// notices and config through the SDK's own methods.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeTemplate, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm, registerUser } from './helpers.ts';
import { sdkFor, type WxApi } from './sdk.ts';
import { makeGoods, nativeCall, topUp } from './shop-fixtures.ts';

// A few SDK methods read mini-program storage (e.g. goodsv2 reads `shopIds`): an empty one, as on a fresh phone.
(globalThis as { wx?: unknown }).wx = { getStorageSync: () => '' };

let rt: TestRuntime;
let t: TenantFixture;
let api: WxApi;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  api = sdkFor(rt.app, t.slug);
}, 60_000);
afterAll(async () => rt?.close());

describe('checkout through apifm-wxapi', () => {
  it('quote with a coupon → create → pay from the wallet → used; close another → usable again', async () => {
    const cat = await nativeCall(rt.app, t, 'POST', '/categories', { name: 'Cakes' });
    const cake = await makeGoods(rt.app, t, { name: 'Cake', price: '45.00', stock: 5, categoryId: cat.body.id });
    const tpl = await makeTemplate(rt.app, t, {
      name: '15 off 80',
      discount: { type: 'amount', amount: '15.00' },
      minSpend: '80.00',
      perUserLimit: 2,
    });
    const user = await registerUser(apifm(rt.app, t.slug), rt.services, t.tenantId);
    await topUp(rt.app, t, user.uid, '100.00');
    const token = user.token;

    const cats = await api.goodsCategory!();
    expect(cats.code).toBe(0);
    expect(cats.data).toEqual([expect.objectContaining({ id: cat.body.id, name: 'Cakes', pid: 0, level: 1 })]);
    const list = await api.goodsv2!({ categoryId: cat.body.id, page: 1, pageSize: 10 });
    expect(list.data).toMatchObject({ totalRow: 1, totalPage: 1, result: [{ id: cake.id, name: 'Cake', minPrice: 45, stores: 5 }] });
    const detail = await api.goodsDetail!(cake.id, token);
    expect(detail.data.basicInfo).toMatchObject({ id: cake.id, minPrice: 45 });
    expect((await api.goodsPrice!(cake.id, '')).data).toMatchObject({ price: 45, stores: 5 });

    expect((await api.fetchCoupons!({ id: tpl.id, token })).code).toBe(0);
    expect((await api.fetchCoupons!({ id: tpl.id, token })).code).toBe(0);
    const mine = await api.myCoupons!({ token, status: 0 });
    expect(mine.code).toBe(0);
    const [first, second] = mine.data.map((c: { id: number }) => c.id) as number[];

    const goodsJsonStr = JSON.stringify([{ goodsId: cake.id, number: 2, propertyChildIds: '' }]);
    const quote = await api.orderCreate!({ token, goodsJsonStr, calculate: true });
    expect(quote.code).toBe(0);
    expect(quote.data.couponUserList.map((c: { id: number }) => c.id).sort()).toEqual([first, second].sort());
    const withCoupon = await api.orderCreate!({ token, goodsJsonStr, calculate: true, couponId: first });
    expect(withCoupon.data).toMatchObject({ amountTotle: 90, couponAmount: 15, amountReal: 75, couponId: [first] });

    const order = await api.orderCreate!({ token, goodsJsonStr, couponId: first, remark: 'birthday' });
    expect(order).toMatchObject({ code: 0, data: { status: 0, amountReal: 75 } });
    expect((await api.orderPay!(token, order.data.id)).code).toBe(0);
    expect((await api.userAmount!(token)).data).toMatchObject({ balance: 25, totleConsumed: 75 });
    const used = await api.myCoupons!({ token, status: '1,2,3' });
    expect(used.data.map((c: { id: number }) => c.id)).toContain(first);
    const usable = await api.myCoupons!({ token, status: 0 });
    expect(usable.data.map((c: { id: number }) => c.id)).toEqual([second]);

    const other = await api.orderCreate!({ token, goodsJsonStr, couponId: second });
    expect(other.code).toBe(0);
    expect((await api.myCoupons!({ token, status: 0 })).code).toBe(700);
    expect((await api.orderClose!(token, other.data.id)).code).toBe(0);
    expect((await api.myCoupons!({ token, status: 0 })).data.map((c: { id: number }) => c.id)).toEqual([second]);
    expect((await api.goodsPrice!(cake.id, '')).data.stores).toBe(3);

    const orders = await api.orderList!({ token });
    expect(orders.data.orderList.map((o: { id: number; status: number }) => [o.id, o.status])).toEqual([
      [other.data.id, -1],
      [order.data.id, 1],
    ]);
    expect((await api.orderStatistics!(token)).data).toMatchObject({ count_id_no_transfer: 1, count_id_close: 1 });
    const cash = await api.cashLogsV2!({ token, page: 1, pageSize: 20 });
    expect(cash.data.result.map((x: { typeStr: string; amount: number }) => [x.typeStr, x.amount])).toEqual([
      ['支付订单', 75],
      ['充值', 100],
    ]);
  });

  it('pays a bill with the best discount, and keeps addresses', async () => {
    await nativeCall(rt.app, t, 'POST', '/pay-bill-discounts', { consume: '100.00', discounts: '10.00' });
    await nativeCall(rt.app, t, 'POST', '/pay-bill-discounts', { consume: '200.00', discounts: '30.00' });
    const user = await registerUser(apifm(rt.app, t.slug), rt.services, t.tenantId);
    await topUp(rt.app, t, user.uid, '500.00');
    expect((await api.payBillDiscounts!()).data).toEqual([
      expect.objectContaining({ consume: 100, discounts: 10 }),
      expect.objectContaining({ consume: 200, discounts: 30 }),
    ]);
    expect((await api.payBillV2!({ token: user.token, money: 250, calculate: true })).data).toMatchObject({ realMoney: 220 });
    expect((await api.payBillV2!({ token: user.token, money: 250 })).code).toBe(0);
    expect((await api.userAmount!(user.token)).data).toMatchObject({ balance: 280, totleConsumed: 220 });

    const add = await api.addAddress!({
      token: user.token,
      linkMan: '张三',
      mobile: '13800000000',
      provinceId: '110000',
      cityId: '110100',
      districtId: '110101',
      address: '东城区1号',
      isDefault: 'true',
    });
    expect(add.code).toBe(0);
    expect((await api.defaultAddress!(user.token)).data.info).toMatchObject({
      linkMan: '张三',
      provinceId: '110000',
      cityId: '110100',
      districtId: '110101',
      address: '东城区1号',
      mobile: '13800000000',
    });
    expect((await api.queryAddressV2!({ token: user.token })).data).toMatchObject({
      totalRow: 1,
      result: [{ id: add.data.id, isDefault: true }],
    });
  });

  it('shows banners, notices and config values', async () => {
    expect((await api.banners!({ type: 'index' })).code).toBe(700);
    await nativeCall(rt.app, t, 'POST', '/banners', {
      type: 'index',
      picUrl: 'https://x/1.png',
      linkType: 1,
      appid: 'wx1',
      linkUrl: '/pages/a',
    });
    expect((await api.banners!({ type: 'index' })).data).toEqual([
      expect.objectContaining({ picUrl: 'https://x/1.png', linkType: 1, appid: 'wx1', linkUrl: '/pages/a' }),
    ]);
    const n = await nativeCall(rt.app, t, 'POST', '/notices', { title: '开业', content: '欢迎' });
    expect((await api.noticeList!({ page: 1, pageSize: 5 })).data.dataList).toEqual([
      expect.objectContaining({ id: n.body.id, title: '开业' }),
    ]);
    expect((await api.noticeDetail!(n.body.id)).data).toMatchObject({ title: '开业', content: '欢迎' });
    expect((await api.noticeLastOne!()).data).toMatchObject({ id: n.body.id });
    await nativeCall(rt.app, t, 'PUT', '/config/mallName', { value: '小店' });
    expect((await api.queryConfigBatch!('mallName,none')).data).toEqual([expect.objectContaining({ key: 'mallName', value: '小店' })]);
    expect((await api.queryConfigValue!('mallName')).data).toBe('小店');
  });
});
