// The job queue across real app processes (issue 13): two servers on one
// PostgreSQL schema, each with its worker, 1 000 due jobs of the test kind
// (JOBS_TEST_KIND=1, 'platform.test_run'). Its effect is one audit_log row
// per run, written in the transaction that marks the job done (exactly-once
// effects, see contexts/platform/jobs.ts), so no test table is needed:
//   - runs are the job's attempts (each claim is one run);
//   - effects are the audit rows with the job's id.
// First: every job runs exactly once (attempts 1, one row), spread over both
// processes. Then one process is killed with SIGKILL while it runs jobs: the
// jobs it held come back when their lease runs out and the other process runs
// them, so every job is done with exactly one effect; the cut-short runs show
// as a second attempt (at least once for runs, exactly once for effects).
// PGlite is one embedded process: there it is skipped, by name.
import fs from 'node:fs';
import os from 'node:os';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCache } from '../../src/cache/cache.ts';
import { createServices, type Services } from '../../src/compose.ts';
import { openPostgres, type Db } from '../../src/db/store.ts';
import { dropPostgresSchema, testConfig, uniqueName, usingPostgres } from '../helpers/runtime.ts';
import { startServer, storeEnv, type ServerProcess } from '../helpers/server.ts';

const schema = uniqueName('qjb');
const servers: ServerProcess[] = [];
const N = 1000;
const LEASE_MS = 2000;
let db: Db;
let services: Services;
let tenantId = 0;

/**
 * The node process a server runs in: tsx starts src/main.ts in a child node
 * process (beside, at times, others of its own), and that child's pid is the
 * one its jobs' locked_by names and the one SIGKILL must reach.
 */
function nodePidOf(s: ServerProcess): number {
  const pid = s.child.pid!;
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  const main = children.find((c) => fs.readFileSync(`/proc/${c}/cmdline`, 'utf8').split('\0').includes('src/main.ts'));
  if (!main) throw new Error(`no src/main.ts process under tsx ${pid}`);
  return main;
}

async function queue(n: number, sleepMs: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = await services.jobs.enqueue({ tenantId, kind: 'platform.test_run', payload: { sleepMs }, maxAttempts: 5 });
    ids.push(j!.id);
  }
  return ids;
}

async function until(what: string, ok: () => Promise<boolean>, timeoutMs = 120_000) {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const count = async (sql: string, params: unknown[]) => (await db.query<{ n: number }>(sql, params)).rows[0]!.n;
const doneOf = (ids: number[]) => count(`SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1::bigint[]) AND state = 'done'`, [ids]);

/** Runs (attempts) and effects (audit rows) per job, tallied: {"attempts:rows": jobs}. */
async function tallyOf(ids: number[]): Promise<Record<string, number>> {
  const r = await db.query<{ key: string; n: number }>(
    `SELECT j.attempts || ':' || (SELECT count(*) FROM audit_log a WHERE a.action = 'job.test_run' AND a.target_id = j.id::text) AS key,
            count(*)::int AS n
     FROM jobs j WHERE j.id = ANY($1::bigint[]) GROUP BY 1 ORDER BY 1`,
    [ids],
  );
  return Object.fromEntries(r.rows.map((x) => [x.key, x.n]));
}

describe.skipIf(!usingPostgres)('jobs across two app processes (PostgreSQL; skipped on PGlite, one embedded process)', () => {
  beforeAll(async () => {
    const env = {
      ...storeEnv({ schema }),
      ADMIN_PASSWORD: 'admin-pass-123',
      DEMO_PASSWORD: 'demo-pass-123',
      LOG_LEVEL: 'error',
      JOBS_TEST_KIND: '1',
      JOBS_POLL_MS: '100',
      JOBS_LEASE_MS: String(LEASE_MS),
      JOBS_CONCURRENCY: '4',
    };
    servers.push(await startServer(env));
    servers.push(await startServer(env));
    // This process only queues and reads; it runs no worker.
    db = await openPostgres({ url: process.env.TEST_DATABASE_URL!, schema, poolSize: 4 });
    services = createServices({ db, cache: memoryCache(), log: pino({ level: 'silent' }), config: testConfig() });
    tenantId = (await db.query<{ id: number }>(`SELECT id FROM tenants WHERE slug = 'demo'`)).rows[0]!.id;
  }, 300_000);

  afterAll(async () => {
    for (const s of servers) await s.stop();
    await db?.close();
    await dropPostgresSchema(schema);
  });

  it('1 000 due jobs: each runs exactly once, on one of the two processes, with exactly one effect', async () => {
    const ids = await queue(N, 5);
    await until('1 000 jobs done', async () => (await doneOf(ids)) === N);
    expect(await tallyOf(ids)).toEqual({ '1:1': N });
    const by = await db.query<{ locked_by: string; n: number }>(
      'SELECT locked_by, count(*)::int AS n FROM jobs WHERE id = ANY($1::bigint[]) GROUP BY 1',
      [ids],
    );
    expect(by.rows).toHaveLength(2);
    const pids = servers.map((s) => `${os.hostname()}:${nodePidOf(s)}:`);
    expect(by.rows.map((r) => pids.findIndex((p) => r.locked_by.startsWith(p))).sort()).toEqual([0, 1]);
  }, 180_000);

  it('kill -9 of one process mid-run: every job still done, each effect exactly once; the cut-short runs were retried', async () => {
    const ids = await queue(N, 40);
    await until('some jobs done', async () => (await doneOf(ids)) >= 150);
    const victim = servers[1]!;
    const victimId = `${os.hostname()}:${nodePidOf(victim)}:`;
    process.kill(nodePidOf(victim), 'SIGKILL');
    await new Promise((r) => victim.child.once('exit', r));
    // Read after the kill (a count taken before it can race the victim finishing its jobs):
    // what it held is still 'running' under its name, cut short.
    const cutShort = await count(`SELECT count(*)::int AS n FROM jobs WHERE state = 'running' AND locked_by LIKE $1 || '%'`, [victimId]);
    expect(cutShort).toBeGreaterThan(0); // it was killed while it ran jobs
    await until('every job done after the kill', async () => (await doneOf(ids)) === N);

    const t = await tallyOf(ids);
    // Every job has exactly one effect ("n:1"); the runs cut short by the kill were run again.
    expect(Object.keys(t).every((k) => k.endsWith(':1'))).toBe(true);
    expect(Object.values(t).reduce((a, x) => a + x, 0)).toBe(N);
    const retried = t['2:1'] ?? 0;
    expect(retried).toBeGreaterThanOrEqual(1);
    expect(retried).toBeLessThanOrEqual(4); // JOBS_CONCURRENCY: what one process holds at once
    // Each retried job was finished by the survivor, and its one effect is the survivor's.
    const survivorRows = await count(
      `SELECT count(*)::int AS n FROM jobs j JOIN audit_log a ON a.action = 'job.test_run' AND a.target_id = j.id::text
       WHERE j.id = ANY($1::bigint[]) AND j.attempts = 2 AND j.locked_by NOT LIKE $2 || '%' AND a.details->>'by' = j.locked_by`,
      [ids, victimId],
    );
    expect(survivorRows).toBe(retried);
    const reaped = await count(
      `SELECT count(*)::int AS n FROM jobs WHERE id = ANY($1::bigint[]) AND last_error LIKE 'lease expired: ' || $2 || '%'`,
      [ids, victimId],
    );
    expect(reaped).toBe(retried);
  }, 180_000);
});
