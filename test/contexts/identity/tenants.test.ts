// Tenants, called on the use-cases directly (PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant } from '../../helpers/fixtures.ts';
import { RESERVED_SLUGS } from '../../../src/contexts/identity/index.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await openTestRuntime();
});
afterAll(() => rt.close());

const slug = () => `ts-${Math.random().toString(36).slice(2, 10)}`;
const tenantsWith = async (s: string) =>
  (await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants WHERE slug = $1', [s])).rows[0]!.n;

describe('tenant slugs', () => {
  it('refuses every reserved slug (they shadow a mount point) and creates nothing', async () => {
    for (const s of ['api', 'web', 'portal', 'admin', 'health', 'static']) {
      expect(RESERVED_SLUGS.has(s)).toBe(true);
      const r = await rt.services.tenants.create({ slug: s, name: 'Shadow' }, null);
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { field: 'slug' } } });
      expect(r.ok || r.error.message).toMatch(/reserved/);
      expect(await tenantsWith(s)).toBe(0);
    }
  });

  it('refuses a malformed slug, an unknown time zone and an empty name', async () => {
    expect(await rt.services.tenants.create({ slug: 'Upper', name: 'x' }, null)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'slug' } },
    });
    expect(await rt.services.tenants.create({ slug: '-x', name: 'x' }, null)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await rt.services.tenants.create({ slug: slug(), name: 'x', timezone: 'Mars/Base' }, null)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'timezone' } },
    });
    expect(await rt.services.tenants.create({ slug: slug(), name: '  ' }, null)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'name' } },
    });
  });

  it('a taken slug is a conflict; a taken owner username rolls the new tenant back', async () => {
    const s = slug();
    expect((await rt.services.tenants.create({ slug: s, name: 'First' }, null)).ok).toBe(true);
    expect(await rt.services.tenants.create({ slug: s, name: 'Second' }, null)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const t = await makeTenant(rt.services, rt.app);
    const s2 = slug();
    const r = await rt.services.tenants.create(
      { slug: s2, name: 'Twin owner', owner: { username: t.ownerUsername.toUpperCase(), password: 'correct-horse-2' } },
      null,
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(await tenantsWith(s2)).toBe(0);
    const weak = slug();
    expect(
      await rt.services.tenants.create({ slug: weak, name: 'Weak owner', owner: { username: uniqueName('o'), password: 'short' } }, null),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await tenantsWith(weak)).toBe(0);
  });
});

describe('tenant settings', () => {
  it('changes what is given, refuses an unknown SMS provider, and the slug lookup sees the change', async () => {
    const t = await makeTenant(rt.services, rt.app);
    const owner = (await rt.services.auth.authenticate(t.token))!;
    expect((await rt.services.tenants.getBySlug(t.slug))?.id).toBe(t.tenantId);
    expect(await rt.services.tenants.updateSettings(t.tenantId, { smsProvider: 'carrier-pigeon' }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await rt.services.tenants.updateSettings(t.tenantId, { timezone: 'Nowhere/City' }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const u = await rt.services.tenants.updateSettings(t.tenantId, { name: 'Renamed', timezone: 'Europe/Berlin' }, owner);
    expect(u).toMatchObject({ ok: true, value: { name: 'Renamed', timezone: 'Europe/Berlin', slug: t.slug } });
    expect(await rt.services.tenants.getBySlug(t.slug)).toMatchObject({ name: 'Renamed' });
    expect(await rt.services.tenants.updateSettings(987654321, { name: 'x' }, owner)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
