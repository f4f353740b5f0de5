// Membership-card ledgers under real concurrent requests against real server
// processes: no overdraft, balance = ledger sum (card and event-card buckets),
// a refund happens once, cash-back once, invoices never above what is
// invoiceable. On PGlite one process; with TEST_DATABASE_URL two processes
// sharing the same PostgreSQL (and Redis when TEST_REDIS_URL is set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, uniqueName, usingPostgres } from '../helpers/runtime.ts';
import { startServer, storeEnv, type ServerProcess } from '../helpers/server.ts';

const schema = uniqueName('qcc');
const servers: ServerProcess[] = [];
let owner = '';
const clerks: { token: string; phone: string }[] = [];
let valueCard = 0;
let eventCard = 0;
let event = 0;
const url = (i = 0) => servers[i % servers.length]!.url;

async function call(base: string, method: string, path: string, body?: unknown, token = clerks[0]?.token ?? owner) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const tally = (rs: { status: number; body: { code?: string } | null }[]) => {
  const t: Record<string, number> = {};
  for (const r of rs) {
    const k = r.status < 300 ? String(r.status) : `${r.status}:${r.body?.code}`;
    t[k] = (t[k] ?? 0) + 1;
  }
  return t;
};

const fen = (s: string) => Math.round(Number(s) * 100);

/** The card's balances equal the sums of its ledger, and its buckets' balances add up to the card's. */
async function expectBalanced(cardId: number) {
  const card = (await call(url(), 'GET', `/cards/${cardId}`)).body;
  const ledger = (await call(url(), 'GET', `/cards/${cardId}/ledger?limit=500`)).body;
  expect(ledger.total).toBeLessThanOrEqual(500);
  const capital = ledger.items.reduce((s: number, e: { capitalDelta: string }) => s + fen(e.capitalDelta), 0);
  const bonus = ledger.items.reduce((s: number, e: { bonusDelta: string }) => s + fen(e.bonusDelta), 0);
  expect(fen(card.capital)).toBe(capital);
  expect(fen(card.bonus)).toBe(bonus);
  expect(fen(card.capital)).toBeGreaterThanOrEqual(0);
  expect(fen(card.bonus)).toBeGreaterThanOrEqual(0);
  if (card.type === 11) {
    const buckets = card.buckets as { capital: string; bonus: string }[];
    expect(buckets.reduce((s, b) => s + fen(b.capital), 0)).toBe(fen(card.capital));
    expect(buckets.reduce((s, b) => s + fen(b.bonus), 0)).toBe(fen(card.bonus));
  }
  // each entry's "after" is consistent with the one before it (entries newest first)
  const chron = [...ledger.items].reverse();
  let c = 0;
  let b = 0;
  for (const e of chron) {
    c += fen(e.capitalDelta);
    b += fen(e.bonusDelta);
    expect([fen(e.capitalAfter), fen(e.bonusAfter)]).toEqual([c, b]);
  }
  return card;
}

let phoneSeq = 0;
async function openCard(productId: number) {
  const phone = `1360${process.pid % 1000}${String(++phoneSeq).padStart(4, '0')}`.slice(0, 11);
  const r = await call(url(), 'POST', '/cards', { productId, phone });
  expect(r.status).toBe(201);
  return { id: r.body.id as number, phone, password: phone.slice(-6) };
}

/** A fresh refund code for clerk i, read from the dev outbox. */
async function codeFor(i: number): Promise<string> {
  const s = await call(url(), 'POST', '/cards/refund-code', {}, clerks[i]!.token);
  expect(s.status).toBe(200);
  const out = await call(url(), 'GET', '/dev/outbox?limit=50', undefined, owner);
  return out.body.items.find((m: { to: string }) => m.to === clerks[i]!.phone).code;
}

beforeAll(async () => {
  const env = { ...storeEnv({ schema }), ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123', LOG_LEVEL: 'error' };
  servers.push(await startServer(env));
  if (usingPostgres) servers.push(await startServer(env));
  const login = async (username: string, password: string) => {
    const r = await fetch(`${url()}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    return ((await r.json()) as { token: string }).token;
  };
  owner = await login('demo', 'demo-pass-123');
  const storeId = (await call(url(), 'GET', '/stores', undefined, owner)).body.items[0].id;
  for (let i = 0; i < 12; i++) {
    const username = `${schema}-clerk${i}`.slice(0, 60);
    const phone = `1390${String(process.pid % 10000).padStart(4, '0')}${String(i).padStart(3, '0')}`;
    const r = await call(
      url(),
      'POST',
      '/staff',
      { username, password: 'clerk-pass-1', role: 'operator', storeIds: [storeId], phone },
      owner,
    );
    expect(r.status).toBe(201);
    clerks.push({ token: await login(username, 'clerk-pass-1'), phone });
  }
  valueCard = (await call(url(), 'POST', '/card-products', { title: 'Stored value', type: 10, storeIds: [storeId] }, owner)).body.id;
  eventCard = (await call(url(), 'POST', '/card-products', { title: 'Event card', type: 11, storeIds: [storeId] }, owner)).body.id;
  const e = await call(
    url(),
    'POST',
    `/card-products/${eventCard}/events`,
    { title: '100 + 50', type: 1, rechargeMoney: '100.00', sendMoney: '50.00' },
    owner,
  );
  expect(e.status).toBe(201);
  event = e.body.id;
}, 300_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await dropPostgresSchema(schema);
});

describe(`card ledgers under concurrency (${usingPostgres ? 'PostgreSQL, 2 processes' : 'PGlite'})`, () => {
  it('60 concurrent 3.00 expenses on a 100.00 card: exactly 33 pass, never overdrawn', async () => {
    const c = await openCard(valueCard);
    expect((await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '100.00' })).status).toBe(201);
    const rs = await Promise.all(
      Array.from({ length: 60 }, (_, i) => call(url(i), 'POST', `/cards/${c.id}/expense`, { amount: '3.00', password: c.password })),
    );
    expect(tally(rs)).toEqual({ '201': 33, '422:insufficient_balance': 27 });
    const card = await expectBalanced(c.id);
    expect(card.balance).toBe('1.00');
  }, 120_000);

  it('concurrent event recharges and spends on an event card keep card, buckets and ledger equal', async () => {
    const c = await openCard(eventCard);
    const ops = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0
        ? () => call(url(i), 'POST', `/cards/${c.id}/recharge`, { recharge: '100.00', send: '50.00', eventId: event })
        : () => call(url(i), 'POST', `/cards/${c.id}/expense`, { amount: '70.00', password: c.password }),
    );
    const rs = await Promise.all(ops.map((f) => f()));
    const t = tally(rs);
    expect(t['201']! + (t['422:insufficient_balance'] ?? 0)).toBe(40);
    const recharges = rs.filter((r, i) => i % 2 === 0 && r.status === 201).length;
    expect(recharges).toBe(20);
    const spent = rs.filter((r, i) => i % 2 === 1 && r.status === 201).length;
    const card = await expectBalanced(c.id);
    expect(fen(card.balance)).toBe(20 * 15000 - spent * 7000);
    // buckets: oldest first, capital before bonus; every fully spent one is "cash-back due"
    for (const b of card.buckets as { capital: string; bonus: string; status: number }[]) {
      if (fen(b.capital) === 0 && fen(b.bonus) === 0) expect(b.status).toBe(3);
      else expect([1, 2]).toContain(b.status);
    }
  }, 120_000);

  it('the same expense refunded by 6 clerks at once, each with a valid code: refunded once', async () => {
    const c = await openCard(valueCard);
    await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '50.00' });
    const e = await call(url(), 'POST', `/cards/${c.id}/expense`, { amount: '20.00', password: c.password });
    expect(e.status).toBe(201);
    const codes = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => codeFor(i)));
    const rs = await Promise.all(
      codes.map((code, i) => call(url(i), 'POST', `/card-expenses/${e.body.orderNo}/refund`, { code }, clerks[i]!.token)),
    );
    expect(tally(rs)).toEqual({ '201': 1, '409:already_rolled_back': 5 });
    const card = await expectBalanced(c.id);
    expect(card.balance).toBe('50.00');
  }, 120_000);

  it('one code, 10 concurrent refunds with it: one passes, the code is then spent', async () => {
    const c = await openCard(valueCard);
    await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '50.00' });
    const e1 = await call(url(), 'POST', `/cards/${c.id}/expense`, { amount: '5.00', password: c.password });
    const e2 = await call(url(), 'POST', `/cards/${c.id}/expense`, { amount: '6.00', password: c.password });
    const code = await codeFor(6);
    const rs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(url(i), 'POST', `/card-expenses/${e1.body.orderNo}/refund`, { code }, clerks[6]!.token)),
    );
    expect(tally(rs)['201']).toBe(1);
    // the used code opens nothing else
    const other = await call(url(), 'POST', `/card-expenses/${e2.body.orderNo}/refund`, { code }, clerks[6]!.token);
    expect(other.status).toBe(422);
    expect((await call(url(), 'POST', `/card-expenses/${e2.body.orderNo}/refund`, {}, clerks[6]!.token)).status).toBe(400);
    const card = await expectBalanced(c.id);
    expect(card.balance).toBe('44.00');
  }, 120_000);

  it("the same recharge refunded by 2 clerks at once: refunded once; the loser's code is not used up", async () => {
    const c = await openCard(valueCard);
    const r = await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '80.00', send: '8.00' });
    expect(r.status).toBe(201);
    const e = await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '10.00' });
    const codes = await Promise.all([10, 11].map((i) => codeFor(i)));
    const rs = await Promise.all(
      [10, 11].map((i, k) => call(url(k), 'POST', `/card-recharges/${r.body.orderNo}/refund`, { code: codes[k] }, clerks[i]!.token)),
    );
    expect(tally(rs)).toEqual({ '201': 1, '409:already_rolled_back': 1 });
    const card = await expectBalanced(c.id);
    expect(card.balance).toBe('10.00');
    expect(card.charged).toBe('10.00');
    // the refund that lost rolled back with its code: that code still refunds something else, once
    const loser = rs[0]!.status === 201 ? 1 : 0;
    const again = await call(
      url(),
      'POST',
      `/card-recharges/${e.body.orderNo}/refund`,
      { code: codes[loser] },
      clerks[[10, 11][loser]!]!.token,
    );
    expect(again.status).toBe(201);
    expect((await expectBalanced(c.id)).balance).toBe('0.00');
  }, 120_000);

  it('20 concurrent wrong SMS codes: no more than 5 are compared, then the code is locked (even the right one)', async () => {
    const c = await openCard(valueCard);
    await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '20.00' });
    const e = await call(url(), 'POST', `/cards/${c.id}/expense`, { amount: '5.00', password: c.password });
    const code = await codeFor(9);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const rs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call(url(i), 'POST', `/card-expenses/${e.body.orderNo}/refund`, { code: wrong }, clerks[9]!.token),
      ),
    );
    expect(tally(rs)).toEqual({ '422:wrong_password': 5, '429:rate_limited': 15 });
    const right = await call(url(), 'POST', `/card-expenses/${e.body.orderNo}/refund`, { code }, clerks[9]!.token);
    expect(right.status).toBe(429);
    expect((await expectBalanced(c.id)).balance).toBe('15.00');
  }, 120_000);

  it('a recharge refund racing spends: either the refund or the spends win, never both', async () => {
    const c = await openCard(valueCard);
    const r = await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '100.00', send: '20.00' });
    const code = await codeFor(7);
    const rs = await Promise.all([
      call(url(0), 'POST', `/card-recharges/${r.body.orderNo}/refund`, { code }, clerks[7]!.token),
      ...Array.from({ length: 5 }, (_, i) => call(url(i + 1), 'POST', `/cards/${c.id}/expense`, { amount: '30.00', password: c.password })),
    ]);
    const refunded = rs[0]!.status === 201;
    const spent = rs.slice(1).filter((x) => x.status === 201).length;
    const card = await expectBalanced(c.id);
    if (refunded) {
      expect(spent).toBe(0);
      expect(card.balance).toBe('0.00');
    } else {
      expect(spent).toBe(4);
      expect(card.balance).toBe('0.00');
    }
  }, 120_000);

  it('20 concurrent cash-backs of one due event recharge: exactly one', async () => {
    const c = await openCard(eventCard);
    await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '100.00', send: '50.00', eventId: event });
    expect((await call(url(), 'POST', `/cards/${c.id}/expense`, { amount: '150.00', password: c.password })).status).toBe(201);
    const card = (await call(url(), 'GET', `/cards/${c.id}`)).body;
    const bucket = card.buckets[0];
    expect(bucket.status).toBe(3);
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => call(url(i), 'POST', `/card-buckets/${bucket.id}/cash-back`, {})));
    expect(tally(rs)).toEqual({ '201': 1, '409:invalid_state': 19 });
    const after = await expectBalanced(c.id);
    expect(after.buckets[0].status).toBe(5);
  }, 120_000);

  it('an expense refund racing the cash-back of the bucket it emptied: one wins, no deadlock', async () => {
    const c = await openCard(eventCard);
    await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '100.00', send: '50.00', eventId: event });
    const x = await call(url(), 'POST', `/cards/${c.id}/expense`, { amount: '150.00', password: c.password });
    const bucket = (await call(url(), 'GET', `/cards/${c.id}`)).body.buckets[0];
    expect(bucket.status).toBe(3);
    const code = await codeFor(8);
    const [refund, ...cash] = await Promise.all([
      call(url(0), 'POST', `/card-expenses/${x.body.orderNo}/refund`, { code }, clerks[8]!.token),
      ...Array.from({ length: 5 }, (_, i) => call(url(i + 1), 'POST', `/card-buckets/${bucket.id}/cash-back`, {})),
    ]);
    const cashed = cash.filter((r) => r.status === 201).length;
    expect([...cash, refund].every((r) => r.status === 201 || r.status === 409)).toBe(true);
    const after = await expectBalanced(c.id);
    if (refund!.status === 201) {
      expect(cashed).toBe(0);
      expect(after.buckets[0]).toMatchObject({ status: 1, capital: '100.00', bonus: '50.00' });
    } else {
      expect(cashed).toBe(1);
      expect(after.buckets[0].status).toBe(5);
    }
  }, 120_000);

  it('30 concurrent 10.00 invoices on 100.00 charged: exactly 10, never over the invoiceable amount', async () => {
    const c = await openCard(valueCard);
    await call(url(), 'POST', `/cards/${c.id}/recharge`, { recharge: '100.00', send: '30.00' });
    const rs = await Promise.all(
      Array.from({ length: 30 }, (_, i) => call(url(i), 'POST', `/cards/${c.id}/invoices`, { amount: '10.00' })),
    );
    expect(tally(rs)).toEqual({ '201': 10, '409:conflict': 20 });
    const inv = (await call(url(), 'GET', `/cards/${c.id}/invoices`)).body;
    expect(inv).toMatchObject({ charged: '100.00', invoiced: '100.00', invoiceable: '0.00' });
    expect(inv.items).toHaveLength(10);
    await expectBalanced(c.id);
  }, 120_000);
});
