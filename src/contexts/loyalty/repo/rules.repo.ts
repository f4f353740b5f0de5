// The tenant's points send rules, points deduction rules and recharge bonus
// rules (points_send_rules, points_deduction_rules, recharge_send_rules).
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { DeductionRule, DeductionRuleInput, PointsSendRule, RechargeRule } from '../domain/points-rules.ts';

export async function sendRules(q: Queryable, tenantId: number, code: string | null): Promise<PointsSendRule[]> {
  const r = await q.query<RowOf<'points_send_rules', 'code' | 'score' | 'confine'>>(
    'SELECT code, score, confine FROM points_send_rules WHERE tenant_id = $1 AND ($2::text IS NULL OR code = $2) ORDER BY code',
    [tenantId, code],
  );
  return r.rows.map((x) => ({ code: x.code, score: x.score, confine: x.confine }));
}

export async function upsertSendRule(q: Queryable, tenantId: number, rule: PointsSendRule): Promise<void> {
  await q.query(
    `INSERT INTO points_send_rules (tenant_id, code, score, confine) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, code) DO UPDATE SET score = EXCLUDED.score, confine = EXCLUDED.confine`,
    [tenantId, rule.code, rule.score, rule.confine ?? 0],
  );
}

type DeductionRow = RowOf<'points_deduction_rules', 'id' | 'score' | 'money' | 'loop' | 'type'>;
const toDeduction = (x: DeductionRow): DeductionRule => ({ id: x.id, score: x.score, money: x.money, loop: x.loop, type: x.type });

export async function deductionRules(q: Queryable, tenantId: number, type: number | null): Promise<DeductionRule[]> {
  const r = await q.query<DeductionRow>(
    'SELECT id, score, money, loop, type FROM points_deduction_rules WHERE tenant_id = $1 AND ($2::int IS NULL OR type = $2) ORDER BY score',
    [tenantId, type],
  );
  return r.rows.map(toDeduction);
}

export async function insertDeductionRule(q: Queryable, tenantId: number, rule: DeductionRuleInput): Promise<DeductionRule> {
  const r = await q.query<DeductionRow>(
    'INSERT INTO points_deduction_rules (tenant_id, score, money, loop, type) VALUES ($1, $2, $3, $4, $5) RETURNING id, score, money, loop, type',
    [tenantId, rule.score, rule.money, rule.loop ?? true, rule.type ?? 0],
  );
  return toDeduction(r.rows[0]!);
}

export async function rechargeRules(q: Queryable, tenantId: number): Promise<RechargeRule[]> {
  const r = await q.query<RowOf<'recharge_send_rules', 'id' | 'confine' | 'send'>>(
    'SELECT id, confine, send FROM recharge_send_rules WHERE tenant_id = $1 ORDER BY confine',
    [tenantId],
  );
  return r.rows.map((x) => ({ id: x.id, confine: x.confine, send: x.send }));
}

/** Sets the bonus for a threshold (one rule per threshold); the rule's id. */
export async function upsertRechargeRule(q: Queryable, tenantId: number, confine: number, send: number): Promise<number> {
  const r = await q.query<RowOf<'recharge_send_rules', 'id'>>(
    'INSERT INTO recharge_send_rules (tenant_id, confine, send) VALUES ($1,$2,$3) ON CONFLICT (tenant_id, confine) DO UPDATE SET send = EXCLUDED.send RETURNING id',
    [tenantId, confine, send],
  );
  return r.rows[0]!.id;
}
