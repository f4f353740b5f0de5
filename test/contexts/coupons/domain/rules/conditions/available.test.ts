import { describe, expect, it } from 'vitest';
import { available } from '../../../../../../src/contexts/coupons/domain/rules/conditions/available.ts';
import { context } from '../context.ts';

const coupon = { state: 'active' as const, validFrom: null, validTo: null };

describe('available', () => {
  it.each([undefined, null])('passes when nothing outside pricing refuses it (%j)', (unusable) => {
    expect(available.check(context({ coupon: { ...coupon, unusable } }))).toBeNull();
  });
  it.each(['not_approved', 'limit_reached'] as const)('reports %s', (unusable) => {
    expect(available.check(context({ coupon: { ...coupon, unusable } }))?.code).toBe(unusable);
  });
});
