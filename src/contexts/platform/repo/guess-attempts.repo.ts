// guess_attempts: tries at a secret in a fixed window. A try is reserved by
// one atomic upsert (the row lock of ON CONFLICT serialises parallel tries)
// that takes a pending slot only while failures + pending is under the limit,
// so a burst of parallel guesses never gets more comparisons than the limit;
// the answer then settles the slot. A window that has ended starts again with
// no failures; pending slots not renewed by a reservation for the pending time
// (their process died mid-compare) count as free.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';

export interface GuessCounterRef {
  tenantId: number;
  key: string;
}

export interface ReserveTry {
  limit: number;
  windowSec: number;
  /** How long a reserved try may take before its slot counts as free. */
  pendingSec: number;
}

/** What settles a reserved try: a wrong guess (a failure), a right one (given back), a right one that also clears the failures. */
export type TryOutcome = 'wrong' | 'right' | 'clear';

/** Takes a pending slot when the counter allows one; true when taken. */
export async function reserveTry(q: Queryable, c: GuessCounterRef, t: ReserveTry, now: Date): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO guess_attempts AS g (tenant_id, key, failures, pending, window_ends, pending_until)
     VALUES ($1, $2, 0, 1, $3::timestamptz + make_interval(secs => $4), $3::timestamptz + make_interval(secs => $6))
     ON CONFLICT (tenant_id, key) DO UPDATE SET
       failures = CASE WHEN g.window_ends <= $3::timestamptz THEN 0 ELSE g.failures END,
       pending = CASE WHEN g.pending_until <= $3::timestamptz THEN 0 ELSE g.pending END + 1,
       window_ends = CASE WHEN g.window_ends <= $3::timestamptz THEN EXCLUDED.window_ends ELSE g.window_ends END,
       pending_until = EXCLUDED.pending_until
     WHERE (CASE WHEN g.window_ends <= $3::timestamptz THEN 0 ELSE g.failures END)
         + (CASE WHEN g.pending_until <= $3::timestamptz THEN 0 ELSE g.pending END) < $5
     RETURNING 1`,
    [c.tenantId, c.key, now, t.windowSec, t.limit, t.pendingSec],
  );
  return r.rowCount === 1;
}

/** The failures of the current window (none once it has ended), the tries in flight, the answers so far, the window's end; null: no counter. */
export async function countsOf(
  q: Queryable,
  c: GuessCounterRef,
  now: Date,
): Promise<{ failures: number; pending: number; settled: number; windowEnds: Date } | null> {
  const r = await q.query<RowOf<'guess_attempts', 'failures' | 'pending' | 'settled' | 'window_ends'>>(
    `SELECT CASE WHEN window_ends > $3 THEN failures ELSE 0 END AS failures,
            CASE WHEN pending_until > $3 THEN pending ELSE 0 END AS pending, settled, window_ends
       FROM guess_attempts WHERE tenant_id = $1 AND key = $2`,
    [c.tenantId, c.key, now],
  );
  const row = r.rows[0];
  return row ? { failures: row.failures, pending: row.pending, settled: row.settled, windowEnds: row.window_ends } : null;
}

/** Settles a reserved try: its slot is freed and, when wrong, counted as a failure (pending never below zero). */
export async function settleTry(q: Queryable, c: GuessCounterRef, outcome: TryOutcome): Promise<void> {
  await q.query(
    `UPDATE guess_attempts SET pending = GREATEST(pending - 1, 0), settled = settled + 1,
            failures = CASE $3 WHEN 'wrong' THEN failures + 1 WHEN 'clear' THEN 0 ELSE failures END
      WHERE tenant_id = $1 AND key = $2`,
    [c.tenantId, c.key, outcome],
  );
}

/** Deletes up to `max` counters whose window has ended and that hold no pending try. */
export async function sweepEnded(q: Queryable, now: Date, max = 1000): Promise<number> {
  const r = await q.query(
    `DELETE FROM guess_attempts WHERE (tenant_id, key) IN
       (SELECT tenant_id, key FROM guess_attempts WHERE window_ends <= $1 AND (pending = 0 OR pending_until <= $1) LIMIT $2)`,
    [now, max],
  );
  return r.rowCount;
}
