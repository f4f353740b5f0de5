// What every order use-case is built from: the shared deps and the
// collaborators from other contexts (passed in by buildCommerce).
import type { Db, Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import type { ErrorCode, Result } from '../../kernel/result.ts';
import type { PromoCodeLoader, RedemptionService } from '../coupons/index.ts';
import type { CatalogueService } from './catalogue.ts';
import type { OrderResult } from './order-errors.ts';

export interface OrderCollaborators {
  catalogue: CatalogueService;
  /** The coupon core: quotes, redeemIn/rollbackIn inside the order's transaction. */
  redemptions: RedemptionService;
  /** Promo codes as the coupon core loads them (to tell a refused promo code from a refused coupon). */
  promoLoader: PromoCodeLoader;
}

export interface OrderDeps extends OrderCollaborators {
  deps: Deps;
  now(): Date;
}

export const orderDeps = (deps: Deps, c: OrderCollaborators): OrderDeps => ({ ...c, deps, now: () => deps.now?.() ?? new Date() });

/** db.txResult for order use-cases: it hands back the callback's own result, so a failure keeps its typed order details. */
export function orderTx<T, C extends ErrorCode>(db: Db, fn: (q: Queryable) => Promise<OrderResult<T, C>>): Promise<OrderResult<T, C>> {
  // An OrderFailure is a Failure whose details have one known shape; generics hide that from the checker.
  return db.txResult<T, C>(fn as unknown as (q: Queryable) => Promise<Result<T, C>>) as Promise<OrderResult<T, C>>;
}
