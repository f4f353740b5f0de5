// quote() on a real store: prices the user's open coupons and the named codes,
// says why a coupon does not apply, picks the best, and writes nothing; its
// refusals name what they are about (coupon codes, or the promo code and why).
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

const items = [{ price: '60.00', quantity: 2 }];

describe('quote', () => {
  it('prices every open coupon of the user, explains the ones that do not apply, picks the best, and changes nothing', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [big] = await couponsFor(rt, t, owner, u.id, {
      name: '30 off 200',
      discount: { type: 'amount', amount: '30.00' },
      minSpend: '200.00',
    });
    const [ten] = await couponsFor(rt, t, owner, u.id, { name: '10 off 100' });
    const [twelve] = await couponsFor(rt, t, owner, u.id, { name: '12 off 100', discount: { type: 'amount', amount: '12.00' } });
    const before = await count(rt, 'SELECT count(*)::int AS n FROM coupon_events');
    const q = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items });
    if (!q.ok) throw new Error(q.error.message);
    const byCode = new Map(q.value.pricing.evaluations.map((e) => [e.id, e]));
    expect(byCode.get(big!)).toMatchObject({ eligible: false, reason: { code: 'below_threshold' } });
    expect(byCode.get(ten!)).toMatchObject({ eligible: true, discount: 1000 });
    expect(q.value.pricing.best).toMatchObject({ couponIds: [twelve], discount: 1200, total: 10800 });
    expect(q.value.coupons.get(twelve!)).toMatchObject({ kind: 'coupon', name: '12 off 100' });
    expect(await statusOf(rt, twelve!)).toBe('issued');
    expect(await count(rt, 'SELECT count(*)::int AS n FROM coupon_events')).toBe(before);
    expect(await count(rt, 'SELECT count(*)::int AS n FROM redemptions WHERE tenant_id = $1', [t.tenantId])).toBe(0);
  });

  it('with onlyNamed prices only the named coupons', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [a] = await couponsFor(rt, t, owner, u.id);
    await couponsFor(rt, t, owner, u.id);
    const q = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items, couponCodes: [a!], onlyNamed: true });
    expect(q.ok && q.value.pricing.evaluations.map((e) => e.id)).toEqual([a]);
  });

  it('refuses unknown codes, coupons of another user and unknown users, naming the codes', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const v = await makeUser(rt.services, t.tenantId);
    const [theirs] = await couponsFor(rt, t, owner, v.id);
    const unknown = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items, couponCodes: ['NOPE1', theirs!] });
    expect(unknown.ok || unknown.error).toMatchObject({ code: 'not_found', details: { codes: ['NOPE1'] } });
    const other = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items, couponCodes: [theirs!] });
    expect(other.ok || other.error.code).toBe('forbidden');
    const nobody = await rt.services.redemptions.quote(t.tenantId, { userId: 987654321, items });
    expect(nobody.ok || nobody.error).toMatchObject({ code: 'not_found', message: 'user not found' });
    const bad = await rt.services.redemptions.quote(t.tenantId, { items: [{ price: '1.2.3', quantity: 1 }] });
    expect(bad.ok || bad.error.code).toBe('invalid_input');
  });

  it('prices an approved promo code with coupons, and says which promo code it refuses and why', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [c] = await couponsFor(rt, t, owner, u.id);
    const p = await promoCode(rt, t, owner);
    const q = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items, couponCodes: [c!], promoCodes: [p.code] });
    if (!q.ok) throw new Error(q.error.message);
    expect(q.value.pricing.selection).toMatchObject({ couponIds: expect.arrayContaining([c, p.code]), discount: 1500 });
    expect(q.value.coupons.get(p.code)).toMatchObject({ kind: 'promo', promoCodeId: p.id });

    const unknown = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items, promoCodes: ['NOSUCHPROMO'] });
    expect(unknown.ok || unknown.error).toMatchObject({
      code: 'not_found',
      details: { promo: { codes: ['NOSUCHPROMO'], reason: 'unknown' } },
    });
    const pending = await promoCode(rt, t, owner, {}, false);
    const notYet = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items, promoCodes: [pending.code] });
    expect(notYet.ok || notYet.error).toMatchObject({
      code: 'coupon_not_eligible',
      details: { promo: { codes: [pending.code], reason: 'not_approved' } },
    });
    const perUser = await promoCode(rt, t, owner, { userUseLimit: 1 });
    const anon = await rt.services.redemptions.quote(t.tenantId, { items, promoCodes: [perUser.code] });
    expect(anon.ok || anon.error).toMatchObject({ code: 'invalid_input', details: { promo: { reason: 'user_needed' } } });
    // A coupon refusal carries no promo field.
    const coupon = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items, couponCodes: ['NOPE2'], promoCodes: [p.code] });
    expect(coupon.ok || coupon.error.details?.promo).toBeUndefined();
  });
});
