// Staff side of the shop in the native API: reading orders, shipping,
// closing, pickup write-off; roles and tenants are respected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { couponState, giveCoupon, makeGoods, makeShopper, nativeCall, stockOf, topUp } from '../apifm/shop-fixtures.ts';
import { apifm } from '../apifm/helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
}, 60_000);
afterAll(async () => rt?.close());

describe('native orders', () => {
  it('lists and reads orders, ships a paid one, closes an unpaid one with its coupon back, writes off by number', async () => {
    const call = apifm(rt.app, t.slug);
    const g = await makeGoods(rt.app, t, { price: '25.00', stock: 10 });
    const u = await makeShopper(rt.services, t.tenantId);
    await topUp(rt.app, t, u.uid, '100.00');
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, { discount: { type: 'amount', amount: '5.00' }, minSpend: '0.00' });
    const goodsJsonStr = JSON.stringify([{ goodsId: g.id, number: 2 }]);
    const paid = await call('/order/create', { token: u.token, goodsJsonStr });
    await call('/order/pay', { token: u.token, orderId: paid.data.id });
    const open = await call('/order/create', { token: u.token, goodsJsonStr, couponId: c.couponId });
    expect(open.data.amountReal).toBe(45);

    const list = await nativeCall(rt.app, t, 'GET', `/orders?userId=${u.uid}`);
    expect(list.body.total).toBe(2);
    expect(list.body.items[0]).toMatchObject({
      id: open.data.id,
      status: 0,
      statusText: '待支付',
      amountGoods: '50.00',
      amountCoupon: '5.00',
      amountReal: '45.00',
      couponIds: [c.couponId],
    });
    expect(list.body.items[0].lines[0]).toMatchObject({
      goodsId: g.id,
      unitPrice: '25.00',
      number: 2,
      amount: '50.00',
      amountCoupon: '5.00',
    });
    expect((await nativeCall(rt.app, t, 'GET', '/orders?status=1')).body.items.map((o: { id: number }) => o.id)).toEqual([paid.data.id]);
    expect((await nativeCall(rt.app, t, 'GET', `/orders/${paid.data.id}`)).body).toMatchObject({ status: 1, paidAt: expect.any(String) });
    expect((await nativeCall(rt.app, t, 'GET', '/orders/99999999')).status).toBe(404);

    expect((await nativeCall(rt.app, t, 'POST', `/orders/${open.data.id}/ship`)).status).toBe(409);
    expect((await nativeCall(rt.app, t, 'POST', `/orders/${paid.data.id}/ship`)).body.status).toBe(2);
    expect((await call('/order/statistics', { token: u.token }, 'GET')).data.count_id_no_confirm).toBe(1);

    expect((await nativeCall(rt.app, t, 'POST', `/orders/${paid.data.id}/close`)).status).toBe(409);
    const closed = await nativeCall(rt.app, t, 'POST', `/orders/${open.data.id}/close`);
    expect(closed.body).toMatchObject({ status: -1, closedAt: expect.any(String) });
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('issued');
    expect(await stockOf(rt.services, g.id)).toBe(8);

    const hx = (await rt.services.orders.get(t.tenantId, { id: paid.data.id }))!.hxNumber;
    expect((await nativeCall(rt.app, t, 'POST', '/orders/hx', { hxNumber: hx })).body).toMatchObject({
      id: paid.data.id,
      status: 3,
      hxAt: expect.any(String),
    });
    expect((await nativeCall(rt.app, t, 'POST', '/orders/hx', { hxNumber: hx })).status).toBe(409);
    expect((await nativeCall(rt.app, t, 'POST', '/orders/hx', { hxNumber: '000' })).status).toBe(404);

    const other = await makeTenant(rt.services, rt.app);
    expect((await nativeCall(rt.app, other, 'GET', `/orders/${paid.data.id}`)).status).toBe(404);
    expect((await nativeCall(rt.app, other, 'GET', '/orders')).body.total).toBe(0);
  });

  it('needs a staff token', async () => {
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/orders' })).statusCode).toBe(401);
    expect((await rt.app.inject({ method: 'POST', url: '/api/v1/goods', payload: { name: 'x', price: '1', stock: 1 } })).statusCode).toBe(
      401,
    );
  });
});
