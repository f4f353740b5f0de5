// Points beyond the ledger itself: the rules shown to consumers (points given
// on events, points as money at checkout), points-voucher numbers (积分券)
// redeemed once for points, and the filtered points history.
import crypto from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { moveBalance } from './ledgers.ts';
import { RollbackWith } from '../identity/index.ts';

export interface PointsSendRule {
  code: string;
  score: number;
  confine: number;
}

/** Every `score` points take `money` fen off; `loop` allows repeating. */
export interface DeductionRule {
  id: number;
  score: number;
  money: number;
  loop: boolean;
  type: number;
}

export interface PointsLogEntry {
  id: number;
  delta: number;
  balanceAfter: number;
  reason: string;
  ref: string | null;
  remark: string | null;
  createdAt: Date;
}

export const VOUCHER_LIMITS = { perUser: 10, windowSec: 3600 };

export function pointsExtrasService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();

  return {
    async sendRules(tenantId: number, code?: string): Promise<PointsSendRule[]> {
      const r = await deps.db.query<PointsSendRule>(
        'SELECT code, score, confine FROM points_send_rules WHERE tenant_id = $1 AND ($2::text IS NULL OR code = $2) ORDER BY code',
        [tenantId, code ?? null],
      );
      return r.rows;
    },

    async setSendRule(tenantId: number, rule: PointsSendRule, by: Principal | null): Promise<Result<void>> {
      if (!/^[\w-]{1,64}$/.test(rule.code)) return fail(ErrorCode.invalid_input, 'code must be 1-64 letters, digits, _ or -');
      if (!Number.isInteger(rule.score) || rule.score < 0) return fail(ErrorCode.invalid_input, 'score must be a whole number ≥ 0');
      await deps.db.tx(async (q) => {
        await q.query(
          `INSERT INTO points_send_rules (tenant_id, code, score, confine) VALUES ($1, $2, $3, $4)
           ON CONFLICT (tenant_id, code) DO UPDATE SET score = EXCLUDED.score, confine = EXCLUDED.confine`,
          [tenantId, rule.code, rule.score, rule.confine ?? 0],
        );
        if (by) await audit(q, tenantId, by, { action: 'points_send_rule.set', targetType: 'tenant', targetId: tenantId, details: { ...rule } });
      });
      return ok(undefined);
    },

    async deductionRules(tenantId: number, type?: number): Promise<DeductionRule[]> {
      const r = await deps.db.query<DeductionRule>(
        'SELECT id, score, money, loop, type FROM points_deduction_rules WHERE tenant_id = $1 AND ($2::int IS NULL OR type = $2) ORDER BY score',
        [tenantId, type ?? null],
      );
      return r.rows;
    },

    async addDeductionRule(tenantId: number, rule: { score: number; money: number; loop?: boolean; type?: number }, by: Principal | null): Promise<Result<DeductionRule>> {
      if (!Number.isInteger(rule.score) || rule.score < 1) return fail(ErrorCode.invalid_input, 'score must be a whole number ≥ 1');
      if (!Number.isInteger(rule.money) || rule.money < 1) return fail(ErrorCode.invalid_input, 'money must be at least 1 fen');
      return deps.db.tx(async (q) => {
        const r = await q.query<DeductionRule>(
          'INSERT INTO points_deduction_rules (tenant_id, score, money, loop, type) VALUES ($1, $2, $3, $4, $5) RETURNING id, score, money, loop, type',
          [tenantId, rule.score, rule.money, rule.loop ?? true, rule.type ?? 0],
        );
        if (by) await audit(q, tenantId, by, { action: 'points_deduction_rule.add', targetType: 'points_deduction_rule', targetId: r.rows[0]!.id });
        return ok(r.rows[0]!);
      });
    },

    /** Makes `count` voucher numbers worth `score` points each (staff); returns the numbers once. */
    async createVouchers(tenantId: number, input: { count: number; score: number; expiresAt?: Date | null }, by: Principal | null): Promise<Result<string[]>> {
      if (!Number.isInteger(input.count) || input.count < 1 || input.count > 10_000) return fail(ErrorCode.invalid_input, 'count must be 1-10000');
      if (!Number.isInteger(input.score) || input.score < 1) return fail(ErrorCode.invalid_input, 'score must be a whole number ≥ 1');
      const numbers = Array.from({ length: input.count }, () => {
        // 16 digits from a CSPRNG: not guessable, easy to type.
        let s = '';
        while (s.length < 16) s += crypto.randomInt(0, 1e8).toString().padStart(8, '0');
        return s.slice(0, 16);
      });
      await deps.db.tx(async (q) => {
        await q.query(
          `INSERT INTO points_vouchers (tenant_id, number, score, expires_at) SELECT $1, n, $3, $4 FROM unnest($2::text[]) AS n`,
          [tenantId, numbers, input.score, input.expiresAt ?? null],
        );
        if (by) await audit(q, tenantId, by, { action: 'points_voucher.create', targetType: 'tenant', targetId: tenantId, details: { count: input.count, score: input.score } });
      });
      return ok(numbers);
    },

    /**
     * Redeems a voucher number for its points, once: the conditional update
     * marks it used, the credit follows in the same transaction.
     */
    async redeemVoucher(tenantId: number, userId: number, number: string): Promise<Result<{ score: number; balanceAfter: number }>> {
      const key = `pvoucher-fail:${tenantId}:${userId}`;
      const tries = await deps.cache.get(key);
      if (Number(tries ?? 0) >= VOUCHER_LIMITS.perUser) return fail(ErrorCode.rate_limited, 'too many wrong numbers; try again later');
      const at = now();
      try {
        return await deps.db.tx(async (q) => {
          const r = await q.query<{ id: number; score: number }>(
            `UPDATE points_vouchers SET used_by = $3, used_at = $4
             WHERE tenant_id = $1 AND number = $2 AND used_by IS NULL AND (expires_at IS NULL OR expires_at > $4) RETURNING id, score`,
            [tenantId, number.trim(), userId, at],
          );
          if (!r.rows[0]) {
            const v = await q.query<{ used_by: number | null; expires_at: Date | null }>('SELECT used_by, expires_at FROM points_vouchers WHERE tenant_id = $1 AND number = $2', [
              tenantId,
              number.trim(),
            ]);
            const row = v.rows[0];
            if (!row) {
              await deps.cache.incr(key, VOUCHER_LIMITS.windowSec);
              return fail(ErrorCode.not_found, '积分券号码不存在');
            }
            if (row.used_by !== null) return fail(ErrorCode.coupon_used, '积分券已被使用');
            return fail(ErrorCode.coupon_expired, '积分券已过期');
          }
          const m = await moveBalance(q, 'points', tenantId, userId, r.rows[0].score, 'points_voucher', `voucher:${r.rows[0].id}`, '积分券兑换');
          if (!m.ok) throw new RollbackWith(m);
          return ok({ score: r.rows[0].score, balanceAfter: m.value.balanceAfter });
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<{ score: number; balanceAfter: number }>;
        throw e;
      }
    },

    /** The points history with apifm's filters: income/expense, reasons, remark words, local dates. */
    async logs(
      tenantId: number,
      userId: number,
      f: { behavior?: 0 | 1; reasons?: string[]; remark?: string; from?: Date; to?: Date; limit: number; offset: number },
    ): Promise<{ items: PointsLogEntry[]; total: number }> {
      const r = await deps.db.query<{ id: number; delta: number; balance_after: number; reason: string; ref: string | null; remark: string | null; created_at: Date; total: number }>(
        `SELECT id, delta, balance_after, reason, ref, remark, created_at, count(*) OVER ()::int AS total FROM points_ledger
         WHERE tenant_id = $1 AND user_id = $2
           AND ($3::int IS NULL OR ($3 = 0 AND delta > 0) OR ($3 = 1 AND delta < 0))
           AND ($4::text[] IS NULL OR reason = ANY($4))
           AND ($5::text IS NULL OR remark LIKE '%' || $5 || '%')
           AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at < $7)
         ORDER BY id DESC LIMIT $8 OFFSET $9`,
        [tenantId, userId, f.behavior ?? null, f.reasons ?? null, f.remark ?? null, f.from ?? null, f.to ?? null, f.limit, f.offset],
      );
      return {
        items: r.rows.map((x) => ({ id: x.id, delta: x.delta, balanceAfter: x.balance_after, reason: x.reason, ref: x.ref, remark: x.remark, createdAt: x.created_at })),
        total: r.rows[0]?.total ?? 0,
      };
    },
  };
}

export type PointsExtrasService = ReturnType<typeof pointsExtrasService>;
