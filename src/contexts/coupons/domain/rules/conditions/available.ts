// Refusals decided outside pricing (approval, usage limits counted in SQL)
// still surface as reasons here, so a quote explains every coupon it skips.
import { reason, type RuleCondition } from '../types.ts';

export const available: RuleCondition = {
  code: 'available',
  check({ coupon }) {
    if (coupon.unusable === 'not_approved') return reason('not_approved', 'this code has not been approved yet');
    if (coupon.unusable === 'limit_reached') return reason('limit_reached', 'this code has reached its usage limit');
    return null;
  },
};
