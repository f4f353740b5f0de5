// The job queue on the suite's store (PGlite, or PostgreSQL with
// TEST_DATABASE_URL): backoff and the dead letter, a lease that runs out
// (a process killed mid-job) and the retry that follows, the retry endpoint
// (failed jobs only, each caller its own), recurring schedules that exist once
// however many processes start, and the kinds moved onto the queue (code
// batches that resume where they stopped, the verification-code cleanup).
// Several services on one store stand for several processes; time is a
// controllable clock (deps.now), nothing sleeps.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { memoryCache } from '../../../src/cache/cache.ts';
import { createServices, type Services } from '../../../src/compose.ts';
import { seedFirstStart } from '../../../src/contexts/identity/index.ts';
import { backoffMs, type Job } from '../../../src/contexts/platform/index.ts';
import { afterFailure } from '../../../src/contexts/platform/domain/jobs.ts';
import { buildApp } from '../../../src/http/app.ts';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestDb, testConfig, type TestDb } from '../../helpers/runtime.ts';
import { must, ownerOf } from '../coupons/helpers.ts';

const LEASE = 60_000;
let clock = Date.now();
let tdb: TestDb;
let a: Services; // "process A"
let b: Services; // "process B"
let app: FastifyInstance;
let t: TenantFixture;
let other: TenantFixture;
let adminAuth: { authorization: string };

const build = () =>
  createServices({
    db: tdb.db,
    cache: memoryCache(),
    log: pino({ level: 'silent' }),
    config: testConfig({ adminPassword: 'admin-pass-123', jobsLeaseMs: LEASE, sessionTtlHours: 24 * 90 }),
    now: () => new Date(clock),
  });

/** Kinds only this file knows; `failuresLeft` makes the flaky one fail that many times. */
let failuresLeft = 0;
let runs: string[] = [];
let hang: Promise<void> = Promise.resolve();
function registerTestKinds(s: Services, name: string) {
  s.jobs.register({
    kind: 'test.flaky',
    maxAttempts: 3,
    async run({ job }) {
      runs.push(`${name}:${job.id}`);
      if (failuresLeft-- > 0) throw new Error(`flaky failure ${job.attempts}`);
    },
  });
  s.jobs.register({
    kind: 'test.slow',
    async run({ job }) {
      runs.push(`${name}:${job.id}`);
      if (name === 'A') await hang; // process A "dies" here: it never gets to mark the job done in time
    },
  });
  s.jobs.register({ kind: 'test.every', everyMs: 5_000, run: async () => void runs.push(`${name}:every`) });
}

/** One worker pass of a "process", its runs awaited. */
async function pass(s: Services, limit = 8) {
  const r = await s.jobs.tick(limit);
  await Promise.all(r.started);
  return r;
}
const job = async (id: number) => (await a.jobs.get(null, id))!;
const enqueue = async (kind: string, fields: Partial<Parameters<Services['jobs']['enqueue']>[0]> = {}) =>
  (await a.jobs.enqueue({ tenantId: t.tenantId, kind, ...fields }))!;

beforeAll(async () => {
  tdb = await openTestDb();
  a = build();
  b = build();
  registerTestKinds(a, 'A');
  registerTestKinds(b, 'B');
  app = await buildApp({ services: a });
  await app.ready();
  await seedFirstStart(a.deps, a.tenants);
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'admin-pass-123' } });
  adminAuth = { authorization: `Bearer ${login.json().token}` };
  t = await makeTenant(a, app);
  other = await makeTenant(a, app);
}, 60_000);
afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

describe('the rules', () => {
  it('backs off exponentially, capped, and dead-letters after the last attempt', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(backoffMs(40)).toBe(3_600_000);
    const now = new Date(0);
    expect(afterFailure(1, 3, now)).toEqual({ state: 'queued', runAt: new Date(5_000) });
    expect(afterFailure(3, 3, now)).toEqual({ state: 'failed' });
  });
});

describe('running jobs', () => {
  it('retries a failing job with backoff, then dead-letters it with its last error', async () => {
    runs = [];
    failuresLeft = 5;
    const j = await enqueue('test.flaky');
    await pass(a);
    expect(await job(j.id)).toMatchObject({ state: 'queued', attempts: 1, lastError: 'flaky failure 1' });
    expect((await job(j.id)).runAt.getTime()).toBe(clock + 5_000);
    await pass(a); // not due yet
    expect(runs).toHaveLength(1);
    clock += 5_000;
    await pass(b);
    expect(await job(j.id)).toMatchObject({ state: 'queued', attempts: 2, lastError: 'flaky failure 2' });
    expect((await job(j.id)).runAt.getTime()).toBe(clock + 10_000);
    clock += 10_000;
    await pass(a);
    const dead = await job(j.id);
    expect(dead).toMatchObject({ state: 'failed', attempts: 3, lastError: 'flaky failure 3' });
    expect(dead.finishedAt!.getTime()).toBe(clock);
    clock += 3_600_000;
    await pass(a);
    expect(runs).toHaveLength(3); // a dead letter is never picked up again by itself
  });

  it('gives a job whose process died back to the queue when its lease runs out, and the retry counts', async () => {
    runs = [];
    let release = () => {};
    hang = new Promise((res) => (release = res));
    const j = await enqueue('test.slow');
    const claimedByA = await a.jobs.tick(8); // A claims it and "dies" in the handler
    expect(await job(j.id)).toMatchObject({ state: 'running', attempts: 1, lockedBy: a.jobs.processId });
    await pass(b); // the lease is still good: B leaves it alone
    expect(runs).toEqual([`A:${j.id}`]);
    clock += LEASE + 1;
    await pass(b); // expired: taken back and run by B in the same pass
    expect(await job(j.id)).toMatchObject({ state: 'done', attempts: 2, lockedBy: b.jobs.processId });
    expect(runs).toEqual([`A:${j.id}`, `B:${j.id}`]);
    // A wakes up too late: its 'done' is refused, the job stays B's.
    release();
    await Promise.all(claimedByA.started);
    expect(await job(j.id)).toMatchObject({ state: 'done', attempts: 2, lockedBy: b.jobs.processId });
    hang = Promise.resolve();
  });

  it('dead-letters a job whose lease ran out on its last attempt', async () => {
    let release = () => {};
    hang = new Promise((res) => (release = res));
    const j = await enqueue('test.slow', { maxAttempts: 1 });
    const claimedByA = await a.jobs.tick(8);
    clock += LEASE + 1;
    await pass(b);
    expect(await job(j.id)).toMatchObject({
      state: 'failed',
      attempts: 1,
      lastError: `lease expired: ${a.jobs.processId} stopped during attempt 1`,
    });
    release();
    await Promise.all(claimedByA.started);
    expect((await job(j.id)).state).toBe('failed');
    hang = Promise.resolve();
  });

  it('renews the leases of the jobs a live process is running', async () => {
    let release = () => {};
    hang = new Promise((res) => (release = res));
    const j = await enqueue('test.slow');
    const claimedByA = await a.jobs.tick(8);
    for (let i = 0; i < 3; i++) {
      clock += LEASE / 2;
      await a.jobs.tick(0); // A's worker pass: renews, claims nothing
      await pass(b);
    }
    expect(await job(j.id)).toMatchObject({ state: 'running', attempts: 1, lockedBy: a.jobs.processId });
    release();
    await Promise.all(claimedByA.started);
    expect(await job(j.id)).toMatchObject({ state: 'done', attempts: 1 });
    hang = Promise.resolve();
  });
});

describe('recurring schedules', () => {
  it('exist once however many processes start, and queue their next run when one ends', async () => {
    const more = [build(), build(), build()];
    for (const s of more) registerTestKinds(s, 'C');
    await Promise.all([a, b, ...more].map((s) => s.jobs.ensureSchedules()));
    const live = async () => (await a.jobs.list(0, { kind: 'test.every', limit: 50, offset: 0 })).items;
    expect((await live()).map((x) => x.state)).toEqual(['queued']);
    runs = [];
    await Promise.all([pass(a), pass(b)]);
    expect(runs.filter((r) => r.endsWith('every'))).toHaveLength(1);
    const [next, done] = await live();
    expect(next).toMatchObject({ state: 'queued', singletonKey: 'schedule' });
    expect(next!.runAt.getTime()).toBe(clock + 5_000);
    expect(done!.state).toBe('done');
    await Promise.all([a, b].map((s) => s.jobs.ensureSchedules()));
    expect((await live()).filter((x) => x.state === 'queued')).toHaveLength(1);
  });

  it('moved what ran on timers: order recovery, the idempotency sweep, the verification-code cleanup, each queued once', async () => {
    const schedules = (await a.jobs.list(0, { state: 'queued', limit: 50, offset: 0 })).items.filter((x) => x.singletonKey === 'schedule');
    expect(schedules.map((x) => x.kind).sort()).toEqual([
      'commerce.order_recovery',
      'platform.idempotency_sweep',
      'platform.jobs_cleanup',
      'platform.verification_code_cleanup',
      'test.every',
    ]);
  });

  it('done jobs are deleted after a week; dead letters stay', async () => {
    const j = await enqueue('test.flaky');
    failuresLeft = 0;
    await pass(a);
    expect((await job(j.id)).state).toBe('done');
    clock += 6 * 24 * 3_600_000;
    expect(await a.jobs.deleteOldDone()).toBe(0);
    clock += 24 * 3_600_000 + 1;
    const failedBefore = (await a.jobs.counts(null)).failed;
    expect(await a.jobs.deleteOldDone()).toBeGreaterThan(0);
    expect(await a.jobs.get(null, j.id)).toBeNull();
    expect((await a.jobs.counts(null)).failed).toBe(failedBefore);
    expect(failedBefore).toBeGreaterThan(0);
  });

  it('the verification-code cleanup deletes codes expired over a day ago and keeps the rest', async () => {
    const insert = (expiresAt: Date) =>
      tdb.db.query<{ id: number }>(
        `INSERT INTO verification_codes (tenant_id, channel, recipient, purpose, code_hash, expires_at)
         VALUES ($1, 'sms', '13800000000', 'login', 'x', $2) RETURNING id`,
        [t.tenantId, expiresAt],
      );
    const old = (await insert(new Date(clock - 25 * 3_600_000))).rows[0]!.id;
    const recent = (await insert(new Date(clock - 3_600_000))).rows[0]!.id;
    clock += 3_600_000; // the hourly cleanup is due (queued at the first ensure)
    await pass(a);
    const left = await tdb.db.query<{ id: number }>('SELECT id FROM verification_codes WHERE id = ANY($1::bigint[])', [[old, recent]]);
    expect(left.rows.map((r) => r.id)).toEqual([recent]);
  });
});

describe('code batches on the queue', () => {
  it('a batch is made by its job; one stopped half-way is resumed by another process from where it stopped', async () => {
    const owner = await ownerOf({ db: tdb.db } as never, t);
    const tpl = await makeTemplate(app, t, { stock: 10 });
    const batch = must(await a.codeBatches.create(t.tenantId, tpl.id, { count: 6, length: 10 }, owner));
    await a.codeBatches.wait(batch.id);
    const jobs = (await a.jobs.list(t.tenantId, { kind: 'coupons.code_batch', limit: 5, offset: 0 })).items;
    expect(jobs).toEqual([
      expect.objectContaining({ state: 'done', attempts: 1, payload: { batchId: batch.id }, singletonKey: `batch:${batch.id}` }),
    ]);
    // As if its process had been killed after 3 codes: half the codes, the batch running, the job's lease held by the dead process.
    const codes = async () =>
      (await tdb.db.query<{ code: string }>('SELECT code FROM coupons WHERE batch_id = $1 ORDER BY id', [batch.id])).rows.map(
        (r) => r.code,
      );
    const kept = (await codes()).slice(0, 3);
    await tdb.db.query('DELETE FROM coupons WHERE batch_id = $1 AND NOT (code = ANY($2::text[]))', [batch.id, kept]);
    await tdb.db.query(`UPDATE code_batches SET state = 'running', generated = 3, finished_at = NULL WHERE id = $1`, [batch.id]);
    await tdb.db.query(`UPDATE jobs SET state = 'running', locked_by = 'dead', locked_until = $2, finished_at = NULL WHERE id = $1`, [
      jobs[0]!.id,
      new Date(clock - 1),
    ]);
    await pass(b);
    expect(await a.codeBatches.get(t.tenantId, batch.id)).toMatchObject({ state: 'done', generated: 6 });
    const after = await codes();
    expect(after.slice(0, 3)).toEqual(kept);
    expect(new Set(after).size).toBe(6);
    expect(await job(jobs[0]!.id)).toMatchObject({ state: 'done', attempts: 2, lockedBy: b.jobs.processId });
  });
});

describe('the jobs API', () => {
  let failed: Job;
  beforeAll(async () => {
    failuresLeft = 100;
    failed = await enqueue('test.flaky', { maxAttempts: 1 });
    await pass(a);
    expect((await job(failed.id)).state).toBe('failed');
  });
  const call = (method: 'GET' | 'POST', url: string, auth = t.auth) => app.inject({ method, url: `/api/v1${url}`, headers: auth });

  it('a tenant sees its own jobs with counts; the platform admin sees every job', async () => {
    const mine = await call('GET', '/jobs?state=failed');
    expect(mine.statusCode).toBe(200);
    const body = mine.json();
    expect(body.items.every((x: { tenantId: number; state: string }) => x.tenantId === t.tenantId && x.state === 'failed')).toBe(true);
    expect(body.items.map((x: { id: number }) => x.id)).toContain(failed.id);
    expect(body.counts.failed).toBe(body.total);
    expect(body.kinds).toEqual(expect.arrayContaining(['coupons.code_batch', 'test.flaky']));
    expect(body.kinds).not.toContain('commerce.order_recovery');
    expect((await call('GET', '/jobs', other.auth)).json().total).toBe(0);
    const all = (await call('GET', '/jobs?kind=commerce.order_recovery', adminAuth)).json();
    expect(all.total).toBeGreaterThan(0);
    expect(all.items[0]).toMatchObject({ tenantId: 0, kind: 'commerce.order_recovery' });
    expect((await call('GET', `/jobs/${failed.id}`)).json()).toMatchObject({
      id: failed.id,
      state: 'failed',
      lastError: expect.stringMatching(/^flaky/),
    });
    expect((await call('GET', `/jobs/${failed.id}`, other.auth)).statusCode).toBe(404);
    expect((await call('GET', `/jobs/${all.items[0].id}`)).statusCode).toBe(404);
  });

  it('retries only a failed job: queued again with its attempts afresh, once, audited', async () => {
    expect((await call('POST', `/jobs/${failed.id}/retry`, other.auth)).statusCode).toBe(404);
    const r = await call('POST', `/jobs/${failed.id}/retry`);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ state: 'queued', attempts: 0 });
    const again = await call('POST', `/jobs/${failed.id}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'invalid_state' });
    const done = (await a.jobs.list(null, { state: 'done', limit: 1, offset: 0 })).items[0]!;
    expect((await call('POST', `/jobs/${done.id}/retry`, adminAuth)).json()).toMatchObject({ code: 'invalid_state' });
    failuresLeft = 0;
    await pass(b);
    expect(await job(failed.id)).toMatchObject({ state: 'done', attempts: 1 });
    const audit = await tdb.db.query('SELECT 1 FROM audit_log WHERE action = $1 AND target_id = $2', ['job.retry', String(failed.id)]);
    expect(audit.rowCount).toBe(1);
  });

  it('a failed schedule is not retried while its next run is queued', async () => {
    const sched = (await a.jobs.list(0, { kind: 'test.every', state: 'done', limit: 1, offset: 0 })).items[0]!;
    await tdb.db.query(`UPDATE jobs SET state = 'failed' WHERE id = $1`, [sched.id]);
    const r = await call('POST', `/jobs/${sched.id}/retry`, adminAuth);
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'conflict' });
  });

  it('is for owners and admins', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/jobs' })).statusCode).toBe(401);
  });
});
