// The job queue: background work in PostgreSQL (PGlite or a server), claimed
// by any app process, run by one at a time. pg-boss and graphile-worker do not
// run on PGlite, the embedded default, hence this small queue.
//
// The contract, per kind:
//   - default: AT-LEAST-ONCE execution. A process claims a job under a lease,
//     runs the handler, then marks the job done while it still holds the
//     lease. A process killed mid-job leaves the job to the reaper, which puts
//     it back in the queue when the lease runs out: the handler can run again,
//     so it must be idempotent (recovery passes and sweeps are by nature; a
//     code batch resumes from what it has made).
//   - `transactional: true`: EXACTLY-ONCE EFFECTS. The handler gets the
//     transaction the 'done' mark commits in and does its database work there:
//     the work commits if and only if this process still held the job when it
//     was marked done, so a run cut short (killed, or its lease taken back)
//     leaves no trace and the retry is the one that counts.
//   Long handlers that commit in steps (code batches) fence each step with
//   `ctx.holdsLease(q)` inside the step's transaction.
//
// A failed attempt is retried after an exponential backoff (domain/jobs.ts)
// and dead-lettered ('failed') after max_attempts; a failed job is retried by
// hand (the console, POST /jobs/{id}/retry). Recurring kinds (`everyMs`) keep
// one live instance under a singleton key and queue the next one when it ends.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Queryable } from '../../db/store.ts';
import { tenantOfStored, type Deps, type Principal } from '../../kernel/deps.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from './audit.ts';
import { afterFailure, DEFAULT_MAX_ATTEMPTS, errorText, type JobState } from './domain/jobs.ts';
import * as repo from './repo/jobs.repo.ts';

export type { Job, JobRef } from './repo/jobs.repo.ts';
export { backoffMs, JOB_STATES, PLATFORM_TENANT, type JobState } from './domain/jobs.ts';

export interface JobContext {
  job: repo.Job;
  /** A transactional kind's transaction (the one 'done' commits in); the plain store otherwise. */
  q: Queryable;
  /** True on the job's last attempt: a handler can record a final failure before it throws. */
  finalAttempt: boolean;
  /** Inside the caller's transaction: true while this process holds the job (and the reaper waits for that transaction). */
  holdsLease(q: Queryable): Promise<boolean>;
  /** True once the process is stopping: a long handler may return 'again' at a safe point to be resumed elsewhere. */
  stopping(): boolean;
}

/** 'again': not finished, back to the queue at once (not a failure). */
export type JobOutcome = void | 'again';

export interface JobKind {
  kind: string;
  run(ctx: JobContext): Promise<JobOutcome>;
  /** Exactly-once effects: run inside the transaction that marks the job done (see the header). */
  transactional?: boolean;
  maxAttempts?: number;
  /** Recurring: one live instance (tenant 0), queued again `everyMs` after each run ends. */
  everyMs?: number;
}

export interface NewJobInput {
  tenantId: number;
  kind: string;
  payload?: Record<string, unknown>;
  /** Default: now. */
  runAt?: Date;
  maxAttempts?: number;
  singletonKey?: string | null;
}

const SCHEDULE_KEY = 'schedule';
/** Done jobs are kept a week (the console shows what ran), then deleted; failed ones stay. */
export const DONE_JOBS_KEEP_MS = 7 * 24 * 3_600_000;
const CLEANUP_BATCH = 5_000;

export function jobService(deps: Deps) {
  const kinds = new Map<string, JobKind>();
  /** This process (and this service instance: tests build several in one process). */
  const me = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const inFlight = new Map<string, { ref: repo.JobRef; done: Promise<void> }>();
  let stopping = false;
  const now = () => deps.now?.() ?? new Date();
  const leaseEnd = () => new Date(now().getTime() + deps.config.jobsLeaseMs);
  const keyOf = (r: repo.JobRef) => `${r.tenantId}:${r.id}`;

  /** Queues the next run of a recurring kind (in the transaction that ended this one). */
  const queueNext = (q: Queryable, k: JobKind) =>
    k.everyMs === undefined
      ? Promise.resolve(null)
      : repo.insertJob(
          q,
          {
            tenantId: 0,
            kind: k.kind,
            runAt: new Date(now().getTime() + k.everyMs),
            maxAttempts: k.maxAttempts,
            singletonKey: SCHEDULE_KEY,
          },
          now(),
        );

  /** Marks done (and queues the next run); fails 'conflict' when the lease was lost, which rolls `q` back. */
  async function finish(q: Queryable, k: JobKind, job: repo.Job): Promise<Result<void, 'conflict'>> {
    if (!(await repo.markDone(q, job, me, now()))) return fail(ErrorCode.conflict, 'the lease on the job was lost');
    await queueNext(q, k);
    return ok(undefined);
  }

  async function attempt(k: JobKind, job: repo.Job): Promise<void> {
    const ctx = (q: Queryable): JobContext => ({
      job,
      q,
      finalAttempt: job.attempts >= job.maxAttempts,
      holdsLease: (tq) => repo.holdsLease(tq, job, me),
      stopping: () => stopping,
    });
    try {
      const r = k.transactional
        ? await deps.db.txResult(async (q): Promise<Result<'done' | 'again', 'conflict'>> =>
            (await k.run(ctx(q))) === 'again' ? ok('again') : finishAs(q),
          )
        : await runPlain(k, job, ctx(deps.db));
      if (r.ok && r.value === 'again') await repo.releaseJob(deps.db, job, me, now());
      else if (!r.ok) deps.log.warn({ job: job.id, kind: job.kind }, 'job lease lost before it was marked done; its retry counts');
    } catch (err) {
      await failAttempt(k, job, err);
    }

    async function finishAs(q: Queryable): Promise<Result<'done', 'conflict'>> {
      const f = await finish(q, k, job);
      return f.ok ? ok('done' as const) : f;
    }
  }

  async function runPlain(k: JobKind, job: repo.Job, ctx: JobContext): Promise<Result<'done' | 'again', 'conflict'>> {
    if ((await k.run(ctx)) === 'again') return ok('again');
    const f = await deps.db.txResult((q) => finish(q, k, job));
    return f.ok ? ok('done') : f;
  }

  async function failAttempt(k: JobKind, job: repo.Job, err: unknown): Promise<void> {
    const next = afterFailure(job.attempts, job.maxAttempts, now());
    deps.log.error({ err, job: job.id, kind: job.kind, attempt: job.attempts, next: next.state }, 'job attempt failed');
    await deps.db.tx(async (q) => {
      const mine = await repo.markAttemptFailed(q, job, me, next.state === 'queued' ? next.runAt : null, errorText(err), now());
      // A dead-lettered schedule still gets its next run.
      if (mine && next.state === 'failed') await queueNext(q, k);
    });
  }

  /** Runs a claimed job in the background; tracked for lease renewal and a graceful stop. */
  function execute(job: repo.Job): Promise<void> {
    const k = kinds.get(job.kind);
    const done = (k ? attempt(k, job) : failAttempt({ kind: job.kind, run: async () => {} }, job, new Error('no handler'))).finally(() =>
      inFlight.delete(keyOf(job)),
    );
    inFlight.set(keyOf(job), { ref: { tenantId: job.tenantId, id: job.id }, done });
    return done;
  }

  const recurring = () => [...kinds.values()].filter((k) => k.everyMs !== undefined);

  return {
    /** This process's name in locked_by. */
    processId: me,

    /** Adds a kind this process can run (its contexts register theirs when built). */
    register(k: JobKind): void {
      kinds.set(k.kind, k);
    },

    kinds: () => [...kinds.keys()],

    /** Deletes the jobs done more than DONE_JOBS_KEEP_MS ago; the number deleted. */
    async deleteOldDone(): Promise<number> {
      const before = new Date(now().getTime() - DONE_JOBS_KEEP_MS);
      let total = 0;
      for (;;) {
        const n = await repo.deleteDoneBefore(deps.db, before, CLEANUP_BATCH);
        total += n;
        if (n < CLEANUP_BATCH) return total;
      }
    },

    /** Queues a job, in `q` (the caller's transaction) when given; null when a live job holds its singleton key. Attempts: the kind's, unless given. */
    enqueue(j: NewJobInput, q: Queryable = deps.db): Promise<repo.Job | null> {
      const maxAttempts = j.maxAttempts ?? kinds.get(j.kind)?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
      return repo.insertJob(q, { ...j, runAt: j.runAt ?? now(), maxAttempts }, now());
    },

    /** Claims one queued job and runs it in this process now (a request that just queued it); resolves when it has ended. */
    async runNow(ref: repo.JobRef): Promise<boolean> {
      if (stopping) return false;
      const job = await repo.claimOne(deps.db, ref, me, leaseEnd());
      if (!job) return false; // another process has it, or it is not queued
      await execute(job);
      return true;
    },

    /** Queues each recurring kind that has no live instance; how many were queued. */
    ensureSchedules(): Promise<number> {
      const k = recurring();
      return repo.ensureScheduled(
        deps.db,
        k.map((x) => ({ kind: x.kind, maxAttempts: x.maxAttempts ?? DEFAULT_MAX_ATTEMPTS })),
        now(),
      );
    },

    /**
     * One pass of the worker loop: renew the leases held, take back expired
     * ones, claim up to `limit` due jobs and start them. Returns the runs
     * started (the caller may wait for them) and whether the claim was full.
     */
    async tick(limit: number): Promise<{ started: Promise<void>[]; full: boolean; reaped: number }> {
      await repo.renewLeases(
        deps.db,
        me,
        [...inFlight.values()].map((x) => x.ref),
        leaseEnd(),
      );
      const reaped = await repo.reapExpired(deps.db, now());
      for (const r of reaped) deps.log.warn({ job: r.id, kind: r.kind, state: r.state }, 'job lease expired; taken back');
      if (stopping || limit <= 0 || !kinds.size) return { started: [], full: false, reaped: reaped.length };
      const claimed = await repo.claimDue(deps.db, me, [...kinds.keys()], now(), leaseEnd(), limit);
      return { started: claimed.map(execute), full: claimed.length === limit, reaped: reaped.length };
    },

    /** How many jobs this process is running. */
    running: () => inFlight.size,

    /** No new claims; resolves when the jobs running here have ended (long ones yield at their next safe point). */
    async drain(): Promise<void> {
      stopping = true;
      while (inFlight.size) await Promise.allSettled([...inFlight.values()].map((x) => x.done));
    },

    list: (tenantId: number | null, f: repo.JobFilter) => repo.listJobs(deps.db, tenantId, f),
    counts: (tenantId: number | null, kind?: string): Promise<Record<JobState, number>> => repo.countByState(deps.db, tenantId, kind),
    knownKinds: (tenantId: number | null) => repo.jobKinds(deps.db, tenantId),
    get: (tenantId: number | null, id: number) => repo.getJob(deps.db, tenantId, id),

    /** A dead-lettered job back to the queue (only 'failed' → 'queued'); tenant null: any tenant's. */
    retry(tenantId: number | null, id: number, by: Principal): Promise<Result<repo.Job, 'not_found' | 'invalid_state' | 'conflict'>> {
      return deps.db.txResult(async (q): Promise<Result<repo.Job, 'not_found' | 'invalid_state' | 'conflict'>> => {
        const r = await repo.retryFailed(q, tenantId, id, now());
        if (r === 'duplicate') return fail(ErrorCode.conflict, 'another run of this job is already queued or running');
        if (!r) {
          const j = await repo.getJob(q, tenantId, id);
          return j
            ? fail(ErrorCode.invalid_state, `the job is ${j.state}; only a failed job can be retried`)
            : fail(ErrorCode.not_found, 'job not found');
        }
        await audit(q, tenantOfStored(r.tenantId), by, {
          action: 'job.retry',
          targetType: 'job',
          targetId: r.id,
          details: { kind: r.kind },
        });
        return ok(r);
      });
    },
  };
}

export type JobService = ReturnType<typeof jobService>;

/** The queue's own retention as a recurring job, hourly (idempotent). */
export function doneJobsCleanupJob(jobs: JobService, deps: Deps): JobKind {
  return {
    kind: 'platform.jobs_cleanup',
    everyMs: 3_600_000,
    async run() {
      const n = await jobs.deleteOldDone();
      if (n) deps.log.info({ deleted: n }, 'old done jobs deleted');
    },
  };
}
