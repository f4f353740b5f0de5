// Departments as a tree in the native API: create, rename, move (never into a
// loop), delete only when empty; another merchant's tree is out of reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;
let t: TenantFixture;

const call = (method: string, url: string, payload?: unknown, tenant = t) =>
  rt.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: tenant.auth, payload: payload as object });

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
});
afterAll(async () => rt?.close());

describe('departments', () => {
  it('builds, reshapes and prunes the tree', async () => {
    const retail = (await call('POST', '/departments', { name: '零售部' })).json();
    expect(retail).toMatchObject({ name: '零售部', parentId: null });
    const goods = (await call('POST', '/departments', { name: '商品部', parentId: retail.id })).json();
    const ops = (await call('POST', '/departments', { name: '运营部' })).json();
    expect((await call('POST', '/departments', { name: '商品部', parentId: retail.id })).statusCode).toBe(409);
    expect((await call('POST', '/departments', { name: 'a/b' })).statusCode).toBe(400);
    expect((await call('POST', '/departments', { name: 'x', parentId: 999999 })).statusCode).toBe(400);

    const tree = (await call('GET', '/departments')).json().items;
    expect(tree.map((d: { name: string; children: { name: string }[] }) => [d.name, d.children.map((c) => c.name)])).toEqual([
      ['零售部', ['商品部']],
      ['运营部', []],
    ]);

    // No loops: not under itself, not under its own sub-department.
    expect((await call('PATCH', `/departments/${retail.id}`, { parentId: retail.id })).statusCode).toBe(400);
    expect((await call('PATCH', `/departments/${retail.id}`, { parentId: goods.id })).statusCode).toBe(400);
    const moved = await call('PATCH', `/departments/${ops.id}`, { parentId: retail.id, name: '运营中心' });
    expect(moved.json()).toMatchObject({ id: ops.id, parentId: retail.id, name: '运营中心' });
    expect((await call('GET', '/departments')).json().items[0].children.map((c: { id: number }) => c.id)).toEqual([goods.id, ops.id]);

    // Delete only what is empty.
    expect((await call('DELETE', `/departments/${retail.id}`)).statusCode).toBe(409);
    expect((await call('DELETE', `/departments/${goods.id}`)).statusCode).toBe(204);
    expect((await call('DELETE', `/departments/${goods.id}`)).statusCode).toBe(404);
  });

  it("another merchant's departments are invisible and untouchable", async () => {
    const other = await makeTenant(rt.services, rt.app);
    const d = (await call('POST', '/departments', { name: 'Theirs' }, other)).json();
    expect((await call('GET', '/departments')).json().items.map((x: { id: number }) => x.id)).not.toContain(d.id);
    expect((await call('PATCH', `/departments/${d.id}`, { name: 'Mine' })).statusCode).toBe(404);
    expect((await call('DELETE', `/departments/${d.id}`)).statusCode).toBe(404);
    expect((await call('POST', '/departments', { name: 'child', parentId: d.id })).statusCode).toBe(400);
  });

  it('only owners and admins change the tree', async () => {
    await call('POST', '/staff', { username: 'dept_op', password: 'dept-pass-123', role: 'operator' });
    const login = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'dept_op', password: 'dept-pass-123' },
    });
    const headers = { authorization: `Bearer ${login.json().token}` };
    expect((await rt.app.inject({ method: 'POST', url: '/api/v1/departments', headers, payload: { name: 'nope' } })).statusCode).toBe(403);
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/departments', headers })).statusCode).toBe(200);
  });
});
