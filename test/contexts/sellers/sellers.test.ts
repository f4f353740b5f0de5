// The sellers use-cases on PGlite: a consumer is bound to a seller once (the
// first binding wins), each seller lists only its customers (the default
// seller also every unbound one), and a seller writes off and lists only its
// customers' coupons.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api, grant, makeStore, ownerPrincipal } from '../../http/seller/helpers.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;
let store: number;
const sellers = () => rt.services.sellers;

async function seller(
  account: string,
  profile: { referralCode?: string; isDefault?: boolean } = {},
): Promise<{ id: number; as: Principal }> {
  const s = await api(rt.app, t, 'POST', '/staff', {
    username: `${account}-${t.tenantId}`,
    password: 'seller-pass-123',
    role: 'seller',
    name: account,
    storeIds: [store],
  });
  const r = await sellers().saveProfile(t.tenantId, s.id, profile, owner);
  if (!r.ok) throw new Error(r.error.message);
  return { id: s.id, as: { kind: 'staff', staffId: s.id, tenantId: t.tenantId, role: 'seller', username: account, storeIds: [store] } };
}

let house: { id: number; as: Principal };
let alice: { id: number; as: Principal };
let bob: { id: number; as: Principal };

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  const ownerId = (await rt.db.query<{ id: number }>("SELECT id FROM staff WHERE tenant_id = $1 AND role = 'owner'", [t.tenantId])).rows[0]!
    .id;
  owner = ownerPrincipal(ownerId, t.tenantId);
  store = await makeStore(rt.app, t, 'Main St');
  house = await seller('house', { isDefault: true });
  alice = await seller('alice', { referralCode: 'ALICE-1' });
  bob = await seller('bob', { referralCode: 'BOB-1' });
});
afterAll(async () => rt?.close());

describe('binding by referral', () => {
  it('binds an unbound consumer once: a second code leaves it with the first seller', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const first = await sellers().bindByReferral(t.tenantId, u.id, 'alice-1');
    expect(first).toEqual({ ok: true, value: { bound: true, sellerId: alice.id } });
    const second = await sellers().bindByReferral(t.tenantId, u.id, 'BOB-1');
    expect(second).toEqual({ ok: true, value: { bound: false, sellerId: bob.id } });
    const c = await sellers().customerOf(t.tenantId, u.id);
    expect(c).toMatchObject({ id: u.id, bound: true, channel: 'referral', seller: { id: alice.id } });
  });

  it('refuses an unknown code or consumer and binds nothing; inside a rolled-back transaction nothing stays bound', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const unknown = await sellers().bindByReferral(t.tenantId, u.id, 'NOPE-9');
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('not_found');
    const nobody = await sellers().bindByReferral(t.tenantId, 99_999_999, 'ALICE-1');
    expect(nobody.ok ? 'ok' : nobody.error.code).toBe('not_found');
    await expect(
      rt.db.tx(async (q) => {
        expect((await sellers().bindByReferralIn(q, t.tenantId, u.id, 'ALICE-1', 'link')).ok).toBe(true);
        throw new Error('registration failed');
      }),
    ).rejects.toThrow('registration failed');
    expect(await sellers().customerOf(t.tenantId, u.id)).toMatchObject({ bound: false, seller: { id: house.id } });
  });
});

describe('customers by seller', () => {
  it('each seller sees its bound customers; the default seller the unbound ones; assignment moves one and is audited', async () => {
    const t2 = t;
    const [a, b, c] = [
      await makeUser(rt.services, t2.tenantId),
      await makeUser(rt.services, t2.tenantId),
      await makeUser(rt.services, t2.tenantId),
    ];
    expect((await sellers().bindByReferral(t.tenantId, a.id, 'BOB-1')).ok).toBe(true);
    expect((await sellers().assign(t.tenantId, b.id, bob.id, owner)).ok).toBe(true);
    const ids = async (s: number) => (await sellers().customers(t.tenantId, s, { limit: 1000, offset: 0 })).items.map((x) => x.id);
    expect(await ids(bob.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(await ids(bob.id)).not.toContain(c.id);
    expect(await ids(house.id)).toContain(c.id);
    expect(await ids(house.id)).not.toContain(a.id);
    expect(await ids(alice.id)).not.toContain(a.id);

    const moved = await sellers().assign(t.tenantId, a.id, null, owner);
    expect(moved.ok && moved.value).toMatchObject({ id: a.id, bound: false, channel: null, seller: { id: house.id } });
    expect(await ids(bob.id)).not.toContain(a.id);
    const audits = await rt.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE tenant_id = $1 AND action = 'seller.assign' AND target_id = $2",
      [t.tenantId, String(a.id)],
    );
    expect(audits.rows[0]!.n).toBe(1);
    const refused = await sellers().assign(t.tenantId, c.id, 99_999_999, owner);
    expect(refused.ok ? 'ok' : refused.error.code).toBe('invalid_input');
  });

  it('pages with a total, also past the last page', async () => {
    const page = await sellers().customers(t.tenantId, house.id, { limit: 1, offset: 0 });
    expect(page.items).toHaveLength(1);
    const past = await sellers().customers(t.tenantId, house.id, { limit: 1, offset: 10_000 });
    expect(past).toEqual({ items: [], total: page.total });
  });
});

describe('write-offs', () => {
  it("a seller writes off its customer's coupon, not another seller's; each lists only its own", async () => {
    const tpl = (await makeTemplate(rt.app, t, { name: 'ten off' })).id;
    const mine = await makeUser(rt.services, t.tenantId);
    const theirs = await makeUser(rt.services, t.tenantId);
    expect((await sellers().bindByReferral(t.tenantId, mine.id, 'ALICE-1')).ok).toBe(true);
    expect((await sellers().bindByReferral(t.tenantId, theirs.id, 'BOB-1')).ok).toBe(true);
    const [code] = await grant(rt.services, t, tpl, mine.id);
    const [other] = await grant(rt.services, t, tpl, theirs.id);

    const refused = await sellers().writeOff(alice.as, other!);
    expect(refused.ok ? 'ok' : [refused.error.code, refused.error.details]).toEqual(['forbidden', { reason: 'other_seller' }]);
    const w = await sellers().writeOff(alice.as, code!);
    if (!w.ok) throw new Error(w.error.message);
    expect(w.value).toMatchObject({
      storeId: store,
      discount: 1000,
      coupon: { code, expired: false },
      template: { id: tpl, name: 'ten off' },
      seller: { id: alice.id },
    });
    const again = await sellers().writeOff(alice.as, code!);
    expect(again.ok ? 'ok' : again.error.code).toBe('coupon_used');

    const list = await sellers().writeOffs(t.tenantId, alice.id, { limit: 10, offset: 0 });
    expect(list.total).toBe(1);
    expect(list.items.map((x) => x.coupon.code)).toEqual([code]);
    expect((await sellers().writeOffs(t.tenantId, alice.id, { code: other, limit: 10, offset: 0 })).total).toBe(0);
    expect((await sellers().writeOffs(t.tenantId, bob.id, { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('refuses a non-seller principal and an unknown code', async () => {
    const asOwner = await sellers().writeOff(owner, 'WHATEVER');
    expect(asOwner.ok ? 'ok' : asOwner.error.code).toBe('forbidden');
    const unknown = await sellers().writeOff(alice.as, 'NO-SUCH-CODE');
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('not_found');
  });
});
