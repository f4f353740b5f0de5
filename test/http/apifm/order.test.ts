// apifm order: the checkout quote with coupons and points, create (stock,
// coupons, points all or nothing), pay from the wallet, close (everything
// back once), list/detail/statistics shapes, pickup write-off, delivery,
// reviews and after-sales — codes as seeds/004 documents them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeTemplate, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm } from './helpers.ts';
import { couponState, giveCoupon, makeGoods, makeShopper, nativeCall, stockOf, topUp } from './shop-fixtures.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;
let tea: { id: number };
let shirt: { id: number; skus: { id: number; propertyChildIds: string; stock: number }[] };

const goods = (lines: { goodsId: number; number: number; propertyChildIds?: string }[]) => JSON.stringify(lines);

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
  const cat = await nativeCall(rt.app, t, 'POST', '/categories', { name: 'Drinks' });
  tea = await makeGoods(rt.app, t, { name: 'Tea', price: '60.00', stock: 10, categoryId: cat.body.id });
  shirt = await makeGoods(rt.app, t, {
    name: 'Shirt',
    price: '0',
    stock: 0,
    skus: [
      { propertyChildIds: '1:1,2:5', propertyStr: '颜色:红,尺码:L', price: '99.00', stock: 2 },
      { propertyChildIds: '1:2,2:5', propertyStr: '颜色:蓝,尺码:L', price: '89.50', stock: 1 },
    ],
  });
}, 60_000);
afterAll(async () => rt?.close());

describe('order/create calculate=true (the checkout quote)', () => {
  it('prices the cart, lists the usable coupons and changes nothing', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, {
      name: '10 off 100',
      discount: { type: 'amount', amount: '10.00' },
      minSpend: '100.00',
    });
    const q = await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 2 }]), calculate: true });
    expect(q.code).toBe(0);
    expect(q.data).toMatchObject({
      amountTotle: 120,
      couponAmount: 0,
      deductionMoney: 0,
      amountReal: 120,
      amountLogistics: 0,
      goodsNumber: 2,
      couponId: [],
      scoreDeductionRules: [],
    });
    expect(q.data.couponUserList).toEqual([
      expect.objectContaining({ id: c.couponId, name: '10 off 100', money: 10, moneyType: 0, moneyHreshold: 100 }),
    ]);
    for (const k of ['amountTotle', 'amountReal', 'couponAmount', 'deductionMoney', 'amountLogistics', 'score'])
      expect(typeof q.data[k]).toBe('number');

    const withCoupon = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 2 }]),
      calculate: 'true',
      couponId: c.couponId,
    });
    expect(withCoupon).toMatchObject({
      code: 0,
      data: { amountTotle: 120, couponAmount: 10, amountCoupons: 10, amountReal: 110, couponId: [c.couponId] },
    });
    expect(await stockOf(rt.services, tea.id)).toBe(10);
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('issued');
    const list = await call('/order/list', { token: u.token });
    expect(list.code).toBe(700);
  });

  it("refuses a coupon below its threshold with 30001 and someone else's coupon with 30000", async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const other = await makeShopper(rt.services, t.tenantId);
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, { discount: { type: 'amount', amount: '5.00' }, minSpend: '100.00' });
    const below = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]),
      calculate: true,
      couponId: c.couponId,
    });
    expect(below.code).toBe(30001);
    const notMine = await call('/order/create', {
      token: other.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 2 }]),
      couponId: c.couponId,
    });
    expect(notMine.code).toBe(30000);
    expect(await stockOf(rt.services, tea.id)).toBe(10);
  });

  it('answers the documented codes for bad carts', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const c = (goodsJsonStr: string) => call('/order/create', { token: u.token, goodsJsonStr, calculate: true }).then((r) => r.code);
    expect(await c('not json')).toBe(10001);
    expect(await c('[]')).toBe(90004);
    expect(await c(goods([{ goodsId: 999999, number: 1 }]))).toBe(20000);
    expect(await c(goods([{ goodsId: shirt.id, number: 1 }]))).toBe(20001);
    expect(await c(goods([{ goodsId: shirt.id, number: 1, propertyChildIds: '1:9,2:5' }]))).toBe(90000);
    expect(await c(goods([{ goodsId: shirt.id, number: 1, propertyChildIds: '2:5,1:2,' }]))).toBe(0);
    expect((await call('/order/create', { goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]) })).code).toBe(2000);
    expect(
      (await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]), remark: 'x'.repeat(201) }))
        .code,
    ).toBe(10005);
    const off = await makeGoods(rt.app, t, { name: 'Old', onSale: false });
    expect(await c(goods([{ goodsId: off.id, number: 1 }]))).toBe(40002);
  });

  it('deducts points by the rule, at most down to zero, and 70001 when the user has too few', async () => {
    await rt.db.query('INSERT INTO points_deduction_rules (tenant_id, score, money, loop) VALUES ($1, 100, 100, true)', [t.tenantId]);
    const u = await makeShopper(rt.services, t.tenantId, { points: 250 });
    const q = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]),
      calculate: true,
      deductionScore: 250,
    });
    expect(q).toMatchObject({
      code: 0,
      data: {
        amountTotle: 60,
        deductionMoney: 2,
        deductionScore: 200,
        amountReal: 58,
        scoreDeductionRules: [{ loop: true, score: 100, money: 1 }],
      },
    });
    // "-1" is no deduction (the rules are still shown), "0" as many points as help.
    const none = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]),
      calculate: true,
      deductionScore: -1,
    });
    expect(none.data).toMatchObject({ deductionMoney: 0, amountReal: 60, scoreDeductionRules: [{ score: 100 }] });
    const auto = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]),
      calculate: true,
      deductionScore: 0,
    });
    expect(auto.data).toMatchObject({ deductionMoney: 2, deductionScore: 200, amountReal: 58 });
    expect(
      (
        await call('/order/create', {
          token: u.token,
          goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]),
          calculate: true,
          deductionScore: -2,
        })
      ).code,
    ).toBe(601);
    const poor = await makeShopper(rt.services, t.tenantId, { points: 50 });
    expect(
      (await call('/order/create', { token: poor.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]), deductionScore: 100 })).code,
    ).toBe(70001);

    const made = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]),
      deductionScore: 250,
    });
    expect(made).toMatchObject({ code: 0, data: { amountReal: 58, deductionMoney: 2, status: 0 } });
    expect((await rt.services.users.get(t.tenantId, u.uid))!.points).toBe(50);
    expect((await call('/order/close', { token: u.token, orderId: made.data.id })).code).toBe(0);
    expect((await rt.services.users.get(t.tenantId, u.uid))!.points).toBe(250);
    expect(await stockOf(rt.services, tea.id)).toBe(10);
    await rt.db.query('DELETE FROM points_deduction_rules WHERE tenant_id = $1', [t.tenantId]);
  });
});

describe('carts across shops', () => {
  it("refuses goods of two shops together (9000); filterShopId orders one shop's part", async () => {
    const storeA = await nativeCall(rt.app, t, 'POST', '/stores', { name: 'A' });
    const storeB = await nativeCall(rt.app, t, 'POST', '/stores', { name: 'B' });
    const a = await makeGoods(rt.app, t, { name: 'A tea', price: '10.00', stock: 5, storeId: storeA.body.id });
    const b = await makeGoods(rt.app, t, { name: 'B tea', price: '20.00', stock: 5, storeId: storeB.body.id });
    const u = await makeShopper(rt.services, t.tenantId);
    const cart = goods([
      { goodsId: a.id, number: 1 },
      { goodsId: b.id, number: 2 },
    ]);
    expect((await call('/order/create', { token: u.token, goodsJsonStr: cart, calculate: true })).code).toBe(9000);
    const q = await call('/order/create', { token: u.token, goodsJsonStr: cart, calculate: true, filterShopId: storeB.body.id });
    expect(q.data).toMatchObject({ amountTotle: 40, goodsNumber: 2 });
    // No usable coupon: the list is left out, as clients test for its presence.
    expect(q.data.couponUserList).toBeUndefined();
    const o = await call('/order/create', { token: u.token, goodsJsonStr: cart, filterShopId: storeA.body.id });
    expect(o.data).toMatchObject({ amountTotle: 10, shopId: storeA.body.id });
    expect(await stockOf(rt.services, b.id)).toBe(5);
    expect((await call('/order/create', { token: u.token, goodsJsonStr: cart, calculate: true, filterShopId: 999999 })).code).toBe(90004);
  });
});

describe('order create → pay → close', () => {
  it('creates with a coupon, pays from the wallet, and a closed order gives its coupon, stock and nothing else back once', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    await topUp(rt.app, t, u.uid, '200.00');
    const tpl = await makeTemplate(rt.app, t, {
      name: '10 off 100',
      discount: { type: 'amount', amount: '10.00' },
      minSpend: '100.00',
      perUserLimit: 5,
    });
    const c1 = await giveCoupon(rt.app, rt.services, t, u.uid, {}, tpl.id);
    const c2 = await giveCoupon(rt.app, rt.services, t, u.uid, {}, tpl.id);
    const before = (await stockOf(rt.services, tea.id))!;

    const o1 = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 2 }]),
      couponId: c1.couponId,
      remark: 'less ice',
    });
    expect(o1.code).toBe(0);
    expect(o1.data).toMatchObject({
      status: 0,
      statusStr: '待支付',
      amountTotle: 120,
      couponAmount: 10,
      amountReal: 110,
      goodsNumber: 2,
      remark: 'less ice',
    });
    expect(o1.data.orderNumber).toMatch(/^OD\d+/);
    expect(o1.data.dateAdd).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(await couponState(rt.services, t.tenantId, c1.couponId)).toBe('used');
    expect(await stockOf(rt.services, tea.id)).toBe(before - 2);
    // The used coupon is no longer offered; the other one is.
    const q = await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 2 }]), calculate: true });
    expect(q.data.couponUserList.map((x: { id: number }) => x.id)).toEqual([c2.couponId]);

    expect((await call('/order/pay', { token: u.token, orderId: o1.data.id })).code).toBe(0);
    expect((await rt.services.users.get(t.tenantId, u.uid))!.walletBalance).toBe(9000);
    expect((await call('/order/pay', { token: u.token, orderId: o1.data.id })).code).toBe(20000);
    expect((await call('/order/close', { token: u.token, orderId: o1.data.id })).code).toBe(20000);

    const o2 = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 2 }]),
      couponId: c2.couponId,
    });
    expect(o2.data.amountReal).toBe(110);
    expect(await couponState(rt.services, t.tenantId, c2.couponId)).toBe('used');
    // 90 in the wallet, 110 to pay: refused, nothing moves.
    expect((await call('/order/pay', { token: u.token, orderId: o2.data.id })).code).toBe(20002);
    expect((await rt.services.users.get(t.tenantId, u.uid))!.walletBalance).toBe(9000);
    expect((await call('/order/close', { token: u.token, orderId: o2.data.id })).code).toBe(0);
    expect((await call('/order/close', { token: u.token, orderId: o2.data.id })).code).toBe(20000);
    expect(await couponState(rt.services, t.tenantId, c2.couponId)).toBe('issued');
    expect(await stockOf(rt.services, tea.id)).toBe(before - 2);
    const again = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: tea.id, number: 2 }]),
      calculate: true,
      couponId: c2.couponId,
    });
    expect(again.data).toMatchObject({ couponAmount: 10, couponId: [c2.couponId] });

    // A closed order can be deleted; a paid one cannot.
    expect((await call('/order/delete', { token: u.token, orderId: o1.data.id })).code).toBe(20000);
    expect((await call('/order/delete', { token: u.token, orderId: o2.data.id })).code).toBe(0);

    const amount = await call('/user/amount', { token: u.token }, 'GET');
    expect(amount).toMatchObject({ code: 0, data: { balance: 90, freeze: 0, score: 0, totleConsumed: 110, growth: 110 } });
    const log = await call('/user/cashLog/v2', { token: u.token });
    expect(log.data.result[0]).toMatchObject({ typeStr: '支付订单', amount: 110, behavior: 1 });
  });

  it('never takes more than the stock: 60000 and nothing changes', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const blue = shirt.skus.find((s) => s.propertyChildIds === '1:2,2:5')!;
    const r = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: shirt.id, number: 2, propertyChildIds: '1:2,2:5' }]),
    });
    expect(r.code).toBe(60000);
    const split = goods([
      { goodsId: shirt.id, number: 1, propertyChildIds: '1:2,2:5' },
      { goodsId: shirt.id, number: 1, propertyChildIds: '2:5,1:2' },
    ]);
    expect((await call('/order/create', { token: u.token, goodsJsonStr: split, calculate: true })).code).toBe(60000);
    const sku = (await rt.db.query<{ stock: number }>('SELECT stock FROM goods_skus WHERE id = $1', [blue.id])).rows[0]!;
    expect(sku.stock).toBe(1);
    const ok = await call('/order/create', {
      token: u.token,
      goodsJsonStr: goods([{ goodsId: shirt.id, number: 1, propertyChildIds: '1:2,2:5' }]),
    });
    expect(ok).toMatchObject({ code: 0, data: { amountReal: 89.5 } });
    expect((await rt.db.query<{ stock: number }>('SELECT stock FROM goods_skus WHERE id = $1', [blue.id])).rows[0]!.stock).toBe(0);
    // 销量 moves with the stock taken, and back when the order is closed.
    const sold = async () => (await call('/shop/goods/detail', { id: shirt.id }, 'GET')).data.basicInfo.numberOrders;
    expect(await sold()).toBe(1);
    await call('/order/close', { token: u.token, orderId: ok.data.id });
    expect(await sold()).toBe(0);
  });
});

describe('order list, detail, statistics', () => {
  it('has the shapes the clients read', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    await topUp(rt.app, t, u.uid, '100.00');
    const a = await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]) });
    const b = await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]) });
    await call('/order/pay', { token: u.token, orderId: b.data.id });

    const l = await call('/order/list', { token: u.token, page: 1, pageSize: 10 });
    expect(l.code).toBe(0);
    expect(l.data.orderList.map((o: { id: number }) => o.id)).toEqual([b.data.id, a.data.id]);
    expect(l.data.orderList[0]).toMatchObject({
      id: b.data.id,
      status: 1,
      statusStr: '待发货',
      amountReal: 60,
      score: 0,
      goodsNumber: 1,
      uid: u.uid,
    });
    expect(l.data.goodsMap[a.data.id]).toEqual([expect.objectContaining({ goodsName: 'Tea', amountSingle: 60, number: 1, pic: '' })]);
    expect(l.data.userMap[u.uid]).toMatchObject({ id: u.uid, mobile: u.mobile });
    expect(l.data).toMatchObject({ logisticsMap: {}, totalRow: 2, totalPage: 1 });
    expect((await call('/order/list', { token: u.token, status: 0 })).data.orderList.map((o: { id: number }) => o.id)).toEqual([a.data.id]);
    expect((await call('/order/list', { token: u.token, page: 2, pageSize: 10 })).code).toBe(700);

    const d = await call('/order/detail', { token: u.token, id: b.data.id }, 'GET');
    expect(d.code).toBe(0);
    expect(d.data.orderInfo).toMatchObject({
      id: b.data.id,
      orderNumber: b.data.orderNumber,
      status: 1,
      amount: 60,
      amountLogistics: 0,
      amountReal: 60,
    });
    expect(d.data.orderInfo.hxNumber).toMatch(/^\d{12,}$/);
    expect(d.data.goods).toHaveLength(1);
    expect(d.data.logs.length).toBeGreaterThanOrEqual(2);
    expect((await call('/order/detail', { token: u.token }, 'GET')).code).toBe(300);
    const stranger = await makeShopper(rt.services, t.tenantId);
    expect((await call('/order/detail', { token: stranger.token, id: b.data.id }, 'GET')).code).toBe(404);

    const s = await call('/order/statistics', { token: u.token }, 'GET');
    expect(s.data).toMatchObject({
      count_id_no_pay: 1,
      count_id_no_transfer: 1,
      count_id_no_confirm: 0,
      count_id_no_reputation: 0,
      count_id_close: 0,
    });
  });
});

describe('pickup write-off, delivery, reviews, after-sales', () => {
  it('writes off a paid order once, only by a clerk', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    const clerk = await makeShopper(rt.services, t.tenantId);
    await nativeCall(rt.app, t, 'PUT', '/config/order_hx_uids', { value: String(clerk.uid) });
    await topUp(rt.app, t, u.uid, '100.00');
    const o = await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]), peisongType: 'zq' });
    const hx = (await call('/order/detail', { token: u.token, id: o.data.id }, 'GET')).data.orderInfo.hxNumber as string;
    expect((await call('/order/hx', { token: u.token, hxNumber: hx })).code).toBe(1000);
    expect((await call('/order/hx', { token: clerk.token, hxNumber: hx })).code).toBe(20000);
    await call('/order/pay', { token: u.token, orderId: o.data.id });
    const seen = await call('/order/detail', { token: clerk.token, hxNumber: hx }, 'GET');
    expect(seen.data.orderInfo.id).toBe(o.data.id);
    expect((await call('/order/hx', { token: clerk.token, hxNumber: hx })).code).toBe(0);
    expect((await call('/order/hx', { token: clerk.token, hxNumber: hx })).code).toBe(30000);
    const closed = await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]) });
    await call('/order/close', { token: u.token, orderId: closed.data.id });
    const hx2 = (await rt.services.orders.get(t.tenantId, { id: closed.data.id }))!.hxNumber;
    expect((await call('/order/hx', { token: clerk.token, hxNumber: hx2 })).code).toBe(10000);
  });

  it('confirms receipt, then takes one review per line', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    await topUp(rt.app, t, u.uid, '100.00');
    const o = await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]) });
    expect((await call('/order/delivery', { token: u.token, orderId: o.data.id })).code).toBe(20000);
    await call('/order/pay', { token: u.token, orderId: o.data.id });
    const line = (await call('/order/detail', { token: u.token, id: o.data.id }, 'GET')).data.goods[0].id;
    const review = (reputations: unknown) =>
      call('/order/reputation', { postJsonString: JSON.stringify({ token: u.token, orderId: o.data.id, reputations }) });
    expect((await review([{ id: line, reputation: 2 }])).code).toBe(20000);
    expect((await call('/order/delivery', { token: u.token, orderId: o.data.id })).code).toBe(0);
    expect((await review({})).code).toBe(10002);
    expect((await review([{ id: line + 999, reputation: 2 }])).code).toBe(40000);
    expect((await call('/order/reputation', { postJsonString: '{bad' })).code).toBe(10000);
    expect((await review([{ id: line, reputation: 2, remark: 'good' }])).code).toBe(0);
    expect((await call('/order/statistics', { token: u.token }, 'GET')).data.count_id_success).toBe(1);
  });

  it('takes one open after-sales request per paid order', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    await topUp(rt.app, t, u.uid, '100.00');
    const o = await call('/order/create', { token: u.token, goodsJsonStr: goods([{ goodsId: tea.id, number: 1 }]) });
    const apply = () =>
      call('/order/refundApply/apply', {
        token: u.token,
        orderId: o.data.id,
        type: 0,
        logisticsStatus: 0,
        reason: '不想要了',
        amount: '60',
      });
    expect((await apply()).code).toBe(30000);
    await call('/order/pay', { token: u.token, orderId: o.data.id });
    expect((await call('/order/refundApply/info', { token: u.token, orderId: o.data.id }, 'GET')).code).toBe(700);
    expect((await apply()).code).toBe(0);
    expect((await apply()).code).toBe(20000);
    const info = await call('/order/refundApply/info', { token: u.token, orderId: o.data.id }, 'GET');
    expect(info.data[0]).toMatchObject({ orderId: o.data.id, type: 0, amount: 60, status: 0, reason: '不想要了' });
    expect((await call('/order/refundApply/cancel', { token: u.token, orderId: o.data.id })).code).toBe(0);
    expect((await call('/order/refundApply/cancel', { token: u.token, orderId: o.data.id })).code).toBe(20000);
    expect((await apply()).code).toBe(0);
  });
});
