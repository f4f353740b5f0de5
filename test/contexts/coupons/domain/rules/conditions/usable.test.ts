import { describe, expect, it } from 'vitest';
import { usable } from '../../../../../../src/contexts/coupons/domain/rules/conditions/usable.ts';
import { context } from '../context.ts';

const validFrom = new Date('2024-05-01T00:00:00Z');
const validTo = new Date('2024-05-31T23:59:59.999Z');

describe('usable', () => {
  it('passes an active coupon inside its window', () => {
    expect(usable.check(context({ coupon: { state: 'active', validFrom, validTo } }))).toBeNull();
  });

  it('passes at both inclusive ends of the window', () => {
    expect(usable.check(context({ coupon: { state: 'active', validFrom, validTo }, now: validFrom }))).toBeNull();
    expect(usable.check(context({ coupon: { state: 'active', validFrom, validTo }, now: validTo }))).toBeNull();
  });

  it.each([
    ['voided', '2024-05-10T00:00:00Z', 'voided'],
    ['used', '2024-05-10T00:00:00Z', 'used'],
    ['voided', '2024-07-10T00:00:00Z', 'voided'],
    ['used', '2024-07-10T00:00:00Z', 'used'],
    ['active', '2024-04-30T23:59:59.999Z', 'not_yet_valid'],
    ['active', '2024-06-01T00:00:00Z', 'expired'],
  ] as const)('a %s coupon at %s fails with %s', (state, now, code) => {
    const r = usable.check(context({ coupon: { state, validFrom, validTo }, now: new Date(now) }));
    expect(r?.code).toBe(code);
    expect(r?.message).toBeTruthy();
  });

  it('names the boundary in the message', () => {
    expect(usable.check(context({ coupon: { state: 'active', validFrom, validTo }, now: new Date('2025-01-01') }))?.message).toContain(
      validTo.toISOString(),
    );
    expect(usable.check(context({ coupon: { state: 'active', validFrom, validTo }, now: new Date('2020-01-01') }))?.message).toContain(
      validFrom.toISOString(),
    );
  });
});
