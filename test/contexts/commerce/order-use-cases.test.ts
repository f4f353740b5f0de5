// The order use-cases on PGlite, below any dialect: quote, create (stock,
// coupon and points together or not at all), pay from the wallet once, close
// gives stock, coupon, promo code and points back once, refused moves, and
// recovery of an order a crash left being created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { couponState, giveCoupon, makeGoods, makeShopper, nativeCall, stockOf, topUp } from '../../http/apifm/shop-fixtures.ts';

let rt: TestRuntime;
let t: TenantFixture;
let n = 0;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  await rt.db.query('INSERT INTO points_deduction_rules (tenant_id, score, money, loop) VALUES ($1, 10, 10, true)', [t.tenantId]);
}, 60_000);
afterAll(async () => rt?.close());

const points = async (uid: number) => (await rt.services.users.get(t.tenantId, uid))!.points;
const wallet = async (uid: number) =>
  (await rt.db.query<{ w: number }>('SELECT wallet_balance AS w FROM users WHERE id = $1', [uid])).rows[0]!.w;
const usedTimes = async (id: number) => (await nativeCall(rt.app, t, 'GET', `/promo-codes/${id}`)).body.usedTimes as number;

async function approvedPromo(amountOff = '3.00') {
  const code = `UC${process.pid % 1000}P${++n}`;
  const r = await nativeCall(rt.app, t, 'POST', '/promo-codes', {
    code,
    name: code,
    rule: { type: 'amount_off', action: { amountOff } },
    validFrom: '2020-01-01T00:00:00Z',
    validTo: '2099-01-01T00:00:00Z',
    limitTimes: 5,
  });
  await nativeCall(rt.app, t, 'POST', `/promo-codes/${r.body.id}/approve`, {});
  return { id: r.body.id as number, code };
}

describe('quote', () => {
  it('prices coupons, promo codes and points, and changes nothing', async () => {
    const g = await makeGoods(rt.app, t, { price: '40.00', stock: 3 });
    const u = await makeShopper(rt.services, t.tenantId, { points: 500 });
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, {
      discount: { type: 'amount', amount: '5.00' },
      minSpend: '0.00',
      stackable: true,
    });
    const p = await approvedPromo('3.00');
    const q = await rt.services.orders.price(t.tenantId, u.uid, {
      lines: [{ goodsId: g.id, number: 2 }],
      couponIds: [c.couponId],
      promoCodes: [p.code],
      deductionScore: 100,
    });
    if (!q.ok) throw new Error(q.error.message);
    expect(q.value).toMatchObject({
      amountGoods: 8000,
      amountCoupon: 800,
      amountPromo: 300,
      deductionScore: 100,
      amountDeduction: 100,
      amountPayable: 7100,
      couponIds: [c.couponId],
    });
    expect(await stockOf(rt.services, g.id)).toBe(3);
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('issued');
    expect(await usedTimes(p.id)).toBe(0);
    expect(await points(u.uid)).toBe(500);
  });

  it('refuses with a typed reason: stock short, points short, someone else’s coupon', async () => {
    const g = await makeGoods(rt.app, t, { price: '10.00', stock: 1 });
    const u = await makeShopper(rt.services, t.tenantId, { points: 5 });
    const short = await rt.services.orders.price(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 2 }] });
    expect(short.ok ? null : [short.error.code, short.error.details.orderReason]).toEqual(['sold_out', 'stock']);
    const pts = await rt.services.orders.price(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }], deductionScore: 50 });
    expect(pts.ok ? null : [pts.error.code, pts.error.details.orderReason]).toEqual(['not_enough_points', 'points_short']);
    const other = await makeShopper(rt.services, t.tenantId);
    const c = await giveCoupon(rt.app, rt.services, t, other.uid, { discount: { type: 'amount', amount: '1.00' }, minSpend: '0.00' });
    const theirs = await rt.services.orders.price(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }], couponIds: [c.couponId] });
    expect(theirs.ok ? null : theirs.error.details.orderReason).toBe('coupon');
  });
});

describe('create', () => {
  it('takes stock, coupon and points together', async () => {
    const g = await makeGoods(rt.app, t, { price: '20.00', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId, { points: 100 });
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, { discount: { type: 'amount', amount: '2.00' }, minSpend: '0.00' });
    const o = await rt.services.orders.create(t.tenantId, u.uid, {
      lines: [{ goodsId: g.id, number: 2 }],
      couponIds: [c.couponId],
      deductionScore: 30,
    });
    if (!o.ok) throw new Error(o.error.message);
    expect(o.value).toMatchObject({ state: 'unpaid', amountGoods: 4000, amountCoupon: 200, deductionScore: 30, amountPayable: 3770 });
    expect(await stockOf(rt.services, g.id)).toBe(3);
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('used');
    expect(await points(u.uid)).toBe(70);
  });

  it('takes none of them when the stock runs out inside the transaction', async () => {
    // Two SKUs with stock each, but the goods row holds only one: the quote passes, taking stock fails.
    const g = await makeGoods(rt.app, t, { price: '20.00', stock: 1 });
    for (const pc of ['1:1', '1:2']) {
      await rt.db.query('INSERT INTO goods_skus (tenant_id, goods_id, property_child_ids, price, stock) VALUES ($1, $2, $3, 2000, 5)', [
        t.tenantId,
        g.id,
        pc,
      ]);
    }
    const u = await makeShopper(rt.services, t.tenantId, { points: 100 });
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, { discount: { type: 'amount', amount: '2.00' }, minSpend: '0.00' });
    const lines = [
      { goodsId: g.id, number: 1, propertyChildIds: '1:1' },
      { goodsId: g.id, number: 1, propertyChildIds: '1:2' },
    ];
    expect((await rt.services.orders.price(t.tenantId, u.uid, { lines })).ok).toBe(true);
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines, couponIds: [c.couponId], deductionScore: 30 });
    expect(o.ok ? null : [o.error.code, o.error.details.orderReason]).toEqual(['sold_out', 'stock']);
    expect(await stockOf(rt.services, g.id)).toBe(1);
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('issued');
    expect(await points(u.uid)).toBe(100);
    expect((await rt.services.orders.list(t.tenantId, { userId: u.uid, limit: 10, offset: 0 })).total).toBe(0);
  });
});

describe('pay, close and refused moves', () => {
  it('pays from the wallet once', async () => {
    const g = await makeGoods(rt.app, t, { price: '12.50', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId);
    await topUp(rt.app, t, u.uid, '20.00');
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }] });
    if (!o.ok) throw new Error(o.error.message);
    const paid = await rt.services.orders.pay(t.tenantId, u.uid, o.value.id);
    expect(paid.ok && paid.value.state).toBe('paid');
    expect(await wallet(u.uid)).toBe(750);
    const again = await rt.services.orders.pay(t.tenantId, u.uid, o.value.id);
    expect(again.ok ? null : [again.error.code, again.error.details.orderReason, again.error.details.state]).toEqual([
      'invalid_state',
      'state',
      'paid',
    ]);
    expect(await wallet(u.uid)).toBe(750);
  });

  it('refuses a payment the wallet cannot cover, changing nothing', async () => {
    const g = await makeGoods(rt.app, t, { price: '30.00', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId);
    await topUp(rt.app, t, u.uid, '10.00');
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }] });
    if (!o.ok) throw new Error(o.error.message);
    const r = await rt.services.orders.pay(t.tenantId, u.uid, o.value.id);
    expect(r.ok ? null : [r.error.code, r.error.details.orderReason]).toEqual(['insufficient_balance', 'wallet_short']);
    expect(await wallet(u.uid)).toBe(1000);
    expect((await rt.services.orders.get(t.tenantId, { id: o.value.id }))!.state).toBe('unpaid');
  });

  it('close gives stock, coupon, promo code and points back, once', async () => {
    const g = await makeGoods(rt.app, t, { price: '50.00', stock: 4 });
    const u = await makeShopper(rt.services, t.tenantId, { points: 100 });
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, {
      discount: { type: 'amount', amount: '5.00' },
      minSpend: '0.00',
      stackable: true,
    });
    const p = await approvedPromo('2.00');
    const o = await rt.services.orders.create(t.tenantId, u.uid, {
      lines: [{ goodsId: g.id, number: 1 }],
      couponIds: [c.couponId],
      promoCodes: [p.code],
      deductionScore: 20,
    });
    if (!o.ok) throw new Error(o.error.message);
    expect([
      await stockOf(rt.services, g.id),
      await couponState(rt.services, t.tenantId, c.couponId),
      await usedTimes(p.id),
      await points(u.uid),
    ]).toEqual([3, 'used', 1, 80]);
    const closed = await rt.services.orders.close(t.tenantId, o.value.id, u.uid);
    expect(closed.ok && closed.value.state).toBe('closed');
    const back = async () => [
      await stockOf(rt.services, g.id),
      await couponState(rt.services, t.tenantId, c.couponId),
      await usedTimes(p.id),
      await points(u.uid),
    ];
    expect(await back()).toEqual([4, 'issued', 0, 100]);
    const again = await rt.services.orders.close(t.tenantId, o.value.id, u.uid);
    expect(again.ok ? null : [again.error.code, again.error.details.step, again.error.details.state]).toEqual([
      'invalid_state',
      'close',
      'closed',
    ]);
    expect(await back()).toEqual([4, 'issued', 0, 100]);
  });

  it('refuses moves the state machine has not: ship unpaid, review unreviewable, write off closed, pickup by a non-clerk', async () => {
    const g = await makeGoods(rt.app, t, { price: '1.00', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId);
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }] });
    if (!o.ok) throw new Error(o.error.message);
    const staff = { kind: 'api_key' as const, apiKeyId: 1, tenantId: t.tenantId, role: 'admin' as const };
    const ship = await rt.services.orders.ship(t.tenantId, o.value.id, staff);
    expect(ship.ok ? null : [ship.error.code, ship.error.details.step]).toEqual(['invalid_state', 'ship']);
    const review = await rt.services.orders.review(t.tenantId, u.uid, o.value.id, []);
    expect(review.ok ? null : review.error.details.step).toBe('review');
    const byUser = await rt.services.orders.writeOff(t.tenantId, o.value.pickupNumber, { userId: u.uid });
    expect(byUser.ok ? null : [byUser.error.code, byUser.error.details.orderReason]).toEqual(['forbidden', 'not_clerk']);
    await rt.services.orders.close(t.tenantId, o.value.id, null, 'staff');
    const hx = await rt.services.orders.writeOff(t.tenantId, o.value.pickupNumber, { principal: staff });
    expect(hx.ok ? null : [hx.error.details.step, hx.error.details.state]).toEqual(['write_off', 'closed']);
  });
});

describe('recovery', () => {
  it('closes a stale order being created (stock back, hidden) and leaves a fresh one alone', async () => {
    const g = await makeGoods(rt.app, t, { price: '3.00', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId);
    const stale = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }] });
    const fresh = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }] });
    if (!stale.ok || !fresh.ok) throw new Error('create');
    await rt.db.query("UPDATE orders SET status = -2, created_at = now() - interval '10 minutes' WHERE id = $1", [stale.value.id]);
    await rt.db.query('UPDATE orders SET status = -2 WHERE id = $1', [fresh.value.id]);
    // Reads do not recover.
    await rt.services.orders.list(t.tenantId, { userId: u.uid, limit: 10, offset: 0 });
    await rt.services.orders.statistics(t.tenantId, u.uid);
    expect(await stockOf(rt.services, g.id)).toBe(3);
    const r = await rt.services.orders.recover(120, t.tenantId);
    expect(r.undone).toBe(1);
    expect(await stockOf(rt.services, g.id)).toBe(4);
    const rows = await rt.db.query<{ id: number; status: number; deleted: boolean }>(
      'SELECT id, status, deleted_at IS NOT NULL AS deleted FROM orders WHERE id = ANY($1::bigint[]) ORDER BY id',
      [[stale.value.id, fresh.value.id]],
    );
    expect(rows.rows.map((x) => [x.status, x.deleted])).toEqual([
      [-1, true],
      [-2, false],
    ]);
  });
});
