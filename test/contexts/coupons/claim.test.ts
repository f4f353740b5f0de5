// Claiming through the use-case on PGlite: stock, per-user limit, the claim
// password and the points a claim costs, on the batched and the single path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { historyKinds, must, ownerOf, pointsOf } from './helpers.ts';
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

const claim = (templateId: number, userId: number, opts = {}, by: Principal | null = null) =>
  rt.services.coupons.claim(t.tenantId, templateId, userId, opts, by);
const issued = async (id: number) => must(await rt.services.templates.stats(t.tenantId, id)).issued;

describe('claim', () => {
  it('gives out no more than the stock, and says sold_out after', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 2 });
    const users = [
      await makeUser(rt.services, t.tenantId),
      await makeUser(rt.services, t.tenantId),
      await makeUser(rt.services, t.tenantId),
    ];
    const results = await Promise.all(users.map((u) => claim(tpl.id, u.id)));
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    const refused = results.find((r) => !r.ok);
    expect(refused?.ok === false && refused.error.code).toBe('sold_out');
    expect(await issued(tpl.id)).toBe(2);
    const won = results.find((r) => r.ok);
    if (!won?.ok || won.value.detect) throw new Error('no coupon');
    expect(won.value.coupon).toMatchObject({ templateId: tpl.id, source: 'claim', state: 'issued', status: 'usable' });
    expect(await historyKinds(rt, won.value.coupon.id)).toEqual(['issued']);
  });

  it('holds the per-user limit on the batched path and the single path', async () => {
    const plain = await makeTemplate(rt.app, t, { perUserLimit: 1 });
    const costly = await makeTemplate(rt.app, t, { perUserLimit: 1, claimCostPoints: 1 });
    const u = await makeUser(rt.services, t.tenantId, { points: 10 });
    expect((await claim(plain.id, u.id)).ok).toBe(true);
    const again = await claim(plain.id, u.id);
    expect(again.ok === false && again.error).toMatchObject({ code: 'per_user_limit', message: 'at most 1 per person' });
    expect((await claim(costly.id, u.id)).ok).toBe(true);
    const twice = await claim(costly.id, u.id);
    expect(twice.ok === false && twice.error.code).toBe('per_user_limit');
    expect(await pointsOf(rt, u.id)).toBe(9); // the refused claim took no points
    expect(await issued(plain.id)).toBe(1);
  });

  it('asks for the claim password, refuses a wrong one, and takes the right one', async () => {
    const tpl = await makeTemplate(rt.app, t, { claimPassword: 'open-sesame' });
    const u = await makeUser(rt.services, t.tenantId);
    const none = await claim(tpl.id, u.id);
    expect(none.ok === false && none.error).toMatchObject({ code: 'wrong_password', message: 'the password is wrong' });
    const wrong = await claim(tpl.id, u.id, { password: 'nope' });
    expect(wrong.ok === false && wrong.error.code).toBe('wrong_password');
    expect((await claim(tpl.id, u.id, { password: 'open-sesame' })).ok).toBe(true);
    expect(await issued(tpl.id)).toBe(1);
  });

  it('charges the points a claim costs and refuses when they are not there', async () => {
    const tpl = await makeTemplate(rt.app, t, { claimCostPoints: 30 });
    const u = await makeUser(rt.services, t.tenantId, { points: 50 });
    expect((await claim(tpl.id, u.id)).ok).toBe(true);
    expect(await pointsOf(rt, u.id)).toBe(20);
    const poor = await claim(tpl.id, u.id);
    expect(poor.ok === false && poor.error).toMatchObject({ code: 'not_enough_points', details: { required: 30, current: 20 } });
    expect(await pointsOf(rt, u.id)).toBe(20);
    expect(await issued(tpl.id)).toBe(1);
  });

  it('detect answers without writing anything', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 1 });
    const u = await makeUser(rt.services, t.tenantId);
    expect(await claim(tpl.id, u.id, { detect: true })).toEqual({ ok: true, value: { detect: true, wouldSucceed: true } });
    expect(await issued(tpl.id)).toBe(0);
  });

  it('audits a staff claim and names the staff member in the history', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const u = await makeUser(rt.services, t.tenantId);
    const r = must(await claim(tpl.id, u.id, {}, owner));
    if (r.detect) throw new Error('detect');
    const ev = await rt.db.query<{ staff_id: number | null }>(`SELECT staff_id FROM coupon_events WHERE coupon_id = $1`, [r.coupon.id]);
    expect(ev.rows[0]!.staff_id).toBe(owner.kind === 'staff' ? owner.staffId : -1);
    const a = await rt.db.query(`SELECT 1 FROM audit_log WHERE action = 'coupon.claim' AND target_id = $1`, [r.coupon.code]);
    expect(a.rowCount).toBe(1);
  });

  it('refuses an unknown template and a user of another tenant', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const missing = await claim(999_999, u.id);
    expect(missing.ok === false && missing.error.code).toBe('not_found');
    const other = await makeTenant(rt.services, rt.app);
    const stranger = await makeUser(rt.services, other.tenantId);
    const tpl = await makeTemplate(rt.app, t, { claimCostPoints: 1 });
    const r = await claim(tpl.id, stranger.id);
    expect(r.ok === false && r.error).toMatchObject({ code: 'not_found', message: 'user not found' });
  });
});
