// Order recovery runs as the recurring job 'commerce.order_recovery' (no timer
// of its own any more): one instance queued for all processes, a worker pass
// closes an expired unpaid order, and the next run is queued a minute later.
// Time is a controllable clock (deps.now); nothing sleeps.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { memoryCache } from '../../../src/cache/cache.ts';
import { createServices, type Services } from '../../../src/compose.ts';
import { ORDER_RECOVERY_EVERY_MS } from '../../../src/contexts/commerce/index.ts';
import { buildApp } from '../../../src/http/app.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestDb, testConfig, type TestDb } from '../../helpers/runtime.ts';
import { makeGoods, makeShopper, stockOf } from '../../http/apifm/shop-fixtures.ts';

let clock = Date.now();
let tdb: TestDb;
let services: Services;
let app: FastifyInstance;
let t: TenantFixture;

beforeAll(async () => {
  tdb = await openTestDb();
  services = createServices({
    db: tdb.db,
    cache: memoryCache(),
    log: pino({ level: 'silent' }),
    config: testConfig(),
    now: () => new Date(clock),
  });
  app = await buildApp({ services });
  await app.ready();
  t = await makeTenant(services, app);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

/** One worker pass, its runs awaited. */
async function pass() {
  const r = await services.jobs.tick(4);
  await Promise.all(r.started);
}
const recoveryJobs = async () =>
  (await services.jobs.list(0, { kind: 'commerce.order_recovery', limit: 10, offset: 0 })).items.map((j) => ({
    state: j.state,
    runAt: j.runAt.getTime(),
  }));

describe('order recovery as a recurring job', () => {
  it('is queued once, however many processes ensure it', async () => {
    const other = createServices({ ...services.deps });
    await Promise.all([services.jobs.ensureSchedules(), other.jobs.ensureSchedules(), services.jobs.ensureSchedules()]);
    expect(await recoveryJobs()).toEqual([{ state: 'queued', runAt: clock }]);
  });

  it('closes an expired unpaid order on a pass and queues its next run a minute later', async () => {
    const g = await makeGoods(app, t, { price: '1.00', stock: 5 });
    const u = await makeShopper(services, t.tenantId);
    const o = await services.orders.create(t.tenantId, u.uid, { lines: [{ goodsId: g.id, number: 1 }], expireMinutes: 30 });
    if (!o.ok) throw new Error(o.error.message);
    await tdb.db.query("UPDATE orders SET expires_at = now() - interval '1 second' WHERE id = $1", [o.value.id]);
    await pass();
    expect((await services.orders.get(t.tenantId, { id: o.value.id }))!.status).toBe(-1);
    expect(await stockOf(services, g.id)).toBe(5);
    expect(await recoveryJobs()).toEqual([
      { state: 'queued', runAt: clock + ORDER_RECOVERY_EVERY_MS },
      { state: 'done', runAt: clock },
    ]);
    // Not due yet: a pass leaves it; a minute later it runs again.
    await pass();
    expect((await recoveryJobs())[0]!.state).toBe('queued');
    clock += ORDER_RECOVERY_EVERY_MS;
    await pass();
    expect((await recoveryJobs()).map((j) => j.state)).toEqual(['queued', 'done', 'done']);
  });
});
