// "Buy at least N": counted over the covered lines of the original cart.
import { reason, type RuleCondition } from '../types.ts';

export const minQuantity: RuleCondition = {
  code: 'min_quantity',
  check({ rule, eligible }) {
    if (rule.minQuantity === null || eligible.quantity >= rule.minQuantity) return null;
    return reason('below_quantity', `needs ${rule.minQuantity} eligible items; the cart has ${eligible.quantity}`);
  },
};
