// A consumer's money view: wallet balance, points, what they spent, the wallet
// ledger read as a cash log, recharges, recharge bonus rules, and 买单
// (pay-bill): pay an amount at the till from the wallet, less the best
// matching discount rule, in one transaction.
import { addDays, parseLocalDate, startOfLocalDay } from '../../kernel/local-time.ts';
import type { Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { moveBalance } from './ledgers.ts';
import { RollbackWith } from '../identity/index.ts';

export interface Amounts {
  balance: Fen;
  freeze: Fen;
  score: number;
  growth: number;
  totleConsumed: Fen;
}

export interface CashLogEntry {
  id: number;
  /** apifm type: 0 recharge, 2 pay order, 3 refund, 5 pay-bill (知识付费 slot unused), 99 other. */
  type: number;
  typeStr: string;
  /** 0 income, 1 expense. */
  behavior: 0 | 1;
  amount: Fen;
  balance: Fen;
  reason: string;
  ref: string | null;
  remark: string | null;
  createdAt: Date;
}

export interface PayBillQuote {
  money: Fen;
  discount: Fen;
  realMoney: Fen;
}

/** Ledger reasons → apifm cash-log types. */
const TYPES: Record<string, { type: number; str: string }> = {
  operator_credit: { type: 0, str: '充值' },
  recharge: { type: 0, str: '充值' },
  recharge_bonus: { type: 0, str: '充值赠送' },
  order_pay: { type: 2, str: '支付订单' },
  order_refund: { type: 3, str: '退款' },
  pay_bill: { type: 2, str: '在线买单' },
  operator_debit: { type: 99, str: '扣款' },
};
const typeOf = (reason: string) => TYPES[reason] ?? { type: 99, str: reason };
const REASONS_BY_TYPE = (t: number) => Object.entries(TYPES).filter(([, v]) => v.type === t).map(([k]) => k);

/** The best rule for an amount: the largest discount among those whose threshold it meets. */
export function bestPayBillDiscount(rules: readonly { consume: Fen; discounts: Fen }[], money: Fen): Fen {
  let best = 0;
  for (const r of rules) if (money >= r.consume && r.discounts > best) best = r.discounts;
  return Math.min(best, money);
}

export function accountService(deps: Deps) {
  const tzOf = async (tenantId: number) => (await deps.db.query<{ timezone: string }>('SELECT timezone FROM tenants WHERE id = $1', [tenantId])).rows[0]?.timezone ?? 'Asia/Shanghai';

  async function payBillRules(tenantId: number) {
    const r = await deps.db.query<{ id: number; consume: number; discounts: number }>('SELECT id, consume, discounts FROM pay_bill_discounts WHERE tenant_id = $1 ORDER BY consume', [tenantId]);
    return r.rows;
  }

  return {
    async amounts(tenantId: number, userId: number): Promise<Amounts | null> {
      const r = await deps.db.query<{ wallet_balance: number; points: number; consumed: number }>(
        `SELECT u.wallet_balance, u.points,
           (SELECT COALESCE(sum(amount_real), 0) FROM orders o WHERE o.tenant_id = u.tenant_id AND o.user_id = u.id AND o.status >= 1)
           + (SELECT COALESCE(sum(real_money), 0) FROM pay_bills b WHERE b.tenant_id = u.tenant_id AND b.user_id = u.id) AS consumed
         FROM users u WHERE u.tenant_id = $1 AND u.id = $2`,
        [tenantId, userId],
      );
      const row = r.rows[0];
      if (!row) return null;
      const consumed = Number(row.consumed);
      // Growth: one point per whole yuan spent.
      return { balance: row.wallet_balance, freeze: 0, score: row.points, growth: Math.floor(consumed / 100), totleConsumed: consumed };
    },

    /** The wallet ledger, newest first, with apifm's filters (dates are the tenant's local days). */
    async cashLog(
      tenantId: number,
      userId: number,
      f: { behavior?: number | null; type?: number | null; types?: number[] | null; orderId?: string | null; dateAddBegin?: string | null; dateAddEnd?: string | null; limit: number; offset: number },
    ): Promise<Result<{ items: CashLogEntry[]; total: number }>> {
      const tz = await tzOf(tenantId);
      const day = (s: string | null | undefined, field: string): Result<string | null> => {
        if (!s) return ok(null);
        const d = s.trim().slice(0, 10);
        return parseLocalDate(d) ? ok(d) : fail(ErrorCode.invalid_input, `${field}: not a date like 2018-05-16`);
      };
      const b = day(f.dateAddBegin, 'dateAddBegin');
      if (!b.ok) return b;
      const e = day(f.dateAddEnd, 'dateAddEnd');
      if (!e.ok) return e;
      const from = b.value ? startOfLocalDay(b.value, tz) : null;
      const to = e.value ? startOfLocalDay(addDays(e.value, 1), tz) : null;
      const types = [...(f.types ?? []), ...(f.type != null ? [f.type] : [])];
      const reasons = types.length ? types.flatMap(REASONS_BY_TYPE) : null;
      const r = await deps.db.query<{ id: number; delta: number; balance_after: number; reason: string; ref: string | null; remark: string | null; created_at: Date; total: number }>(
        `SELECT id, delta, balance_after, reason, ref, remark, created_at, count(*) OVER ()::int AS total FROM wallet_ledger
         WHERE tenant_id = $1 AND user_id = $2
           AND ($3::int IS NULL OR ($3 = 0 AND delta > 0) OR ($3 = 1 AND delta < 0))
           AND ($4::text[] IS NULL OR reason = ANY($4)) AND ($5::text IS NULL OR ref = $5)
           AND ($6::timestamptz IS NULL OR created_at >= $6) AND ($7::timestamptz IS NULL OR created_at < $7)
         ORDER BY id DESC LIMIT $8 OFFSET $9`,
        [tenantId, userId, f.behavior ?? null, reasons, f.orderId ?? null, from, to, f.limit, f.offset],
      );
      return ok({
        items: r.rows.map((x) => {
          const t = typeOf(x.reason);
          return {
            id: x.id,
            type: t.type,
            typeStr: t.str,
            behavior: x.delta >= 0 ? 0 : 1,
            amount: Math.abs(x.delta),
            balance: x.balance_after,
            reason: x.reason,
            ref: x.ref,
            remark: x.remark,
            createdAt: x.created_at,
          } satisfies CashLogEntry;
        }),
        total: r.rows[0]?.total ?? 0,
      });
    },

    /** Money put into the wallet (recharges and top-ups), newest first. */
    async payLogs(tenantId: number, userId: number, limit: number, offset: number, orderNo: string | null = null) {
      const r = await deps.db.query<{ id: number; delta: number; reason: string; ref: string | null; remark: string | null; created_at: Date; total: number }>(
        `SELECT id, delta, reason, ref, remark, created_at, count(*) OVER ()::int AS total FROM wallet_ledger
         WHERE tenant_id = $1 AND user_id = $2 AND delta > 0 AND reason IN ('operator_credit', 'recharge') AND ($5::text IS NULL OR ref = $5)
         ORDER BY id DESC LIMIT $3 OFFSET $4`,
        [tenantId, userId, limit, offset, orderNo],
      );
      return { items: r.rows.map((x) => ({ id: x.id, money: x.delta, reason: x.reason, ref: x.ref, remark: x.remark, createdAt: x.created_at })), total: r.rows[0]?.total ?? 0 };
    },

    async rechargeRules(tenantId: number) {
      const r = await deps.db.query<{ id: number; confine: number; send: number }>('SELECT id, confine, send FROM recharge_send_rules WHERE tenant_id = $1 ORDER BY confine', [tenantId]);
      return r.rows;
    },

    async addRechargeRule(tenantId: number, confine: Fen, send: Fen, by: Principal): Promise<Result<{ id: number; confine: Fen; send: Fen }>> {
      if (!(confine > 0) || !(send > 0)) return fail(ErrorCode.invalid_input, 'confine and send must be more than 0');
      return deps.db.tx(async (q) => {
        const r = await q.query<{ id: number }>(
          'INSERT INTO recharge_send_rules (tenant_id, confine, send) VALUES ($1,$2,$3) ON CONFLICT (tenant_id, confine) DO UPDATE SET send = EXCLUDED.send RETURNING id',
          [tenantId, confine, send],
        );
        await audit(q, tenantId, by, { action: 'recharge_rule.set', targetType: 'recharge_rule', targetId: r.rows[0]!.id, details: { confine, send } });
        return ok({ id: r.rows[0]!.id, confine, send });
      });
    },

    payBillRules,

    async addPayBillRule(tenantId: number, consume: Fen, discounts: Fen, by: Principal): Promise<Result<{ id: number; consume: Fen; discounts: Fen }>> {
      if (!(consume > 0) || !(discounts > 0) || discounts > consume) return fail(ErrorCode.invalid_input, 'consume and discounts must be more than 0, discounts at most consume');
      return deps.db.tx(async (q) => {
        const r = await q.query<{ id: number }>(
          'INSERT INTO pay_bill_discounts (tenant_id, consume, discounts) VALUES ($1,$2,$3) ON CONFLICT (tenant_id, consume) DO UPDATE SET discounts = EXCLUDED.discounts RETURNING id',
          [tenantId, consume, discounts],
        );
        await audit(q, tenantId, by, { action: 'pay_bill_rule.set', targetType: 'pay_bill_rule', targetId: r.rows[0]!.id, details: { consume, discounts } });
        return ok({ id: r.rows[0]!.id, consume, discounts });
      });
    },

    async payBillQuote(tenantId: number, money: Fen): Promise<Result<PayBillQuote>> {
      if (!Number.isSafeInteger(money) || money <= 0) return fail(ErrorCode.invalid_input, 'money must be more than 0');
      const discount = bestPayBillDiscount(await payBillRules(tenantId), money);
      return ok({ money, discount, realMoney: money - discount });
    },

    /** Pays a bill from the wallet: the bill row and the wallet debit land together. */
    async payBill(tenantId: number, userId: number, money: Fen): Promise<Result<PayBillQuote & { id: number }>> {
      if (!Number.isSafeInteger(money) || money <= 0) return fail(ErrorCode.invalid_input, 'money must be more than 0');
      const discount = bestPayBillDiscount(await payBillRules(tenantId), money);
      const realMoney = money - discount;
      try {
        return await deps.db.tx(async (q) => {
          const r = await q.query<{ id: number }>('INSERT INTO pay_bills (tenant_id, user_id, money, discount, real_money) VALUES ($1,$2,$3,$4,$5) RETURNING id', [
            tenantId,
            userId,
            money,
            discount,
            realMoney,
          ]);
          const id = r.rows[0]!.id;
          if (realMoney > 0) {
            const paid = await moveBalance(q, 'wallet', tenantId, userId, -realMoney, 'pay_bill', `PB${id}`, '在线买单');
            if (!paid.ok) throw new RollbackWith(paid);
          }
          await q.query('UPDATE users SET has_purchased = true WHERE tenant_id = $1 AND id = $2 AND NOT has_purchased', [tenantId, userId]);
          return ok({ id, money, discount, realMoney });
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<PayBillQuote & { id: number }>;
        throw e;
      }
    },
  };
}

export type AccountService = ReturnType<typeof accountService>;
