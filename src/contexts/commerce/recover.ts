// Crash recovery (a use-case run as the recurring job 'commerce.order_recovery',
// or called explicitly): finishes what a crash left half-way. Orders stuck being created
// (their coupons redeemed → finished; not → undone), closed orders whose
// coupons were not yet given back, and unpaid orders past their expiry (closed).
import type { Logger } from 'pino';
import type { JobKind } from '../platform/index.ts';
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

/** How often recovery runs (one process at a time, through the job queue). */
export const ORDER_RECOVERY_EVERY_MS = 60_000;

/**
 * Recovery as a recurring job. At-least-once is enough: every step is a
 * conditional write on the order's state, so a pass cut short and run again
 * finishes, undoes, releases or expires each order once.
 */
export function orderRecoveryJob(recover: () => Promise<Recovered>, log: Logger): JobKind {
  return {
    kind: 'commerce.order_recovery',
    everyMs: ORDER_RECOVERY_EVERY_MS,
    async run() {
      const r = await recover();
      if (r.finished + r.undone + r.released + r.expired) log.info(r, 'orders recovered');
    },
  };
}
