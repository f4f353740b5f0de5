import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedFirstStart } from '../../src/contexts/identity/seed.ts';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

let rt: TestRuntime;
beforeAll(async () => {
  rt = await openTestRuntime({ adminPassword: 'admin-pass-123', demoPassword: 'demo-pass-123' });
});
afterAll(async () => rt?.close());

describe('operations endpoints', () => {
  it('health/live and health/ready answer 200 with the store kind', async () => {
    expect((await rt.app.inject('/health/live')).statusCode).toBe(200);
    const ready = await rt.app.inject('/health/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', store: rt.db.kind });
  });

  it('serves the OpenAPI document and the interactive docs page', async () => {
    const doc = await rt.app.inject('/openapi.json');
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/me', '/api/v1/tenants', '/api/v1/staff', '/api/v1/stores', '/api/v1/users']),
    );
    const docs = await rt.app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toMatch(/swagger/i);
  });

  it('exposes Prometheus metrics including request durations', async () => {
    await rt.app.inject('/health/live');
    const m = await rt.app.inject('/metrics');
    expect(m.statusCode).toBe(200);
    expect(m.body).toContain('quan_http_request_duration_seconds_bucket');
    expect(m.body).toContain('process_cpu_user_seconds_total');
  });
});

describe('errors', () => {
  it('answers unknown routes with problem+json', async () => {
    const r = await rt.app.inject('/api/v1/nope');
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(r.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('answers invalid bodies with problem+json naming the field, never a stack', async () => {
    const r = await rt.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('invalid_input');
    expect(r.body).toContain('password');
    expect(r.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const r = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(r.statusCode).toBe(400);
    expect(r.headers['content-type']).toMatch(/problem\+json/);
  });

  it('carries a request id in every answer', async () => {
    const r = await rt.app.inject({ url: '/health/live', headers: { 'x-request-id': 'abc-123' } });
    expect(r.headers['x-request-id']).toBe('abc-123');
  });
});

describe('first start', () => {
  it('creates admin and the demo tenant once; a second run changes nothing', async () => {
    const first = await seedFirstStart(rt.services.deps, rt.services.tenants);
    expect(first.created).toBe(true);
    expect(first.admin).toMatchObject({ username: 'admin', password: 'admin-pass-123', generated: false });
    const second = await seedFirstStart(rt.services.deps, rt.services.tenants);
    expect(second).toEqual({ created: false });
    const count = await rt.db.query<{ n: number }>("SELECT count(*)::int AS n FROM staff WHERE username IN ('admin','demo')");
    expect(count.rows[0]!.n).toBe(2);
  });

  it('the platform admin creates a tenant with its owner, who can log in', async () => {
    const adminLogin = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'admin-pass-123' },
    });
    expect(adminLogin.statusCode).toBe(200);
    const h = { authorization: `Bearer ${adminLogin.json().token}` };
    const t = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/tenants',
      headers: h,
      payload: { slug: 'acme-shop', name: 'Acme', timezone: 'Europe/Berlin', owner: { username: 'acme-owner', password: 'acme-pass-1' } },
    });
    expect(t.statusCode).toBe(201);
    expect(t.json()).toMatchObject({ slug: 'acme-shop', timezone: 'Europe/Berlin' });
    const dup = await rt.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: h, payload: { slug: 'acme-shop', name: 'Again' } });
    expect(dup.statusCode).toBe(409);
    const reserved = await rt.app.inject({ method: 'POST', url: '/api/v1/tenants', headers: h, payload: { slug: 'portal', name: 'x' } });
    expect(reserved.statusCode).toBe(400);
    expect(reserved.json().detail).toMatch(/reserved/);
    const owner = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'acme-owner', password: 'acme-pass-1' },
    });
    expect(owner.json().staff).toMatchObject({ role: 'owner', tenant: { slug: 'acme-shop' } });
    // The platform admin acts inside a tenant by naming it.
    const stores = await rt.app.inject({ method: 'GET', url: '/api/v1/stores', headers: { ...h, 'x-tenant': 'demo' } });
    expect(stores.statusCode).toBe(200);
    expect(stores.json().items[0].name).toBe('Demo Store');
  });
});
