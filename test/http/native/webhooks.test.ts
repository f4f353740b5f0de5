// Webhooks through the native API: endpoints (secret shown once), bad input
// answered with the field, owner/admin only, another tenant's ids not found;
// and end to end with a real local receiver that fails (500) and recovers: the
// event is delivered and the log shows the 500, then the 200.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { startReceiver, type Receiver } from '../../helpers/webhook-receiver.ts';

let rt: TestRuntime;
let t: TenantFixture;
let other: TenantFixture;
let rx: Receiver;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  other = await makeTenant(rt.services, rt.app);
  rx = await startReceiver();
}, 60_000);
afterAll(async () => {
  await rx?.close();
  await rt?.close();
});

async function call(method: string, url: string, payload?: unknown, who: TenantFixture | { auth: Record<string, string> } = t) {
  const r = await rt.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: who.auth, payload: payload as object });
  return { status: r.statusCode, body: r.body ? r.json() : null };
}

describe('webhook endpoints', () => {
  it('creates an endpoint and shows its secret once', async () => {
    const c = await call('POST', '/webhooks/endpoints', { url: rx.url, description: 'ERP', eventTypes: ['order.paid', 'coupon.issued'] });
    expect(c.status).toBe(201);
    expect(c.body.secret).toMatch(/^whsec_[\w-]{32}$/);
    expect(c.body.endpoint).toMatchObject({ url: rx.url, description: 'ERP', eventTypes: ['order.paid', 'coupon.issued'], enabled: true });
    expect(c.body.secret.startsWith(c.body.endpoint.secretPrefix)).toBe(true);
    const list = await call('GET', '/webhooks/endpoints');
    expect(list.body.items.map((e: { id: number }) => e.id)).toContain(c.body.endpoint.id);
    expect(JSON.stringify(list.body)).not.toContain(c.body.secret);
    const one = await call('GET', `/webhooks/endpoints/${c.body.endpoint.id}`);
    expect(one.body).not.toHaveProperty('secret');
    const rotated = await call('POST', `/webhooks/endpoints/${c.body.endpoint.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(c.body.secret);
  });

  it('refuses bad input with a clear problem naming the field', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ url: 'ftp://example.com/hook' }, /http or https/],
      [{ url: 'not a url' }, /absolute http\(s\) URL/],
      [{ url: 'https://user:pw@example.com/' }, /user name or password/],
      [{ url: rx.url, eventTypes: ['coupon.exploded'] }, /eventTypes/],
      [{}, /url/],
    ];
    for (const [payload, detail] of cases) {
      const r = await call('POST', '/webhooks/endpoints', payload);
      expect(r.status, JSON.stringify(payload)).toBe(400);
      expect(r.body.code).toBe('invalid_input');
      expect(JSON.stringify(r.body)).toMatch(detail);
    }
    const bad = await call('GET', '/webhooks/deliveries?state=lost');
    expect(bad.status).toBe(400);
  });

  it('is for owners and admins only', async () => {
    const op = await rt.services.staff.create(
      t.tenantId,
      { username: `op${process.pid}wh`, password: 'pass-word-123', role: 'operator', storeIds: [] },
      null as never,
    );
    if (!op.ok) throw new Error(op.error.message);
    const login = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: `op${process.pid}wh`, password: 'pass-word-123' },
    });
    const auth = { authorization: `Bearer ${login.json().token}` };
    expect((await call('GET', '/webhooks/endpoints', undefined, { auth })).status).toBe(403);
    expect((await call('POST', '/webhooks/endpoints', { url: rx.url }, { auth })).status).toBe(403);
    expect((await call('GET', '/webhooks/endpoints', undefined, { auth: {} })).status).toBe(401);
  });

  it("answers another tenant's endpoint and delivery ids with not found", async () => {
    const mine = (await call('POST', '/webhooks/endpoints', { url: rx.url })).body.endpoint;
    const sent = await call('POST', `/webhooks/endpoints/${mine.id}/test`);
    expect(sent.status).toBe(200);
    for (const [m, u, body] of [
      ['GET', `/webhooks/endpoints/${mine.id}`],
      ['PATCH', `/webhooks/endpoints/${mine.id}`, { enabled: false }],
      ['DELETE', `/webhooks/endpoints/${mine.id}`],
      ['POST', `/webhooks/endpoints/${mine.id}/rotate-secret`],
      ['POST', `/webhooks/endpoints/${mine.id}/test`],
      ['GET', `/webhooks/deliveries/${sent.body.id}`],
      ['POST', `/webhooks/deliveries/${sent.body.id}/redeliver`],
    ] as Array<[string, string, unknown?]>) {
      const r = await call(m, u, body, other);
      expect(r.status, `${m} ${u}`).toBe(404);
      expect(r.body.code).toBe('not_found');
    }
    expect((await call('GET', '/webhooks/deliveries', undefined, other)).body).toEqual({ items: [], total: 0 });
    expect((await call('GET', `/webhooks/endpoints/${mine.id}`)).body.enabled).toBe(true);
  });

  it('disables, re-enables and deletes an endpoint', async () => {
    const ep = (await call('POST', '/webhooks/endpoints', { url: rx.url })).body.endpoint;
    const off = await call('PATCH', `/webhooks/endpoints/${ep.id}`, { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, disabledReason: 'disabled by staff' });
    const on = await call('PATCH', `/webhooks/endpoints/${ep.id}`, { enabled: true, eventTypes: ['points.changed'] });
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null, eventTypes: ['points.changed'] });
    const sent = (await call('POST', `/webhooks/endpoints/${ep.id}/test`)).body;
    expect((await call('DELETE', `/webhooks/endpoints/${ep.id}`)).status).toBe(204);
    // Its log stays; nothing is sent to it any more, not even on request.
    expect((await call('GET', `/webhooks/deliveries/${sent.id}`)).status).toBe(200);
    expect((await call('POST', `/webhooks/deliveries/${sent.id}/redeliver`)).status).toBe(404);
    expect((await call('POST', `/webhooks/endpoints/${ep.id}/test`)).status).toBe(404);
    expect((await call('GET', `/webhooks/endpoints/${ep.id}`)).status).toBe(404);
    expect((await call('DELETE', `/webhooks/endpoints/${ep.id}`)).status).toBe(404);
  });
});

describe('webhooks end to end', () => {
  it('delivers to a receiver that fails with 500 and then recovers; the log shows the 500, then the 200', async () => {
    const e2e = await makeTenant(rt.services, rt.app);
    const ep = (await call('POST', '/webhooks/endpoints', { url: rx.url, eventTypes: ['points.changed'] }, e2e)).body.endpoint;
    const u = await makeUser(rt.services, e2e.tenantId);
    rx.respond = () => ({ status: 500, body: 'database on fire' });
    const credit = await call('POST', `/users/${u.id}/points/credit`, { points: 25, remark: 'welcome' }, e2e);
    expect(credit.status).toBe(201);
    const now = new Date();
    await rt.services.events.tick(now);
    let log = await call('GET', `/webhooks/deliveries?endpointId=${ep.id}`, undefined, e2e);
    expect(log.body.total).toBe(1);
    expect(log.body.items[0]).toMatchObject({ eventType: 'points.changed', state: 'pending', attempts: 1, lastStatus: 500 });
    rx.respond = () => ({ status: 200 });
    // Not yet due: the receiver hears nothing more until the backoff has passed.
    await rt.services.events.tick(new Date(now.getTime() + 10_000));
    expect(rx.received.filter((r) => r.headers['quan-event-id'] === log.body.items[0].eventId)).toHaveLength(1);
    await rt.services.events.tick(new Date(now.getTime() + 30_000));
    log = await call('GET', `/webhooks/deliveries?endpointId=${ep.id}&state=delivered`, undefined, e2e);
    expect(log.body.items[0]).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 200, lastError: null });
    const one = await call('GET', `/webhooks/deliveries/${log.body.items[0].id}`, undefined, e2e);
    expect(one.body.attemptLog.map((a: { status: number }) => a.status)).toEqual([500, 200]);
    expect(one.body.attemptLog[0].responseExcerpt).toBe('database on fire');
    const bodies = rx.received.filter((r) => r.headers['quan-event-id'] === log.body.items[0].eventId).map((r) => JSON.parse(r.body));
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[0]).toMatchObject({ type: 'points.changed', data: { userId: u.id, delta: 25, balance: 25 } });
    // Redelivering on request sends the same event (same id) once more.
    const again = await call('POST', `/webhooks/deliveries/${log.body.items[0].id}/redeliver`, undefined, e2e);
    expect(again.body).toMatchObject({ state: 'delivered', attempts: 3 });
    // The recent events list shows it too.
    const events = await call('GET', '/webhooks/events?type=points.changed', undefined, e2e);
    expect(events.body.items[0]).toMatchObject({ id: log.body.items[0].eventId, data: { userId: u.id } });
  });
});
