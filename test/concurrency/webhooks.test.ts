// Webhooks survive a crash: real app processes deliver to a real local
// receiver, one is killed with SIGKILL while deliveries are in flight, and
// started again. Every event is delivered at least once and none is lost (the
// distinct Quan-Event-Id the receiver saw = the events produced). On PGlite
// one process on a data directory; with TEST_DATABASE_URL two processes on one
// PostgreSQL, the survivor delivering meanwhile and never together with the
// other (SKIP LOCKED + lease).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, uniqueName, usingPostgres } from '../helpers/runtime.ts';
import { startServer, storeEnv, tempDataDir, type ServerProcess } from '../helpers/server.ts';
import { startReceiver, type Receiver } from '../helpers/webhook-receiver.ts';

const schema = uniqueName('qwh');
const dataDir = tempDataDir();
const env = {
  ...storeEnv({ schema, dataDir }),
  ADMIN_PASSWORD: 'admin-pass-123',
  DEMO_PASSWORD: 'demo-pass-123',
  LOG_LEVEL: 'error',
  // A short request timeout keeps the lease (timeout + 5 s) short: a killed process's deliveries are due again soon.
  WEBHOOKS_TIMEOUT_MS: '1000',
  WEBHOOKS_ALLOW_PRIVATE: 'true',
};
const servers: ServerProcess[] = [];
let rx: Receiver;
let token = '';
const EVENTS = 60;

async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  rx = await startReceiver();
  servers.push(await startServer(env));
  if (usingPostgres) servers.push(await startServer(env));
  const login = await fetch(`${servers[0]!.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo-pass-123' }),
  });
  token = ((await login.json()) as { token: string }).token;
}, 300_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await rx?.close();
  await dropPostgresSchema(schema);
});

describe(`webhooks across a kill -9 (${usingPostgres ? 'two processes, PostgreSQL' : 'one process, PGlite'})`, () => {
  it('delivers every event at least once, none lost', async () => {
    const base = servers[0]!.url;
    const ep = await call(base, 'POST', '/webhooks/endpoints', { url: rx.url, eventTypes: ['points.changed'] });
    expect(ep.status).toBe(201);
    const user = await call(base, 'POST', '/users', { mobile: '13811112222' });
    expect(user.status).toBe(201);
    const mine = () =>
      new Set(rx.received.filter((r) => JSON.parse(r.body).data.userId === user.body.id).map((r) => String(r.headers['quan-event-id'])));
    // The receiver is slow: a batch of deliveries is always in flight when the kill comes.
    rx.respond = () => ({ status: 200, delayMs: 400 });
    for (let i = 0; i < EVENTS; i++) {
      const r = await call(servers[i % servers.length]!.url, 'POST', `/users/${user.body.id}/points/credit`, { points: 1 });
      expect(r.status).toBe(201);
    }
    await until('the first deliveries', () => rx.received.length >= 5, 30_000);
    const victim = servers[0]!;
    victim.child.kill('SIGKILL');
    await new Promise<void>((r) =>
      victim.child.exitCode !== null || victim.child.signalCode ? r() : victim.child.once('exit', () => r()),
    );
    const atKill = mine().size;
    expect(atKill).toBeLessThan(EVENTS);
    rx.respond = () => ({ status: 200 });
    servers[0] = await startServer(env);
    await until(`${EVENTS} distinct events at the receiver`, () => mine().size >= EVENTS, 90_000);
    expect(mine().size).toBe(EVENTS);
    // The deliveries log agrees: every one delivered.
    await until(
      'the log to show every delivery delivered',
      async () =>
        (await call(servers[0]!.url, 'GET', `/webhooks/deliveries?endpointId=${ep.body.endpoint.id}&state=delivered&limit=1`)).body
          .total === EVENTS,
      30_000,
    );
    const all = await call(servers[0]!.url, 'GET', `/webhooks/deliveries?endpointId=${ep.body.endpoint.id}&limit=1`);
    expect(all.body.total).toBe(EVENTS);
    // At least once: a request the killed process had sent may arrive twice, never with a different id.
    expect(rx.received.filter((r) => JSON.parse(r.body).data.userId === user.body.id).length).toBeGreaterThanOrEqual(EVENTS);
  }, 240_000);
});
