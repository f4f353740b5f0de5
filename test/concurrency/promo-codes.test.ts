// A promo code's limits under real concurrent redemptions against real server
// processes: the code is added and approved through the portal dialect, then
// redeemed at once by many orders through the native API. On PGlite one
// process; with TEST_DATABASE_URL two processes sharing one PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, uniqueName, usingPostgres } from '../helpers/runtime.ts';
import { startServer, storeEnv, type ServerProcess } from '../helpers/server.ts';

const schema = uniqueName('qp');
const servers: ServerProcess[] = [];
let token = '';
let auth = '';
let users: number[] = [];
let orderNo = 0;
const url = (i = 0) => servers[i % servers.length]!.url;

async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function portal(base: string, method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/portal/gateway`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ method, auth, ...params }),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function pool<T, R>(items: T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const tally = (rs: { status: number; body: { code?: string } | null }[]) => {
  const t: Record<string, number> = {};
  for (const r of rs) {
    const k = r.status < 300 ? String(r.status) : `${r.status}:${r.body?.code}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
};

/** Adds a promo code through the portal, approves it there, returns its native id. */
async function approvedCode(code: string, limits: { limit_times?: number; user_use_limit?: number }) {
  const add = await portal(url(), 'portal.couponCode.add', {
    name: `concurrent ${code}`,
    code,
    limit_date_from: '2020-01-01 00:00:00',
    limit_date_to: '2099-01-01 00:00:00',
    promotion_info: { type: 'amount_off', condition: { amount_at_least: 50 }, action: { amount_off: 5 } },
    ...limits,
  });
  expect(add).toEqual({ code: 20001, message: '保存成功!' });
  const list = (await portal(url(), 'portal.couponCode.getList', { name: `concurrent ${code}` })) as unknown as { list: { id: number }[] };
  const id = list.list[0]!.id;
  expect(await portal(url(), 'portal.couponCode.setState', { id, state: 1 })).toEqual({ code: 20001, message: '设置成功!' });
  return id;
}

const redeem = (i: number, userId: number, code: string) =>
  call(url(i), 'POST', '/redemptions', {
    userId,
    items: [{ price: '100.00', quantity: 1 }],
    promoCodes: [code],
    orderRef: `PC-${++orderNo}`,
  });

beforeAll(async () => {
  const env = { ...storeEnv({ schema }), ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123', LOG_LEVEL: 'error' };
  servers.push(await startServer(env));
  if (usingPostgres) servers.push(await startServer(env));
  const login = await fetch(`${url()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo-pass-123' }),
  });
  token = ((await login.json()) as { token: string }).token;
  const p = await fetch(`${url()}/portal/gateway`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'method=portal.system.login&user=demo&password=demo-pass-123',
  });
  auth = ((await p.json()) as { data: { auth: string } }).data.auth;
  const created = await pool(
    Array.from({ length: 300 }, (_, i) => i),
    30,
    (i) => call(url(i), 'POST', '/users', { mobile: `1360${String(i).padStart(7, '0')}` }),
  );
  users = created.map((r) => r.body.id);
  expect(users.every((id) => id > 0)).toBe(true);
}, 300_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await dropPostgresSchema(schema);
});

describe(`promo-code limits under concurrency (${usingPostgres ? 'PostgreSQL, 2 processes' : 'PGlite'})`, () => {
  it('300 concurrent orders from 300 users on limit_times 25: exactly 25 redeem', async () => {
    const id = await approvedCode('TOTAL25', { limit_times: 25 });
    const rs = await Promise.all(users.map((u, i) => redeem(i, u, 'TOTAL25')));
    expect(tally(rs)).toEqual({ '201': 25, '409:sold_out': 275 });
    expect((await call(url(), 'GET', `/promo-codes/${id}`)).body).toMatchObject({ usedTimes: 25, limitTimes: 25 });
    const ok = rs.filter((r) => r.status === 201);
    expect(ok.every((r) => r.body.discountTotal === '5.00')).toBe(true);
  });

  it('one user, 60 concurrent orders, user_use_limit 3: exactly 3 redeem', async () => {
    const id = await approvedCode('PERUSER3', { user_use_limit: 3, limit_times: 1000 });
    const u = users[0]!;
    const rs = await Promise.all(Array.from({ length: 60 }, (_, i) => redeem(i, u, 'PERUSER3')));
    expect(tally(rs)).toEqual({ '201': 3, '409:per_user_limit': 57 });
    expect((await call(url(), 'GET', `/promo-codes/${id}`)).body.usedTimes).toBe(3);
  });

  it('both limits at once: 20 users × 6 concurrent orders on limit_times 15 and user_use_limit 2', async () => {
    const id = await approvedCode('BOTH15X2', { user_use_limit: 2, limit_times: 15 });
    const who = users.slice(10, 30);
    const jobs = who.flatMap((u) => Array.from({ length: 6 }, () => u));
    const rs = await Promise.all(jobs.map((u, i) => redeem(i, u, 'BOTH15X2').then((r) => ({ ...r, u }))));
    const ok = rs.filter((r) => r.status === 201);
    expect(ok.length).toBe(15);
    const perUser = new Map<number, number>();
    for (const r of ok) perUser.set(r.u, (perUser.get(r.u) ?? 0) + 1);
    expect(Math.max(...perUser.values())).toBeLessThanOrEqual(2);
    expect(rs.filter((r) => r.status !== 201).every((r) => r.status === 409 && ['sold_out', 'per_user_limit'].includes(r.body.code))).toBe(
      true,
    );
    expect((await call(url(), 'GET', `/promo-codes/${id}`)).body.usedTimes).toBe(15);
    // A rollback gives exactly one use back.
    const back = await Promise.all([0, 1].map((i) => call(url(i), 'POST', `/redemptions/${ok[0]!.body.id}/rollback`, {})));
    expect(tally(back)).toEqual({ '200': 1, '409:already_rolled_back': 1 });
    expect((await call(url(), 'GET', `/promo-codes/${id}`)).body.usedTimes).toBe(14);
    const again = await Promise.all(users.slice(40, 50).map((u, i) => redeem(i, u, 'BOTH15X2')));
    expect(tally(again)).toEqual({ '201': 1, '409:sold_out': 9 });
  });
});
