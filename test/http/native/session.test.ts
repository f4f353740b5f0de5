import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../../src/contexts/identity/auth.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;
let a: TenantFixture;
let b: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  a = await makeTenant(rt.services, rt.app);
  b = await makeTenant(rt.services, rt.app);
});
afterAll(async () => rt?.close());

const login = (username: string, password: string, ip = '10.1.1.1') =>
  rt.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: ip });

describe('login', () => {
  it('returns a token, its expiry and the staff member with the tenant', async () => {
    const res = await login(a.ownerUsername, a.password);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // The token names its tenant (issue 13: a lookup routes by tenant): `<tenant>.<secret>`.
    expect(body.token).toMatch(new RegExp(`^${body.staff.tenant.id}\\.[\\w-]{40,}$`));
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect(body.staff).toMatchObject({ username: a.ownerUsername, role: 'owner', tenant: { slug: a.slug } });
  });

  it('refuses a wrong password with a clear problem', async () => {
    const res = await login(b.ownerUsername, 'wrong-password', '10.9.9.9');
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'invalid_credentials', detail: 'wrong username or password' });
  });

  it('throttles an account after repeated failures, even for the right password', async () => {
    const t = await makeTenant(rt.services, rt.app);
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      expect((await login(t.ownerUsername, 'nope-nope', `10.2.0.${i}`)).statusCode).toBe(401);
    }
    const blocked = await login(t.ownerUsername, t.password, '10.2.1.1');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json().code).toBe('rate_limited');
  });

  it('throttles an IP that tries many accounts', async () => {
    const ip = '10.3.3.3';
    for (let i = 0; i < LOGIN_LIMITS.perIp; i++) {
      expect((await login(`nobody-${i}`, 'nope-nope', ip)).statusCode).toBe(401);
    }
    const blocked = await login(a.ownerUsername, a.password, ip);
    expect(blocked.statusCode).toBe(429);
    // Another IP is not affected.
    expect((await login(a.ownerUsername, a.password, '10.3.3.4')).statusCode).toBe(200);
  });

  it('logout ends the session', async () => {
    const token = (await login(a.ownerUsername, a.password)).json().token;
    const h = { authorization: `Bearer ${token}` };
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/me', headers: h })).statusCode).toBe(200);
    expect((await rt.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: h })).statusCode).toBe(204);
    const after = await rt.app.inject({ method: 'GET', url: '/api/v1/me', headers: h });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('unauthenticated');
  });

  it('me answers the staff member and tenant', async () => {
    const res = await rt.app.inject({ method: 'GET', url: '/api/v1/me', headers: a.auth });
    expect(res.json()).toMatchObject({
      kind: 'staff',
      staff: { username: a.ownerUsername },
      tenant: { slug: a.slug, timezone: 'Asia/Shanghai' },
    });
  });
});

describe('tenant isolation', () => {
  it('a token is read only in the tenant it names: another prefix or none is refused', async () => {
    const res = await login(a.ownerUsername, a.password, '10.9.9.9');
    const token: string = res.json().token;
    const secret = token.slice(token.indexOf('.') + 1);
    const me = (t: string) => rt.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${t}` } });
    expect((await me(token)).statusCode).toBe(200);
    expect((await me(`${b.tenantId}.${secret}`)).statusCode).toBe(401);
    expect((await me(secret)).statusCode).toBe(401);
    expect((await me(`0.${secret}`)).statusCode).toBe(401);
  });

  it("a token of tenant A is refused on tenant B's resources", async () => {
    const store = await rt.app.inject({ method: 'POST', url: '/api/v1/stores', headers: a.auth, payload: { name: 'A store' } });
    expect(store.statusCode).toBe(201);
    const userB = await makeUser(rt.services, b.tenantId);
    // A cannot read B's consumer, even naming B in a header.
    const res = await rt.app.inject({ method: 'GET', url: `/api/v1/users/${userB.id}`, headers: { ...a.auth, 'x-tenant': b.slug } });
    expect(res.statusCode).toBe(404);
    // B's store list does not contain A's store.
    const listB = await rt.app.inject({ method: 'GET', url: '/api/v1/stores', headers: b.auth });
    expect(listB.json().items.map((s: { name: string }) => s.name)).not.toContain('A store');
    // Tenant staff cannot act as platform admin.
    const t = await rt.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: a.auth, payload: { slug: 'evil', name: 'x' } });
    expect(t.statusCode).toBe(403);
  });

  it('an API key acts only in its own tenant and can be revoked', async () => {
    const k = await rt.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: a.auth, payload: { name: 'backend' } });
    expect(k.statusCode).toBe(201);
    const key = k.json().key as string;
    const h = { authorization: `Bearer ${key}` };
    const userB = await makeUser(rt.services, b.tenantId);
    expect((await rt.app.inject({ method: 'GET', url: `/api/v1/users/${userB.id}`, headers: h })).statusCode).toBe(404);
    const userA = await makeUser(rt.services, a.tenantId);
    expect((await rt.app.inject({ method: 'GET', url: `/api/v1/users/${userA.id}`, headers: h })).statusCode).toBe(200);
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${k.json().id}`, headers: a.auth })).statusCode).toBe(204);
    expect((await rt.app.inject({ method: 'GET', url: `/api/v1/users/${userA.id}`, headers: h })).statusCode).toBe(401);
  });
});

describe('secrets at rest', () => {
  it('stores no password, session token or API key in clear', async () => {
    const token = (await login(a.ownerUsername, a.password)).json().token as string;
    const key = (await rt.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: a.auth, payload: { name: 'k2' } })).json()
      .key as string;
    const u = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: a.auth,
      payload: { mobile: '13800000001', password: 'consumer-secret' },
    });
    expect(u.statusCode).toBe(201);
    const dump = JSON.stringify([
      (await rt.db.query('SELECT * FROM staff')).rows,
      (await rt.db.query('SELECT encode(token_hash, $1) AS h FROM staff_sessions', ['escape'])).rows,
      (await rt.db.query('SELECT * FROM api_keys')).rows,
      (await rt.db.query('SELECT * FROM users')).rows,
    ]);
    for (const secret of [a.password, token, key, 'consumer-secret']) expect(dump).not.toContain(secret);
    const row = (await rt.db.query<{ password_hash: string }>('SELECT password_hash FROM staff WHERE username = $1', [a.ownerUsername]))
      .rows[0]!;
    expect(row.password_hash).toMatch(/^scrypt\$/);
  });
});

describe('tenants', () => {
  it('refuses slugs that collide with mount points', async () => {
    for (const slug of ['api', 'web', 'portal', 'admin', 'docs', 'health', 'metrics']) {
      const r = await rt.services.tenants.create({ slug, name: 'x' }, null);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.message).toMatch(/reserved/);
    }
  });

  it('refuses an unknown time zone', async () => {
    const r = await rt.services.tenants.create({ slug: 'tz-bad', name: 'x', timezone: 'Mars/Olympus' }, null);
    expect(r.ok).toBe(false);
  });
});

describe('one staff password, two forms', () => {
  it('accepts the password in clear and as MD5 hex in either case', async () => {
    const { staffPasswordForm } = await import('../../../src/kernel/security.ts');
    const md5 = staffPasswordForm(a.password);
    const v = (pw: string, f: (p: string, h: string) => Promise<boolean>) =>
      rt.services.auth.verifyCredentials(a.ownerUsername, pw, '10.7.7.7', f);
    const { verifyStaffPasswordMd5 } = await import('../../../src/kernel/security.ts');
    expect((await v(md5, verifyStaffPasswordMd5)).ok).toBe(true);
    expect((await v(md5.toUpperCase(), verifyStaffPasswordMd5)).ok).toBe(true);
    expect((await v(a.password, verifyStaffPasswordMd5)).ok).toBe(false);
    expect((await login(a.ownerUsername, a.password, '10.7.7.8')).statusCode).toBe(200);
    expect((await login(a.ownerUsername, md5, '10.7.7.9')).statusCode).toBe(401);
  });
});
