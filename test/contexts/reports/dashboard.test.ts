// The dashboard's figures fall on the tenant's LOCAL day: a coupon received a
// second before midnight in Shanghai counts on that day, one a second after on
// the next, though both are the same UTC day; rolled-back redemptions give no
// discount; the same data in a UTC tenant falls on other days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { grant, makeStore, ownerPrincipal } from '../../http/seller/helpers.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;

/** A tenant with two coupons received and written off around 2026-03-01 24:00 Shanghai (16:00 UTC), one redemption rolled back. */
async function scene(timezone: string): Promise<{ t: TenantFixture; templateId: number }> {
  const t = await makeTenant(rt.services, rt.app, { timezone });
  const owner = (await rt.db.query<{ id: number }>("SELECT id FROM staff WHERE tenant_id = $1 AND role = 'owner'", [t.tenantId])).rows[0]!
    .id;
  const by: Principal = ownerPrincipal(owner, t.tenantId);
  const store = await makeStore(rt.app, t, 'Main St');
  const templateId = (await makeTemplate(rt.app, t, { name: 'ten off', stock: 50 })).id;
  const u = await makeUser(rt.services, t.tenantId);
  const codes = await grant(rt.services, t, templateId, u.id, 3);
  const at = ['2026-03-01T15:59:59Z', '2026-03-01T16:00:01Z', '2026-03-02T03:00:00Z'];
  for (const [i, code] of codes.entries()) {
    await rt.db.query('UPDATE coupons SET received_at = $3 WHERE tenant_id = $1 AND code = $2', [t.tenantId, code, at[i]]);
    const w = await rt.services.redemptions.writeOff(t.tenantId, code, { storeId: store }, by);
    if (!w.ok) throw new Error(w.error.message);
    await rt.db.query('UPDATE redemptions SET created_at = $2 WHERE id = $1', [w.value.id, at[i]]);
    if (i === 2) expect((await rt.services.redemptions.rollback(t.tenantId, w.value.id, by)).ok).toBe(true);
  }
  return { t, templateId };
}

beforeAll(async () => {
  rt = await openTestRuntime();
});
afterAll(async () => rt?.close());

describe('reports.dashboard', () => {
  it("counts claims, redemptions and discount per local day of the tenant's zone", async () => {
    const { t, templateId } = await scene('Asia/Shanghai');
    const r = await rt.services.reports.dashboard(t.tenantId, { from: '2026-03-01', to: '2026-03-03' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.timezone).toBe('Asia/Shanghai');
    expect(r.value.days).toEqual([
      { date: '2026-03-01', claims: 1, redemptions: 1, discount: 1000 },
      { date: '2026-03-02', claims: 2, redemptions: 1, discount: 1000 },
      { date: '2026-03-03', claims: 0, redemptions: 0, discount: 0 },
    ]);
    expect(r.value.totals).toEqual({ claims: 3, redemptions: 2, discount: 2000 });
    expect(r.value.topTemplates).toEqual([{ templateId, name: 'ten off', claims: 3, redemptions: 2, discount: 2000 }]);
    expect(r.value.stock).toEqual([{ templateId, name: 'ten off', stock: 50, issued: 3, left: 47 }]);
  });

  it('puts the same instants on UTC days for a UTC tenant', async () => {
    const { t } = await scene('UTC');
    const r = await rt.services.reports.dashboard(t.tenantId, { from: '2026-03-01', to: '2026-03-02' });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.days.map((d) => [d.date, d.claims, d.redemptions])).toEqual([
      ['2026-03-01', 2, 2],
      ['2026-03-02', 1, 0],
    ]);
  });

  it('refuses a bad date, a range that ends before it starts, and more than a year', async () => {
    const t = await makeTenant(rt.services, rt.app);
    for (const range of [
      { from: '2026-02-30', to: '2026-03-01' },
      { from: '2026-03-10', to: '2026-03-01' },
      { from: '2025-01-01', to: '2026-01-02' },
    ]) {
      const r = await rt.services.reports.dashboard(t.tenantId, range);
      expect(r.ok ? 'ok' : r.error.code, JSON.stringify(range)).toBe('invalid_input');
    }
    expect((await rt.services.reports.dashboard(t.tenantId, { from: '2025-01-01', to: '2026-01-01' })).ok).toBe(true);
  });
});
