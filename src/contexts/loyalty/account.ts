// A consumer's money view: wallet balance, points, what they spent, the wallet
// ledger read as a cash log, and the recharges put into it.
import { addDays, parseLocalDate, startOfLocalDay } from '../../kernel/local-time.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';
import { growthOf, type Amounts } from './domain/amounts.ts';
import type { LedgerDirection, LedgerEntry } from './domain/ledger.ts';
import { amountsRow, recharges, walletLog, type Page, type Recharge } from './repo/ledgers.repo.ts';
import { tenantZone } from './repo/tenants.repo.ts';

export type { Amounts } from './domain/amounts.ts';
// The pay-bill rule lives in domain/pay-bill.ts; re-exported here for the importers of its old home (test/contexts/commerce/orders.test.ts).
export { bestPayBillDiscount } from './domain/pay-bill.ts';
export type { Recharge } from './repo/ledgers.repo.ts';
/** A wallet ledger entry as the cash log shows it. */
export type CashLogEntry = LedgerEntry;

export interface CashLogFilter {
  direction?: LedgerDirection | null;
  /** Only entries with one of these reasons (an empty list matches none). */
  reasons?: string[] | null;
  /** Only entries of this ref (an order number, a bill). */
  ref?: string | null;
  /** Local days of the tenant, inclusive, 'YYYY-MM-DD'. */
  fromDay?: string | null;
  toDay?: string | null;
  limit: number;
  offset: number;
}

const localDay = (s: string | null | undefined, field: string): Result<string | null, 'invalid_input'> => {
  if (!s) return ok(null);
  return parseLocalDate(s) ? ok(s) : fail(ErrorCode.invalid_input, `${field}: not a date like 2018-05-16`);
};

export function accountService(deps: Deps) {
  const zone = async (tenantId: number) => (await tenantZone(deps.db, tenantId)) ?? 'Asia/Shanghai';

  return {
    async amounts(tenantId: number, userId: number): Promise<Amounts | null> {
      const row = await amountsRow(deps.db, tenantId, userId);
      if (!row) return null;
      return { balance: row.wallet, freeze: 0, score: row.points, growth: growthOf(row.consumed), totalConsumed: row.consumed };
    },

    /** The wallet ledger, newest first, filtered (dates are the tenant's local days). */
    async cashLog(tenantId: number, userId: number, f: CashLogFilter): Promise<Result<Page<CashLogEntry>, 'invalid_input'>> {
      const tz = await zone(tenantId);
      const b = localDay(f.fromDay, 'from');
      if (!b.ok) return b;
      const e = localDay(f.toDay, 'to');
      if (!e.ok) return e;
      return ok(
        await walletLog(deps.db, tenantId, userId, {
          direction: f.direction ?? null,
          reasons: f.reasons ?? null,
          ref: f.ref ?? null,
          from: b.value ? startOfLocalDay(b.value, tz) : null,
          to: e.value ? startOfLocalDay(addDays(e.value, 1), tz) : null,
          limit: f.limit,
          offset: f.offset,
        }),
      );
    },

    /** Money put into the wallet (recharges and top-ups), newest first. */
    payLogs(tenantId: number, userId: number, limit: number, offset: number, orderNo: string | null = null): Promise<Page<Recharge>> {
      return recharges(deps.db, tenantId, userId, limit, offset, orderNo);
    },
  };
}

export type AccountService = ReturnType<typeof accountService>;
