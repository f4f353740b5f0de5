// Stores and departments, called on the use-cases directly (PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let other: TenantFixture;
let owner: Principal;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  other = await makeTenant(rt.services, rt.app);
  owner = (await rt.services.auth.authenticate(t.token))!;
});
afterAll(() => rt.close());

const auditCount = async (action: string, targetId: number) =>
  (
    await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND target_id = $2', [
      action,
      String(targetId),
    ])
  ).rows[0]!.n;

describe('stores', () => {
  it('creates with a trimmed name, changes and clears fields, and audits both', async () => {
    const s = await rt.services.stores.create(t.tenantId, { name: '  Main  ', address: 'Road 1', phone: '123' }, owner);
    if (!s.ok) throw new Error(s.error.message);
    expect(s.value).toMatchObject({ name: 'Main', address: 'Road 1', phone: '123', tenantId: t.tenantId });
    const u = await rt.services.stores.update(t.tenantId, s.value.id, { address: '', linkman: ' Li ' }, owner);
    expect(u).toMatchObject({ ok: true, value: { name: 'Main', address: null, linkman: 'Li', phone: '123' } });
    expect(await rt.services.stores.get(t.tenantId, s.value.id)).toMatchObject({ address: null, linkman: 'Li' });
    expect(await auditCount('store.create', s.value.id)).toBe(1);
    expect(await auditCount('store.update', s.value.id)).toBe(1);
  });

  it("refuses an empty name and another tenant's store, and changes nothing", async () => {
    expect(await rt.services.stores.create(t.tenantId, { name: '   ' }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'name' } },
    });
    const s = await rt.services.stores.create(t.tenantId, { name: 'Kept' }, owner);
    if (!s.ok) throw new Error(s.error.message);
    expect(await rt.services.stores.update(t.tenantId, s.value.id, { name: '' }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await rt.services.stores.update(other.tenantId, s.value.id, { name: 'Stolen' }, owner)).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect((await rt.services.stores.get(t.tenantId, s.value.id))?.name).toBe('Kept');
    expect(await rt.services.stores.get(other.tenantId, s.value.id)).toBeNull();
  });
});

describe('departments', () => {
  async function dept(name: string, parentId: number | null = null) {
    const d = await rt.services.departments.create(t.tenantId, { name, parentId }, owner);
    if (!d.ok) throw new Error(d.error.message);
    return d.value;
  }

  it('refuses a move under itself or its own sub-department, and keeps the tree', async () => {
    const root = await dept(uniqueName('零售部'));
    const child = await dept('商品部', root.id);
    const grandchild = await dept('采购组', child.id);
    for (const parentId of [root.id, child.id, grandchild.id]) {
      expect(await rt.services.departments.update(t.tenantId, root.id, { parentId }, owner)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input', details: { field: 'parentId' } },
      });
    }
    expect(await rt.services.departments.update(t.tenantId, child.id, { parentId: 987654 }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const tree = await rt.services.departments.tree(t.tenantId);
    const r = tree.find((n) => n.id === root.id)!;
    expect(r.parentId).toBeNull();
    expect(r.children.map((c) => c.id)).toEqual([child.id]);
    expect(r.children[0]!.children.map((c) => c.id)).toEqual([grandchild.id]);
    // A move elsewhere is fine: the grandchild up to the root.
    expect(await rt.services.departments.update(t.tenantId, grandchild.id, { parentId: root.id }, owner)).toMatchObject({
      ok: true,
      value: { parentId: root.id },
    });
  });

  it('refuses a sibling with the same name (any case), a bad name and an unknown parent', async () => {
    const root = await dept(uniqueName('root'));
    await dept('Sales', root.id);
    expect(await rt.services.departments.create(t.tenantId, { name: 'sales', parentId: root.id }, owner)).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    expect(await rt.services.departments.create(t.tenantId, { name: 'a/b' }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'name' } },
    });
    expect(await rt.services.departments.create(t.tenantId, { name: 'x', parentId: 987654 }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'parentId' } },
    });
    const other2 = await dept('Other', root.id);
    expect(await rt.services.departments.update(t.tenantId, other2.id, { name: 'SALES' }, owner)).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });

  it('refuses to delete one that has sub-departments or staff, saying how many; deletes an empty one', async () => {
    const root = await dept(uniqueName('del'));
    const leaf = await dept('leaf', root.id);
    const s = await rt.services.staff.create(
      t.tenantId,
      { username: uniqueName('d'), password: 'staff-pass-1', role: 'operator', departmentId: leaf.id },
      owner,
    );
    if (!s.ok) throw new Error(s.error.message);
    expect(await rt.services.departments.remove(t.tenantId, root.id, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_state', details: { children: 1, staff: 0, promos: 0 } },
    });
    expect(await rt.services.departments.remove(t.tenantId, leaf.id, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_state', details: { children: 0, staff: 1, promos: 0 } },
    });
    expect((await rt.services.staff.update(t.tenantId, s.value.id, { departmentId: null }, owner)).ok).toBe(true);
    expect((await rt.services.departments.remove(t.tenantId, leaf.id, owner)).ok).toBe(true);
    expect(await rt.services.departments.remove(t.tenantId, leaf.id, owner)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await rt.services.departments.list(t.tenantId)).some((d) => d.id === leaf.id)).toBe(false);
  });

  it('resolves by id, by path and by a unique name; an ambiguous name asks for the path', async () => {
    const a = await dept(uniqueName('A'));
    const b = await dept(uniqueName('B'));
    const a1 = await dept('Twin', a.id);
    await dept('Twin', b.id);
    expect(await rt.services.departments.resolve(t.tenantId, a1.id)).toMatchObject({ ok: true, value: { id: a1.id } });
    expect(await rt.services.departments.resolve(t.tenantId, `${a.name}/Twin`)).toMatchObject({ ok: true, value: { id: a1.id } });
    expect(await rt.services.departments.resolve(t.tenantId, a.name)).toMatchObject({ ok: true, value: { id: a.id } });
    const amb = await rt.services.departments.resolve(t.tenantId, 'Twin');
    expect(amb).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await rt.services.departments.resolve(t.tenantId, 'Nowhere')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect((await rt.services.departments.paths(t.tenantId)).get(a1.id)?.path).toBe(`${a.name}/Twin`);
  });
});
