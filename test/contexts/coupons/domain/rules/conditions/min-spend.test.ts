import { describe, expect, it } from 'vitest';
import { minSpend } from '../../../../../../src/contexts/coupons/domain/rules/conditions/min-spend.ts';
import { context, rule } from '../context.ts';

const withSpend = (need: number, have: number) =>
  minSpend.check(context({ rule: rule({ minSpend: need }), eligible: { indexes: [0], subtotal: have, quantity: 1 } }));

describe('minSpend', () => {
  it('passes with no threshold', () => expect(withSpend(0, 0)).toBeNull());
  it('passes at exactly the threshold', () => expect(withSpend(10000, 10000)).toBeNull());
  it('passes above it', () => expect(withSpend(10000, 10001)).toBeNull());
  it('fails one fen below it, saying how much more', () => {
    expect(withSpend(10000, 9999)).toEqual({
      code: 'below_threshold',
      message: 'needs 100.00 spent on eligible items; the cart has 99.99 (0.01 more)',
    });
  });
});
