// Code batches through the use-case on PGlite: generation takes stock and
// writes unique codes; the first export hands out passwords, later ones do not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { must, ownerOf } from './helpers.ts';
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

describe('code batches', () => {
  it('generates the codes, takes them from stock, and exports passwords once', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 10 });
    const b = must(
      await rt.services.codeBatches.create(t.tenantId, tpl.id, { count: 6, prefix: 'VIP', length: 8, withPassword: true }, owner),
    );
    expect(b).toMatchObject({ templateId: tpl.id, count: 6, withPassword: true, passwordsExported: false });
    await rt.services.codeBatches.wait(b.id);
    expect(await rt.services.codeBatches.get(t.tenantId, b.id)).toMatchObject({ state: 'done', generated: 6 });
    expect(must(await rt.services.templates.stats(t.tenantId, tpl.id))).toMatchObject({ issued: 6, left: 4 });

    const first = must(await rt.services.codeBatches.exportCsv(t.tenantId, b.id, owner));
    const lines = first.csv.trim().split('\n');
    expect(first.withPasswords).toBe(true);
    expect(lines[0]).toBe('code,password');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r[0])).size).toBe(6);
    for (const [code, pw] of rows) {
      expect(code).toMatch(/^VIP[0-9A-Z]{8}$/);
      expect(pw).toMatch(/^\d{8}$/);
    }
    const second = must(await rt.services.codeBatches.exportCsv(t.tenantId, b.id, owner));
    expect(second.withPasswords).toBe(false);
    expect(second.csv.trim().split('\n')).toEqual(['code', ...rows.map((r) => r[0])]);
    const plain = await rt.db.query('SELECT 1 FROM coupons WHERE batch_id = $1 AND password_plain IS NOT NULL', [b.id]);
    expect(plain.rowCount).toBe(0);
    expect((await rt.services.codeBatches.get(t.tenantId, b.id))!.passwordsExported).toBe(true);
  });

  it('refuses more than the stock, a finished template, an unknown one and a too small key space', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 3 });
    const create = (templateId: number, input: { count: number; pattern?: string; charset?: string }) =>
      rt.services.codeBatches.create(t.tenantId, templateId, input, owner);
    expect(await create(tpl.id, { count: 4 })).toMatchObject({
      ok: false,
      error: { code: 'sold_out', message: "only 3 coupons are left in the template's stock" },
    });
    expect(await create(999_999, { count: 1 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await create(tpl.id, { count: 500, pattern: '####', charset: 'numeric' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'count' } },
    });
    must(await rt.services.templates.act(t.tenantId, tpl.id, 'end', owner));
    expect(await create(tpl.id, { count: 1 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_state', message: 'the template is ended' },
    });
    expect(must(await rt.services.templates.stats(t.tenantId, tpl.id)).issued).toBe(0);
  });

  it('will not export a batch that is not done', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const b = must(await rt.services.codeBatches.create(t.tenantId, tpl.id, { count: 1 }, owner));
    await rt.services.codeBatches.wait(b.id);
    await rt.db.query(`UPDATE code_batches SET state = 'failed' WHERE id = $1`, [b.id]);
    expect(await rt.services.codeBatches.exportCsv(t.tenantId, b.id, owner)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
  });
});
