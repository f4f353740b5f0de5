// Every condition and action, in one place: a new one is a file and a line.
import type { Fen } from '../../../../kernel/money.ts';
import { amountOff } from './actions/amount-off.ts';
import { rateOff } from './actions/rate-off.ts';
import { available } from './conditions/available.ts';
import { inScope } from './conditions/in-scope.ts';
import { minQuantity } from './conditions/min-quantity.ts';
import { minSpend } from './conditions/min-spend.ts';
import { store } from './conditions/store.ts';
import { usable } from './conditions/usable.ts';
import type { ActionResult, ConditionContext, Discount, Reason, RuleAction, RuleCondition } from './types.ts';

export * from './types.ts';
export { inScope };

/**
 * Checked in this order; the first failure is the reason reported. The
 * coupon's own state comes first (nothing else matters for a used coupon),
 * then where it may be used, then what the cart must contain.
 */
export const conditions: readonly RuleCondition[] = [usable, available, store, inScope, minQuantity, minSpend];

export const actions: { readonly [K in Discount['type']]: RuleAction<Extract<Discount, { type: K }>> } = {
  amount: amountOff,
  rate: rateOff,
};

/** The first failing condition, or null when the coupon may be used on this cart. */
export function firstFailure(ctx: ConditionContext): Reason | null {
  for (const c of conditions) {
    const r = c.check(ctx);
    if (r) return r;
  }
  return null;
}

/** Runs the action for `discount` on the current amounts of the covered lines. */
export function applyDiscount(discount: Discount, amounts: readonly Fen[]): ActionResult {
  // The map is keyed by type, so the action always matches its discount.
  return (actions[discount.type] as RuleAction).apply(discount, amounts);
}
