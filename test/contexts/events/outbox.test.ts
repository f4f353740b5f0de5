// The outbox on a real store: a use-case's events exist iff its transaction
// committed, every event has its own id, a claim batch writes one event per
// claim, and the dispatcher hands every event to the subscribers once it has
// committed, a failing subscriber holding back only its own event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { couponsFor, ownerOf } from '../coupons/redeem-kit.ts';
import { recordEvents, type StoredEvent } from '../../../src/contexts/events/index.ts';
import { fail, ok } from '../../../src/kernel/result.ts';
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

/** The tenant's events, newest first (payloads read loosely: a test looks at a few fields). */
const eventsOf = async (type?: string) =>
  (await rt.services.webhooks.events(t.tenantId, { type: type ?? null, limit: 500, offset: 0 })).items.map((e) => ({
    ...e,
    payload: e.payload as Record<string, unknown>,
  }));

describe('domain events are written with the change', () => {
  it('records coupon.issued when coupons are granted, with the codes and the user', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const codes = await couponsFor(rt, t, owner, u.id, {}, 2);
    const e = (await eventsOf('coupon.issued')).find((x) => x.payload.userId === u.id);
    expect(e).toMatchObject({ tenantId: t.tenantId, type: 'coupon.issued', payload: { source: 'grant', couponCodes: codes } });
    expect(e!.id).toMatch(/^evt_[0-9a-f]{32}$/);
  });

  it('writes nothing when the transaction rolls back (a failed redemption leaves no event)', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const [code] = await couponsFor(rt, t, owner, u.id, { minSpend: '0.00', stackable: true });
    const before = (await eventsOf()).length;
    // The first code is taken inside the transaction, then the unknown second code refuses the whole redemption.
    const r = await rt.services.redemptions.redeem(
      t.tenantId,
      { userId: u.id, items: [{ price: '50.00', quantity: 1 }], couponCodes: [code!, 'NO-SUCH-CODE'], orderRef: 'FAIL-1' },
      owner,
    );
    expect(r.ok).toBe(false);
    expect((await eventsOf()).length).toBe(before);
    // A use-case that records and then fails rolls its events back too.
    const failed = await rt.db.txResult(async (q) => {
      await recordEvents(q, [{ tenantId: t.tenantId, type: 'coupon.rolled_back', payload: { redemptionId: 999 } }]);
      return fail('invalid_state', 'changed its mind');
    });
    expect(failed.ok).toBe(false);
    expect((await eventsOf()).length).toBe(before);
    const done = await rt.services.redemptions.redeem(
      t.tenantId,
      { userId: u.id, items: [{ price: '50.00', quantity: 1 }], couponCodes: [code!], orderRef: 'OK-1' },
      owner,
    );
    if (!done.ok) throw new Error(done.error.message);
    const redeemed = (await eventsOf('coupon.redeemed')).filter((x) => x.payload.redemptionId === done.value.id);
    expect(redeemed).toHaveLength(1);
    expect(redeemed[0]!.payload).toMatchObject({ kind: 'order', orderRef: 'OK-1', couponCodes: [code], userId: u.id });
    const back = await rt.services.redemptions.rollback(t.tenantId, done.value.id, owner);
    expect(back.ok).toBe(true);
    expect((await eventsOf('coupon.rolled_back')).filter((x) => x.payload.redemptionId === done.value.id)).toHaveLength(1);
  });

  it('writes one coupon.issued per claim of a batch, each with its own id', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 100, perUserLimit: 1 });
    const users = await Promise.all(Array.from({ length: 30 }, () => makeUser(rt.services, t.tenantId)));
    const claims = await Promise.all(users.map((u) => rt.services.coupons.claim(t.tenantId, tpl.id, u.id)));
    expect(claims.every((c) => c.ok)).toBe(true);
    const issued = (await eventsOf('coupon.issued')).filter((e) => e.payload.templateId === tpl.id);
    expect(issued).toHaveLength(30);
    expect(new Set(issued.map((e) => e.payload.userId))).toEqual(new Set(users.map((u) => u.id)));
    const ids = (await eventsOf()).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('records points.changed with the balance after the move', async () => {
    const u = await makeUser(rt.services, t.tenantId, { points: 40 });
    const e = (await eventsOf('points.changed')).find((x) => x.payload.userId === u.id);
    expect(e?.payload).toEqual({ userId: u.id, delta: 40, balance: 40, reason: 'test', ref: null });
  });

  it('records promo_code.approved on approval only', async () => {
    const p = await rt.services.promoCodes.create(
      t.tenantId,
      {
        code: `EVPC${process.pid}`,
        name: 'promo',
        rule: { type: 'amount_off', condition: { amountAtLeast: '50.00' }, action: { amountOff: '5.00' } },
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validTo: new Date(Date.now() + 86_400_000).toISOString(),
      },
      owner,
    );
    if (!p.ok) throw new Error(p.error.message);
    const mine = async () => (await eventsOf('promo_code.approved')).filter((e) => e.payload.promoCodeId === p.value.id);
    expect(await mine()).toHaveLength(0);
    expect((await rt.services.promoCodes.act(t.tenantId, p.value.id, 'approve', owner)).ok).toBe(true);
    expect((await mine()).map((e) => e.payload)).toEqual([{ promoCodeId: p.value.id, code: p.value.code }]);
  });
});

describe('the dispatcher', () => {
  it('hands every committed event to the subscribers once and marks it dispatched', async () => {
    await rt.services.events.dispatchPending();
    const seen: Array<StoredEvent & { payload: Record<string, unknown> }> = [];
    const off = rt.services.events.subscribe('coupon.issued', async (e) => {
      seen.push(e as StoredEvent & { payload: Record<string, unknown> });
    });
    const u = await makeUser(rt.services, t.tenantId);
    await couponsFor(rt, t, owner, u.id, {}, 1);
    // Two dispatchers at once (as two processes would): SKIP LOCKED gives each event to one of them.
    await Promise.all([rt.services.events.dispatchPending(), rt.services.events.dispatchPending()]);
    await rt.services.events.dispatchPending();
    off();
    expect(seen.filter((e) => e.payload.userId === u.id)).toHaveLength(1);
    expect((await eventsOf()).filter((e) => e.dispatchedAt === null)).toEqual([]);
  });

  it('keeps an event whose subscriber throws for the next round, and dispatches the others', async () => {
    await rt.services.events.dispatchPending();
    let failing = true;
    const handled: string[] = [];
    const off = rt.services.events.subscribe('*', async (e, q) => {
      // What a subscriber writes commits with the dispatch, or not at all.
      await q.query('SELECT 1');
      if (failing && e.type === 'points.changed') throw new Error('subscriber down');
      handled.push(e.type);
    });
    const u = await makeUser(rt.services, t.tenantId, { points: 5 });
    await couponsFor(rt, t, owner, u.id, {}, 1);
    await rt.services.events.dispatchPending();
    const pending = (await eventsOf()).filter((e) => e.dispatchedAt === null);
    expect(pending.map((e) => e.type)).toEqual(['points.changed']);
    expect(handled).toContain('coupon.issued');
    failing = false;
    await rt.services.events.dispatchPending();
    off();
    expect(handled).toContain('points.changed');
    expect((await eventsOf()).filter((e) => e.dispatchedAt === null)).toEqual([]);
  });

  it('keeps the event ids unique across tenants and calls', async () => {
    const other = await makeTenant(rt.services, rt.app);
    await rt.db.tx(async (q) => {
      await recordEvents(
        q,
        Array.from({ length: 50 }, (_, i) => ({
          tenantId: i % 2 ? t.tenantId : other.tenantId,
          type: 'coupon.rolled_back' as const,
          payload: { redemptionId: i },
        })),
      );
      return ok(undefined);
    });
    const r = await rt.db.query<{ n: number; d: number }>(
      'SELECT count(*)::int AS n, count(DISTINCT public_id)::int AS d FROM domain_events',
    );
    expect(r.rows[0]!.d).toBe(r.rows[0]!.n);
  });
});
