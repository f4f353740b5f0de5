// Orders under real concurrent requests against real server processes (two
// processes on one PostgreSQL when TEST_DATABASE_URL is set): stock is never
// oversold, a coupon pays for one order only, and paying and closing the same
// order race to exactly one winner with money, stock and coupon consistent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, uniqueName, usingPostgres } from '../helpers/runtime.ts';
import { startServer, storeEnv, type ServerProcess } from '../helpers/server.ts';

const schema = uniqueName('qo');
const servers: ServerProcess[] = [];
let staffToken = '';
const url = (i = 0) => servers[i % servers.length]!.url;

async function native(method: string, path: string, body?: unknown) {
  const res = await fetch(`${url()}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${staffToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function apifm(i: number, path: string, params: Record<string, string | number>) {
  const res = await fetch(`${url(i)}/demo${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))).toString(),
  });
  return (await res.json()) as { code: number; msg: string; data?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Runs fn over items with at most `n` in flight. */
async function pool<T, R>(items: T[], n: number, fn: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

const tally = (rs: { code: number }[]) => {
  const t: Record<string, number> = {};
  for (const r of rs) t[r.code] = (t[r.code] ?? 0) + 1;
  return t;
};

let shoppers: { uid: number; token: string }[] = [];

beforeAll(async () => {
  const env = { ...storeEnv({ schema }), ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123', LOG_LEVEL: 'error' };
  servers.push(await startServer(env));
  if (usingPostgres) servers.push(await startServer(env));
  const login = await fetch(`${url()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo-pass-123' }),
  });
  staffToken = ((await login.json()) as { token: string }).token;
  shoppers = await pool(
    Array.from({ length: 120 }, (_, i) => i),
    20,
    async (i) => {
      const mobile = `1361${String(i).padStart(7, '0')}`;
      const u = await native('POST', '/users', { mobile, password: 'shop-pass-1' });
      expect(u.status).toBe(201);
      const l = await apifm(i, '/user/m/login', { mobile, pwd: 'shop-pass-1' });
      expect(l.code).toBe(0);
      return { uid: u.body.id as number, token: l.data.token as string };
    },
  );
}, 300_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await dropPostgresSchema(schema);
});

describe(`orders under concurrency (${usingPostgres ? 'PostgreSQL, 2 processes' : 'PGlite'})`, () => {
  it('120 shoppers ordering 1 each of stock 25 (a SKU): exactly 25 orders, stock 0, never below', async () => {
    const g = await native('POST', '/goods', {
      name: 'Flash',
      price: '9.90',
      stock: 0,
      skus: [{ propertyChildIds: '1:1', price: '9.90', stock: 25 }],
    });
    expect(g.status).toBe(201);
    const goodsJsonStr = JSON.stringify([{ goodsId: g.body.id, number: 1, propertyChildIds: '1:1' }]);
    const rs = await Promise.all(shoppers.map((s, i) => apifm(i, '/order/create', { token: s.token, goodsJsonStr })));
    expect(tally(rs)).toEqual({ 0: 25, 60000: 95 });
    const after = await native('GET', `/goods/${g.body.id}`);
    expect(after.body).toMatchObject({ stock: 0, skus: [{ stock: 0 }] });
    const orders = rs.filter((r) => r.code === 0).map((r) => r.data.id as number);
    expect(new Set(orders).size).toBe(25);

    // Closing them all concurrently (twice each) gives the stock back exactly once.
    const closes = await Promise.all(
      rs.flatMap((r, i) =>
        r.code === 0 ? [0, 1].map((k) => apifm(i + k, '/order/close', { token: shoppers[i]!.token, orderId: r.data.id })) : [],
      ),
    );
    expect(tally(closes)).toEqual({ 0: 25, 20000: 25 });
    expect((await native('GET', `/goods/${g.body.id}`)).body).toMatchObject({ stock: 25, skus: [{ stock: 25 }] });
  });

  it('one shopper, 20 concurrent orders with the same coupon: exactly one gets it, the rest change nothing', async () => {
    const tpl = await native('POST', '/coupon-templates', {
      name: '5 off',
      discount: { type: 'amount', amount: '5.00' },
      minSpend: '0.00',
      validity: { type: 'relative', days: 3 },
      activate: true,
    });
    const s = shoppers[0]!;
    const grant = await native('POST', '/coupons/grant', { templateId: tpl.body.id, userId: s.uid, quantity: 1 });
    expect(grant.status).toBe(201);
    const list = await native('GET', `/coupons?templateId=${tpl.body.id}&ownerId=${s.uid}`);
    const couponId = list.body.items[0].id as number;
    const g = await native('POST', '/goods', { name: 'Cup', price: '20.00', stock: 100 });
    const goodsJsonStr = JSON.stringify([{ goodsId: g.body.id, number: 1 }]);
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => apifm(i, '/order/create', { token: s.token, goodsJsonStr, couponId })),
    );
    expect(tally(rs)).toEqual({ 0: 1, 30000: 19 });
    expect(rs.find((r) => r.code === 0)!.data).toMatchObject({ couponAmount: 5, amountReal: 15 });
    expect((await native('GET', `/goods/${g.body.id}`)).body.stock).toBe(99);
    const live = await native('GET', `/orders?userId=${s.uid}&status=0`);
    expect(live.body.items.filter((o: { couponIds: number[] }) => o.couponIds.includes(couponId))).toHaveLength(1);
  });

  it('paying and closing one order at once: exactly one wins, wallet, stock and coupon agree', async () => {
    const tpl = await native('POST', '/coupon-templates', {
      name: '3 off',
      discount: { type: 'amount', amount: '3.00' },
      minSpend: '0.00',
      validity: { type: 'relative', days: 3 },
      perUserLimit: 100,
      activate: true,
    });
    const g = await native('POST', '/goods', { name: 'Bun', price: '10.00', stock: 1000 });
    const goodsJsonStr = JSON.stringify([{ goodsId: g.body.id, number: 1 }]);
    const s = shoppers[1]!;
    await native('POST', `/users/${s.uid}/wallet/credit`, { amount: '1000.00' });
    let paid = 0;
    let closed = 0;
    for (let round = 0; round < 10; round++) {
      await native('POST', '/coupons/grant', { templateId: tpl.body.id, userId: s.uid, quantity: 1 });
      const mine = await native('GET', `/coupons?templateId=${tpl.body.id}&ownerId=${s.uid}&status=usable`);
      const couponId = mine.body.items[0].id as number;
      const o = await apifm(round, '/order/create', { token: s.token, goodsJsonStr, couponId });
      expect(o.code).toBe(0);
      const [p, c] = await Promise.all([
        apifm(round, '/order/pay', { token: s.token, orderId: o.data.id }),
        apifm(round + 1, '/order/close', { token: s.token, orderId: o.data.id }),
      ]);
      expect([p.code, c.code].filter((x) => x === 0)).toHaveLength(1);
      if (p.code === 0) paid++;
      else closed++;
    }
    const user = await native('GET', `/users/${s.uid}`);
    expect(user.body.walletBalance).toBe((1000 - 7 * paid).toFixed(2));
    expect((await native('GET', `/goods/${g.body.id}`)).body.stock).toBe(1000 - paid);
    const usable = await native('GET', `/coupons?templateId=${tpl.body.id}&ownerId=${s.uid}&status=usable`);
    expect(usable.body.total).toBe(closed);
  });
});
