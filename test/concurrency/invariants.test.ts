// The invariants under real concurrent requests against real server processes:
// no oversell, per-user limit, redeem once, rollback once, idempotent retries.
// On PGlite one process; with TEST_DATABASE_URL also two processes sharing
// the same PostgreSQL (and Redis when TEST_REDIS_URL is set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, uniqueName, usingPostgres } from '../helpers/runtime.ts';
import { startServer, storeEnv, type ServerProcess } from '../helpers/server.ts';

const schema = uniqueName('qc');
const servers: ServerProcess[] = [];
let token = '';
let storeId = 0;

async function call(base: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Runs fn over items with at most `n` in flight. */
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

let users: number[] = [];
const url = (i = 0) => servers[i % servers.length]!.url;

beforeAll(async () => {
  const env = { ...storeEnv({ schema }), ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123', LOG_LEVEL: 'error' };
  servers.push(await startServer(env));
  if (usingPostgres) servers.push(await startServer(env)); // a second process on the same database
  const login = await fetch(`${url()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'demo', password: 'demo-pass-123' }),
  });
  token = ((await login.json()) as { token: string }).token;
  storeId = (await call(url(), 'GET', '/stores')).body.items[0].id;
  const created = await pool(
    Array.from({ length: 2000 }, (_, i) => i),
    50,
    (i) => call(url(i), 'POST', '/users', { mobile: `1370${String(i).padStart(7, '0')}` }),
  );
  users = created.map((r) => r.body.id);
  expect(users.every((id) => id > 0)).toBe(true);
}, 300_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await dropPostgresSchema(schema);
});

async function template(fields: Record<string, unknown>) {
  const r = await call(url(), 'POST', '/coupon-templates', {
    name: 'flash',
    discount: { type: 'amount', amount: '5.00' },
    validity: { type: 'relative', days: 3 },
    activate: true,
    ...fields,
  });
  expect(r.status).toBe(201);
  return r.body.id as number;
}

describe(`invariants under concurrency (${usingPostgres ? 'PostgreSQL, 2 processes' : 'PGlite'})`, () => {
  it('2000 concurrent claims from 2000 users on stock 100 issue exactly 100', async () => {
    const id = await template({ stock: 100, perUserLimit: 1 });
    const rs = await Promise.all(users.map((u, i) => call(url(i), 'POST', `/coupon-templates/${id}/claims`, { userId: u })));
    const t = tally(rs);
    expect(t).toEqual({ '201': 100, '409:sold_out': 1900 });
    const codes = new Set(rs.filter((r) => r.status === 201).map((r) => r.body.code));
    expect(codes.size).toBe(100);
    const stats = await call(url(), 'GET', `/coupon-templates/${id}/stats`);
    expect(stats.body).toMatchObject({ issued: 100, left: 0, claimedByChannel: { claim: 100 } });
    const listed = await call(url(), 'GET', `/coupons?templateId=${id}&limit=1`);
    expect(listed.body.total).toBe(100);
  });

  it('one user, 50 concurrent claims, per-user limit 1: exactly 1', async () => {
    const id = await template({ stock: 1000, perUserLimit: 1 });
    const u = users[0]!;
    const rs = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call(url(i), 'POST', `/coupon-templates/${id}/claims`, { userId: u })),
    );
    expect(tally(rs)).toEqual({ '201': 1, '409:per_user_limit': 49 });
    expect((await call(url(), 'GET', `/coupons?templateId=${id}&ownerId=${u}`)).body.total).toBe(1);
  });

  it('500 concurrent write-offs of one coupon: exactly 1; two rollbacks: usable once', async () => {
    const id = await template({ stock: 10 });
    const c = await call(url(), 'POST', `/coupon-templates/${id}/claims`, { userId: users[1] });
    const code = c.body.code;
    const rs = await Promise.all(Array.from({ length: 500 }, (_, i) => call(url(i), 'POST', `/coupons/${code}/write-off`, { storeId })));
    expect(tally(rs)).toEqual({ '201': 1, '409:coupon_used': 499 });
    const redemptionId = rs.find((r) => r.status === 201)!.body.id;
    const rb = await Promise.all([0, 1].map((i) => call(url(i), 'POST', `/redemptions/${redemptionId}/rollback`, {})));
    expect(tally(rb)).toEqual({ '200': 1, '409:already_rolled_back': 1 });
    const after = await call(url(), 'GET', `/coupons/${code}`);
    expect(after.body.coupon.status).toBe('usable');
    expect(after.body.history.map((e: { kind: string }) => e.kind)).toEqual(['issued', 'written_off', 'rolled_back']);
  });

  it('500 concurrent order redemptions of one coupon: exactly 1', async () => {
    const id = await template({ stock: 10, minSpend: '0.00' });
    const u = users[2]!;
    const code = (await call(url(), 'POST', `/coupon-templates/${id}/claims`, { userId: u })).body.code;
    const rs = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        call(url(i), 'POST', '/redemptions', {
          userId: u,
          items: [{ price: '20.00', quantity: 1 }],
          couponCodes: [code],
          orderRef: `O-${i}`,
        }),
      ),
    );
    const t = tally(rs);
    expect(t['201']).toBe(1);
    // The losers see the coupon already used, whether they read before or after the winner committed.
    expect((t['409:coupon_used'] ?? 0) + (t['422:coupon_not_eligible'] ?? 0)).toBe(499);
  });

  it('concurrent retries with one Idempotency-Key issue one coupon and answer alike', async () => {
    const id = await template({ stock: 50 });
    const u = users[3]!;
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(url(i), 'POST', `/coupon-templates/${id}/claims`, { userId: u }, { 'idempotency-key': 'same-key-1' }),
      ),
    );
    const ok = rs.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    expect(new Set(ok.map((r) => r.body.code)).size).toBe(1);
    expect(rs.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'conflict'))).toBe(true);
    const later = await call(url(), 'POST', `/coupon-templates/${id}/claims`, { userId: u }, { 'idempotency-key': 'same-key-1' });
    expect(later.body.code).toBe(ok[0]!.body.code);
    expect((await call(url(), 'GET', `/coupon-templates/${id}`)).body.issued).toBe(1);
  });
});
