// The coupons context's public face: the only module other contexts and the dialects import.
export * from './claim-batcher.ts';
export * from './code-batches.ts';
export * from './coupon-extras.ts';
export * from './coupons.ts';
export * from './promo-codes.ts';
export * from './promo-pricing.ts';
export * from './quote.ts';
export * from './redemptions.ts';
export * from './redemption-errors.ts';
export * from './templates.ts';
export * from './domain/claim-rules.ts';
export * from './domain/codes.ts';
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

import type { Deps } from '../../kernel/deps.ts';
import { codeBatchService } from './code-batches.ts';
import { couponExtrasService } from './coupon-extras.ts';
import { couponService } from './coupons.ts';
import { promoCodeService } from './promo-codes.ts';
import { promoCodeLoader } from './promo-pricing.ts';
import { redemptionService } from './redemptions.ts';
import { templateService } from './templates.ts';

/** Builds the coupon services once (compose.ts calls this): one claim batcher per process. */
export function buildCoupons(deps: Deps) {
  const coupons = couponService(deps);
  return {
    templates: templateService(deps),
    coupons,
    codeBatches: codeBatchService(deps),
    redemptions: redemptionService(deps, promoCodeLoader),
    promoCodes: promoCodeService(deps),
    couponExtras: couponExtrasService(deps, { coupons }),
    promoLoader: promoCodeLoader,
  };
}
export type Coupons = ReturnType<typeof buildCoupons>;
