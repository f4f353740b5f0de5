// Native consumers: `source` (the channel a user came from) is set on create
// and read back, and checked for shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
}, 60_000);
afterAll(async () => rt?.close());

describe('users: source', () => {
  it('is stored on create and shown by create, read and list', async () => {
    const c = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: t.auth,
      payload: { mobile: '13700000001', source: 'iOS' },
    });
    expect(c.statusCode).toBe(201);
    expect(c.json()).toMatchObject({ mobile: '13700000001', source: 'iOS' });
    const r = await rt.app.inject({ method: 'GET', url: `/api/v1/users/${c.json().id}`, headers: t.auth });
    expect(r.json()).toMatchObject({ id: c.json().id, source: 'iOS' });
    const l = await rt.app.inject({ method: 'GET', url: '/api/v1/users?mobile=13700000001', headers: t.auth });
    expect(l.json().items[0]).toMatchObject({ source: 'iOS' });
  });

  it('is null when not given, and refused when malformed', async () => {
    const c = await rt.app.inject({ method: 'POST', url: '/api/v1/users', headers: t.auth, payload: { mobile: '13700000002' } });
    expect(c.json()).toMatchObject({ source: null });
    const bad = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: t.auth,
      payload: { mobile: '13700000003', source: 'not a source!' },
    });
    expect(bad.statusCode).toBe(400);
  });
});
