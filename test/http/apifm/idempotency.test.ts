// apifm honours Idempotency-Key (header) and requestId / idempotencyKey
// (parameters) on every call that moves money, points, stock or coupons: the
// routes declared `moves: true` (src/http/apifm/kit.ts route(), listed by
// apifmRouteTable()). Generated from the route table: every route is called
// with a real sample (route-samples.ts) and the tenant's value snapshot
// (state-snapshot.ts) compared before and after:
//   - a route that moved anything must be declared moving;
//   - a moving route, called twice with one key, moves once and answers the
//     second call with the first reply, marked idempotent-replayed.
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIFM_ROUTES, type ApifmApp } from '../../../src/http/apifm/index.ts';
import { apifmRouteTable } from '../../../src/http/apifm/idempotency.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeFixture, newConsumer, SAMPLES, type Client, type Fixture, type Reply } from './route-samples.ts';
import { changedIn, valueSnapshot } from './state-snapshot.ts';

let rt: TestRuntime;
let t: TenantFixture;
let f: Fixture;
let client: Client;

const reply = (r: Awaited<ReturnType<TestRuntime['app']['inject']>>): Reply => ({
  status: r.statusCode,
  headers: r.headers as Reply['headers'],
  body: r.body && /json/.test(String(r.headers['content-type'])) ? r.json() : r.body,
});

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  client = {
    native: async (method, path, body) =>
      reply(
        await rt.app.inject({ method, url: `/api/v1${path}`, headers: t.auth, ...(body === undefined ? {} : { payload: body as object }) }),
      ),
    apifm: async (path, params, headers = {}) =>
      reply(
        await rt.app.inject({
          method: 'POST',
          url: `/${t.slug}${path}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          payload: new URLSearchParams(params).toString(),
        }),
      ),
  };
  f = await makeFixture(client);
}, 120_000);
afterAll(async () => rt?.close());

const snapshot = () => valueSnapshot(rt.db, t.tenantId);
/** The route table, read by declaring every apifm route file on a bare app (the tests are generated from it at collection). */
async function routeTable() {
  const probe = Fastify();
  for (const routes of APIFM_ROUTES) await probe.register(async (app) => routes(app as unknown as ApifmApp));
  await probe.ready();
  await probe.close();
  return apifmRouteTable();
}
const ROUTES = await routeTable();

describe('the apifm route table', () => {
  it('every declared route has a sample call, and every sample a route', () => {
    expect(ROUTES.length).toBeGreaterThan(80);
    expect(ROUTES.map((r) => r.url).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it('the moving routes include the ones the issue names', () => {
    const moving = ROUTES.filter((r) => r.moves).map((r) => r.url);
    for (const u of [
      '/order/create',
      '/order/pay',
      '/order/close',
      '/discounts/fetch',
      '/discounts/exchange',
      '/score/sign',
      '/score/exchange',
      '/payBill/pay',
    ])
      expect(moving).toContain(u);
  });
});

describe('generated from the route table: state moves only on declared routes, and there once per key', () => {
  const tally = { moving: 0, still: 0, calls: 0, http5xx: 0 };
  afterAll(() => {
    console.log(`apifm idempotency: ${tally.moving} moving routes, ${tally.still} others, ${tally.calls} calls, ${tally.http5xx} HTTP 5xx`);
  });

  it.each(ROUTES.map((r) => [r.url, r] as const))('%s', async (url, route) => {
    const prepared = await SAMPLES[url]!(f);
    const before = await snapshot();
    if (!route.moves) {
      const r = await client.apifm(url, prepared.params);
      tally.still++;
      tally.calls++;
      if (r.status >= 500) tally.http5xx++;
      expect(r.status).toBeLessThan(500);
      expect(changedIn(before, await snapshot()), `${url} moved value but is not declared moves: true`).toEqual([]);
      return;
    }
    tally.moving++;
    const key = { 'idempotency-key': `k:${url}` };
    const first = await client.apifm(url, prepared.params, key);
    const moved = await snapshot();
    const second = await client.apifm(url, prepared.params, key);
    tally.calls += 2;
    if (first.status >= 500 || second.status >= 500) tally.http5xx++;
    expect(first.status).toBe(200);
    expect(first.body.code, `${url}: ${JSON.stringify(first.body)}`).toBe(0);
    expect(changedIn(before, moved), `the sample of ${url} should move something`).not.toEqual([]);
    expect(second.body).toStrictEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(changedIn(moved, await snapshot()), `${url} moved again on a replay`).toEqual([]);
  });
});

describe('the key as a parameter, a reused key, another consumer', () => {
  const orders = async (token: string) =>
    ((await client.apifm('/order/list', { token, pageSize: '50' })).body.data?.orderList ?? []).length as number;
  const goodsJsonStr = () => JSON.stringify([{ goodsId: f.goodsId, number: 1 }]);

  it('without a key every call acts (the control): two calls, two orders', async () => {
    const u = await newConsumer(client);
    await client.apifm('/order/create', { token: u.token, goodsJsonStr: goodsJsonStr() });
    await client.apifm('/order/create', { token: u.token, goodsJsonStr: goodsJsonStr() });
    expect(await orders(u.token)).toBe(2);
  });

  it.each(['requestId', 'idempotencyKey'])('%s as a parameter: order/create and discounts/fetch act once', async (name) => {
    const u = await newConsumer(client);
    const a = await client.apifm('/order/create', { token: u.token, goodsJsonStr: goodsJsonStr(), [name]: 'one' });
    const b = await client.apifm('/order/create', { token: u.token, goodsJsonStr: goodsJsonStr(), [name]: 'one' });
    expect(b.body).toStrictEqual(a.body);
    expect(await orders(u.token)).toBe(1);
    const c1 = await client.apifm('/discounts/fetch', { token: u.token, id: String(f.tplFree), [name]: 'two' });
    const c2 = await client.apifm('/discounts/fetch', { token: u.token, id: String(f.tplFree), [name]: 'two' });
    expect(c2.body).toStrictEqual(c1.body);
    expect((await client.apifm('/discounts/my', { token: u.token, status: '0' })).body.data).toHaveLength(1);
  });

  it('the same key with other parameters is refused (601) and moves nothing; a new token of the same consumer replays', async () => {
    const u = await newConsumer(client);
    const first = await client.apifm('/order/create', { token: u.token, goodsJsonStr: goodsJsonStr() }, { 'idempotency-key': 'reused' });
    expect(first.body.code).toBe(0);
    const before = await snapshot();
    const other = await client.apifm(
      '/order/create',
      { token: u.token, goodsJsonStr: JSON.stringify([{ goodsId: f.goodsId, number: 2 }]) },
      { 'idempotency-key': 'reused' },
    );
    expect(other.body).toMatchObject({ code: 601, msg: expect.stringContaining('different request') });
    expect(changedIn(before, await snapshot())).toEqual([]);
    const again = await client.apifm('/user/m/login', { mobile: u.mobile, pwd: 'shop-pass-1' });
    const replay = await client.apifm(
      '/order/create',
      { token: again.body.data.token, goodsJsonStr: goodsJsonStr() },
      { 'idempotency-key': 'reused' },
    );
    expect(replay.body).toStrictEqual(first.body);
    expect(await orders(u.token)).toBe(1);
  });

  it("another consumer's key is its own; a key over 200 characters is 601 and moves nothing", async () => {
    const u = await newConsumer(client);
    const v = await newConsumer(client);
    const a = await client.apifm('/order/create', { token: u.token, goodsJsonStr: goodsJsonStr() }, { 'idempotency-key': 'shared' });
    const b = await client.apifm('/order/create', { token: v.token, goodsJsonStr: goodsJsonStr() }, { 'idempotency-key': 'shared' });
    expect(a.body.code).toBe(0);
    expect(b.body.code).toBe(0);
    expect(b.body.data.id).not.toBe(a.body.data.id);
    const before = await snapshot();
    const long = await client.apifm('/order/create', { token: u.token, goodsJsonStr: goodsJsonStr(), requestId: 'x'.repeat(201) });
    expect(long.body).toMatchObject({ code: 601 });
    expect(changedIn(before, await snapshot())).toEqual([]);
  });

  it('a refusal is replayed too, and the call does not run again', async () => {
    const u = await newConsumer(client);
    const key = { 'idempotency-key': 'short' };
    const poor = await client.apifm('/payBill/pay', { token: u.token, money: '20' }, key);
    expect(poor.body.code).not.toBe(0);
    await client.native('POST', `/users/${u.uid}/wallet/credit`, { amount: '100.00' });
    const again = await client.apifm('/payBill/pay', { token: u.token, money: '20' }, key);
    expect(again.body).toStrictEqual(poor.body);
    expect((await client.apifm('/user/amount', { token: u.token })).body.data.balance).toBe(100);
  });
});
