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
// A claim is answered only after its batch commits, so every acknowledged
// claim is durable. Claims that need per-user facts (points cost, audience,
// sign-in days) take the single-claim path instead.
import { ErrorCode, fail, ok, type Result } from '../domain/result.ts';
import { pgErrorCode, type Queryable } from '../db/store.ts';
import { commitScope, type CommitScope } from '../db/commit-scope.ts';
import { COUPON_COLUMNS, newCouponCode, toCoupon, type Coupon, type CouponRow } from './coupons.ts';
import { computeValidity } from '../domain/coupon-status.ts';
import type { Deps, Principal } from './deps.ts';
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
    // Only this tenant's active users may claim.
    const known = await q.query<{ id: number }>('SELECT id FROM users WHERE tenant_id = $1 AND id = ANY($2::bigint[]) AND NOT disabled', [t.tenantId, users]);
    const valid = new Set(known.rows.map((r) => r.id));
    for (const u of users) if (!valid.has(u)) out.set(u, fail(ErrorCode.not_found, 'user not found'));
    let passing = users.filter((u) => valid.has(u));
    if (t.perUserLimit !== null && passing.length) {
      const r = await q.query<{ user_id: number }>(
        `INSERT INTO template_user_claims AS c (template_id, user_id, claimed)
         SELECT $1, u, 1 FROM unnest($2::bigint[]) AS u ORDER BY u
         ON CONFLICT (template_id, user_id) DO UPDATE SET claimed = c.claimed + 1 WHERE c.claimed + 1 <= $3
         RETURNING user_id`,
        // Rows are locked in user-id order so two batches never wait on each other in a cycle.
        [t.id, [...passing].sort((a, b) => a - b), t.perUserLimit],
      );
      const ok_ = new Set(r.rows.map((x) => x.user_id));
      for (const u of passing) if (!ok_.has(u)) out.set(u, fail(ErrorCode.per_user_limit, `at most ${t.perUserLimit} per person`));
      passing = passing.filter((u) => ok_.has(u));
    }
    if (!passing.length) return out;
    const granted = await q.query<{ granted: number }>(
      `WITH cur AS (SELECT id, issued, stock FROM coupon_templates WHERE tenant_id = $1 AND id = $2 AND state = 'active' FOR NO KEY UPDATE)
       UPDATE coupon_templates t SET issued = t.issued + LEAST($3, COALESCE(cur.stock - cur.issued, $3))
       FROM cur WHERE t.id = cur.id AND (cur.stock IS NULL OR cur.issued < cur.stock)
       RETURNING LEAST($3, COALESCE(cur.stock - cur.issued, $3))::int AS granted`,
      [t.tenantId, t.id, passing.length],
    );
    const g = granted.rows[0]?.granted ?? 0;
    const winners = passing.slice(0, g);
    const losers = passing.slice(g);
    if (losers.length) {
      if (t.perUserLimit !== null) {
        await q.query('UPDATE template_user_claims SET claimed = claimed - 1 WHERE template_id = $1 AND user_id = ANY($2::bigint[])', [t.id, losers]);
      }
      const state = granted.rowCount === 0 ? await q.query<{ state: string }>('SELECT state FROM coupon_templates WHERE id = $1', [t.id]) : null;
      const s = state?.rows[0]?.state;
      for (const u of losers) {
        out.set(u, s && s !== 'active' ? fail(ErrorCode.invalid_state, `this coupon cannot be claimed: its template is ${s}`) : fail(ErrorCode.sold_out, 'this coupon is sold out'));
      }
    }
    if (!winners.length) return out;
    const at = now();
    const v = computeValidity(t.validity, at, timezone);
    const byUser = new Map(batch.map((p) => [p.userId, p.by]));
    const staffOf = (u: number) => {
      const b = byUser.get(u);
      return b?.kind === 'staff' ? b.staffId : null;
    };
    const rows: CouponRow[] = [];
    let pendingUsers = winners;
    for (let attempt = 0; pendingUsers.length && attempt < 5; attempt++) {
      const codes = pendingUsers.map(() => newCouponCode());
      // The coupons, their "issued" history and the audit of staff claims in one statement;
      // a code that collides is skipped by ON CONFLICT and retried with a new one.
      const r = await q.query<CouponRow>(
        `WITH x AS (SELECT * FROM unnest($3::text[], $4::bigint[], $8::bigint[], $9::boolean[]) AS x(code, owner, sid, audited)),
              c AS (INSERT INTO coupons (tenant_id, template_id, code, owner_id, source, valid_from, valid_to, received_at)
                    SELECT $1, $2, x.code, x.owner, 'claim', $5, $6, $7 FROM x
                    ON CONFLICT (tenant_id, code) DO NOTHING RETURNING ${COUPON_COLUMNS}),
              e AS (INSERT INTO coupon_events (tenant_id, coupon_id, kind, to_user, staff_id, details)
                    SELECT $1, c.id, 'issued', c.owner_id, x.sid, '{"source":"claim"}'::jsonb FROM c JOIN x ON x.owner = c.owner_id),
              a AS (INSERT INTO audit_log (tenant_id, staff_id, action, target_type, target_id, details)
                    SELECT $1, x.sid, 'coupon.claim', 'coupon', c.code, jsonb_build_object('templateId', $2::bigint, 'userId', c.owner_id)
                    FROM c JOIN x ON x.owner = c.owner_id WHERE x.audited)
         SELECT * FROM c`,
        [
          t.tenantId, t.id, codes, pendingUsers, v.from, v.to, at,
          pendingUsers.map(staffOf),
          pendingUsers.map((u) => byUser.get(u) != null),
        ],
      );
      rows.push(...r.rows);
      const done = new Set(r.rows.map((c) => c.owner_id));
      pendingUsers = pendingUsers.filter((u) => !done.has(u));
    }
    if (pendingUsers.length) throw new Error('could not find free coupon codes');
    for (const c of rows) out.set(c.owner_id!, ok(toCoupon(c, at)));
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
