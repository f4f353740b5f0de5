// Builders for pricing tests.
import type { PricedCoupon } from '../../../../../src/contexts/coupons/domain/pricing/quote.ts';
import type { CartLine, CouponRule } from '../../../../../src/contexts/coupons/domain/rules/types.ts';

export const NOW = new Date('2024-05-10T04:00:00Z');

export const line = (lineId: string, unitPrice: number, quantity = 1, over: Partial<CartLine> = {}): CartLine => ({
  lineId,
  unitPrice,
  quantity,
  ...over,
});

export const amount = (amountOff: number): CouponRule['discount'] => ({ type: 'amount', amountOff });
export const rate = (rateBp: number, maxOff: number | null = null): CouponRule['discount'] => ({ type: 'rate', rateBp, maxOff });

export function coupon(
  id: string,
  discount: CouponRule['discount'],
  over: Partial<CouponRule> = {},
  extra: Partial<PricedCoupon> = {},
): PricedCoupon {
  return {
    id,
    kind: 'coupon',
    rule: { discount, minSpend: 0, minQuantity: null, scope: { type: 'all' }, storeIds: [], stackable: false, ...over },
    state: 'active',
    validFrom: null,
    validTo: null,
    ...extra,
  };
}
