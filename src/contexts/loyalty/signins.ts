// Daily sign-in (签到): one per user per local day (the tenant's zone), kept by
// the sign_ins primary key; the streak continues from yesterday's row and the
// points of the matching rule go to the user in the same transaction.
import { addDays, localDateOf } from '../../kernel/local-time.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { moveBalance } from './ledgers.ts';
import { RollbackWith } from '../identity/index.ts';

export interface SignIn {
  day: string;
  continuous: number;
  score: number;
  createdAt: Date;
}

export interface SignInRule {
  continuous: number;
  score: number;
}

interface SignInRow {
  day: string;
  continuous: number;
  score: number;
  created_at: Date;
}

const toSignIn = (r: SignInRow): SignIn => ({ day: r.day, continuous: r.continuous, score: r.score, createdAt: r.created_at });

/** The points for a streak: the rule with the highest `continuous` not above it (0 without rules). */
export function scoreForStreak(rules: SignInRule[], streak: number): number {
  let best: SignInRule | null = null;
  for (const r of rules) if (r.continuous <= streak && (!best || r.continuous > best.continuous)) best = r;
  return best?.score ?? 0;
}

export function signInService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();
  const zoneOf = async (tenantId: number) =>
    (await deps.db.query<{ timezone: string }>('SELECT timezone FROM tenants WHERE id = $1', [tenantId])).rows[0]?.timezone ?? 'UTC';

  return {
    async rules(tenantId: number): Promise<SignInRule[]> {
      const r = await deps.db.query<SignInRule>('SELECT continuous, score FROM sign_in_rules WHERE tenant_id = $1 ORDER BY continuous', [tenantId]);
      return r.rows;
    },

    /** Replaces the tenant's sign-in rules (staff). */
    async setRules(tenantId: number, rules: SignInRule[], by: Principal | null): Promise<Result<SignInRule[]>> {
      const seen = new Set<number>();
      for (const r of rules) {
        if (!Number.isInteger(r.continuous) || r.continuous < 1 || r.continuous > 366) return fail(ErrorCode.invalid_input, 'continuous must be 1-366');
        if (!Number.isInteger(r.score) || r.score < 0 || r.score > 1_000_000) return fail(ErrorCode.invalid_input, 'score must be 0-1000000');
        if (seen.has(r.continuous)) return fail(ErrorCode.invalid_input, `continuous ${r.continuous} appears twice`);
        seen.add(r.continuous);
      }
      await deps.db.tx(async (q) => {
        await q.query('DELETE FROM sign_in_rules WHERE tenant_id = $1', [tenantId]);
        for (const r of rules) await q.query('INSERT INTO sign_in_rules (tenant_id, continuous, score) VALUES ($1, $2, $3)', [tenantId, r.continuous, r.score]);
        if (by) await audit(q, tenantId, by, { action: 'sign_in_rules.set', targetType: 'tenant', targetId: tenantId, details: { rules } });
      });
      return ok(await this.rules(tenantId));
    },

    /** Signs the user in for today; `conflict` when already signed today. */
    async sign(tenantId: number, userId: number): Promise<Result<SignIn>> {
      const tz = await zoneOf(tenantId);
      const today = localDateOf(now(), tz);
      const rules = await this.rules(tenantId);
      try {
        return await deps.db.tx(async (q) => {
          const prev = await q.query<{ continuous: number }>('SELECT continuous FROM sign_ins WHERE tenant_id = $1 AND user_id = $2 AND day = $3', [
            tenantId,
            userId,
            addDays(today, -1),
          ]);
          const continuous = (prev.rows[0]?.continuous ?? 0) + 1;
          const score = scoreForStreak(rules, continuous);
          // The primary key (tenant, user, day) makes the second sign-in of a day a no-op.
          const ins = await q.query<SignInRow>(
            `INSERT INTO sign_ins (tenant_id, user_id, day, continuous, score, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING RETURNING to_char(day, 'YYYY-MM-DD') AS day, continuous, score, created_at`,
            [tenantId, userId, today, continuous, score, now()],
          );
          if (!ins.rows[0]) return fail(ErrorCode.conflict, 'already signed in today');
          if (score > 0) {
            const m = await moveBalance(q, 'points', tenantId, userId, score, 'sign_in', `signin:${today}`, `签到第${continuous}天`);
            if (!m.ok) throw new RollbackWith(m);
          }
          return ok(toSignIn(ins.rows[0]));
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<SignIn>;
        throw e;
      }
    },

    /** Today's sign-in (tenant's day), or null. */
    async today(tenantId: number, userId: number): Promise<SignIn | null> {
      const tz = await zoneOf(tenantId);
      const r = await deps.db.query<SignInRow>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, continuous, score, created_at FROM sign_ins WHERE tenant_id = $1 AND user_id = $2 AND day = $3`,
        [tenantId, userId, localDateOf(now(), tz)],
      );
      return r.rows[0] ? toSignIn(r.rows[0]) : null;
    },

    /** The user's sign-ins, newest first; optional local-date bounds (inclusive). */
    async logs(tenantId: number, userId: number, f: { from?: string; to?: string; limit: number; offset: number }) {
      const r = await deps.db.query<SignInRow & { total: number }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, continuous, score, created_at, count(*) OVER ()::int AS total FROM sign_ins
         WHERE tenant_id = $1 AND user_id = $2 AND ($3::date IS NULL OR day >= $3::date) AND ($4::date IS NULL OR day <= $4::date)
         ORDER BY day DESC LIMIT $5 OFFSET $6`,
        [tenantId, userId, f.from ?? null, f.to ?? null, f.limit, f.offset],
      );
      return { items: r.rows.map(toSignIn), total: r.rows[0]?.total ?? 0 };
    },
  };
}

export type SignInService = ReturnType<typeof signInService>;
