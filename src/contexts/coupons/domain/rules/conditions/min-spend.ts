// "Spend at least X": the threshold is on the covered lines of the ORIGINAL
// cart, so stacking other coupons never un-qualifies this one.
import { formatMoney } from '../../../../../kernel/money.ts';
import { reason, type RuleCondition } from '../types.ts';

export const minSpend: RuleCondition = {
  code: 'min_spend',
  check({ rule, eligible }) {
    if (eligible.subtotal >= rule.minSpend) return null;
    return reason(
      'below_threshold',
      `needs ${formatMoney(rule.minSpend)} spent on eligible items; the cart has ${formatMoney(eligible.subtotal)} (${formatMoney(rule.minSpend - eligible.subtotal)} more)`,
    );
  },
};
