// writeOff on a real store: a cashier writes a coupon off by its code in a
// store, once only (whatever the concurrency), within the store rules; the
// redemption, history and audit are written together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { count, couponsFor, makeStore, ownerOf, staffOf, statusOf } from './redeem-kit.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;
let storeA: number;
let storeB: number;
beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  owner = await ownerOf(rt, t);
  storeA = await makeStore(rt, t);
  storeB = await makeStore(rt, t);
});
afterAll(async () => rt?.close());

describe('write-off by code', () => {
  it('writes off once: of concurrent write-offs exactly one wins, the rest are coupon_used naming the code', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [code] = await couponsFor(rt, t, owner, u.id);
    const cashier = await staffOf(rt, t, 'seller', [storeA]);
    const tries = await Promise.all(
      Array.from({ length: 6 }, () =>
        rt.services.redemptions.writeOff(t.tenantId, code!, { storeId: storeA, amount: '120.00', orderRef: 'TILL-1' }, cashier),
      ),
    );
    const won = tries.filter((x) => x.ok);
    expect(won).toHaveLength(1);
    for (const x of tries.filter((y) => !y.ok)) expect(!x.ok && x.error).toMatchObject({ code: 'coupon_used', details: { codes: [code] } });
    const w = won[0]!.ok ? won[0]!.value : null;
    expect(w).toMatchObject({
      kind: 'write_off',
      storeId: storeA,
      staffId: cashier.staffId,
      userId: u.id,
      subtotal: 12000,
      discountTotal: 1000,
      orderRef: 'TILL-1',
      coupon: { code, state: 'used' },
    });
    expect(await statusOf(rt, code!)).toBe('used');
    expect(
      await count(rt, `SELECT count(*)::int AS n FROM redemptions WHERE id = $1 AND kind = 'write_off' AND store_id = $2`, [w!.id, storeA]),
    ).toBe(1);
    expect(await count(rt, `SELECT count(*)::int AS n FROM coupon_events WHERE redemption_id = $1 AND kind = 'written_off'`, [w!.id])).toBe(
      1,
    );
    const a = await rt.db.query<{ staff_id: number; details: Record<string, unknown> }>(
      `SELECT staff_id, details FROM audit_log WHERE action = 'coupon.write_off' AND target_id = $1`,
      [code],
    );
    expect(a.rows).toEqual([{ staff_id: cashier.staffId, details: { storeId: storeA, redemptionId: w!.id, apiKeyId: null } }]);
  });

  it("keeps the store rules: the cashier's stores and the template's stores", async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [onlyA, anyStore] = [
      ...(await couponsFor(rt, t, owner, u.id, { storeIds: [storeA] })),
      ...(await couponsFor(rt, t, owner, u.id)),
    ];
    const cashierB = await staffOf(rt, t, 'seller', [storeB]);
    const notMine = await rt.services.redemptions.writeOff(t.tenantId, anyStore!, { storeId: storeA }, cashierB);
    expect(notMine.ok || notMine.error).toMatchObject({ code: 'forbidden', message: 'you do not work in this store' });
    const wrong = await rt.services.redemptions.writeOff(t.tenantId, onlyA!, { storeId: storeB }, cashierB);
    expect(wrong.ok || wrong.error).toMatchObject({ code: 'wrong_store', details: { reason: { code: 'wrong_store' } } });
    expect(await statusOf(rt, onlyA!)).toBe('issued');
    expect(await statusOf(rt, anyStore!)).toBe('issued');
    expect((await rt.services.redemptions.writeOff(t.tenantId, anyStore!, { storeId: storeB }, cashierB)).ok).toBe(true);
  });

  it('refuses a spend below the threshold, a bad amount, unknown codes and stores, and changes nothing', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [code] = await couponsFor(rt, t, owner, u.id);
    const low = await rt.services.redemptions.writeOff(t.tenantId, code!, { storeId: storeA, amount: '50.00' }, owner);
    expect(low.ok || low.error).toMatchObject({ code: 'coupon_not_eligible', details: { reason: { code: 'below_threshold' } } });
    const bad = await rt.services.redemptions.writeOff(t.tenantId, code!, { storeId: storeA, amount: 'ten' }, owner);
    expect(bad.ok || bad.error.code).toBe('invalid_input');
    const unknown = await rt.services.redemptions.writeOff(t.tenantId, 'NOSUCHCODE', { storeId: storeA }, owner);
    expect(unknown.ok || unknown.error).toMatchObject({ code: 'not_found', message: 'no coupon with code NOSUCHCODE' });
    const noStore = await rt.services.redemptions.writeOff(t.tenantId, code!, { storeId: 987654321 }, owner);
    expect(noStore.ok || noStore.error).toMatchObject({ code: 'not_found', message: 'store not found' });
    expect(await statusOf(rt, code!)).toBe('issued');
    expect(await count(rt, `SELECT count(*)::int AS n FROM audit_log WHERE action = 'coupon.write_off' AND target_id = $1`, [code])).toBe(
      0,
    );
  });
});
