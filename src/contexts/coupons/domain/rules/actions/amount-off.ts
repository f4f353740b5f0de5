// A fixed amount off the covered lines, never more than they still cost.
import { allocateProportionally, sumFen } from '../../../../../kernel/money.ts';
import type { Discount, RuleAction } from '../types.ts';

export const amountOff: RuleAction<Extract<Discount, { type: 'amount' }>> = {
  type: 'amount',
  apply(discount, amounts) {
    const off = Math.min(discount.amountOff, sumFen(amounts));
    return { discount: off, allocation: allocateProportionally(off, amounts) };
  },
};
