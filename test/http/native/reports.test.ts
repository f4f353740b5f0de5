// The console's dashboard figures and the audit log through the native API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { addDays, localDateOf } from '../../../src/kernel/local-time.ts';

let rt: TestRuntime;
let t: TenantFixture;
let other: TenantFixture;
let templateId: number;
const TZ = 'Asia/Shanghai';

const get = (url: string, headers: Record<string, string> = t.auth) => rt.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
const post = (url: string, payload: unknown, headers: Record<string, string> = t.auth) =>
  rt.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as object });

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app, { timezone: TZ });
  other = await makeTenant(rt.services, rt.app, { timezone: TZ });
  const store = (await post('/stores', { name: 'Main St' })).json().id as number;
  templateId = (await makeTemplate(rt.app, t, { name: '满100减10', stock: 100 })).id;
  await makeTemplate(rt.app, t, { name: 'unlimited' });
  const u1 = await makeUser(rt.services, t.tenantId);
  const u2 = await makeUser(rt.services, t.tenantId);
  const g1 = (await post('/coupons/grant', { templateId, userId: u1.id, quantity: 2 })).json().items as { code: string }[];
  const g2 = (await post('/coupons/grant', { templateId, userId: u2.id, quantity: 1 })).json().items as { code: string }[];
  const w1 = await post(`/coupons/${g1[0]!.code}/write-off`, { storeId: store });
  expect(w1.statusCode).toBe(201);
  const w2 = await post(`/coupons/${g2[0]!.code}/write-off`, { storeId: store });
  expect(w2.statusCode).toBe(201);
  // A rolled-back write-off gave no discount.
  expect((await post(`/redemptions/${w2.json().id}/rollback`, {})).statusCode).toBe(200);
});
afterAll(async () => rt?.close());

describe('GET /reports/dashboard', () => {
  it("counts claims, redemptions and discount on the tenant's local day, with every day of the range present", async () => {
    const today = localDateOf(new Date(), TZ);
    const from = addDays(today, -2);
    const r = await get(`/reports/dashboard?from=${from}&to=${today}`);
    expect(r.statusCode).toBe(200);
    const d = r.json();
    expect(d.timezone).toBe(TZ);
    expect(d.days.map((x: { date: string }) => x.date)).toEqual([from, addDays(today, -1), today]);
    expect(d.days[0]).toEqual({ date: from, claims: 0, redemptions: 0, discount: '0.00' });
    expect(d.days[2]).toEqual({ date: today, claims: 3, redemptions: 1, discount: '10.00' });
    expect(d.totals).toEqual({ claims: 3, redemptions: 1, discount: '10.00' });
    expect(d.topTemplates).toEqual([{ templateId, name: '满100减10', claims: 3, redemptions: 1, discount: '10.00' }]);
    // Stock left: active templates with a limited stock only.
    expect(d.stock).toEqual([{ templateId, name: '满100减10', stock: 100, issued: 3, left: 97 }]);
  });

  it('shows nothing of another tenant', async () => {
    const today = localDateOf(new Date(), TZ);
    const d = (await get(`/reports/dashboard?from=${today}&to=${today}`, other.auth)).json();
    expect(d.totals).toEqual({ claims: 0, redemptions: 0, discount: '0.00' });
    expect(d.topTemplates).toEqual([]);
    expect(d.stock).toEqual([]);
  });

  it('refuses a range that ends before it starts, a bad date or more than a year', async () => {
    const bad = [
      '/reports/dashboard?from=2026-03-10&to=2026-03-01',
      '/reports/dashboard?from=2026-02-30&to=2026-03-01',
      '/reports/dashboard?from=2024-01-01&to=2026-01-01',
      '/reports/dashboard?from=2026-01-01',
    ];
    for (const url of bad) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.headers['content-type']).toMatch(/problem\+json/);
    }
  });

  it('needs a session', async () => {
    expect((await get('/reports/dashboard?from=2026-01-01&to=2026-01-02', {})).statusCode).toBe(401);
  });
});

describe('GET /audit-log', () => {
  it('lists what staff did, newest first, with who did it', async () => {
    const r = await get('/audit-log?limit=100');
    expect(r.statusCode).toBe(200);
    const { items, total } = r.json();
    expect(total).toBe(items.length);
    const actions = items.map((i: { action: string }) => i.action);
    expect(actions).toContain('coupon.write_off');
    expect(actions).toContain('coupon.grant');
    const ids = items.map((i: { id: number }) => i.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const wo = items.find((i: { action: string }) => i.action === 'coupon.write_off');
    expect(wo.username).toBe(t.ownerUsername);
    expect(Date.parse(wo.createdAt)).not.toBeNaN();
  });

  it('filters by action prefix and target, and pages', async () => {
    const tpl = (await get('/audit-log?action=template.')).json();
    expect(tpl.items.length).toBeGreaterThan(0);
    expect(tpl.items.every((i: { action: string }) => i.action.startsWith('template.'))).toBe(true);
    const one = (await get(`/audit-log?targetType=coupon_template&targetId=${templateId}`)).json();
    expect(one.items.every((i: { targetId: string }) => i.targetId === String(templateId))).toBe(true);
    const page = (await get('/audit-log?limit=2&offset=1')).json();
    const all = (await get('/audit-log?limit=3')).json();
    expect(page.items.map((i: { id: number }) => i.id)).toEqual(all.items.slice(1, 3).map((i: { id: number }) => i.id));
    // "%" in a filter is a character, not a wildcard.
    expect((await get('/audit-log?action=%25')).json().total).toBe(0);
  });

  it("never shows another tenant's entries", async () => {
    const o = (await get('/audit-log?limit=100', other.auth)).json();
    expect(o.items.some((i: { action: string }) => i.action === 'coupon.write_off')).toBe(false);
  });
});
