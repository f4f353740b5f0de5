// Guessing limits under real concurrent requests against real server
// processes (issue 12): for every secret a client can guess, 40 parallel wrong
// tries (spread over the processes) get exactly the limit's comparisons and
// the rest are refused with the dialect's rate-limit answer; then even the
// right secret is refused. A padded or re-cased login name shares the
// account's counter. A revocation (logout, disabling, a new password) is seen
// by the other process at once. On PGlite one process; with TEST_DATABASE_URL
// two processes on one PostgreSQL (sharing Redis when TEST_REDIS_URL is set).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, uniqueName, usingPostgres, usingRedis } from '../helpers/runtime.ts';
import { startServer, storeEnv, type ServerProcess } from '../helpers/server.ts';

const schema = uniqueName('qgl');
const servers: ServerProcess[] = [];
const url = (i = 0) => servers[i % servers.length]!.url;
const N = 40;
let owner = '';
let storeId = 0;

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function native(i: number, method: string, path: string, body?: unknown, token = owner): Promise<Reply> {
  const res = await fetch(`${url(i)}/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** An apifm call on the demo tenant, form-encoded like the mini-program SDKs. */
async function apifm(i: number, path: string, params: Record<string, string | number>, method = 'POST') {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res =
    method === 'GET'
      ? await fetch(`${url(i)}/demo${path}?${qs}`)
      : await fetch(`${url(i)}/demo${path}`, { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: qs });
  expect(res.status).toBe(200);
  return (await res.json()) as { code: number; msg: string; data?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const tally = (keys: (string | number)[]) => {
  const t: Record<string, number> = {};
  for (const k of keys) t[k] = (t[k] ?? 0) + 1;
  return t;
};
const problems = (rs: Reply[]) => tally(rs.map((r) => (r.status < 300 ? String(r.status) : `${r.status}:${r.body?.code}`)));
const codes = (rs: { code: number }[]) => tally(rs.map((r) => r.code));
const burst = <T>(f: (i: number) => Promise<T>) => Promise.all(Array.from({ length: N }, (_, i) => f(i)));
const md5 = (s: string) => crypto.createHash('md5').update(s).digest('hex');

let seq = 0;
const newMobile = () => `139${String(process.pid % 10000).padStart(4, '0')}${String(++seq).padStart(4, '0')}`;

/** A consumer of the demo tenant registered through apifm (sms/get, the code from the dev outbox, m/register). */
async function registerConsumer(pwd = 'consumer-pass-1') {
  const mobile = newMobile();
  expect((await apifm(0, '/verification/sms/get', { mobile }, 'GET')).code).toBe(0);
  const box = await native(0, 'GET', '/dev/outbox?limit=50');
  const code = box.body.items.find((m: { to: string }) => m.to === mobile).code;
  const r = await apifm(0, '/user/m/register', { mobile, code, pwd, autoLogin: 'true' });
  expect(r.code).toBe(0);
  return { token: r.data.token as string, mobile, pwd };
}

async function newStaff(name: string, password: string, role = 'operator') {
  const username = `${schema}-${name}`.slice(0, 60);
  const r = await native(0, 'POST', '/staff', { username, password, role, storeIds: [storeId] });
  expect(r.status).toBe(201);
  return { id: r.body.id as number, username, password };
}

const staffLogin = (i: number, username: string, password: string) => native(i, 'POST', '/auth/login', { username, password }, '');

async function makeTemplate(fields: Record<string, unknown>) {
  const r = await native(0, 'POST', '/coupon-templates', {
    name: 'guess',
    discount: { type: 'amount', amount: '5.00' },
    validity: { type: 'relative', days: 30 },
    activate: true,
    ...fields,
  });
  expect(r.status).toBe(201);
  return r.body.id as number;
}

beforeAll(async () => {
  const env = { ...storeEnv({ schema }), ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123', LOG_LEVEL: 'error' };
  servers.push(await startServer(env));
  if (usingPostgres) servers.push(await startServer(env));
  owner = (await staffLogin(0, 'demo', 'demo-pass-123')).body.token;
  storeId = (await native(0, 'GET', '/stores')).body.items[0].id;
}, 180_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await dropPostgresSchema(schema);
});

const where = usingPostgres ? `PostgreSQL, 2 processes${usingRedis ? ', Redis' : ', no Redis'}` : 'PGlite';

describe(`guessing limits under ${N} parallel tries (${where})`, () => {
  it('staff login: 5 compared, 35 refused with 429; then the right password is refused, also by the 礼遇圈 login and a re-cased name', async () => {
    const s = await newStaff('guess', 'right-pass-1');
    const rs = await burst((i) => staffLogin(i, s.username, `wrong-pass-${i}`));
    expect(problems(rs)).toEqual({ '401:invalid_credentials': 5, '429:rate_limited': N - 5 });
    expect(problems([await staffLogin(1, s.username, s.password)])).toEqual({ '429:rate_limited': 1 });
    expect(problems([await staffLogin(0, s.username.toUpperCase(), s.password)])).toEqual({ '429:rate_limited': 1 });
    const lyq = await fetch(`${url(1)}/web/manage/user/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: s.username, password: md5(s.password) }),
    });
    const body = (await lyq.json()) as { errCode: number; msg: string };
    expect(body.errCode).not.toBe(0);
    expect(body.msg).toMatch(/too many failed logins/);
  }, 120_000);

  it('apifm consumer login: 5 compared (30000), 35 refused (4000); then the right password and a padded mobile are refused', async () => {
    const u = await registerConsumer();
    const rs = await burst((i) => apifm(i, '/user/m/login', { mobile: u.mobile, pwd: `wrong-${i}` }));
    expect(codes(rs)).toEqual({ 30000: 5, 4000: N - 5 });
    expect((await apifm(1, '/user/m/login', { mobile: u.mobile, pwd: u.pwd })).code).toBe(4000);
    expect((await apifm(0, '/user/m/login', { mobile: ` ${u.mobile} `, pwd: u.pwd })).code).toBe(4000);
  }, 120_000);

  it('a consumer lockout holds for the name padded or re-cased (the identity the lookup uses)', async () => {
    const u = await registerConsumer();
    const name = `g${process.pid}x${seq}`;
    expect((await apifm(0, '/user/username/bindUsername', { token: u.token, username: name })).code).toBe(0);
    expect((await apifm(1, '/user/username/login', { username: name, pwd: u.pwd })).code).toBe(0);
    for (let i = 0; i < 5; i++) expect((await apifm(i, '/user/username/login', { username: name, pwd: `wrong-${i}` })).code).toBe(30000);
    for (const padded of [name, ` ${name}`, `${name} `, `  ${name.toUpperCase()}`]) {
      expect((await apifm(1, '/user/username/login', { username: padded, pwd: u.pwd })).code).toBe(4000);
    }
  }, 120_000);

  it('卡密 exchange password: 5 compared (20000), 35 refused (4000); then the right password is refused and the code stays unexchanged', async () => {
    const templateId = await makeTemplate({ name: '卡密 guess' });
    const b = await native(0, 'POST', `/coupon-templates/${templateId}/code-batches`, {
      count: 1,
      pattern: 'GX-####-####',
      withPassword: true,
    });
    expect(b.status).toBe(202);
    for (let i = 0; i < 600 && (await native(0, 'GET', `/code-batches/${b.body.id}`)).body.state !== 'done'; i++)
      await new Promise((r) => setImmediate(r));
    const csv = await fetch(`${url(0)}/api/v1/code-batches/${b.body.id}/codes.csv`, { headers: { authorization: `Bearer ${owner}` } });
    const [code, password] = (await csv.text()).trim().split('\n')[1]!.split(',') as [string, string];
    const u = await registerConsumer();
    const rs = await burst((i) => apifm(i, '/discounts/exchange', { token: u.token, number: code, pwd: `${password}x${i}` }));
    expect(codes(rs)).toEqual({ 20000: 5, 4000: N - 5 });
    expect((await apifm(1, '/discounts/exchange', { token: u.token, number: code, pwd: password })).code).toBe(4000);
    const mine = await apifm(0, '/discounts/my', { token: u.token }, 'GET');
    expect(mine.code).toBe(700);
  }, 120_000);

  it('card password: 5 compared (422 wrong_password), 35 refused (429); then the right password is refused and nothing is spent', async () => {
    const product = await native(0, 'POST', '/card-products', { title: 'Guess card', type: 10, storeIds: [storeId] });
    expect(product.status).toBe(201);
    const phone = newMobile();
    const card = await native(0, 'POST', '/cards', { productId: product.body.id, phone });
    expect(card.status).toBe(201);
    expect((await native(0, 'POST', `/cards/${card.body.id}/recharge`, { recharge: '50.00' })).status).toBe(201);
    const right = phone.slice(-6);
    const wrong = (i: number) => String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
    const rs = await burst((i) => native(i, 'POST', `/cards/${card.body.id}/expense`, { amount: '1.00', password: wrong(i) }));
    expect(problems(rs)).toEqual({ '422:wrong_password': 5, '429:rate_limited': N - 5 });
    expect(problems([await native(1, 'POST', `/cards/${card.body.id}/expense`, { amount: '1.00', password: right })])).toEqual({
      '429:rate_limited': 1,
    });
    expect((await native(0, 'GET', `/cards/${card.body.id}`)).body.balance).toBe('50.00');
  }, 120_000);

  it('points voucher numbers: 10 looked up (700), 30 refused (4000); then the right number is refused and no points move', async () => {
    const made = await native(0, 'POST', '/points-vouchers', { count: 1, score: 70 });
    expect(made.status).toBe(201);
    const number = made.body.numbers[0] as string;
    const u = await registerConsumer();
    const rs = await burst((i) => apifm(i, '/score/exchange', { token: u.token, number: `9${String(i).padStart(15, '0')}` }));
    expect(codes(rs)).toEqual({ 700: 10, 4000: N - 10 });
    expect((await apifm(1, '/score/exchange', { token: u.token, number })).code).toBe(4000);
    const logs = await apifm(0, '/score/logs', { token: u.token });
    expect(logs.code).toBe(700);
  }, 120_000);

  it('claim passwords (口令): 5 compared per user, alone (700) or with the id (20000), the rest 4000; another user is not locked', async () => {
    const templateId = await makeTemplate({ name: '口令 guess', claimPassword: 'KOULING-right-1' });
    const a = await registerConsumer();
    const alone = await burst((i) => apifm(i, '/discounts/fetch', { token: a.token, pwd: `KOULING-wrong-${i}` }));
    expect(codes(alone)).toEqual({ 700: 5, 4000: N - 5 });
    expect((await apifm(1, '/discounts/fetch', { token: a.token, pwd: 'KOULING-right-1' })).code).toBe(4000);
    expect((await apifm(0, '/discounts/fetch', { token: a.token, id: templateId, pwd: 'KOULING-right-1' })).code).toBe(4000);
    const b = await registerConsumer();
    const withId = await burst((i) => apifm(i, '/discounts/fetch', { token: b.token, id: templateId, pwd: `KOULING-wrong-${i}` }));
    expect(codes(withId)).toEqual({ 20000: 5, 4000: N - 5 });
    expect((await apifm(1, '/discounts/fetch', { token: b.token, id: templateId, pwd: 'KOULING-right-1' })).code).toBe(4000);
    // The template has 10 wrong tries of its 50: a user who knows the 口令 still gets the coupon.
    const c = await registerConsumer();
    expect((await apifm(0, '/discounts/fetch', { token: c.token, pwd: 'KOULING-right-1' })).code).toBe(0);
  }, 120_000);
});

describe(`revocation reaches the other process at once (${where})`, () => {
  const me = (i: number, token: string) => native(i, 'GET', '/me', undefined, token);

  it('logout on one process: the token is refused on the other at once', async () => {
    const s = await newStaff('rev-logout', 'rev-pass-123');
    const token = (await staffLogin(0, s.username, s.password)).body.token;
    expect((await me(1, token)).status).toBe(200);
    expect((await me(1, token)).status).toBe(200); // cached where a cache is safe
    expect((await native(0, 'POST', '/auth/logout', undefined, token)).status).toBe(204);
    expect((await me(1, token)).status).toBe(401);
    expect((await me(0, token)).status).toBe(401);
  }, 60_000);

  it('disabling a staff member and setting a new password end their sessions everywhere at once', async () => {
    const d = await newStaff('rev-disable', 'rev-pass-123');
    const dToken = (await staffLogin(0, d.username, d.password)).body.token;
    expect((await me(1, dToken)).status).toBe(200);
    expect((await native(0, 'PATCH', `/staff/${d.id}`, { disabled: true })).status).toBe(200);
    expect((await me(1, dToken)).status).toBe(401);

    const p = await newStaff('rev-password', 'rev-pass-123');
    const pToken = (await staffLogin(1, p.username, p.password)).body.token;
    expect((await me(1, pToken)).status).toBe(200);
    expect((await native(0, 'PATCH', `/staff/${p.id}`, { password: 'new-pass-456' })).status).toBe(200);
    expect((await me(1, pToken)).status).toBe(401);
    expect((await staffLogin(1, p.username, 'new-pass-456')).status).toBe(200);
  }, 60_000);

  it('a role change is seen by the other process at once (an admin made operator loses an admin-only call)', async () => {
    const s = await newStaff('rev-role', 'rev-pass-123', 'admin');
    const token = (await staffLogin(0, s.username, s.password)).body.token;
    expect((await native(1, 'GET', '/dev/outbox?limit=1', undefined, token)).status).toBe(200);
    expect((await native(1, 'GET', '/dev/outbox?limit=1', undefined, token)).status).toBe(200);
    expect((await native(0, 'PATCH', `/staff/${s.id}`, { role: 'operator' })).status).toBe(200);
    expect((await native(1, 'GET', '/dev/outbox?limit=1', undefined, token)).status).toBe(403);
  }, 60_000);

  it('apifm: a consumer logout on one process ends the token on the other at once', async () => {
    const u = await registerConsumer();
    expect((await apifm(1, '/user/check-token', { token: u.token }, 'GET')).code).toBe(0);
    expect((await apifm(1, '/user/check-token', { token: u.token }, 'GET')).code).toBe(0);
    expect((await apifm(0, '/user/loginout', { token: u.token }, 'GET')).code).toBe(0);
    expect((await apifm(1, '/user/check-token', { token: u.token }, 'GET')).code).toBe(2000);
  }, 60_000);
});
