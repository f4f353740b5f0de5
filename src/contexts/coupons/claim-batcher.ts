// Flash-sale claims, batched: while one batch of a template's claims is in its
// transaction, new claims wait in a queue; the next batch takes them all in
// one transaction. The hot stock row is then locked once per batch instead of
// once per claim, and every invariant is still one atomic statement:
//   - per-user limit: one conditional upsert over the batch's distinct users;
//   - stock: one conditional UPDATE that grants min(asked, left) (the row is
//     locked FOR NO KEY UPDATE: a plain FOR UPDATE would deadlock with the
//     KEY SHARE locks other batches' foreign-key checks hold on it);
//   - claimants past the granted count give their per-user count back in the
//     same transaction.
// Since migration 011 the batch is one call of quan_claim_batch (one round
// trip): each round trip waited for a turn of an event loop busy with the
// claimants' own requests, which made a batch of one take 10-40 ms under load.
// A claim is answered only after its batch commits, so every acknowledged
// claim is durable. Claims that need per-user facts (points cost, audience,
// sign-in days) take the single-claim path instead.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, type Queryable } from '../../db/store.ts';
import { commitScope, type CommitScope } from '../../db/commit-scope.ts';
import { computeValidity } from './domain/coupon-status.ts';
import { newCouponCode } from './domain/codes.ts';
import type { Coupon } from './domain/coupon.ts';
import type { Template } from './domain/template.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { claimBatch, issueClaimCoupons, type BatchOutcome, type ClaimBatchInput } from './repo/claim-batch.repo.ts';
import { recordEvents } from '../events/index.ts';

/** The refusals a batched claim can end in. */
export type BatchClaimCode = 'not_found' | 'per_user_limit' | 'sold_out' | 'invalid_state' | 'conflict';

/** What one batch held: reported to observers once it has committed or failed. */
export interface BatchReport {
  templateId: number;
  size: number;
  /** Who asked for each claim: staff, an API key, or the consumer themself (no principal). */
  claimants: Array<{ userId: number; by: Principal['kind'] | 'consumer' }>;
}

export interface ClaimBatchStats {
  batches: number;
  claims: number;
  largest: number;
}

interface Pending {
  userId: number;
  by: Principal | null;
  /** The claimant's request hook (its Idempotency-Key mark), run in the batch's transaction. */
  beforeCommit: CommitScope['beforeCommit'];
  resolve: (r: Result<Coupon, BatchClaimCode>) => void;
  reject: (e: unknown) => void;
}

interface Queue {
  template: Template;
  timezone: string;
  items: Pending[];
  running: boolean;
}

const MAX_BATCH = 500;

/** Deadlock and serialization failures roll the whole batch back; running it again is safe. */
async function withRetry<T>(fn: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      const code = pgErrorCode(e);
      if (i >= tries || (code !== '40P01' && code !== '40001')) throw e;
    }
  }
}

const staffOf = (by: Principal | null) => (by?.kind === 'staff' ? by.staffId : null);

function outcomeResult(o: BatchOutcome, t: Template): Result<Coupon, BatchClaimCode> | 'retry' {
  switch (o.kind) {
    case 'issued':
      return ok(o.coupon);
    case 'code_taken':
      return 'retry';
    case 'not_found':
      return fail(ErrorCode.not_found, 'user not found', { field: 'userId' });
    case 'per_user_limit':
      return fail(ErrorCode.per_user_limit, `at most ${t.perUserLimit} per person`);
    case 'sold_out':
      return fail(ErrorCode.sold_out, 'this coupon is sold out');
    case 'template_state':
      return fail(ErrorCode.invalid_state, `this coupon cannot be claimed: its template is ${o.state}`);
  }
}

/** One batch in its transaction (one round trip, migration 011), then fresh codes for any that collided (rare). */
async function runBatch(
  q: Queryable,
  t: Template,
  timezone: string,
  batch: Pending[],
  at: Date,
): Promise<Map<number, Result<Coupon, BatchClaimCode>>> {
  const out = new Map<number, Result<Coupon, BatchClaimCode>>();
  const base = { template: t, window: computeValidity(t.validity, at, timezone), at };
  const claimantOf = (p: Pending, code: string) => ({ userId: p.userId, code, staffId: staffOf(p.by), audited: p.by != null });
  const outcomes = await claimBatch(q, { ...base, claimants: batch.map((p) => claimantOf(p, newCouponCode())) });
  const byUser = new Map(batch.map((p) => [p.userId, p]));
  let collided: Pending[] = [];
  for (const o of outcomes) {
    const r = outcomeResult(o, t);
    if (r === 'retry') collided.push(byUser.get(o.claimant)!);
    else out.set(o.claimant, r);
  }
  // The stock and limit are already taken; a fresh code, same transaction.
  for (let attempt = 0; collided.length && attempt < 5; attempt++) {
    const input: ClaimBatchInput = { ...base, claimants: collided.map((p) => claimantOf(p, newCouponCode())) };
    const done = new Set<number>();
    for (const { claimant, coupon } of await issueClaimCoupons(q, input)) {
      out.set(claimant, ok(coupon));
      done.add(claimant);
    }
    collided = collided.filter((p) => !done.has(p.userId));
  }
  if (collided.length) throw new Error('could not find free coupon codes');
  // One event per claim, all in one statement: the batch stays one round trip plus this one.
  const issued = [...out].flatMap(([userId, r]) =>
    r.ok
      ? [
          {
            tenantId: t.tenantId,
            type: 'coupon.issued' as const,
            payload: { templateId: t.id, source: 'claim', userId, couponCodes: [r.value.code] },
          },
        ]
      : [],
  );
  await recordEvents(q, issued, at);
  return out;
}

/** One batch per template at a time; the queue of the rest. One batcher per process (compose.ts builds coupons once). */
export function claimBatcher(deps: Deps, opts: { onBatch?: (b: BatchReport) => void } = {}) {
  const queues = new Map<number, Queue>();
  const now = () => deps.now?.() ?? new Date();
  const observers = new Set<(b: BatchReport) => void>(opts.onBatch ? [opts.onBatch] : []);
  const stats: ClaimBatchStats = { batches: 0, claims: 0, largest: 0 };

  function report(t: Template, batch: Pending[]) {
    stats.batches++;
    stats.claims += batch.length;
    stats.largest = Math.max(stats.largest, batch.length);
    const r: BatchReport = {
      templateId: t.id,
      size: batch.length,
      claimants: batch.map((p) => ({ userId: p.userId, by: p.by?.kind ?? 'consumer' })),
    };
    for (const o of observers) o(r);
  }

  async function drain(templateId: number): Promise<void> {
    const queue = queues.get(templateId);
    if (!queue || queue.running) return;
    queue.running = true;
    try {
      // Group commit: with a gathering window the first batch waits for the claims right behind it.
      const gather = deps.config.claimBatchGatherMs;
      if (gather > 0) await new Promise((r) => setTimeout(r, gather));
      while (queue.items.length) {
        // One claim per user per batch (the per-user upsert touches each row once).
        const seen = new Set<number>();
        const batch: Pending[] = [];
        const rest: Pending[] = [];
        for (const p of queue.items) {
          if (batch.length < MAX_BATCH && !seen.has(p.userId)) {
            seen.add(p.userId);
            batch.push(p);
          } else rest.push(p);
        }
        queue.items = rest;
        try {
          // The batch commits many requests' work at once: every claimant's hook runs in it,
          // and not the hook of whichever request happened to start the drain.
          const hooks = batch.flatMap((p) => (p.beforeCommit ? [p.beforeCommit] : []));
          const scope: CommitScope = {
            beforeCommit: hooks.length
              ? async (q) => {
                  for (const h of hooks) await h(q);
                }
              : null,
          };
          const results = await withRetry(() =>
            commitScope.run(scope, () => deps.db.tx((q) => runBatch(q, queue.template, queue.timezone, batch, now()))),
          );
          report(queue.template, batch);
          for (const p of batch) p.resolve(results.get(p.userId) ?? fail(ErrorCode.conflict, 'claim not processed; try again'));
        } catch (e) {
          report(queue.template, batch);
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      queue.running = false;
      if (!queue.items.length) queues.delete(templateId);
    }
  }

  return {
    /** Queues a claim whose template-level rules have already passed. */
    submit(t: Template, timezone: string, userId: number, by: Principal | null): Promise<Result<Coupon, BatchClaimCode>> {
      return new Promise((resolve, reject) => {
        let queue = queues.get(t.id);
        if (!queue) {
          queue = { template: t, timezone, items: [], running: false };
          queues.set(t.id, queue);
        }
        queue.items.push({ userId, by, beforeCommit: commitScope.getStore()?.beforeCommit ?? null, resolve, reject });
        void drain(t.id);
      });
    },
    /** Claims and batches so far in this process. */
    stats: (): ClaimBatchStats => ({ ...stats }),
    /** Calls `fn` with every batch from now on; returns the function that stops it. */
    observe(fn: (b: BatchReport) => void): () => void {
      observers.add(fn);
      return () => observers.delete(fn);
    },
  };
}

export type ClaimBatcher = ReturnType<typeof claimBatcher>;
