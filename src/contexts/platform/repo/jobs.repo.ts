// jobs: the queue. Every change of a job's state is one conditional UPDATE
// (claim with FOR UPDATE SKIP LOCKED, finish only while still the lease
// holder, reap only an expired lease, retry only a failed job), never a read
// followed by a write. `now` comes from the caller (Deps.now), so the queue
// runs on the test clock; SQL now() is not used.
import { PgCode, pgErrorCode, type Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import { isJobState, type JobState } from '../domain/jobs.ts';

export interface JobRef {
  tenantId: number;
  id: number;
}

export interface Job extends JobRef {
  kind: string;
  payload: Record<string, unknown>;
  state: JobState;
  runAt: Date;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  lockedBy: string | null;
  lockedUntil: Date | null;
  singletonKey: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface NewJob {
  tenantId: number;
  kind: string;
  payload?: Record<string, unknown>;
  runAt: Date;
  maxAttempts?: number;
  singletonKey?: string | null;
}

type JobRow = Row<'jobs'>;

function toJob(r: JobRow): Job {
  if (!isJobState(r.state)) throw new Error(`unknown job state "${r.state}"`);
  return {
    tenantId: r.tenant_id,
    id: r.id,
    kind: r.kind,
    payload: (r.payload ?? {}) as Record<string, unknown>,
    state: r.state,
    runAt: new Date(r.run_at),
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    lastError: r.last_error,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until ? new Date(r.locked_until) : null,
    singletonKey: r.singleton_key,
    createdAt: new Date(r.created_at),
    finishedAt: r.finished_at ? new Date(r.finished_at) : null,
  };
}

/** Queues a job; null when a live job with the same singleton key exists (nothing queued). */
export async function insertJob(q: Queryable, j: NewJob, now: Date): Promise<Job | null> {
  const r = await q.query<JobRow>(
    `INSERT INTO jobs (tenant_id, kind, payload, run_at, max_attempts, singleton_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING *`,
    [j.tenantId, j.kind, JSON.stringify(j.payload ?? {}), j.runAt, j.maxAttempts ?? 5, j.singletonKey ?? null, now],
  );
  return r.rows[0] ? toJob(r.rows[0]) : null;
}

/** Queues one instance of each recurring kind that has no live one (tenant 0, key 'schedule'); how many were queued. */
export async function ensureScheduled(q: Queryable, kinds: Array<{ kind: string; maxAttempts: number }>, now: Date): Promise<number> {
  if (!kinds.length) return 0;
  const r = await q.query(
    `INSERT INTO jobs (tenant_id, kind, run_at, max_attempts, singleton_key, created_at)
     SELECT 0, k, $3, m, 'schedule', $3 FROM unnest($1::text[], $2::int[]) AS x(k, m) ON CONFLICT DO NOTHING`,
    [kinds.map((x) => x.kind), kinds.map((x) => x.maxAttempts), now],
  );
  return r.rowCount;
}

/** Takes up to `limit` due queued jobs of the given kinds for `me`, under a lease until `lockedUntil`. */
export async function claimDue(q: Queryable, me: string, kinds: string[], now: Date, lockedUntil: Date, limit: number): Promise<Job[]> {
  const r = await q.query<JobRow>(
    `UPDATE jobs SET state = 'running', locked_by = $1, locked_until = $4, attempts = attempts + 1
     WHERE (tenant_id, id) IN (
       SELECT tenant_id, id FROM jobs WHERE state = 'queued' AND run_at <= $3 AND kind = ANY($2::text[])
       ORDER BY run_at LIMIT $5 FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [me, kinds, now, lockedUntil, limit],
  );
  return r.rows.map(toJob);
}

/** Takes one queued job now, whatever its run_at (a request that just queued it runs it at once); null when it is not queued. */
export async function claimOne(q: Queryable, ref: JobRef, me: string, lockedUntil: Date): Promise<Job | null> {
  const r = await q.query<JobRow>(
    `UPDATE jobs SET state = 'running', locked_by = $3, locked_until = $4, attempts = attempts + 1
     WHERE tenant_id = $1 AND id = $2 AND state = 'queued' RETURNING *`,
    [ref.tenantId, ref.id, me, lockedUntil],
  );
  return r.rows[0] ? toJob(r.rows[0]) : null;
}

/**
 * Jobs whose lease ran out while running (their process died or hung) go
 * back to the queue, or to the dead letter when their attempts are used up.
 * SKIP LOCKED leaves alone a job whose holder is committing work under it.
 */
export async function reapExpired(q: Queryable, now: Date, limit = 100): Promise<Array<JobRef & { kind: string; state: JobState }>> {
  const r = await q.query<Pick<JobRow, 'tenant_id' | 'id' | 'kind' | 'state'>>(
    `UPDATE jobs SET
       state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
       run_at = $1, locked_until = NULL,
       finished_at = CASE WHEN attempts >= max_attempts THEN $1::timestamptz END,
       last_error = 'lease expired: ' || coalesce(locked_by, '?') || ' stopped during attempt ' || attempts
     WHERE (tenant_id, id) IN (
       SELECT tenant_id, id FROM jobs WHERE state = 'running' AND locked_until < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)
       AND state = 'running' AND locked_until < $1
     RETURNING tenant_id, id, kind, state`,
    [now, limit],
  );
  return r.rows.map((x) => ({ tenantId: x.tenant_id, id: x.id, kind: x.kind, state: x.state as JobState }));
}

/** Extends the leases of the jobs `me` is running; how many it still holds. */
export async function renewLeases(q: Queryable, me: string, refs: JobRef[], lockedUntil: Date): Promise<number> {
  if (!refs.length) return 0;
  const r = await q.query(
    `UPDATE jobs SET locked_until = $4
     WHERE (tenant_id, id) IN (SELECT * FROM unnest($2::bigint[], $3::bigint[])) AND locked_by = $1 AND state = 'running'`,
    [me, refs.map((x) => x.tenantId), refs.map((x) => x.id), lockedUntil],
  );
  return r.rowCount;
}

/**
 * Inside a handler's own transaction: true while `me` still holds the job,
 * and the reaper cannot take it until that transaction ends (FOR SHARE), so
 * work committed under the fence was done by the lease holder.
 */
export async function holdsLease(q: Queryable, ref: JobRef, me: string): Promise<boolean> {
  const r = await q.query(`SELECT 1 FROM jobs WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running' FOR SHARE`, [
    ref.tenantId,
    ref.id,
    me,
  ]);
  return r.rowCount === 1;
}

/** Marks the job done; false when `me` no longer holds it (its lease ran out and it was taken back). */
export async function markDone(q: Queryable, ref: JobRef, me: string, now: Date): Promise<boolean> {
  const r = await q.query(
    `UPDATE jobs SET state = 'done', locked_until = NULL, finished_at = $4
     WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'`,
    [ref.tenantId, ref.id, me, now],
  );
  return r.rowCount === 1;
}

/** Ends a failed attempt: back to the queue at `runAt`, or dead-lettered (runAt null); false when `me` no longer holds it. */
export async function markAttemptFailed(
  q: Queryable,
  ref: JobRef,
  me: string,
  runAt: Date | null,
  error: string,
  now: Date,
): Promise<boolean> {
  const r = await q.query(
    `UPDATE jobs SET state = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'queued' END,
       run_at = coalesce($4, run_at), last_error = $5, locked_until = NULL,
       finished_at = CASE WHEN $4::timestamptz IS NULL THEN $6::timestamptz END
     WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'`,
    [ref.tenantId, ref.id, me, runAt, error, now],
  );
  return r.rowCount === 1;
}

/** A job handed back unfinished (its process is stopping): queued at once, the attempt not counted; false when `me` no longer holds it. */
export async function releaseJob(q: Queryable, ref: JobRef, me: string, now: Date): Promise<boolean> {
  const r = await q.query(
    `UPDATE jobs SET state = 'queued', run_at = $4, attempts = greatest(attempts - 1, 0), locked_until = NULL
     WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'`,
    [ref.tenantId, ref.id, me, now],
  );
  return r.rowCount === 1;
}

/**
 * A dead-lettered job back to the queue with its attempts afresh; null when it
 * is not failed (or not the caller's), 'duplicate' when a live job holds its
 * singleton key. Tenant null: any tenant (the platform admin).
 */
export async function retryFailed(q: Queryable, tenantId: number | null, id: number, now: Date): Promise<Job | null | 'duplicate'> {
  try {
    const r = await q.query<JobRow>(
      `UPDATE jobs j SET state = 'queued', run_at = $3, attempts = 0, locked_until = NULL, finished_at = NULL
       WHERE j.id = $2 AND ($1::bigint IS NULL OR j.tenant_id = $1) AND j.state = 'failed'
         AND NOT EXISTS (SELECT 1 FROM jobs s WHERE s.tenant_id = j.tenant_id AND s.kind = j.kind
                         AND s.singleton_key = j.singleton_key AND s.state IN ('queued', 'running'))
       RETURNING *`,
      [tenantId, id, now],
    );
    if (r.rows[0]) return toJob(r.rows[0]);
    const live = await q.query(
      `SELECT 1 FROM jobs j WHERE j.id = $2 AND ($1::bigint IS NULL OR j.tenant_id = $1) AND j.state = 'failed' AND j.singleton_key IS NOT NULL`,
      [tenantId, id],
    );
    return live.rowCount ? 'duplicate' : null;
  } catch (e) {
    // Two retries of twins at once: the unique key lets one through.
    if (pgErrorCode(e) === PgCode.uniqueViolation) return 'duplicate';
    throw e;
  }
}

export interface JobFilter {
  state?: JobState;
  kind?: string;
  limit: number;
  offset: number;
}

/** Jobs newest first; tenant null lists every tenant's (and the platform's). */
export async function listJobs(q: Queryable, tenantId: number | null, f: JobFilter): Promise<{ items: Job[]; total: number }> {
  const r = await q.query<JobRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM jobs
     WHERE ($1::bigint IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR kind = $3)
     ORDER BY id DESC LIMIT $4 OFFSET $5`,
    [tenantId, f.state ?? null, f.kind ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toJob), total: r.rows[0]?.total ?? 0 };
}

/** How many jobs are in each state (for one kind, or all). */
export async function countByState(q: Queryable, tenantId: number | null, kind?: string): Promise<Record<JobState, number>> {
  const r = await q.query<{ state: string; n: number }>(
    `SELECT state, count(*)::int AS n FROM jobs WHERE ($1::bigint IS NULL OR tenant_id = $1) AND ($2::text IS NULL OR kind = $2)
     GROUP BY state`,
    [tenantId, kind ?? null],
  );
  const out: Record<JobState, number> = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const x of r.rows) if (isJobState(x.state)) out[x.state] = x.n;
  return out;
}

export async function getJob(q: Queryable, tenantId: number | null, id: number): Promise<Job | null> {
  const r = await q.query<JobRow>('SELECT * FROM jobs WHERE id = $2 AND ($1::bigint IS NULL OR tenant_id = $1)', [tenantId, id]);
  return r.rows[0] ? toJob(r.rows[0]) : null;
}

/** The kinds known to the queue (for the console's filter). */
export async function jobKinds(q: Queryable, tenantId: number | null): Promise<string[]> {
  const r = await q.query<{ kind: string }>('SELECT DISTINCT kind FROM jobs WHERE ($1::bigint IS NULL OR tenant_id = $1) ORDER BY kind', [
    tenantId,
  ]);
  return r.rows.map((x) => x.kind);
}

/** Deletes up to `limit` jobs done before `before` (dead letters stay until retried or looked at); the number deleted. */
export async function deleteDoneBefore(q: Queryable, before: Date, limit: number): Promise<number> {
  const r = await q.query(
    `DELETE FROM jobs WHERE (tenant_id, id) IN (
       SELECT tenant_id, id FROM jobs WHERE state = 'done' AND finished_at < $1 LIMIT $2)`,
    [before, limit],
  );
  return r.rowCount;
}
