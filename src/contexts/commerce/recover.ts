// Crash recovery (a use-case run by the scheduler in runtime.ts, or called
// explicitly): finishes what a crash left half-way. Orders stuck being created
// (their coupons redeemed → finished; not → undone), closed orders whose
// coupons were not yet given back, and unpaid orders past their expiry (closed).
import { startPeriodic, type PeriodicJob } from '../../kernel/periodic.ts';
import type { Logger } from 'pino';
import type { OrderDeps } from './order-deps.ts';
import { closeOrder, releaseCoupons, undoCreating } from './close.ts';
import { redemptionOfOrder } from './repo/order-facts.repo.ts';
import { closedWithCouponsHeld, expiredUnpaid, finishCreating, stuckCreating } from './repo/recovery.repo.ts';

export interface Recovered {
  finished: number;
  undone: number;
  released: number;
  expired: number;
}

/** One pass, for one tenant or all (tenantId null); orders younger than `olderThanSec` are left alone. */
export async function recoverOrders(d: OrderDeps, olderThanSec = 120, tenantId: number | null = null): Promise<Recovered> {
  const db = d.deps.db;
  const out: Recovered = { finished: 0, undone: 0, released: 0, expired: 0 };
  for (const o of await stuckCreating(db, olderThanSec, tenantId)) {
    const rd = await redemptionOfOrder(db, o.tenantId, o.orderNumber);
    if (rd && rd.done && rd.discountTotal === o.amountCoupon) {
      if (await finishCreating(db, o.id, rd.id)) out.finished++;
    } else {
      if (rd && rd.done) await d.redemptions.rollback(o.tenantId, rd.id, null);
      await undoCreating(db, o.tenantId, o.id, 'recovered');
      out.undone++;
    }
  }
  for (const o of await closedWithCouponsHeld(db, Math.min(olderThanSec, 60), tenantId)) {
    await releaseCoupons(d, o.tenantId, o.id, o.redemptionId);
    out.released++;
  }
  for (const o of await expiredUnpaid(db, tenantId)) {
    const r = await closeOrder(d, o.tenantId, o.id, null, 'expired');
    if (r.ok) out.expired++;
  }
  return out;
}

export type RecoveryJob = PeriodicJob<Recovered>;

/** Runs recovery at start and every `everyMs` (see kernel/periodic.ts: unref'd, never overlapping, failures logged). */
export function startOrderRecovery(recover: () => Promise<Recovered>, log: Logger, everyMs = 60_000): RecoveryJob {
  return startPeriodic('order recovery', recover, log, everyMs);
}
