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
import { newCouponCode, toCoupon, type Coupon, type CouponRow } from './coupons.ts';
import { computeValidity } from './domain/coupon-status.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { Template } from './templates.ts';

interface Pending {
  userId: number;
  by: Principal | null;
  /** The claimant's request hook (its Idempotency-Key mark), run in the batch's transaction. */
  beforeCommit: CommitScope['beforeCommit'];
  resolve: (r: Result<Coupon>) => void;
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

export function claimBatcher(deps: Deps) {
  const queues = new Map<number, Queue>();
  const now = () => deps.now?.() ?? new Date();

  async function runBatch(q: Queryable, t: Template, timezone: string, batch: Pending[]): Promise<Map<number, Result<Coupon>>> {
    const out = new Map<number, Result<Coupon>>();
    const users = batch.map((p) => p.userId);
    const at = now();
    const v = computeValidity(t.validity, at, timezone);
    const byUser = new Map(batch.map((p) => [p.userId, p.by]));
    const staffOf = (u: number) => {
      const b = byUser.get(u);
      return b?.kind === 'staff' ? b.staffId : null;
    };
    const couponOf = (id: number, owner: number, code: string, createdAt: Date): CouponRow => ({
      id, tenant_id: t.tenantId, template_id: t.id, code, owner_id: owner, source: 'claim', batch_id: null, status: 'issued',
      valid_from: v.from, valid_to: v.to, received_at: at, used_at: null, redemption_id: null, created_at: createdAt,
    });
    // The whole batch in one round trip (migration 011): users, per-user limit, stock, give-backs, coupons, history, audit.
    const codes = users.map(() => newCouponCode());
    const codeOf = new Map(users.map((u, i) => [u, codes[i]!]));
    const r = await q.query<{ claimant: number; result: string; new_coupon: number | null; issued_at: Date | null }>(
      'SELECT * FROM quan_claim_batch($1, $2, $3::bigint[], $4::text[], $5::bigint[], $6::boolean[], $7, $8, $9, $10)',
      [t.tenantId, t.id, users, codes, users.map(staffOf), users.map((u) => byUser.get(u) != null), t.perUserLimit, v.from, v.to, at],
    );
    let collided: number[] = [];
    for (const row of r.rows) {
      const u = row.claimant;
      if (row.result === 'issued') out.set(u, ok(toCoupon(couponOf(row.new_coupon!, u, codeOf.get(u)!, row.issued_at!), at)));
      else if (row.result === 'code_taken') collided.push(u);
      else if (row.result === 'not_found') out.set(u, fail(ErrorCode.not_found, 'user not found'));
      else if (row.result === 'per_user_limit') out.set(u, fail(ErrorCode.per_user_limit, `at most ${t.perUserLimit} per person`));
      else if (row.result === 'sold_out') out.set(u, fail(ErrorCode.sold_out, 'this coupon is sold out'));
      else out.set(u, fail(ErrorCode.invalid_state, `this coupon cannot be claimed: its template is ${row.result.replace(/^state:/, '')}`));
    }
    // A code that collided (rare): the stock and limit are already taken; a fresh code, same transaction.
    for (let attempt = 0; collided.length && attempt < 5; attempt++) {
      const fresh = collided.map(() => newCouponCode());
      const ins = await q.query<{ claimant: number; new_coupon: number | null; issued_at: Date | null }>(
        'SELECT * FROM quan_issue_claim_coupons($1, $2, $3::bigint[], $4::text[], $5::bigint[], $6::boolean[], $7, $8, $9)',
        [t.tenantId, t.id, collided, fresh, collided.map(staffOf), collided.map((u) => byUser.get(u) != null), v.from, v.to, at],
      );
      const codeAt = new Map(collided.map((u, i) => [u, fresh[i]!]));
      const done = new Set<number>();
      for (const row of ins.rows) {
        if (row.new_coupon === null) continue;
        out.set(row.claimant, ok(toCoupon(couponOf(row.new_coupon, row.claimant, codeAt.get(row.claimant)!, row.issued_at!), at)));
        done.add(row.claimant);
      }
      collided = collided.filter((u) => !done.has(u));
    }
    if (collided.length) throw new Error('could not find free coupon codes');
    return out;
  }

  async function drain(templateId: number): Promise<void> {
    const queue = queues.get(templateId);
    if (!queue || queue.running) return;
    queue.running = true;
    try {
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
          const scope: CommitScope = { beforeCommit: hooks.length ? async (q) => { for (const h of hooks) await h(q); } : null };
          const results = await withRetry(() => commitScope.run(scope, () => deps.db.tx((q) => runBatch(q, queue.template, queue.timezone, batch))));
          for (const p of batch) p.resolve(results.get(p.userId) ?? fail(ErrorCode.conflict, 'claim not processed; try again'));
        } catch (e) {
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
    submit(t: Template, timezone: string, userId: number, by: Principal | null): Promise<Result<Coupon>> {
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
  };
}

export type ClaimBatcher = ReturnType<typeof claimBatcher>;
