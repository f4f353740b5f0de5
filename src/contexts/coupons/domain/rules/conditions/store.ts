// A coupon bound to stores is usable only in one of them; with no store known
// (an online order) a store-bound coupon cannot be proven usable.
import { reason, type RuleCondition } from '../types.ts';

export const store: RuleCondition = {
  code: 'store',
  check({ rule, storeId }) {
    if (rule.storeIds.length === 0) return null;
    if (storeId !== null && rule.storeIds.includes(storeId)) return null;
    return reason('wrong_store', `this coupon is only usable in store${rule.storeIds.length > 1 ? 's' : ''} ${rule.storeIds.join(', ')}`);
  },
};
