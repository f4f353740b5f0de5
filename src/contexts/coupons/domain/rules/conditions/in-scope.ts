// The scope decides which lines a coupon covers; a coupon covering no line is
// out of scope. `linesCovered` is the line filter every other part uses.
import type { CartLine, EligibleLines, RuleCondition, Scope } from '../types.ts';
import { reason } from '../types.ts';

// Past a handful of ids a Set beats a linear scan per line.
function idTest(ids: readonly number[]): (id: number | null | undefined) => boolean {
  if (ids.length <= 8) return (id) => id != null && ids.includes(id);
  const set = new Set(ids);
  return (id) => id != null && set.has(id);
}

export const inScope: RuleCondition & {
  /** Indexes of the lines `scope` covers, with their subtotal and quantity (as given, before any discount). */
  linesCovered(scope: Scope, lines: readonly CartLine[], amounts: readonly number[]): EligibleLines;
} = {
  code: 'in_scope',
  check({ rule, eligible }) {
    if (eligible.indexes.length > 0 && eligible.quantity > 0) return null;
    const what = rule.scope.type === 'all' ? 'items' : rule.scope.type === 'goods' ? 'the goods it names' : 'the categories it names';
    return reason('out_of_scope', `this coupon applies only to ${what}, and the cart has none`);
  },
  linesCovered(scope, lines, amounts) {
    const indexes: number[] = [];
    let subtotal = 0;
    let quantity = 0;
    const test = scope.type === 'all' ? null : idTest(scope.ids);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.quantity <= 0) continue;
      if (test && !test(scope.type === 'goods' ? line.goodsId : line.categoryId)) continue;
      indexes.push(i);
      subtotal += amounts[i]!;
      quantity += line.quantity;
    }
    return { indexes, subtotal, quantity };
  },
};
