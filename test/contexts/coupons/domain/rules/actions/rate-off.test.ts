import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateOff } from '../../../../../../src/contexts/coupons/domain/rules/actions/rate-off.ts';

const off = (rateBp: number, maxOff: number | null, amounts: number[]) => rateOff.apply({ type: 'rate', rateBp, maxOff }, amounts);

describe('rateOff', () => {
  it('pays the rate: 0.88 of 100.00 takes 12.00 off', () => {
    expect(off(8800, null, [10000])).toEqual({ discount: 1200, allocation: [1200] });
  });
  it('applies the rate once to the sum of the lines, then spreads it', () => {
    // 0.5 of 1.05 pays 0.53 (52.5 rounds half up), so 0.52 off; per line it would have been 0.51
    expect(off(5000, null, [35, 35, 35])).toEqual({ discount: 52, allocation: [18, 17, 17] });
  });
  it('caps the saving at maxOff', () => {
    expect(off(5000, 3000, [10000])).toEqual({ discount: 3000, allocation: [3000] });
    expect(off(5000, 3000, [4000])).toEqual({ discount: 2000, allocation: [2000] });
  });
  it('gives nothing on nothing', () => {
    expect(off(8800, null, [])).toEqual({ discount: 0, allocation: [] });
    expect(off(8800, null, [0, 0])).toEqual({ discount: 0, allocation: [0, 0] });
  });
  it('is (Σ − applyRate(Σ)) capped, never above Σ, spread within each line', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.option(fc.integer({ min: 1, max: 1_000_000 })),
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 20 }),
        (bp, cap, amounts) => {
          const r = off(bp, cap, amounts);
          const sum = amounts.reduce((x, y) => x + y, 0);
          const exact = sum - Number((BigInt(sum) * BigInt(bp) * 2n + 10000n) / 20000n);
          expect(r.discount).toBe(cap === null ? exact : Math.min(exact, cap));
          expect(r.discount).toBeLessThanOrEqual(sum);
          expect(r.allocation.reduce((x, y) => x + y, 0)).toBe(r.discount);
          r.allocation.forEach((p, i) => expect(p >= 0 && p <= amounts[i]!).toBe(true));
        },
      ),
    );
  });
});
