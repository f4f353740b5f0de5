// redeem / redeemIn on a real store: every named coupon and promo code of an
// order or none; one redemption per order; inside a caller's transaction a
// refusal rolls the caller's own writes back too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { count, couponsFor, ownerOf, promoCode, statusOf } from './redeem-kit.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;
beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  owner = await ownerOf(rt, t);
});
afterAll(async () => rt?.close());

const items = [{ price: '50.00', quantity: 2 }];
const stack = { discount: { type: 'amount', amount: '5.00' }, minSpend: '0.00', stackable: true };
let orders = 0;
const ref = () => `ORD-${process.pid}-${++orders}`;

describe('redeem', () => {
  it('redeems every named coupon and promo code, with items, history and audit', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [a] = await couponsFor(rt, t, owner, u.id, stack);
    const [b] = await couponsFor(rt, t, owner, u.id, { ...stack, discount: { type: 'amount', amount: '7.00' } });
    const p = await promoCode(rt, t, owner);
    const orderRef = ref();
    const r = await rt.services.redemptions.redeem(
      t.tenantId,
      { userId: u.id, items, couponCodes: [a!, b!], promoCodes: [p.code], orderRef },
      owner,
    );
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value).toMatchObject({ kind: 'order', orderRef, userId: u.id, subtotal: 10000, discountTotal: 1700, status: 'done' });
    expect(r.value.items).toEqual([
      { couponCode: a, promoCode: null, discount: 500 },
      { couponCode: b, promoCode: null, discount: 700 },
      { couponCode: null, promoCode: p.code, discount: 500 },
    ]);
    expect(await statusOf(rt, a!)).toBe('used');
    expect(await statusOf(rt, b!)).toBe('used');
    expect((await rt.services.promoCodes.get(t.tenantId, p.id))!.usedTimes).toBe(1);
    expect(await rt.services.redemptions.get(t.tenantId, r.value.id)).toEqual(r.value);
    expect(
      await count(rt, `SELECT count(*)::int AS n FROM coupon_events WHERE redemption_id = $1 AND kind = 'redeemed'`, [r.value.id]),
    ).toBe(2);
    expect(
      await count(rt, `SELECT count(*)::int AS n FROM audit_log WHERE action = 'redemption.create' AND target_id = $1`, [
        String(r.value.id),
      ]),
    ).toBe(1);
  });

  it('takes none when one named coupon is already used, and says which', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [a] = await couponsFor(rt, t, owner, u.id, stack);
    const [b] = await couponsFor(rt, t, owner, u.id, { ...stack, discount: { type: 'amount', amount: '7.00' } });
    const p = await promoCode(rt, t, owner);
    const first = await rt.services.redemptions.redeem(t.tenantId, { userId: u.id, items, couponCodes: [b!], orderRef: ref() }, owner);
    expect(first.ok).toBe(true);
    const orderRef = ref();
    const r = await rt.services.redemptions.redeem(
      t.tenantId,
      { userId: u.id, items, couponCodes: [a!, b!], promoCodes: [p.code], orderRef },
      owner,
    );
    expect(r.ok || r.error).toMatchObject({ code: 'coupon_used', details: { reasons: [{ code: b, reason: { code: 'used' } }] } });
    expect(await statusOf(rt, a!)).toBe('issued');
    expect((await rt.services.promoCodes.get(t.tenantId, p.id))!.usedTimes).toBe(0);
    expect(await count(rt, 'SELECT count(*)::int AS n FROM redemptions WHERE order_ref = $1', [orderRef])).toBe(0);
  });

  it('one redemption per order: the second is a conflict and takes nothing', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [a, b] = await couponsFor(rt, t, owner, u.id, stack, 2);
    const orderRef = ref();
    expect((await rt.services.redemptions.redeem(t.tenantId, { userId: u.id, items, couponCodes: [a!], orderRef }, null)).ok).toBe(true);
    const again = await rt.services.redemptions.redeem(t.tenantId, { userId: u.id, items, couponCodes: [b!], orderRef }, null);
    expect(again.ok || again.error.code).toBe('conflict');
    expect(await statusOf(rt, b!)).toBe('issued');
  });

  it('refuses an empty order ref or no codes', async () => {
    const none = await rt.services.redemptions.redeem(t.tenantId, { items, orderRef: ref() }, null);
    expect(none.ok || none.error.code).toBe('invalid_input');
    const blank = await rt.services.redemptions.redeem(t.tenantId, { items, couponCodes: ['X'], orderRef: '  ' }, null);
    expect(blank.ok || blank.error).toMatchObject({ code: 'invalid_input', message: 'orderRef is required' });
  });

  it("inside the caller's transaction (db.txResult): a refused promo code rolls the caller's own writes back and takes no coupon", async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [a] = await couponsFor(rt, t, owner, u.id, stack);
    const p = await promoCode(rt, t, owner, { limitTimes: 1 });
    const orderRef = ref();
    const out = await rt.services.deps.db.txResult(async (q) => {
      await q.query(`INSERT INTO audit_log (tenant_id, action) VALUES ($1, $2)`, [t.tenantId, `caller.${orderRef}`]);
      // The code's one use went elsewhere, seen inside this transaction.
      await q.query('UPDATE promo_codes SET used_times = 1 WHERE id = $1', [p.id]);
      return rt.services.redemptions.redeemIn(
        q,
        t.tenantId,
        { userId: u.id, items, couponCodes: [a!], promoCodes: [p.code], orderRef },
        null,
      );
    });
    expect(out.ok || out.error).toMatchObject({ code: 'sold_out', details: { promo: { codes: [p.code] } } });
    expect(await statusOf(rt, a!)).toBe('issued');
    expect(await count(rt, 'SELECT count(*)::int AS n FROM redemptions WHERE order_ref = $1', [orderRef])).toBe(0);
    expect(await count(rt, 'SELECT count(*)::int AS n FROM audit_log WHERE action = $1', [`caller.${orderRef}`])).toBe(0);
  });
});
