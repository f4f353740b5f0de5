// Pay rateBp/10000 of the covered lines, the saving capped at maxOff. The
// rate is applied once to their sum (one rounding), then spread back over them.
import { allocateProportionally, applyRate, sumFen } from '../../../../../kernel/money.ts';
import type { Discount, RuleAction } from '../types.ts';

export const rateOff: RuleAction<Extract<Discount, { type: 'rate' }>> = {
  type: 'rate',
  apply(discount, amounts) {
    const base = sumFen(amounts);
    let off = base - applyRate(base, discount.rateBp);
    if (discount.maxOff !== null && off > discount.maxOff) off = discount.maxOff;
    return { discount: off, allocation: allocateProportionally(off, amounts) };
  },
};
