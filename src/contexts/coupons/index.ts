// The coupons context's public face: the only module other contexts and the dialects import.
export * from './batches.ts';
export * from './claim-batcher.ts';
export * from './claim.ts';
export * from './claimable.ts';
export * from './coupons.ts';
export * from './errors.ts';
export * from './exchange.ts';
export * from './gift.ts';
export * from './issue.ts';
export * from './merge-share.ts';
export * from './promo-codes.ts';
export * from './promo-pricing.ts';
export * from './quote.ts';
export * from './redemptions.ts';
export * from './redemption-errors.ts';
export * from './templates.ts';
export * from './domain/claim-rules.ts';
export * from './domain/codes.ts';
export * from './domain/coupon.ts';
export * from './domain/coupon-status.ts';
export * from './domain/promo-checkout.ts';
export * from './domain/promo-code.ts';
export * from './domain/promo-code-state.ts';
export * from './domain/redemption.ts';
export * from './domain/template-state.ts';
export * from './domain/template.ts';
export * from './domain/pricing/quote.ts';
export * from './domain/rules/index.ts';
export * from './domain/rules/types.ts';
// coupon-status.ts reads a looser Validity (startAfterDays optional); the template's is the public one.
export type { AudienceType, Discount, Scope, Validity } from './domain/template.ts';
// The one writer that voids issued coupons (card refunds, voided templates, merges).
export { voidIssuedIn } from './repo/coupons.repo.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { JobService } from '../platform/index.ts';
import { codeBatchService } from './batches.ts';
import { claimBatcher } from './claim-batcher.ts';
import { claimService } from './claim.ts';
import { claimableService } from './claimable.ts';
import { couponReader, couponService } from './coupons.ts';
import { exchangeService } from './exchange.ts';
import { giftService } from './gift.ts';
import { issueService } from './issue.ts';
import { mergeShareService } from './merge-share.ts';
import { promoCodeService } from './promo-codes.ts';
import { promoCodeLoader } from './promo-pricing.ts';
import { redemptionService } from './redemptions.ts';
import { templateService, type CatalogueRefs } from './templates.ts';

/** Builds the coupon services once (compose.ts calls this): one claim batcher per process. */
export function buildCoupons(deps: Deps, c: { catalogue: CatalogueRefs; jobs: JobService }) {
  const batcher = claimBatcher(deps);
  const claims = claimService(deps, batcher);
  const issuing = issueService(deps);
  const reader = couponReader(deps);
  const claimable = claimableService(deps, claims);
  return {
    templates: templateService(deps, c.catalogue),
    coupons: couponService({ claims, issuing, reader, gifts: giftService(deps), exchanges: exchangeService(deps) }),
    codeBatches: codeBatchService(deps, c.jobs),
    redemptions: redemptionService(deps, promoCodeLoader),
    promoCodes: promoCodeService(deps),
    couponExtras: {
      ...claimable,
      mine: reader.mine,
      own: reader.own,
      stats: reader.stats,
      ...mergeShareService(deps, { issuing, reader }),
    },
    /** The process's claim batcher, seen from outside: counts, and an observer per batch. */
    claimBatches: { stats: batcher.stats, observe: batcher.observe },
    promoLoader: promoCodeLoader,
  };
}
export type Coupons = ReturnType<typeof buildCoupons>;
export type CouponExtras = Coupons['couponExtras'];
