import { describe, expect, it } from 'vitest';
import { actions, applyDiscount, conditions, firstFailure } from '../../../../../src/contexts/coupons/domain/rules/index.ts';
import { context, rule } from './context.ts';

describe('rules index', () => {
  it('collects every condition in the documented order', () => {
    expect(conditions.map((c) => c.code)).toEqual(['usable', 'available', 'store', 'in_scope', 'min_quantity', 'min_spend']);
  });

  it('has one action per discount type, keyed by it', () => {
    expect(Object.keys(actions).sort()).toEqual(['amount', 'rate']);
    for (const [type, action] of Object.entries(actions)) expect(action.type).toBe(type);
  });

  it('dispatches a discount to its action', () => {
    expect(applyDiscount({ type: 'amount', amountOff: 300 }, [1000])).toEqual({ discount: 300, allocation: [300] });
    expect(applyDiscount({ type: 'rate', rateBp: 9000, maxOff: null }, [1000])).toEqual({ discount: 100, allocation: [100] });
  });

  it('passes a coupon that meets every condition', () => expect(firstFailure(context())).toBeNull());

  it('reports only the first failure, in order', () => {
    const failing = context({
      rule: rule({ storeIds: [1], minSpend: 99999, minQuantity: 9 }),
      coupon: { state: 'used', validFrom: null, validTo: new Date('2000-01-01'), unusable: 'limit_reached' },
      storeId: 2,
      eligible: { indexes: [], subtotal: 0, quantity: 0 },
    });
    expect(firstFailure(failing)?.code).toBe('used');
    expect(firstFailure({ ...failing, coupon: { ...failing.coupon, state: 'active' } })?.code).toBe('expired');
    expect(firstFailure({ ...failing, coupon: { state: 'active', validFrom: null, validTo: null, unusable: 'limit_reached' } })?.code).toBe(
      'limit_reached',
    );
    const inTime = { ...failing, coupon: { state: 'active' as const, validFrom: null, validTo: null } };
    expect(firstFailure(inTime)?.code).toBe('wrong_store');
    expect(firstFailure({ ...inTime, storeId: 1 })?.code).toBe('out_of_scope');
    expect(firstFailure({ ...inTime, storeId: 1, eligible: { indexes: [0], subtotal: 100, quantity: 1 } })?.code).toBe('below_quantity');
    expect(firstFailure({ ...inTime, storeId: 1, eligible: { indexes: [0], subtotal: 100, quantity: 9 } })?.code).toBe('below_threshold');
  });
});
