import { describe, expect, it } from 'vitest';
import { minQuantity } from '../../../../../../src/contexts/coupons/domain/rules/conditions/min-quantity.ts';
import { context, rule } from '../context.ts';

const withQuantity = (need: number | null, have: number) =>
  minQuantity.check(context({ rule: rule({ minQuantity: need }), eligible: { indexes: [0], subtotal: 1000, quantity: have } }));

describe('minQuantity', () => {
  it('passes with no minimum', () => expect(withQuantity(null, 1)).toBeNull());
  it('passes at exactly the minimum', () => expect(withQuantity(3, 3)).toBeNull());
  it('passes above it', () => expect(withQuantity(3, 4)).toBeNull());
  it('fails below it, saying how many', () => {
    expect(withQuantity(3, 2)).toEqual({ code: 'below_quantity', message: 'needs 3 eligible items; the cart has 2' });
  });
});
