// Idempotency keys are forgotten at their expiry (IDEMPOTENCY_TTL_HOURS, 24 h
// by default) and keep only what a replay needs: the stored row holds neither
// the key nor the reply in clear (a card's reply carries the holder's phone).
// Time is a controllable clock (deps.now); nothing sleeps.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { memoryCache } from '../../../src/cache/cache.ts';
import { createServices, type Services } from '../../../src/compose.ts';
import { IDEMPOTENCY_SWEEP_EVERY_MS, keyDigest } from '../../../src/contexts/platform/index.ts';
import { buildApp } from '../../../src/http/app.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestDb, testConfig, type TestDb } from '../../helpers/runtime.ts';

const HOUR = 3_600_000;
let clock = Date.now();
let tdb: TestDb;
let services: Services;
let app: FastifyInstance;
let t: TenantFixture;
let productId: number;

beforeAll(async () => {
  tdb = await openTestDb();
  services = createServices({
    db: tdb.db,
    cache: memoryCache(),
    log: pino({ level: 'silent' }),
    config: testConfig({ sessionTtlHours: 24 * 90 }),
    now: () => new Date(clock),
  });
  app = await buildApp({ services });
  await app.ready();
  t = await makeTenant(services, app);
  const p = await app.inject({ method: 'POST', url: '/api/v1/card-products', headers: t.auth, payload: { title: 'Gold', type: 10 } });
  expect(p.statusCode).toBe(201);
  productId = p.json().id;
});
afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

const openCard = (key: string, phone: string) =>
  app.inject({ method: 'POST', url: '/api/v1/cards', headers: { ...t.auth, 'idempotency-key': key }, payload: { productId, phone } });
const rowsOf = (key: string) =>
  tdb.db.query<{ key: string; response: unknown; response_sealed: Uint8Array | null; status_code: number | null }>(
    'SELECT key, response, response_sealed, status_code FROM idempotency_keys WHERE tenant_id = $1 AND key = $2',
    [t.tenantId, keyDigest(key)],
  );
const cardsOf = async (phone: string) =>
  (await app.inject({ method: 'GET', url: `/api/v1/cards?phone=${phone}`, headers: t.auth })).json().items.length as number;

describe('idempotency keys: what is kept', () => {
  it('keeps neither the key nor the reply in clear, yet replays the reply to the holder of the key', async () => {
    const phone = '13800001111';
    const first = await openCard('open-card-kept', phone);
    expect(first.statusCode).toBe(201);
    expect(first.body).toContain(phone);

    const all = await tdb.db.query<{ key: string; response: unknown; response_sealed: Uint8Array | null }>(
      'SELECT key, response, response_sealed FROM idempotency_keys',
    );
    const row = all.rows.find((r) => r.key === keyDigest('open-card-kept'));
    expect(row).toBeDefined();
    expect(all.rows.some((r) => r.key === 'open-card-kept')).toBe(false);
    expect(row!.response).toBeNull();
    const stored = Buffer.from(row!.response_sealed!).toString('latin1');
    expect(stored).not.toContain(phone);
    expect(stored).not.toContain(String(first.json().cardNo ?? first.json().id));

    const retry = await openCard('open-card-kept', phone);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
  });
});

describe('idempotency keys: expiry (24 h by default)', () => {
  it('replays up to the expiry, and not after it: the key is free and the request runs as new', async () => {
    const phone = '13800002222';
    const first = await openCard('open-card-expiring', phone);
    expect(first.statusCode).toBe(201);
    expect(await cardsOf(phone)).toBe(1);

    clock += 24 * HOUR - 1000;
    const before = await openCard('open-card-expiring', phone);
    expect(before.headers['idempotent-replayed']).toBe('true');
    expect(before.json()).toEqual(first.json());

    clock += 2000;
    const after = await openCard('open-card-expiring', phone);
    // Not the stored answer: the request ran again (this phone already holds this card → 409).
    expect(after.headers['idempotent-replayed']).toBeUndefined();
    expect(after.statusCode).toBe(409);
    expect(await cardsOf(phone)).toBe(1);
    // The new answer is the key's answer from now on.
    const again = await openCard('open-card-expiring', phone);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.statusCode).toBe(409);
  });

  it('the sweep (a recurring job) deletes the keys past expiry and keeps the younger ones', async () => {
    await openCard('sweep-old', '13800003333');
    clock += 12 * HOUR;
    await openCard('sweep-young', '13800004444');
    clock += 12 * HOUR + 1000; // the old key is 24 h + 1 s old, the young one 12 h + 1 s

    // One worker pass runs the due sweep (queued by ensureSchedules at the clock's now).
    await services.jobs.ensureSchedules();
    const pass = await services.jobs.tick(4);
    await Promise.all(pass.started);
    const sweeps = await services.jobs.list(0, { kind: 'platform.idempotency_sweep', limit: 5, offset: 0 });
    expect(sweeps.items.map((j) => [j.state, j.runAt.getTime() - clock])).toEqual([
      ['queued', IDEMPOTENCY_SWEEP_EVERY_MS],
      ['done', 0],
    ]);
    expect((await rowsOf('sweep-old')).rows).toHaveLength(0);
    expect((await rowsOf('sweep-young')).rows).toHaveLength(1);
    const left = await tdb.db.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys WHERE expires_at <= $1', [
      new Date(clock),
    ]);
    expect(left.rows[0]!.n).toBe(0);
  });

  it('IDEMPOTENCY_TTL_HOURS sets the expiry', async () => {
    const short = createServices({ ...services.deps, config: testConfig({ sessionTtlHours: 24 * 90, idempotencyTtlHours: 1 }) });
    const begun = await short.idempotency.begin(t.tenantId, 'ttl-probe', 'ttl-key', 'h');
    expect(begun.state).toBe('new');
    if (begun.state !== 'new') return;
    await short.idempotency.complete(t.tenantId, 'ttl-probe', 'ttl-key', begun.attempt, 201, { ok: 1 });
    clock += HOUR - 1000;
    expect(await short.idempotency.begin(t.tenantId, 'ttl-probe', 'ttl-key', 'h')).toEqual({
      state: 'replay',
      statusCode: 201,
      body: { ok: 1 },
    });
    clock += 2000;
    expect((await short.idempotency.begin(t.tenantId, 'ttl-probe', 'ttl-key', 'h')).state).toBe('new');
  });
});
