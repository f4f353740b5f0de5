// Using coupons, as one service: quotes (quote.ts), order redemptions
// (redeem.ts), staff write-off by code (write-off.ts), rollback (rollback.ts),
// and reading redemptions back.
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { Redemption } from './domain/redemption.ts';
import type { PromoCodeLoader } from './promo-pricing.ts';
import { priceQuote, type Quote, type QuoteInput } from './quote.ts';
import { redeemIn, type RedeemInput } from './redeem.ts';
import { rollbackIn } from './rollback.ts';
import { writeOff, type WriteOff, type WriteOffInput } from './write-off.ts';
import { listRedemptionIds, loadRedemption, type RedemptionFilter } from './repo/redemptions.repo.ts';
import type { CouponResult, QuoteCode, RedeemCode, RollbackCode, WriteOffCode } from './redemption-errors.ts';

export type { RedeemInput } from './redeem.ts';
export type { WriteOff, WriteOffInput } from './write-off.ts';
export type { RedemptionFilter } from './repo/redemptions.repo.ts';

export function redemptionService(deps: Deps, promos: PromoCodeLoader) {
  const now = () => deps.now?.() ?? new Date();
  const env = { promos, now };

  return {
    async quote(tenantId: number, input: QuoteInput): Promise<CouponResult<Quote, QuoteCode>> {
      return priceQuote(deps.db, promos, tenantId, input, now());
    },

    redeem(tenantId: number, input: RedeemInput, by: Principal | null): Promise<CouponResult<Redemption, RedeemCode>> {
      return deps.db.txResult((q) => redeemIn(env, q, tenantId, input, by));
    },

    /**
     * Redeems inside the caller's transaction (an order's creation): all or
     * nothing with the caller's own writes. A failure may follow some writes:
     * the caller's transaction must roll back on it (db.txResult does).
     */
    redeemIn: (q: Queryable, tenantId: number, input: RedeemInput, by: Principal | null): Promise<CouponResult<Redemption, RedeemCode>> =>
      redeemIn(env, q, tenantId, input, by),

    rollback(tenantId: number, id: number, by: Principal | null): Promise<CouponResult<Redemption, RollbackCode>> {
      return deps.db.txResult((q) => rollbackIn(promos, q, tenantId, id, by));
    },

    /** rollback() inside the caller's transaction (closing an order). */
    rollbackIn: (q: Queryable, tenantId: number, id: number, by: Principal | null): Promise<CouponResult<Redemption, RollbackCode>> =>
      rollbackIn(promos, q, tenantId, id, by),

    writeOff(tenantId: number, code: string, input: WriteOffInput, by: Principal): Promise<CouponResult<WriteOff, WriteOffCode>> {
      return writeOff(deps.db, now, tenantId, code, input, by);
    },

    get: (tenantId: number, id: number) => loadRedemption(deps.db, tenantId, id),

    async list(tenantId: number, f: RedemptionFilter): Promise<{ items: Redemption[]; total: number }> {
      const r = await listRedemptionIds(deps.db, tenantId, f);
      const items = await Promise.all(r.ids.map((id) => loadRedemption(deps.db, tenantId, id)));
      return { items: items.filter((x): x is Redemption => x !== null), total: r.total };
    },
  };
}

export type RedemptionService = ReturnType<typeof redemptionService>;
