// The order service below the dialect: recovery of what a crash leaves
// half-way (an order stuck "being created", a closed order whose coupons were
// not yet given back), expiry of unpaid orders, and the small pure rules.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { couponState, giveCoupon, makeGoods, makeShopper, stockOf } from '../../http/apifm/shop-fixtures.ts';
import { scoreDeduction } from '../../../src/contexts/commerce/domain/score-deduction.ts';
import { normalizePropertyChildIds } from '../../../src/contexts/commerce/catalogue.ts';
import { bestPayBillDiscount } from '../../../src/contexts/loyalty/account.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
}, 60_000);
afterAll(async () => rt?.close());

const ageOrder = (id: number, sql: string) => rt.db.query(`UPDATE orders SET ${sql} WHERE id = $1`, [id]);

describe('recover()', () => {
  it('undoes an order stuck being created without a redemption: stock and points back, hidden', async () => {
    await rt.db.query('INSERT INTO points_deduction_rules (tenant_id, score, money, loop) VALUES ($1, 10, 10, true)', [t.tenantId]);
    const g = await makeGoods(rt.app, t, { price: '10.00', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId, { points: 100 });
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 2 }], deductionScore: 50 });
    expect(o.ok && o.value.deductionScore).toBe(50);
    expect(await stockOf(rt.services, g.id)).toBe(3);
    // As if the process died between taking stock and redeeming coupons.
    await ageOrder(o.ok ? o.value.id : 0, "status = -2, created_at = now() - interval '10 minutes'");
    const r = await rt.services.orders.recover(120, t.tenantId);
    expect(r.undone).toBe(1);
    expect(await stockOf(rt.services, g.id)).toBe(5);
    expect((await rt.services.users.get(t.tenantId, u.uid))!.points).toBe(100);
    expect(await rt.services.orders.get(t.tenantId, { id: o.ok ? o.value.id : 0 })).toBeNull();
    expect((await rt.services.orders.recover(120, t.tenantId)).undone).toBe(0);
    await rt.db.query('DELETE FROM points_deduction_rules WHERE tenant_id = $1', [t.tenantId]);
  });

  it('finishes an order whose coupons were redeemed before the crash', async () => {
    const g = await makeGoods(rt.app, t, { price: '50.00', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId);
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, { discount: { type: 'amount', amount: '5.00' }, minSpend: '0.00' });
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }], couponIds: [c.couponId] });
    if (!o.ok) throw new Error(o.error.message);
    await ageOrder(o.value.id, "status = -2, redemption_id = NULL, created_at = now() - interval '10 minutes'");
    expect((await rt.services.orders.recover(120, t.tenantId)).finished).toBe(1);
    const back = await rt.services.orders.get(t.tenantId, { id: o.value.id });
    expect(back).toMatchObject({ status: 0, amountCoupon: 500, redemptionId: o.value.redemptionId });
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('used');
  });

  it('gives back the coupons of an order closed just before a crash, once', async () => {
    const g = await makeGoods(rt.app, t, { price: '50.00', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId);
    const c = await giveCoupon(rt.app, rt.services, t, u.uid, { discount: { type: 'amount', amount: '5.00' }, minSpend: '0.00' });
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }], couponIds: [c.couponId] });
    if (!o.ok) throw new Error(o.error.message);
    // The close committed (status, stock) but the coupon rollback never ran.
    await ageOrder(o.value.id, "status = -1, closed_at = now() - interval '10 minutes'");
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('used');
    expect((await rt.services.orders.recover(120, t.tenantId)).released).toBe(1);
    expect(await couponState(rt.services, t.tenantId, c.couponId)).toBe('issued');
    expect((await rt.services.orders.recover(120, t.tenantId)).released).toBe(0);
  });

  it('closes unpaid orders past their expiry, and they cannot be paid meanwhile', async () => {
    const g = await makeGoods(rt.app, t, { price: '1.00', stock: 5 });
    const u = await makeShopper(rt.services, t.tenantId);
    const o = await rt.services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }], expireMinutes: 30 });
    if (!o.ok) throw new Error(o.error.message);
    expect(o.value.expiresAt).not.toBeNull();
    await ageOrder(o.value.id, "expires_at = now() - interval '1 second'");
    const pay = await rt.services.orders.pay(t.tenantId, u.uid, o.value.id);
    expect(pay.ok ? 'paid' : pay.error.code).toBe('invalid_state');
    expect((await rt.services.orders.recover(120, t.tenantId)).expired).toBe(1);
    expect((await rt.services.orders.get(t.tenantId, { id: o.value.id }))!.status).toBe(-1);
    expect(await stockOf(rt.services, g.id)).toBe(5);
  });
});

describe('pure rules', () => {
  it('scoreDeduction: loop or once, capped at what is left to pay', () => {
    expect(scoreDeduction([{ score: 100, money: 100, loop: true }], 250, 10_000)).toEqual({ money: 200, score: 200 });
    expect(scoreDeduction([{ score: 100, money: 100, loop: false }], 250, 10_000)).toEqual({ money: 100, score: 100 });
    expect(scoreDeduction([{ score: 100, money: 100, loop: true }], 1000, 350)).toEqual({ money: 300, score: 300 });
    expect(scoreDeduction([{ score: 100, money: 100, loop: true }], 99, 10_000)).toEqual({ money: 0, score: 0 });
    expect(scoreDeduction([], 1000, 10_000)).toEqual({ money: 0, score: 0 });
  });

  it('normalizePropertyChildIds: sorted, trailing commas dropped, malformed refused', () => {
    expect(normalizePropertyChildIds('4:15,2:10,')).toBe('2:10,4:15');
    expect(normalizePropertyChildIds('')).toBe('');
    expect(normalizePropertyChildIds(undefined)).toBe('');
    expect(normalizePropertyChildIds('1:2,1:3')).toBeNull();
    expect(normalizePropertyChildIds('a:b')).toBeNull();
  });

  it('bestPayBillDiscount: the largest rule met, never more than the bill', () => {
    const rules = [
      { consume: 10_000, discounts: 1_000 },
      { consume: 20_000, discounts: 3_000 },
    ];
    expect(bestPayBillDiscount(rules, 9_999)).toBe(0);
    expect(bestPayBillDiscount(rules, 10_000)).toBe(1_000);
    expect(bestPayBillDiscount(rules, 25_000)).toBe(3_000);
  });
});
