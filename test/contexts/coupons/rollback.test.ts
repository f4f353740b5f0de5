// rollback on a real store: exactly once, whatever the concurrency; coupons
// become usable again and promo-code uses come back (total and per user).
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

const items = [{ price: '80.00', quantity: 1 }];
const stack = { discount: { type: 'amount', amount: '5.00' }, minSpend: '0.00', stackable: true };
let orders = 0;

describe('rollback', () => {
  it('gives coupons and promo uses back exactly once, even when asked concurrently', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [a] = await couponsFor(rt, t, owner, u.id, stack);
    const p = await promoCode(rt, t, owner, { limitTimes: 1, userUseLimit: 1 });
    const r = await rt.services.redemptions.redeem(
      t.tenantId,
      { userId: u.id, items, couponCodes: [a!], promoCodes: [p.code], orderRef: `RB-${++orders}` },
      owner,
    );
    if (!r.ok) throw new Error(r.error.message);
    const tries = await Promise.all(Array.from({ length: 5 }, () => rt.services.redemptions.rollback(t.tenantId, r.value.id, owner)));
    const done = tries.filter((x) => x.ok);
    expect(done).toHaveLength(1);
    expect(tries.filter((x) => !x.ok).map((x) => !x.ok && x.error.code)).toEqual(Array(4).fill('already_rolled_back'));
    expect(done[0]!.ok && done[0]!.value).toMatchObject({ status: 'rolled_back', rolledBackAt: expect.any(Date) });
    expect(await statusOf(rt, a!)).toBe('issued');
    expect((await rt.services.promoCodes.get(t.tenantId, p.id))!.usedTimes).toBe(0);
    expect(await count(rt, 'SELECT used AS n FROM promo_code_user_uses WHERE promo_code_id = $1 AND user_id = $2', [p.id, u.id])).toBe(0);
    expect(
      await count(rt, `SELECT count(*)::int AS n FROM coupon_events WHERE redemption_id = $1 AND kind = 'rolled_back'`, [r.value.id]),
    ).toBe(1);
    expect(
      await count(rt, `SELECT count(*)::int AS n FROM audit_log WHERE action = 'redemption.rollback' AND target_id = $1`, [
        String(r.value.id),
      ]),
    ).toBe(1);
    // The coupon and the code's single use can be redeemed again.
    const again = await rt.services.redemptions.redeem(
      t.tenantId,
      { userId: u.id, items, couponCodes: [a!], promoCodes: [p.code], orderRef: `RB-${++orders}` },
      owner,
    );
    expect(again.ok).toBe(true);
  });

  it('a write-off rolls back too; an unknown redemption is not_found', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [a] = await couponsFor(rt, t, owner, u.id, stack);
    const store = (await rt.app.inject({ method: 'POST', url: '/api/v1/stores', headers: t.auth, payload: { name: 'RB store' } })).json()
      .id as number;
    const w = await rt.services.redemptions.writeOff(t.tenantId, a!, { storeId: store }, owner);
    if (!w.ok) throw new Error(w.error.message);
    const rb = await rt.services.deps.db.txResult((q) => rt.services.redemptions.rollbackIn(q, t.tenantId, w.value.id, null));
    expect(rb.ok && rb.value).toMatchObject({ kind: 'write_off', status: 'rolled_back' });
    expect(await statusOf(rt, a!)).toBe('issued');
    const missing = await rt.services.redemptions.rollback(t.tenantId, 987654321, null);
    expect(missing.ok || missing.error.code).toBe('not_found');
  });
});
