// The sellers context's public face: the only module other contexts and the
// dialects import. Sellers (sales staff, role `seller`) and their customers: a
// consumer belongs to the seller it is bound to (users.seller_id: by a
// seller's referral code when it registers, or by staff assignment); every
// consumer not bound to an active seller belongs to the merchant's default
// seller. A seller sees only its own customers and write-offs, and writes off
// only its customers' coupons, in its own stores, through the coupon core's
// write-off. Sellers owns seller_profiles; it reads identity's staff, users
// and stores and the coupons context's tables, and writes users.seller_id
// (identity's: see the FOREIGN WRITEs in repo/customers.repo.ts).
export type { Customer, Seller, SellerProfileInput, WriteOffRecord } from './domain/seller.ts';
export { FREQUENTER_REDEMPTIONS } from './domain/seller.ts';
export type * from './errors.ts';
export { bindByReferralIn, bindBySellerAccountIn, sellerByAccount, sellerByReferral } from './referrals.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { Coupons } from '../coupons/index.ts';
import { customerUseCases } from './customers.ts';
import { referralUseCases } from './referrals.ts';
import { sellerUseCases } from './sellers.ts';
import { writeOffUseCases, type CouponWriteOff } from './write-offs.ts';

/** The sellers facade (`services.sellers`): every use-case of the context, one object. */
export function sellerService(deps: Deps, { redemptions }: { redemptions: CouponWriteOff }) {
  return {
    ...sellerUseCases(deps),
    ...customerUseCases(deps),
    ...referralUseCases(deps),
    ...writeOffUseCases(deps, redemptions),
  };
}
export type SellerService = ReturnType<typeof sellerService>;

/** Builds the seller services once (compose.ts calls this). */
export function buildSellers(deps: Deps, c: { coupons: Coupons }) {
  return { sellers: sellerService(deps, { redemptions: c.coupons.redemptions }) };
}
export type Sellers = ReturnType<typeof buildSellers>;
