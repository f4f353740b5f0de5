// Editing staff and stores through the native API: role, stores, name, phone,
// disabling (which ends sessions), a new password; the owner/admin rules and
// the last owner; store fields; an audit row for each change; other tenants
// out of reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;
let t: TenantFixture;
let ownerId: number;

const call = (method: string, url: string, payload?: unknown, headers: Record<string, string> = t.auth) =>
  rt.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers, payload: payload as object });

async function login(username: string, password: string) {
  const r = await rt.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  return r.statusCode === 200 ? { authorization: `Bearer ${r.json().token as string}` } : null;
}

async function newStaff(role: string, fields: Record<string, unknown> = {}) {
  const username = uniqueName(role);
  const r = await call('POST', '/staff', { username, password: 'staff-pass-1', role, ...fields });
  expect(r.statusCode).toBe(201);
  return { id: r.json().id as number, username };
}

async function auditOf(action: string, targetId: number) {
  const r = await call('GET', `/audit-log?action=${action}&limit=50`);
  return (r.json().items as { action: string; targetId: string; details: Record<string, unknown> }[]).filter(
    (e) => e.action === action && e.targetId === String(targetId),
  );
}

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  ownerId = (await call('GET', '/me')).json().staff.id;
});
afterAll(async () => rt?.close());

describe('PATCH /staff/{id}', () => {
  it('changes role, stores, name and phone, and writes an audit row', async () => {
    const store = (await call('POST', '/stores', { name: 'North' })).json().id as number;
    const s = await newStaff('seller');
    const r = await call('PATCH', `/staff/${s.id}`, { role: 'operator', storeIds: [store], name: ' Li Lei ', phone: '13900001111' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({
      id: s.id,
      role: 'operator',
      storeIds: [store],
      name: 'Li Lei',
      phone: '13900001111',
      disabled: false,
    });
    // null clears, absent keeps.
    const r2 = await call('PATCH', `/staff/${s.id}`, { name: null });
    expect(r2.json()).toMatchObject({ name: null, phone: '13900001111', role: 'operator' });
    const rows = await auditOf('staff.update', s.id);
    expect(rows.length).toBe(2);
    expect(rows.some((e) => (e.details.role as { to: string } | undefined)?.to === 'operator')).toBe(true);

    expect((await call('PATCH', `/staff/${s.id}`, { storeIds: [999999] })).statusCode).toBe(400);
    expect((await call('PATCH', `/staff/${s.id}`, { role: 'platform_admin' })).statusCode).toBe(400);
    expect((await call('PATCH', `/staff/${s.id}`, { departmentId: 999999 })).statusCode).toBe(400);
    expect((await call('PATCH', '/staff/999999', { name: 'x' })).statusCode).toBe(404);
  });

  it('a new password replaces the old one and ends sessions; disabling locks the account out', async () => {
    const s = await newStaff('operator');
    const session = (await login(s.username, 'staff-pass-1'))!;
    expect((await call('GET', '/me', undefined, session)).statusCode).toBe(200);
    expect((await call('PATCH', `/staff/${s.id}`, { password: 'short' })).statusCode).toBe(400);
    const r = await call('PATCH', `/staff/${s.id}`, { password: 'brand-new-pass-2' });
    expect(r.statusCode).toBe(200);
    expect((await call('GET', '/me', undefined, session)).statusCode).toBe(401);
    expect(await login(s.username, 'staff-pass-1')).toBeNull();
    const again = (await login(s.username, 'brand-new-pass-2'))!;
    expect(again).not.toBeNull();
    const rows = await auditOf('staff.update', s.id);
    expect(rows[0]!.details).toMatchObject({ passwordReset: true });
    expect(JSON.stringify(rows)).not.toContain('brand-new-pass-2');

    expect((await call('PATCH', `/staff/${s.id}`, { disabled: true })).json().disabled).toBe(true);
    expect((await call('GET', '/me', undefined, again)).statusCode).toBe(401);
    expect(await login(s.username, 'brand-new-pass-2')).toBeNull();
    expect((await call('PATCH', `/staff/${s.id}`, { disabled: false })).json().disabled).toBe(false);
    expect(await login(s.username, 'brand-new-pass-2')).not.toBeNull();
  });

  it('only an owner touches owners and admins; nobody demotes or disables themselves; one owner stays', async () => {
    const admin = await newStaff('admin');
    const adminAuth = (await login(admin.username, 'staff-pass-1'))!;
    const op = await newStaff('operator');
    // An admin edits an operator but may not promote to admin, nor touch the owner or another admin.
    expect((await call('PATCH', `/staff/${op.id}`, { name: 'Op' }, adminAuth)).statusCode).toBe(200);
    expect((await call('PATCH', `/staff/${op.id}`, { role: 'admin' }, adminAuth)).statusCode).toBe(403);
    expect((await call('PATCH', `/staff/${ownerId}`, { name: 'x' }, adminAuth)).statusCode).toBe(403);
    // An operator edits nobody.
    await call('PATCH', `/staff/${op.id}`, { password: 'op-pass-1234' });
    const opAuth = (await login(op.username, 'op-pass-1234'))!;
    expect((await call('PATCH', `/staff/${op.id}`, { name: 'me' }, opAuth)).statusCode).toBe(403);
    // The owner cannot demote or disable themselves, and is the only owner.
    expect((await call('PATCH', `/staff/${ownerId}`, { role: 'admin' })).statusCode).toBe(403);
    expect((await call('PATCH', `/staff/${ownerId}`, { disabled: true })).statusCode).toBe(403);
    expect((await call('PATCH', `/staff/${ownerId}`, { name: 'Boss', phone: '13700000000' })).json()).toMatchObject({
      role: 'owner',
      name: 'Boss',
      phone: '13700000000',
    });
    // With a second owner, the first can be demoted by the second.
    const second = await newStaff('owner');
    const secondAuth = (await login(second.username, 'staff-pass-1'))!;
    expect((await call('PATCH', `/staff/${ownerId}`, { role: 'admin' }, secondAuth)).json().role).toBe('admin');
    // ...but the last active owner stays an owner.
    expect((await call('PATCH', `/staff/${second.id}`, { role: 'admin' }, secondAuth)).statusCode).toBe(403);
    expect((await call('PATCH', `/staff/${ownerId}`, { role: 'owner' }, secondAuth)).json().role).toBe('owner');
  });

  it("another tenant's staff are out of reach", async () => {
    const other = await makeTenant(rt.services, rt.app);
    const theirs = (
      await call('POST', '/staff', { username: uniqueName('x'), password: 'staff-pass-1', role: 'seller' }, other.auth)
    ).json().id as number;
    expect((await call('PATCH', `/staff/${theirs}`, { name: 'mine' })).statusCode).toBe(404);
  });
});

describe('PATCH /stores/{id}', () => {
  it('changes fields, clears optional ones, keeps the rest, audits', async () => {
    const id = (await call('POST', '/stores', { name: 'South', area: 'Pudong', phone: '021-1', linkman: 'Wang' })).json().id as number;
    const r = await call('PATCH', `/stores/${id}`, { name: ' South Gate ', address: 'No. 2 Road', phone: '' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id, name: 'South Gate', address: 'No. 2 Road', area: 'Pudong', phone: null, linkman: 'Wang' });
    expect((await call('PATCH', `/stores/${id}`, { name: '' })).statusCode).toBe(400);
    expect((await call('PATCH', '/stores/999999', { name: 'x' })).statusCode).toBe(404);
    const rows = await auditOf('store.update', id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.details).toMatchObject({ name: 'South Gate', address: 'No. 2 Road', phone: null });
  });

  it('only owners and admins edit stores; other tenants are out of reach', async () => {
    const id = (await call('POST', '/stores', { name: 'East' })).json().id as number;
    const op = await newStaff('operator');
    const opAuth = (await login(op.username, 'staff-pass-1'))!;
    expect((await call('PATCH', `/stores/${id}`, { name: 'x' }, opAuth)).statusCode).toBe(403);
    const other = await makeTenant(rt.services, rt.app);
    expect((await call('PATCH', `/stores/${id}`, { name: 'x' }, other.auth)).statusCode).toBe(404);
  });
});
