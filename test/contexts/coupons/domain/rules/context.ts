// Builders for rule tests: a rule and a condition context with sensible defaults.
import type { ConditionContext, CouponRule } from '../../../../../src/contexts/coupons/domain/rules/types.ts';

export const rule = (over: Partial<CouponRule> = {}): CouponRule => ({
  discount: { type: 'amount', amountOff: 500 },
  minSpend: 0,
  minQuantity: null,
  scope: { type: 'all' },
  storeIds: [],
  stackable: false,
  ...over,
});

export const context = (over: Partial<ConditionContext> = {}): ConditionContext => ({
  rule: rule(),
  coupon: { state: 'active', validFrom: null, validTo: null },
  storeId: null,
  now: new Date('2024-05-10T00:00:00Z'),
  eligible: { indexes: [0], subtotal: 1000, quantity: 1 },
  ...over,
});
