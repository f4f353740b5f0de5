// Concurrent duplicates on real server processes (two on one PostgreSQL when
// TEST_DATABASE_URL is set, the calls spread over both): for every apifm
// route declared moving (generated from the route table), N parallel calls
// with one Idempotency-Key move exactly as much as one call does, and all N
// get the same reply; a later retry with the key gets it too.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIFM_ROUTES, type ApifmApp } from '../../../src/http/apifm/index.ts';
import { apifmRouteTable } from '../../../src/http/apifm/idempotency.ts';
import { dropPostgresSchema, uniqueName, usingPostgres } from '../../helpers/runtime.ts';
import { startServer, storeEnv, type ServerProcess } from '../../helpers/server.ts';
import { holdings, makeFixture, SAMPLES, type Client, type Fixture, type Prepared, type Reply } from './route-samples.ts';

const N = 8;
const schema = uniqueName('qi');
const servers: ServerProcess[] = [];
let token = '';
let f: Fixture;

async function routeTable() {
  const probe = Fastify();
  for (const routes of APIFM_ROUTES) await probe.register(async (app) => routes(app as unknown as ApifmApp));
  await probe.ready();
  await probe.close();
  return apifmRouteTable().filter((r) => r.moves);
}
const MOVING = await routeTable();

async function asReply(res: Response): Promise<Reply> {
  const text = await res.text();
  const headers = Object.fromEntries(res.headers.entries());
  return { status: res.status, headers, body: /json/.test(headers['content-type'] ?? '') && text ? JSON.parse(text) : text };
}

/** The public APIs on server i (of however many run). */
const clientOn = (i: number): Client => ({
  native: async (method, path, body) =>
    asReply(
      await fetch(`${servers[i % servers.length]!.url}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    ),
  apifm: async (path, params, headers = {}) =>
    asReply(
      await fetch(`${servers[i % servers.length]!.url}/demo${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: new URLSearchParams(params).toString(),
      }),
    ),
});

const both = async (p: Prepared) => ({ actor: await holdings(clientOn(0), p.actor), peer: await holdings(clientOn(0), p.peer) });
const tally = { routes: 0, calls: 0, http5xx: 0 };

beforeAll(async () => {
  const env = { ...storeEnv({ schema }), ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123', LOG_LEVEL: 'error' };
  servers.push(await startServer(env));
  if (usingPostgres) servers.push(await startServer(env));
  const login = await fetch(`${servers[0]!.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo-pass-123' }),
  });
  token = ((await login.json()) as { token: string }).token;
  f = await makeFixture(clientOn(0));
}, 300_000);

afterAll(async () => {
  console.log(`apifm concurrent duplicates: ${tally.routes} moving routes, ${tally.calls} calls, ${tally.http5xx} HTTP 5xx`);
  for (const s of servers) await s.stop();
  await dropPostgresSchema(schema);
});

describe(`concurrent duplicates with one key (${usingPostgres ? 'PostgreSQL, 2 processes' : 'PGlite, 1 process'})`, () => {
  it('the route table has moving routes', () => expect(MOVING.length).toBeGreaterThanOrEqual(15));

  it.each(MOVING.map((r) => [r.url] as const))(`%s: ${N} parallel calls with one key act once`, async (url) => {
    tally.routes++;
    // One call with a key, on a fresh setup: what one effect looks like.
    const once = await SAMPLES[url]!(f);
    const onceBefore = await both(once);
    const single = await clientOn(0).apifm(url, once.params, { 'idempotency-key': `one:${url}` });
    expect(single.body.code, JSON.stringify(single.body)).toBe(0);
    const onceAfter = await both(once);

    // The same setup again, and N identical requests at once, spread over the processes.
    const dup = await SAMPLES[url]!(f);
    expect(await both(dup)).toStrictEqual(onceBefore);
    const key = { 'idempotency-key': `dup:${url}` };
    const rs = await Promise.all(Array.from({ length: N }, (_, i) => clientOn(i).apifm(url, dup.params, key)));
    const retry = await clientOn(1).apifm(url, dup.params, key);
    tally.calls += N + 2;
    tally.http5xx += [single, retry, ...rs].filter((r) => r.status >= 500).length;
    expect(rs.map((r) => r.status)).toEqual(Array(N).fill(200));
    expect(rs[0]!.body.code, JSON.stringify(rs[0]!.body)).toBe(0);
    for (const r of rs) expect(r.body).toStrictEqual(rs[0]!.body);
    expect(retry.body).toStrictEqual(rs[0]!.body);
    expect(rs.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(N - 1);
    expect(await both(dup)).toStrictEqual(onceAfter);
  });
});
