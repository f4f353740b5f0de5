// Staff login and sessions, called on the use-cases directly (PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { LOGIN_LIMITS } from '../../../src/contexts/identity/auth.ts';
import { createStaffIn, verifyStaffPasswordOrMd5 } from '../../../src/contexts/identity/index.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;
let ip = 0;
const nextIp = () => `10.9.0.${++ip}`;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  owner = (await rt.services.auth.authenticate(t.token))!;
});
afterAll(() => rt.close());

async function newStaff(role: 'operator' | 'admin' | 'seller' = 'operator') {
  const username = uniqueName('st');
  const s = await rt.services.staff.create(t.tenantId, { username, password: 'staff-pass-1', role }, owner);
  if (!s.ok) throw new Error(s.error.message);
  return { ...s.value, password: 'staff-pass-1' };
}

describe('staff login', () => {
  it('returns the staff member (no password hash) and opens a session that authenticates', async () => {
    const s = await newStaff();
    const v = await rt.services.auth.verifyCredentials(s.username.toUpperCase(), s.password, nextIp());
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value).toMatchObject({ id: s.id, tenantId: t.tenantId, role: 'operator' });
    expect(Object.keys(v.value)).not.toContain('password_hash');
    expect(Object.keys(v.value)).not.toContain('passwordHash');
    const session = await rt.services.auth.openSession(v.value);
    expect(session.tenant?.id).toBe(t.tenantId);
    expect(await rt.services.auth.authenticate(session.token)).toMatchObject({
      kind: 'staff',
      staffId: s.id,
      tenantId: t.tenantId,
      role: 'operator',
    });
  });

  it('counts wrong passwords per account and then pauses even the right one; a success clears the count', async () => {
    const s = await newStaff();
    const wrong = await rt.services.auth.verifyCredentials(s.username, 'not-the-password', nextIp());
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_credentials', message: 'wrong username or password' } });
    for (let i = 2; i < LOGIN_LIMITS.perAccount; i++) await rt.services.auth.verifyCredentials(s.username, `bad-${i}`, nextIp());
    // One short of the limit: the right password still passes, and clears the count…
    expect((await rt.services.auth.verifyCredentials(s.username, s.password, nextIp())).ok).toBe(true);
    for (let i = 1; i < LOGIN_LIMITS.perAccount; i++) await rt.services.auth.verifyCredentials(s.username, `bad-${i}`, nextIp());
    expect((await rt.services.auth.verifyCredentials(s.username, s.password, nextIp())).ok).toBe(true);
    // …while reaching it pauses even the right one.
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) await rt.services.auth.verifyCredentials(s.username, `bad-${i}`, nextIp());
    const paused = await rt.services.auth.verifyCredentials(s.username, s.password, nextIp());
    expect(paused.ok).toBe(false);
    if (paused.ok) return;
    expect(paused.error.code).toBe('rate_limited');
    expect((paused.error.details as { retryAfterSec: number }).retryAfterSec).toBeGreaterThan(0);
  });

  it('refuses an unknown username like a wrong password', async () => {
    const r = await rt.services.auth.login(uniqueName('nobody'), 'whatever-1', nextIp());
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_credentials', message: 'wrong username or password' } });
  });

  it('refuses a disabled staff member, even with the right password', async () => {
    const s = await newStaff();
    expect((await rt.services.staff.update(t.tenantId, s.id, { disabled: true }, owner)).ok).toBe(true);
    const r = await rt.services.auth.login(s.username, s.password, nextIp());
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_credentials', message: 'this account is disabled' } });
  });

  it('the back-office check takes the password in clear or as MD5 hex, nothing else', async () => {
    const s = await newStaff('seller');
    const md5 = crypto.createHash('md5').update(s.password).digest('hex');
    const v = (pw: string) => rt.services.auth.verifyCredentials(s.username, pw, nextIp(), verifyStaffPasswordOrMd5);
    expect((await v(s.password)).ok).toBe(true);
    expect((await v(md5)).ok).toBe(true);
    expect((await v(md5.toUpperCase())).ok).toBe(true);
    expect((await v(crypto.createHash('md5').update('other').digest('hex'))).ok).toBe(false);
  });
});

describe('sessions end', () => {
  it('when the staff member is disabled', async () => {
    const s = await newStaff();
    const login = await rt.services.auth.login(s.username, s.password, nextIp());
    if (!login.ok) throw new Error(login.error.message);
    expect(await rt.services.auth.authenticate(login.value.token)).not.toBeNull();
    expect((await rt.services.staff.update(t.tenantId, s.id, { disabled: true }, owner)).ok).toBe(true);
    rt.services.auth.forgetPrincipals();
    expect(await rt.services.auth.authenticate(login.value.token)).toBeNull();
    const stored = await rt.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM staff_sessions WHERE staff_id = $1 AND revoked_at IS NULL',
      [s.id],
    );
    expect(stored.rows[0]!.n).toBe(0);
  });

  it('when a new password is set; the new one logs in, the old one does not', async () => {
    const s = await newStaff();
    const login = await rt.services.auth.login(s.username, s.password, nextIp());
    if (!login.ok) throw new Error(login.error.message);
    const u = await rt.services.staff.update(t.tenantId, s.id, { password: 'brand-new-pass' }, owner);
    expect(u.ok).toBe(true);
    rt.services.auth.forgetPrincipals();
    expect(await rt.services.auth.authenticate(login.value.token)).toBeNull();
    expect((await rt.services.auth.login(s.username, s.password, nextIp())).ok).toBe(false);
    expect((await rt.services.auth.login(s.username, 'brand-new-pass', nextIp())).ok).toBe(true);
  });

  it('but not on a change of name or stores', async () => {
    const s = await newStaff();
    const login = await rt.services.auth.login(s.username, s.password, nextIp());
    if (!login.ok) throw new Error(login.error.message);
    expect((await rt.services.staff.update(t.tenantId, s.id, { name: 'Renamed' }, owner)).ok).toBe(true);
    rt.services.auth.forgetPrincipals();
    expect(await rt.services.auth.authenticate(login.value.token)).toMatchObject({ staffId: s.id });
  });

  it('on logout', async () => {
    const s = await newStaff();
    const login = await rt.services.auth.login(s.username, s.password, nextIp());
    if (!login.ok) throw new Error(login.error.message);
    await rt.services.auth.logout(login.value.token);
    expect(await rt.services.auth.authenticate(login.value.token)).toBeNull();
  });
});

describe('staff changes', () => {
  it('an operator may not touch an admin; nobody disables themselves; the last active owner stays', async () => {
    const op = await newStaff('operator');
    const admin = await newStaff('admin');
    const opLogin = await rt.services.auth.login(op.username, op.password, nextIp());
    if (!opLogin.ok) throw new Error(opLogin.error.message);
    const operator = (await rt.services.auth.authenticate(opLogin.value.token))!;
    expect(await rt.services.staff.update(t.tenantId, admin.id, { name: 'x' }, operator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await rt.services.staff.update(t.tenantId, op.id, { disabled: true }, operator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { field: 'disabled' } },
    });
    // A platform admin may change owners, but not take the tenant's only active owner away.
    const username = uniqueName('pa');
    const pa = await rt.services.deps.db.tx((q) =>
      createStaffIn(q, null, { username, password: 'platform-pass-1', role: 'platform_admin' }),
    );
    if (!pa.ok) throw new Error(pa.error.message);
    const paLogin = await rt.services.auth.login(username, 'platform-pass-1', nextIp());
    if (!paLogin.ok) throw new Error(paLogin.error.message);
    const platform = (await rt.services.auth.authenticate(paLogin.value.token))!;
    const ownerId = owner.kind === 'staff' ? owner.staffId : 0;
    expect(await rt.services.staff.update(t.tenantId, ownerId, { role: 'admin' }, platform)).toMatchObject({
      ok: false,
      error: { code: 'invalid_state' },
    });
    expect(await rt.services.staff.update(t.tenantId, ownerId, { disabled: true }, platform)).toMatchObject({
      ok: false,
      error: { code: 'invalid_state' },
    });
    expect(await rt.services.staff.get(t.tenantId, ownerId)).toMatchObject({ role: 'owner', disabled: false });
  });

  it('refuses a store or department the tenant does not have, and an operator creating an admin', async () => {
    const s = await newStaff();
    expect(await rt.services.staff.update(t.tenantId, s.id, { storeIds: [987654] }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'storeIds' } },
    });
    expect(await rt.services.staff.update(t.tenantId, s.id, { departmentId: 987654 }, owner)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', details: { field: 'departmentId' } },
    });
    const opLogin = await rt.services.auth.login(s.username, s.password, nextIp());
    if (!opLogin.ok) throw new Error(opLogin.error.message);
    const operator = (await rt.services.auth.authenticate(opLogin.value.token))!;
    const r = await rt.services.staff.create(t.tenantId, { username: uniqueName('a'), password: 'staff-pass-1', role: 'admin' }, operator);
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('API keys', () => {
  it('authenticate as the tenant admin until revoked; a second revoke is not_found', async () => {
    const k = await rt.services.auth.createApiKey(t.tenantId, 'ci', owner);
    if (!k.ok) throw new Error(k.error.message);
    expect(await rt.services.auth.authenticate(k.value.key)).toMatchObject({ kind: 'api_key', tenantId: t.tenantId, role: 'admin' });
    expect((await rt.services.auth.listApiKeys(t.tenantId)).find((x) => x.id === k.value.id)).toMatchObject({
      name: 'ci',
      revokedAt: null,
    });
    expect((await rt.services.auth.revokeApiKey(t.tenantId, k.value.id, owner)).ok).toBe(true);
    expect(await rt.services.auth.authenticate(k.value.key)).toBeNull();
    expect(await rt.services.auth.revokeApiKey(t.tenantId, k.value.id, owner)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await rt.services.auth.createApiKey(t.tenantId, '  ', owner)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});
