// `npm run bench`: one bounded run that measures
//   1. a bare Fastify route (the machine's ceiling),
//   2. a flash sale: 20,000 different users claim a template of 10,000 (perUserLimit 1),
//   3. write-off by code,
//   4. pricing: priceCart CPU per quote in-process, and the HTTP quote endpoint,
//   5. a batch of 1,000,000 codes (time until its progress says done),
//   6. checkout through the apifm dialect: order/create with a coupon, then order/pay from the wallet,
// then prints a table and, as the very last line, one JSON object.
//
// The store follows the environment: PGlite in a fresh temp folder by default;
// DATABASE_URL (a fresh schema, dropped at the end) and REDIS_URL (a fresh key
// prefix, deleted at the end) when set. All HTTP traffic goes to 127.0.0.1.
// Exit codes: 0 ok, 1 issued ≠ stock, 2 error, 3 watchdog timeout.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startServer, tempDataDir } from '../test/helpers/server.ts';
import { priceCart, type PricedCoupon } from '../src/contexts/coupons/index.ts';
import type { CartLine, CouponRule, Scope } from '../src/contexts/coupons/index.ts';
import { parseMoney, parseRate } from '../src/kernel/money.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

// ---------------------------------------------------------------- parameters

// BENCH_QUICK=1: a tenth of the flash sale and of the code batch, for a fast look while
// working; its numbers are not the ones to report.
const QUICK = process.env.BENCH_QUICK === '1';
const BARE_CONNECTIONS = 200;
const BARE_SECONDS = QUICK ? 5 : 10;
const USERS = QUICK ? 2_000 : 20_000;
const USER_CONCURRENCY = 100;
const STOCK = QUICK ? 1_000 : 10_000;
const CLAIM_CONNECTIONS = 200;
const WRITE_OFF_HOLDERS = QUICK ? 1 : 5;
const GRANT_PER_CALL = 1_000; // the API's maximum
const WRITE_OFF_CONNECTIONS = 50;
const CART_LINES = 20;
const CART_COUPONS = 50;
const QUOTE_CONNECTIONS = 20;
const QUOTE_SECONDS = 5;
const CODE_BATCH = QUICK ? 100_000 : 1_000_000; // codes generated and stored in one batch
const CHECKOUT_USERS = 20; // concurrent shoppers, one order in flight each
const CHECKOUT_SECONDS = 10;
const CHECKOUT_COUPONS_PER_USER = 1_000; // more than one user can spend in CHECKOUT_SECONDS
const QUOTE_CPU_BUDGET_MS = 2_000; // CPU time spent measuring priceCart
const REQUEST_TIMEOUT_S = 30; // autocannon: a slower answer counts as a timeout
const WATCHDOG_S = Number(process.env.BENCH_TIMEOUT_S || 15 * 60);

const PASSWORDS = { ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123' };

// ---------------------------------------------------------------- processes and cleanup

const children = new Set<ChildProcess>();
const cleanups: (() => Promise<void>)[] = [];

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
function stopChild(child: ChildProcess, graceMs = 15_000): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, 5_000)));
}

async function runCleanups(): Promise<void> {
  while (cleanups.length) {
    const c = cleanups.pop()!;
    try {
      await c();
    } catch (e) {
      console.error(`cleanup failed: ${(e as Error).message}`);
    }
  }
}

let exiting = false;
async function abort(code: number, why: string): Promise<never> {
  if (!exiting) {
    exiting = true;
    console.error(why);
    await stopAll();
    await runCleanups();
  }
  process.exit(code);
}

const watchdog = setTimeout(
  () => void abort(3, `FAIL: the bench did not finish within ${WATCHDOG_S} s (BENCH_TIMEOUT_S); stopped`),
  WATCHDOG_S * 1000,
);
watchdog.unref();
process.once('SIGINT', () => void abort(130, 'interrupted'));
process.once('SIGTERM', () => void abort(143, 'terminated'));

function startBare(timeoutMs = 60_000): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(TSX, ['bench/bare-server.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bare server did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /BARE (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited with ${code}:\n${out}`));
    });
  });
}

// ---------------------------------------------------------------- store selection

function assertLoopback(raw: string, name: string): void {
  const host = new URL(raw).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`${name} must point at this machine (127.0.0.1), got host "${host}"`);
  }
}

function chooseStore(): { label: string; env: Record<string, string> } {
  const databaseUrl = process.env.DATABASE_URL || null;
  const redisUrl = process.env.REDIS_URL || null;
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const env: Record<string, string> = {};
  if (databaseUrl) {
    assertLoopback(databaseUrl, 'DATABASE_URL');
    const schema = `quan_bench_${tag}`;
    env.DATABASE_URL = databaseUrl;
    env.DATABASE_SCHEMA = schema;
    if (process.env.DATABASE_POOL_SIZE) env.DATABASE_POOL_SIZE = process.env.DATABASE_POOL_SIZE;
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    });
  } else {
    const dataDir = tempDataDir();
    env.DATA_DIR = dataDir;
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  }
  if (redisUrl) {
    assertLoopback(redisUrl, 'REDIS_URL');
    const prefix = `quan-bench-${tag}:`;
    env.REDIS_URL = redisUrl;
    env.REDIS_KEY_PREFIX = prefix;
    cleanups.push(async () => {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      await redis.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    });
  }
  const label = databaseUrl ? (redisUrl ? 'postgres+redis' : 'postgres') : redisUrl ? 'pglite+redis' : 'pglite';
  return { label, env };
}

// ---------------------------------------------------------------- HTTP helpers

class Api {
  token = '';
  constructor(readonly base: string) {}

  async call<T>(method: 'GET' | 'POST', p: string, body?: unknown, expect: number[] = [200, 201]): Promise<T> {
    const res = await fetch(`${this.base}/api/v1${p}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : null) as T;
  }
}

type Result = autocannon.Result;

function statusCounts(r: Result): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) out[code] = v.count ?? 0;
  return out;
}

/**
 * Runs autocannon and keeps its wall time: `Result.duration` counts whole
 * seconds, which makes a 4-second run of a fixed number of requests read the
 * same whatever happened inside it.
 */
const wallOf = new WeakMap<Result, number>();
async function cannon(opts: autocannon.Options): Promise<Result> {
  const t = performance.now();
  lastResponse.at = 0;
  const r = await autocannon(opts);
  wallOf.set(r, (performance.now() - t) / 1000);
  if (opts.amount && lastResponse.at > t) lastOf.set(r, (lastResponse.at - t) / 1000);
  return r;
}

/**
 * When the last response of a fixed-amount run arrived: autocannon notices the
 * end on its one-second tick, so even the wall time of such a run is rounded up.
 */
const lastResponse = { at: 0 };
const lastOf = new WeakMap<Result, number>();

/** Completed responses per second: up to the last response when known, else wall time. */
const rpsOf = (r: Result) => r.requests.total / Math.max(lastOf.get(r) ?? wallOf.get(r) ?? r.duration, 0.01);

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n: number) => `${Number(n.toFixed(2))} ms`;
const log = (s: string) => console.log(s);

function describeStatuses(r: Result, extra = ''): string {
  const counts = statusCounts(r);
  const codes = Object.keys(counts).sort();
  const parts = codes.map((c) => `${c}: ${counts[c]}`);
  if (r.errors) parts.push(`errors: ${r.errors}`);
  if (r.timeouts) parts.push(`timeouts: ${r.timeouts}`);
  return (parts.join('  ') || 'no responses') + extra;
}

// ---------------------------------------------------------------- the coupon mix for pricing

interface CouponSpec {
  discount: { type: 'amount'; amount: string } | { type: 'rate'; rate: string; maxOff: string | null };
  minSpend: string;
  scope: Scope;
  stackable: boolean;
}

/** 50 different coupons: amount and rate (capped or not), thresholds from none to unreachable, all/category/goods scopes, stackable or not. */
function couponSpecs(n: number): CouponSpec[] {
  const thresholds = ['0.00', '20.00', '50.00', '100.00', '200.00', '500.00', '5000.00'];
  const rates = ['0.95', '0.9', '0.88', '0.85', '0.8'];
  return Array.from({ length: n }, (_, i) => {
    const discount: CouponSpec['discount'] =
      i % 3 === 2
        ? { type: 'rate', rate: rates[i % rates.length]!, maxOff: i % 2 ? `${10 + (i % 4) * 10}.00` : null }
        : { type: 'amount', amount: `${(i % 10) * 3 + 2}.00` };
    const scope: Scope =
      i % 4 === 0
        ? { type: 'categories', ids: [1 + (i % 5)] }
        : i % 4 === 1
          ? { type: 'goods', ids: [1 + (i % CART_LINES), 1 + ((i + 7) % CART_LINES)] }
          : { type: 'all' };
    return { discount, minSpend: thresholds[i % thresholds.length]!, scope, stackable: i % 3 === 0 };
  });
}

function cartItems(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    goodsId: i + 1,
    categoryId: 1 + (i % 5),
    price: `${5 + ((i * 7) % 40)}.${String((i * 13) % 100).padStart(2, '0')}`,
    quantity: 1 + (i % 3),
  }));
}

function ruleOf(s: CouponSpec): CouponRule {
  const fen = (m: string) => {
    const v = parseMoney(m);
    if (v === null) throw new Error(`bad amount ${m}`);
    return v;
  };
  const discount: CouponRule['discount'] =
    s.discount.type === 'amount'
      ? { type: 'amount', amountOff: fen(s.discount.amount) }
      : { type: 'rate', rateBp: parseRate(s.discount.rate)!, maxOff: s.discount.maxOff === null ? null : fen(s.discount.maxOff) };
  return { discount, minSpend: fen(s.minSpend), minQuantity: null, scope: s.scope, storeIds: [], stackable: s.stackable };
}

/** Mean CPU time (user + system) of one priceCart call on 20 lines × 50 coupons. */
function measureQuoteCpu(): { msPerQuote: number; calls: number; bestDiscountFen: number; eligible: number } {
  const specs = couponSpecs(CART_COUPONS);
  const now = new Date();
  const lines: CartLine[] = cartItems(CART_LINES).map((it, i) => ({
    lineId: String(i),
    goodsId: it.goodsId,
    categoryId: it.categoryId,
    unitPrice: parseMoney(it.price)!,
    quantity: it.quantity,
  }));
  const coupons: PricedCoupon[] = specs.map((s, i) => ({
    id: `C${String(i).padStart(4, '0')}`,
    kind: 'coupon',
    rule: ruleOf(s),
    groupKey: `t${i}`,
    state: 'active',
    validFrom: new Date(now.getTime() - 86_400_000),
    validTo: new Date(now.getTime() + 30 * 86_400_000),
  }));
  const input = { lines, now, coupons };
  const first = priceCart(input);
  let sink = 0;
  for (let i = 0; i < 500; i++) sink += priceCart(input).best.discount; // warm-up
  let calls = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < QUOTE_CPU_BUDGET_MS * 1000) {
    for (let i = 0; i < 100; i++) sink += priceCart(input).best.discount;
    calls += 100;
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  if (sink < 0) console.log(sink); // keeps the calls observable
  return {
    msPerQuote: used / 1000 / calls,
    calls,
    bestDiscountFen: first.best.discount,
    eligible: first.evaluations.filter((e) => e.eligible).length,
  };
}

// ---------------------------------------------------------------- phases

async function createUsers(api: Api, n: number, mobileOf: (i: number) => string): Promise<{ ids: number[]; ms: number }> {
  const ids = new Array<number>(n);
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  const step = Math.max(1, Math.floor(n / 10));
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      ids[i] = (await api.call<{ id: number }>('POST', '/users', { mobile: mobileOf(i) }, [201])).id;
      done++;
      if (done % step === 0 || done === n) {
        const el = performance.now() - t0;
        log(`  users ${String(done).padStart(6)} / ${n}   ${secs(el)}   ${fmtInt((done * 1000) / el)}/s`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(USER_CONCURRENCY, n) }, worker));
  return { ids, ms: performance.now() - t0 };
}

/** POST an apifm call (form-encoded, as the mini-program SDKs send it); returns the envelope. */
async function apifmCall<T = unknown>(
  base: string,
  slug: string,
  p: string,
  params: Record<string, string | number | boolean>,
): Promise<{ code: number; msg: string; data: T }> {
  const res = await fetch(`${base}/${slug}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))).toString(),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_S * 1000),
  });
  return (await res.json()) as { code: number; msg: string; data: T };
}

const percentile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;

interface CheckoutResult {
  orders: number;
  ops: number;
  p50Ms: number;
  p99Ms: number;
  failures: Record<string, number>;
  usedCoupons: number;
  walletCheck: boolean;
}

/**
 * Checkout through the apifm dialect: each of CHECKOUT_USERS shoppers, one at a
 * time, creates an order for one item with one of their coupons and pays it
 * from the wallet. An "order" is the pair create + pay; its latency is both.
 */
async function checkout(api: Api, base: string): Promise<CheckoutResult> {
  const cat = await api.call<{ id: number }>('POST', '/categories', { name: 'bench' }, [201]);
  const goods = await api.call<{ id: number }>(
    'POST',
    '/goods',
    { name: 'bench tea', price: '30.00', stock: 1_000_000, categoryId: cat.id },
    [201],
  );
  const tpl = await api.call<{ id: number }>('POST', '/coupon-templates', {
    name: 'bench checkout 5 off',
    discount: { type: 'amount', amount: '5.00' },
    minSpend: '20.00',
    validity: { type: 'relative', days: 30 },
    activate: true,
  });
  const shoppers: { token: string; uid: number; coupons: number[]; created: number; paid: number }[] = [];
  for (let i = 0; i < CHECKOUT_USERS; i++) {
    const reg = await apifmCall<{ token: string; uid: number }>(base, 'demo', '/user/username/register', {
      username: `benchshopper${i}`,
      pwd: 'shopper-pass-1',
      autoLogin: true,
    });
    if (reg.code !== 0) throw new Error(`register: ${JSON.stringify(reg)}`);
    await api.call('POST', `/users/${reg.data.uid}/wallet/credit`, { amount: '1000000.00', remark: 'bench' }, [201]);
    const g = await api.call<{ items: { id: number }[] }>(
      'POST',
      '/coupons/grant',
      { templateId: tpl.id, userId: reg.data.uid, quantity: CHECKOUT_COUPONS_PER_USER },
      [201],
    );
    shoppers.push({ token: reg.data.token, uid: reg.data.uid, coupons: g.items.map((c) => c.id), created: 0, paid: 0 });
  }
  const goodsJsonStr = JSON.stringify([{ goodsId: goods.id, number: 1, propertyChildIds: '' }]);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const fail = (k: string) => (failures[k] = (failures[k] ?? 0) + 1);
  const deadline = performance.now() + CHECKOUT_SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    shoppers.map(async (s) => {
      while (performance.now() < deadline && s.coupons.length) {
        const couponId = s.coupons.pop()!;
        const start = performance.now();
        const order = await apifmCall<{ id: number; amountReal: number }>(base, 'demo', '/order/create', {
          token: s.token,
          goodsJsonStr,
          couponId,
        });
        if (order.code !== 0) {
          fail(`create ${order.code}`);
          continue;
        }
        s.created++;
        if (order.data.amountReal !== 25) fail(`amountReal ${order.data.amountReal}`);
        const paid = await apifmCall(base, 'demo', '/order/pay', { token: s.token, orderId: order.data.id });
        if (paid.code !== 0) {
          fail(`pay ${paid.code}`);
          continue;
        }
        s.paid++;
        latencies.push(performance.now() - start);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  // What the shoppers see afterwards: each paid order used one coupon and took 25.00 from the wallet.
  let usedCoupons = 0;
  let walletCheck = true;
  for (const s of shoppers) {
    const amount = await apifmCall<{ balance: number }>(base, 'demo', '/user/amount', { token: s.token });
    const mine = await api.call<{ items: unknown[]; total: number }>('GET', `/coupons?ownerId=${s.uid}&status=used&limit=1`);
    usedCoupons += mine.total;
    // A created order holds its coupon; only a paid one took 25.00 from the wallet.
    if (mine.total !== s.created || amount.data.balance !== 1_000_000 - s.paid * 25) walletCheck = false;
  }
  return {
    orders: latencies.length,
    ops: latencies.length / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failures,
    usedCoupons,
    walletCheck,
  };
}

async function main(): Promise<number> {
  const store = chooseStore();
  const rows: [string, string][] = [];
  const row = (k: string, v: string) => rows.push([k, v]);
  const t0 = performance.now();
  log(`quan bench: store ${store.label}, node ${process.version}, ${os.cpus().length} CPUs`);

  // 5a. Pricing CPU in-process, first, while nothing else runs on the machine.
  log('\n[quote CPU] priceCart in-process ...');
  const cpu = measureQuoteCpu();
  log(
    `  ${cpu.calls} calls, ${cpu.msPerQuote.toFixed(4)} ms CPU per quote (${cpu.eligible}/${CART_COUPONS} coupons eligible, best ${cpu.bestDiscountFen} fen off)`,
  );

  // 1. The bare Fastify ceiling.
  log('\n[bare] starting bare Fastify ...');
  const bare = await startBare();
  log(`  ${bare.url}/bare: autocannon ${BARE_CONNECTIONS} connections, ${BARE_SECONDS} s`);
  const bareRes = await cannon({
    url: `${bare.url}/bare`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hello: 'world' }),
    connections: BARE_CONNECTIONS,
    duration: BARE_SECONDS,
    timeout: REQUEST_TIMEOUT_S,
  });
  await stopChild(bare.child);
  const bareRps = rpsOf(bareRes);
  log(`  ${fmtInt(bareRps)} req/s, p50 ${fmtMs(bareRes.latency.p50)}, p99 ${fmtMs(bareRes.latency.p99)}; ${describeStatuses(bareRes)}`);

  // 2. quan.
  log(`\n[quan] starting the server on ${store.label} ...`);
  const ts = performance.now();
  const server = await startServer({ ...store.env, ...PASSWORDS, LOG_LEVEL: 'warn' }, 180_000);
  track(server.child);
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(server.url)) throw new Error(`server is not on 127.0.0.1: ${server.url}`);
  log(`  ${server.url} ready in ${secs(performance.now() - ts)}`);
  const api = new Api(server.url);
  api.token = (
    await api.call<{ token: string }>('POST', '/auth/login', { username: 'demo', password: PASSWORDS.DEMO_PASSWORD }, [200, 201])
  ).token;
  const auth = { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' };
  const stores = await api.call<{ items: { id: number }[] }>('GET', '/stores');
  const storeId = stores.items[0]?.id;
  if (storeId === undefined) throw new Error('the demo tenant has no store');

  // 3. Flash sale.
  log(`\n[flash sale] creating ${USERS} users (${USER_CONCURRENCY} concurrent) ...`);
  const users = await createUsers(api, USERS, (i) => `139${String(i).padStart(8, '0')}`);
  log(`  ${USERS} users in ${secs(users.ms)} (${fmtInt((USERS * 1000) / users.ms)}/s)`);
  const flash = await api.call<{ id: number; state: string }>('POST', '/coupon-templates', {
    name: 'bench flash sale',
    discount: { type: 'amount', amount: '5.00' },
    minSpend: '0.00',
    validity: { type: 'relative', days: 30 },
    stock: STOCK,
    perUserLimit: 1,
    activate: true,
  });
  if (flash.state !== 'active') throw new Error(`flash-sale template is ${flash.state}, not active`);
  log(`  template ${flash.id}: stock ${STOCK}, perUserLimit 1; autocannon ${CLAIM_CONNECTIONS} connections, ${USERS} claims, one per user`);
  let nextUser = 0;
  const conflictCodes: Record<string, number> = {};
  const claimPath = `/api/v1/coupon-templates/${flash.id}/claims`;
  const claimRes = await cannon({
    url: server.url,
    method: 'POST',
    headers: auth,
    connections: CLAIM_CONNECTIONS,
    amount: USERS,
    timeout: REQUEST_TIMEOUT_S,
    requests: [
      {
        method: 'POST',
        path: claimPath,
        setupRequest: (req) => ({ ...req, path: claimPath, body: JSON.stringify({ userId: users.ids[nextUser++ % USERS] }) }),
        onResponse: (status, body) => {
          lastResponse.at = performance.now();
          if (status === 201) return;
          const code = /"code"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? '?';
          const key = `${status} ${code}`;
          conflictCodes[key] = (conflictCodes[key] ?? 0) + 1;
        },
      },
    ],
  });
  const claimCounts = statusCounts(claimRes);
  const claimRps = rpsOf(claimRes);
  const stats = await api.call<{ issued: number; left: number | null }>('GET', `/coupon-templates/${flash.id}/stats`);
  const issuedOk = stats.issued === STOCK;
  const created = claimCounts['201'] ?? 0;
  log(`  ${fmtInt(claimRps)} req/s, p50 ${fmtMs(claimRes.latency.p50)}, p99 ${fmtMs(claimRes.latency.p99)}; ${describeStatuses(claimRes)}`);
  log(`  refusals: ${JSON.stringify(conflictCodes)}; requests sent ${nextUser}`);
  log(`  stats: issued ${stats.issued}, left ${stats.left}`);
  if (!issuedOk) log(`\n!!!!! FAIL: issued ${stats.issued} ≠ stock ${STOCK} (201 responses: ${created}) !!!!!\n`);
  if (created !== stats.issued) log(`!!!!! WARN: ${created} claims answered 201 but stats say issued ${stats.issued} !!!!!`);

  // 4. Write-off by code.
  const writeOffs = WRITE_OFF_HOLDERS * GRANT_PER_CALL;
  log(`\n[write-off] granting ${writeOffs} coupons (${WRITE_OFF_HOLDERS} users × ${GRANT_PER_CALL}) ...`);
  const tw = performance.now();
  const holders = await createUsers(api, WRITE_OFF_HOLDERS, (i) => `13800${String(i).padStart(6, '0')}`);
  const woTemplate = await api.call<{ id: number }>('POST', '/coupon-templates', {
    name: 'bench write-off',
    discount: { type: 'amount', amount: '3.00' },
    minSpend: '0.00',
    validity: { type: 'relative', days: 30 },
    activate: true,
  });
  const codes: string[] = [];
  for (const userId of holders.ids) {
    const g = await api.call<{ items: { code: string }[] }>(
      'POST',
      '/coupons/grant',
      { templateId: woTemplate.id, userId, quantity: GRANT_PER_CALL },
      [201],
    );
    for (const c of g.items) codes.push(c.code);
  }
  log(
    `  ${codes.length} codes in ${secs(performance.now() - tw)}; autocannon ${WRITE_OFF_CONNECTIONS} connections, one write-off per code`,
  );
  let nextCode = 0;
  const woRefusals: Record<string, number> = {};
  const woBody = JSON.stringify({ storeId });
  const woRes = await cannon({
    url: server.url,
    method: 'POST',
    headers: auth,
    body: woBody,
    connections: WRITE_OFF_CONNECTIONS,
    amount: codes.length,
    timeout: REQUEST_TIMEOUT_S,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          path: `/api/v1/coupons/${encodeURIComponent(codes[nextCode++ % codes.length]!)}/write-off`,
          body: woBody,
        }),
        onResponse: (status, body) => {
          lastResponse.at = performance.now();
          if (status === 201) return;
          const key = `${status} ${/"code"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? '?'}`;
          woRefusals[key] = (woRefusals[key] ?? 0) + 1;
        },
      },
    ],
  });
  const woRps = rpsOf(woRes);
  log(`  ${fmtInt(woRps)} req/s, p50 ${fmtMs(woRes.latency.p50)}, p99 ${fmtMs(woRes.latency.p99)}; ${describeStatuses(woRes)}`);
  if (Object.keys(woRefusals).length) log(`  refusals: ${JSON.stringify(woRefusals)}`);

  // 5b. Quote over HTTP: one user holding 50 different coupons, a 20-line cart.
  log(`\n[quote HTTP] one user with ${CART_COUPONS} coupons, ${CART_LINES} lines ...`);
  const [quoteUser] = (await createUsers(api, 1, () => '13700000001')).ids;
  for (const [i, s] of couponSpecs(CART_COUPONS).entries()) {
    const t = await api.call<{ id: number }>('POST', '/coupon-templates', {
      name: `bench quote ${i}`,
      discount: s.discount,
      minSpend: s.minSpend,
      scope: s.scope,
      stackable: s.stackable,
      validity: { type: 'relative', days: 30 },
      activate: true,
    });
    await api.call('POST', '/coupons/grant', { templateId: t.id, userId: quoteUser, quantity: 1 }, [201]);
  }
  const quoteBody = JSON.stringify({ userId: quoteUser, items: cartItems(CART_LINES) });
  const sample = await api.call<{ coupons: { eligible: boolean }[]; best: { discount: string; codes: string[] } }>(
    'POST',
    '/quotes',
    JSON.parse(quoteBody),
  );
  const httpEligible = sample.coupons.filter((c) => c.eligible).length;
  log(
    `  sample quote: ${sample.coupons.length} coupons priced, ${httpEligible} eligible, best ${sample.best.discount} off with ${sample.best.codes.length} coupons`,
  );
  if (sample.coupons.length !== CART_COUPONS)
    log(`!!!!! WARN: the quote priced ${sample.coupons.length} coupons, expected ${CART_COUPONS} !!!!!`);
  if (parseMoney(sample.best.discount) !== cpu.bestDiscountFen) {
    log(`!!!!! WARN: HTTP best discount ${sample.best.discount} differs from in-process ${cpu.bestDiscountFen} fen !!!!!`);
  }
  log(`  autocannon ${QUOTE_CONNECTIONS} connections, ${QUOTE_SECONDS} s`);
  const quoteRes = await cannon({
    url: `${server.url}/api/v1/quotes`,
    method: 'POST',
    headers: auth,
    body: quoteBody,
    connections: QUOTE_CONNECTIONS,
    duration: QUOTE_SECONDS,
    timeout: REQUEST_TIMEOUT_S,
  });
  const quoteRps = rpsOf(quoteRes);
  log(`  ${fmtInt(quoteRps)} req/s, p50 ${fmtMs(quoteRes.latency.p50)}, p99 ${fmtMs(quoteRes.latency.p99)}; ${describeStatuses(quoteRes)}`);

  // 5d. One million codes in one batch, generated in the background; progress polled.
  log(`\n[code batch] ${fmtInt(CODE_BATCH)} codes ...`);
  const batchTpl = await api.call<{ id: number }>('POST', '/coupon-templates', {
    name: 'bench codes',
    discount: { type: 'amount', amount: '1.00' },
    minSpend: '0.00',
    validity: { type: 'relative', days: 30 },
    activate: true,
  });
  const tb = performance.now();
  const batch = await api.call<{ id: number }>(
    'POST',
    `/coupon-templates/${batchTpl.id}/code-batches`,
    { count: CODE_BATCH, length: 12 },
    [202],
  );
  let progress = { state: 'pending', generated: 0, count: CODE_BATCH };
  while (progress.state !== 'done' && progress.state !== 'failed' && performance.now() - tb < 300_000) {
    await new Promise((r) => setTimeout(r, 250));
    progress = await api.call<typeof progress>('GET', `/code-batches/${batch.id}`);
  }
  const codesSeconds = (performance.now() - tb) / 1000;
  const codesStats = await api.call<{ issued: number }>('GET', `/coupon-templates/${batchTpl.id}/stats`);
  log(
    `  ${progress.state}: ${fmtInt(progress.generated)} / ${fmtInt(progress.count)} in ${codesSeconds.toFixed(1)} s (${fmtInt(progress.generated / codesSeconds)}/s); template issued ${codesStats.issued}`,
  );

  // 5c. Checkout with a coupon through the apifm dialect, paid from the wallet.
  log(`\n[checkout] ${CHECKOUT_USERS} apifm shoppers, order/create with a coupon then order/pay, ${CHECKOUT_SECONDS} s ...`);
  const co = await checkout(api, server.url);
  log(
    `  ${co.orders} orders paid, ${fmtInt(co.ops)} orders/s, p50 ${fmtMs(co.p50Ms)}, p99 ${fmtMs(co.p99Ms)}; coupons used ${co.usedCoupons}; failures ${JSON.stringify(co.failures)}`,
  );
  if (!co.walletCheck) log('!!!!! FAIL: a wallet balance or used-coupon count does not match the orders !!!!!');

  // 6. Stop, clean up, report.
  const serverOut = server.output();
  await stopChild(server.child);
  await runCleanups();
  const errorLines = serverOut.split('\n').filter((l) => /"level":(50|60)/.test(l));
  if (errorLines.length) log(`\nserver logged ${errorLines.length} error line(s); first: ${errorLines[0]!.slice(0, 300)}`);

  const claimRatio = claimRps / bareRps;
  row('store', `${store.label}   (node ${process.version}, ${os.cpus().length} CPUs)`);
  row(
    'bare Fastify POST /bare',
    `${fmtInt(bareRps)} req/s   p50 ${fmtMs(bareRes.latency.p50)}   p99 ${fmtMs(bareRes.latency.p99)}   (${BARE_CONNECTIONS} conn, ${BARE_SECONDS} s)`,
  );
  row('users created', `${USERS} in ${secs(users.ms)}   (${fmtInt((USERS * 1000) / users.ms)}/s, ${USER_CONCURRENCY} concurrent)`);
  row(
    'flash-sale claims',
    `${fmtInt(claimRps)} req/s   p50 ${fmtMs(claimRes.latency.p50)}   p99 ${fmtMs(claimRes.latency.p99)}   (${CLAIM_CONNECTIONS} conn, ${USERS} req, ${(lastOf.get(claimRes) ?? wallOf.get(claimRes) ?? claimRes.duration).toFixed(2)} s)`,
  );
  row('  claims / bare', claimRatio.toFixed(4));
  row(
    '  responses',
    `201: ${created}   409: ${claimCounts['409'] ?? 0}   other: ${claimRes.requests.total - created - (claimCounts['409'] ?? 0)}   errors: ${claimRes.errors}   timeouts: ${claimRes.timeouts}`,
  );
  row('  refusals', JSON.stringify(conflictCodes));
  row('  issued / stock', `${stats.issued} / ${STOCK}   left ${stats.left}   ${issuedOk ? 'OK' : 'FAIL'}`);
  row(
    'write-off by code',
    `${fmtInt(woRps)} req/s   p50 ${fmtMs(woRes.latency.p50)}   p99 ${fmtMs(woRes.latency.p99)}   (${WRITE_OFF_CONNECTIONS} conn, ${codes.length} req; ${describeStatuses(woRes)})`,
  );
  row(
    'quote CPU (priceCart)',
    `${cpu.msPerQuote.toFixed(4)} ms/quote   (${CART_LINES} lines × ${CART_COUPONS} coupons, ${cpu.eligible} eligible, ${cpu.calls} calls)`,
  );
  row(
    'quote HTTP POST /quotes',
    `${fmtInt(quoteRps)} req/s   p50 ${fmtMs(quoteRes.latency.p50)}   p99 ${fmtMs(quoteRes.latency.p99)}   (${QUOTE_CONNECTIONS} conn, ${QUOTE_SECONDS} s; ${describeStatuses(quoteRes)})`,
  );
  row('code batch', `${fmtInt(progress.generated)} codes in ${codesSeconds.toFixed(1)} s   (${progress.state})`);
  row(
    'checkout (apifm create+pay)',
    `${fmtInt(co.ops)} orders/s   p50 ${fmtMs(co.p50Ms)}   p99 ${fmtMs(co.p99Ms)}   (${CHECKOUT_USERS} users, ${CHECKOUT_SECONDS} s, ${co.orders} orders, coupons used ${co.usedCoupons}; failures ${JSON.stringify(co.failures)})`,
  );
  row('total bench time', secs(performance.now() - t0));

  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const rule = '-'.repeat(100);
  log(`\n${rule}\nquan bench results\n${rule}`);
  for (const [k, v] of rows) log(`${k.padEnd(width)}${v}`);
  log(rule);
  if (!issuedOk) log(`FAIL: issued ${stats.issued} ≠ stock ${STOCK}`);

  const round = (n: number, d: number) => Number(n.toFixed(d));
  const summary = {
    store: store.label,
    ...(QUICK ? { quick: true } : {}),
    bareRps: Math.round(bareRps),
    claimRps: Math.round(claimRps),
    claimRatio: round(claimRatio, 4),
    stock: STOCK,
    issued: stats.issued,
    writeOffP99Ms: woRes.latency.p99,
    quoteCpuMs: round(cpu.msPerQuote, 4),
    codes1mSeconds: progress.state === 'done' ? round(codesSeconds, 1) : null,
    checkoutOps: round(co.ops, 1),
    checkoutP99Ms: round(co.p99Ms, 2),
  };
  log(JSON.stringify(summary));
  return issuedOk && co.walletCheck ? 0 : 1;
}

try {
  const code = await main();
  clearTimeout(watchdog);
  process.exit(code);
} catch (e) {
  await abort(2, `FAIL: bench error: ${(e as Error).stack ?? String(e)}`);
}
