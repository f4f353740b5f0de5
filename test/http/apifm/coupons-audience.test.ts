// apifm discounts/coupons with a token lists only what this user can still
// fetch: besides the per-person limit, a template whose audience (new users,
// users who have not bought, sources) leaves the user out is not offered —
// and what is offered, fetch accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm } from './helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;
let n = 0;

async function shopper(f: { source?: string; old?: boolean; bought?: boolean } = {}) {
  const u = await rt.services.users.create(
    t.tenantId,
    { mobile: `1350000${String(++n).padStart(4, '0')}`, source: f.source ?? null },
    null,
  );
  if (!u.ok) throw new Error(u.error.message);
  if (f.old) await rt.services.deps.db.query(`UPDATE users SET created_at = now() - interval '30 days' WHERE id = $1`, [u.value.id]);
  if (f.bought) await rt.services.deps.db.query('UPDATE users SET has_purchased = true WHERE id = $1', [u.value.id]);
  return (await rt.services.consumerAuth.openSession(t.tenantId, u.value.id)).token;
}

const listed = async (token?: string) => {
  const r = await call('/discounts/coupons', token ? { token } : {}, 'GET');
  return r.code === 700 ? [] : (r.data as { id: number }[]).map((c) => c.id);
};

let anyone: number;
let newOnly: number;
let noBuy: number;
let iosOnly: number;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
  anyone = (await makeTemplate(rt.app, t, { name: 'anyone' })).id;
  newOnly = (await makeTemplate(rt.app, t, { name: 'new users', audience: { userType: 'new' } })).id;
  noBuy = (await makeTemplate(rt.app, t, { name: 'first order', audience: { userType: 'no_purchase' } })).id;
  iosOnly = (await makeTemplate(rt.app, t, { name: 'iOS', audience: { userType: 'any', sources: ['iOS'] } })).id;
}, 60_000);
afterAll(async () => rt?.close());

describe('discounts/coupons with a token: only what the user can still fetch', () => {
  it('without a token lists every open template', async () => {
    expect((await listed()).sort()).toEqual([anyone, newOnly, noBuy, iosOnly].sort());
  });

  it('a new iOS user who has not bought sees them all', async () => {
    expect((await listed(await shopper({ source: 'iOS' }))).sort()).toEqual([anyone, newOnly, noBuy, iosOnly].sort());
  });

  it('drops templates whose audience leaves the user out: old users, buyers, other sources', async () => {
    const oldAndroidBuyer = await shopper({ source: 'android', old: true, bought: true });
    expect(await listed(oldAndroidBuyer)).toEqual([anyone]);
    const oldIos = await shopper({ source: 'iOS', old: true });
    expect((await listed(oldIos)).sort()).toEqual([anyone, noBuy, iosOnly].sort());
    const noSource = await shopper({ bought: true });
    expect((await listed(noSource)).sort()).toEqual([anyone, newOnly].sort());
  });

  it('agrees with fetch: what is left out is refused, what is listed is fetched', async () => {
    const token = await shopper({ source: 'android', old: true, bought: true });
    for (const id of [newOnly, noBuy, iosOnly]) expect((await call('/discounts/fetch', { id, token })).code, `template ${id}`).not.toBe(0);
    expect((await call('/discounts/fetch', { id: anyone, token })).code).toBe(0);
  });
});
