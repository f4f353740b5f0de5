// The writes of the users table identity exports for other contexts (…In(q, …)).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import {
  assignSellerIn,
  bindSellerIn,
  ensureCardUserIn,
  markPurchasedIn,
  moveUserBalanceIn,
} from '../../../src/contexts/identity/index.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;
beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  owner = (await rt.services.auth.authenticate(t.token))!;
});
afterAll(() => rt.close());

const db = () => rt.services.deps.db;

async function seller() {
  const s = await rt.services.staff.create(t.tenantId, { username: uniqueName('s'), password: 'seller-pass-1', role: 'seller' }, owner);
  if (!s.ok) throw new Error(s.error.message);
  return s.value.id;
}

describe('users writes for other contexts', () => {
  it('bindSellerIn: the first binding wins; an unknown user is null', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [a, b] = [await seller(), await seller()];
    expect(await bindSellerIn(db(), t.tenantId, u.id, a, 'referral')).toBe(true);
    expect(await bindSellerIn(db(), t.tenantId, u.id, b, 'referral')).toBe(false);
    expect((await rt.services.users.get(t.tenantId, u.id))?.sellerId).toBe(a);
    expect(await bindSellerIn(db(), t.tenantId, 987654321, a, 'referral')).toBeNull();
  });

  it('assignSellerIn: rebinds and unbinds; false for an unknown user', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const a = await seller();
    expect(await assignSellerIn(db(), t.tenantId, u.id, a, 'assigned')).toBe(true);
    expect((await rt.services.users.get(t.tenantId, u.id))?.sellerId).toBe(a);
    expect(await assignSellerIn(db(), t.tenantId, u.id, null, null)).toBe(true);
    const row = await rt.db.query<{ seller_id: number | null; seller_bound_at: Date | null }>(
      'SELECT seller_id, seller_bound_at FROM users WHERE id = $1',
      [u.id],
    );
    expect(row.rows[0]).toEqual({ seller_id: null, seller_bound_at: null });
    expect(await assignSellerIn(db(), t.tenantId, 987654321, a, 'assigned')).toBe(false);
  });

  it('moveUserBalanceIn never goes below zero', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    expect(await moveUserBalanceIn(db(), 'points', t.tenantId, u.id, 50)).toBe(50);
    expect(await moveUserBalanceIn(db(), 'points', t.tenantId, u.id, -51)).toBeNull();
    expect(await moveUserBalanceIn(db(), 'wallet_balance', t.tenantId, u.id, 300)).toBe(300);
    expect(await rt.services.users.get(t.tenantId, u.id)).toMatchObject({ points: 50, walletBalance: 300 });
  });

  it('markPurchasedIn sets has_purchased once; ensureCardUserIn finds or inserts by mobile', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    await markPurchasedIn(db(), t.tenantId, u.id);
    await markPurchasedIn(db(), t.tenantId, u.id);
    expect((await rt.services.users.get(t.tenantId, u.id))?.hasPurchased).toBe(true);
    expect(await ensureCardUserIn(db(), t.tenantId, u.mobile!)).toBe(u.id);
    const id = await ensureCardUserIn(db(), t.tenantId, '13512345678');
    expect(await ensureCardUserIn(db(), t.tenantId, '13512345678')).toBe(id);
    expect(await rt.services.users.getRow(t.tenantId, { mobile: '13512345678' })).toMatchObject({ id, source: 'card' });
  });
});
