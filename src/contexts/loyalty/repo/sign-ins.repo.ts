// Daily sign-ins (sign_ins, one row per user per local day by its primary key)
// and the tenant's streak rules (sign_in_rules).
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { SignIn, SignInRule } from '../domain/sign-in-streak.ts';

// `day` is read as its 'YYYY-MM-DD' text.
type SignInRow = RowOf<'sign_ins', 'continuous' | 'score' | 'created_at'> & { day: string };

const toSignIn = (r: SignInRow): SignIn => ({ day: r.day, continuous: r.continuous, score: r.score, createdAt: r.created_at });

export async function signInRules(q: Queryable, tenantId: number): Promise<SignInRule[]> {
  const r = await q.query<RowOf<'sign_in_rules', 'continuous' | 'score'>>(
    'SELECT continuous, score FROM sign_in_rules WHERE tenant_id = $1 ORDER BY continuous',
    [tenantId],
  );
  return r.rows.map((x) => ({ continuous: x.continuous, score: x.score }));
}

/** Replaces the tenant's rules (inside the caller's transaction). */
export async function replaceSignInRules(q: Queryable, tenantId: number, rules: SignInRule[]): Promise<void> {
  await q.query('DELETE FROM sign_in_rules WHERE tenant_id = $1', [tenantId]);
  for (const r of rules)
    await q.query('INSERT INTO sign_in_rules (tenant_id, continuous, score) VALUES ($1, $2, $3)', [tenantId, r.continuous, r.score]);
}

/** The streak of the user's sign-in on `day`, or null when there is none. */
export async function streakOn(q: Queryable, tenantId: number, userId: number, day: string): Promise<number | null> {
  const prev = await q.query<RowOf<'sign_ins', 'continuous'>>(
    'SELECT continuous FROM sign_ins WHERE tenant_id = $1 AND user_id = $2 AND day = $3',
    [tenantId, userId, day],
  );
  return prev.rows[0]?.continuous ?? null;
}

/** Records a sign-in; null when the user already has one that day (the primary key makes the second a no-op). */
export async function insertSignIn(
  q: Queryable,
  tenantId: number,
  userId: number,
  s: { day: string; continuous: number; score: number; at: Date },
): Promise<SignIn | null> {
  const ins = await q.query<SignInRow>(
    `INSERT INTO sign_ins (tenant_id, user_id, day, continuous, score, created_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT DO NOTHING RETURNING to_char(day, 'YYYY-MM-DD') AS day, continuous, score, created_at`,
    [tenantId, userId, s.day, s.continuous, s.score, s.at],
  );
  return ins.rows[0] ? toSignIn(ins.rows[0]) : null;
}

export async function signInOn(q: Queryable, tenantId: number, userId: number, day: string): Promise<SignIn | null> {
  const r = await q.query<SignInRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, continuous, score, created_at FROM sign_ins WHERE tenant_id = $1 AND user_id = $2 AND day = $3`,
    [tenantId, userId, day],
  );
  return r.rows[0] ? toSignIn(r.rows[0]) : null;
}

export interface SignInLogFilter {
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

/** The user's sign-ins, newest first; optional local-date bounds (inclusive). */
export async function signInLog(
  q: Queryable,
  tenantId: number,
  userId: number,
  f: SignInLogFilter,
): Promise<{ items: SignIn[]; total: number }> {
  const r = await q.query<SignInRow & { total: number }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, continuous, score, created_at, count(*) OVER ()::int AS total FROM sign_ins
         WHERE tenant_id = $1 AND user_id = $2 AND ($3::date IS NULL OR day >= $3::date) AND ($4::date IS NULL OR day <= $4::date)
         ORDER BY day DESC LIMIT $5 OFFSET $6`,
    [tenantId, userId, f.from ?? null, f.to ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toSignIn), total: r.rows[0]?.total ?? 0 };
}
