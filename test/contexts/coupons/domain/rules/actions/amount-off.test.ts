import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountOff } from '../../../../../../src/contexts/coupons/domain/rules/actions/amount-off.ts';

const off = (a: number, amounts: number[]) => amountOff.apply({ type: 'amount', amountOff: a }, amounts);

describe('amountOff', () => {
  it('takes the amount off, spread in proportion', () => {
    expect(off(1000, [3000, 1000])).toEqual({ discount: 1000, allocation: [750, 250] });
  });
  it('never takes more than the lines still cost', () => {
    expect(off(1000, [300, 200])).toEqual({ discount: 500, allocation: [300, 200] });
  });
  it('takes nothing from lines already at zero', () => {
    expect(off(1000, [0, 0])).toEqual({ discount: 0, allocation: [0, 0] });
    expect(off(100, [0, 500])).toEqual({ discount: 100, allocation: [0, 100] });
  });
  it('handles no lines', () => expect(off(1000, [])).toEqual({ discount: 0, allocation: [] }));
  it('rounds the spread by largest remainder', () => {
    expect(off(100, [1000, 1000, 1000])).toEqual({ discount: 100, allocation: [34, 33, 33] });
  });

  it('is min(amount, Σ) spread within each line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 20 }),
        (a, amounts) => {
          const r = off(a, amounts);
          const sum = amounts.reduce((x, y) => x + y, 0);
          expect(r.discount).toBe(Math.min(a, sum));
          expect(r.allocation.reduce((x, y) => x + y, 0)).toBe(r.discount);
          r.allocation.forEach((p, i) => expect(p >= 0 && p <= amounts[i]!).toBe(true));
        },
      ),
    );
  });
});
