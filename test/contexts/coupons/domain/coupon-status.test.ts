import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeValidity, couponStatus, type CouponState } from '../../../../src/contexts/coupons/domain/coupon-status.ts';

const at = (s: string) => new Date(s);

describe('couponStatus', () => {
  const from = at('2024-05-01T00:00:00Z');
  const to = at('2024-05-31T23:59:59.999Z');

  it.each([
    ['issued', '2024-05-15T00:00:00Z', 'usable'],
    ['issued', '2024-05-01T00:00:00Z', 'usable'], // from is inclusive
    ['issued', '2024-05-31T23:59:59.999Z', 'usable'], // to is inclusive
    ['issued', '2024-04-30T23:59:59.999Z', 'not_yet_valid'],
    ['issued', '2024-06-01T00:00:00Z', 'expired'],
    ['used', '2024-05-15T00:00:00Z', 'used'],
    ['used', '2024-06-15T00:00:00Z', 'used'], // used beats expired
    ['used', '2024-04-15T00:00:00Z', 'used'],
    ['voided', '2024-05-15T00:00:00Z', 'voided'],
    ['voided', '2024-06-15T00:00:00Z', 'voided'],
  ] as [CouponState, string, string][])('%s at %s is %s', (state, now, status) => {
    expect(couponStatus({ state, validFrom: from, validTo: to }, at(now))).toBe(status);
  });

  it('treats missing bounds as open', () => {
    expect(couponStatus({ state: 'issued', validFrom: null, validTo: null }, at('1990-01-01T00:00:00Z'))).toBe('usable');
    expect(couponStatus({ state: 'issued', validFrom: null, validTo: to }, at('1990-01-01T00:00:00Z'))).toBe('usable');
    expect(couponStatus({ state: 'issued', validFrom: from, validTo: null }, at('2990-01-01T00:00:00Z'))).toBe('usable');
  });

  it('voided wins over used wins over the window, for any time', () => {
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), (now) => {
        expect(couponStatus({ state: 'voided', validFrom: from, validTo: to }, now)).toBe('voided');
        expect(couponStatus({ state: 'used', validFrom: from, validTo: to }, now)).toBe('used');
      }),
    );
  });
});

describe('computeValidity', () => {
  it('passes a fixed window through unchanged (as copies)', () => {
    const from = at('2024-05-01T00:00:00Z');
    const to = at('2024-05-31T00:00:00Z');
    const v = computeValidity({ type: 'fixed', from, to }, at('2024-06-01T00:00:00Z'), 'Asia/Shanghai');
    expect(v).toEqual({ from, to });
    expect(v.from).not.toBe(from);
  });

  describe('Asia/Shanghai (UTC+8, no DST)', () => {
    const z = 'Asia/Shanghai';
    it('N days from receipt to the end of local day N', () => {
      // 2024-05-10 18:30 local
      const v = computeValidity({ type: 'relative', days: 3 }, at('2024-05-10T10:30:00Z'), z);
      expect(v.from.toISOString()).toBe('2024-05-10T10:30:00.000Z');
      expect(v.to.toISOString()).toBe('2024-05-12T15:59:59.999Z'); // 2024-05-12 23:59:59.999 local
    });

    it('1 day means until the end of the day of receipt', () => {
      const v = computeValidity({ type: 'relative', days: 1 }, at('2024-05-10T15:59:00Z'), z); // 23:59 local
      expect(v.to.toISOString()).toBe('2024-05-10T15:59:59.999Z');
    });

    it('counts local days, not UTC days: just after local midnight is the next day', () => {
      const v = computeValidity({ type: 'relative', days: 1 }, at('2024-05-10T16:00:00Z'), z); // 2024-05-11 00:00 local
      expect(v.to.toISOString()).toBe('2024-05-11T15:59:59.999Z');
    });

    it('startAfterDays starts at the beginning of that local day', () => {
      const v = computeValidity({ type: 'relative', days: 7, startAfterDays: 1 }, at('2024-05-10T10:30:00Z'), z);
      expect(v.from.toISOString()).toBe('2024-05-10T16:00:00.000Z'); // 2024-05-11 00:00 local
      expect(v.to.toISOString()).toBe('2024-05-17T15:59:59.999Z'); // 2024-05-17 23:59:59.999 local
    });

    it('startAfterDays 0 is the same as leaving it out', () => {
      const r = at('2024-05-10T10:30:00Z');
      expect(computeValidity({ type: 'relative', days: 5, startAfterDays: 0 }, r, z)).toEqual(
        computeValidity({ type: 'relative', days: 5 }, r, z),
      );
    });

    it('crosses month and leap-day boundaries', () => {
      const v = computeValidity({ type: 'relative', days: 2 }, at('2024-02-28T04:00:00Z'), z);
      expect(v.to.toISOString()).toBe('2024-02-29T15:59:59.999Z');
    });
  });

  describe('America/New_York (DST)', () => {
    const z = 'America/New_York';
    it('a window spanning spring-forward ends at local midnight in EDT', () => {
      // received 2024-03-09 15:00 EST, 3 days: through 2024-03-11 23:59:59.999 EDT
      const v = computeValidity({ type: 'relative', days: 3 }, at('2024-03-09T20:00:00Z'), z);
      expect(v.to.toISOString()).toBe('2024-03-12T03:59:59.999Z');
    });

    it('the 23-hour day itself ends at local midnight', () => {
      const v = computeValidity({ type: 'relative', days: 1, startAfterDays: 1 }, at('2024-03-09T20:00:00Z'), z);
      expect(v.from.toISOString()).toBe('2024-03-10T05:00:00.000Z'); // 00:00 EST
      expect(v.to.toISOString()).toBe('2024-03-11T03:59:59.999Z'); // 23:59:59.999 EDT
      expect(v.to.getTime() + 1 - v.from.getTime()).toBe(23 * 3_600_000);
    });

    it('the 25-hour fall-back day is a whole local day', () => {
      const v = computeValidity({ type: 'relative', days: 1, startAfterDays: 1 }, at('2024-11-02T12:00:00Z'), z);
      expect(v.from.toISOString()).toBe('2024-11-03T04:00:00.000Z'); // 00:00 EDT
      expect(v.to.toISOString()).toBe('2024-11-04T04:59:59.999Z'); // 23:59:59.999 EST
      expect(v.to.getTime() + 1 - v.from.getTime()).toBe(25 * 3_600_000);
    });

    it('a receipt late in the local evening still belongs to that local day', () => {
      // 2024-07-04 23:30 EDT = 2024-07-05 03:30 UTC
      const v = computeValidity({ type: 'relative', days: 1 }, at('2024-07-05T03:30:00Z'), z);
      expect(v.to.toISOString()).toBe('2024-07-05T03:59:59.999Z');
    });
  });

  it('always ends after it starts and at a local day boundary', () => {
    fc.assert(
      fc.property(
        fc.date({ min: at('2020-01-01T00:00:00Z'), max: at('2030-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom('Asia/Shanghai', 'America/New_York'),
        (receivedAt, days, startAfterDays, z) => {
          const v = computeValidity({ type: 'relative', days, startAfterDays }, receivedAt, z);
          expect(v.to.getTime()).toBeGreaterThan(v.from.getTime());
          expect(v.from.getTime()).toBeGreaterThanOrEqual(receivedAt.getTime());
          const local = new Intl.DateTimeFormat('en-US', {
            timeZone: z,
            hourCycle: 'h23',
            hour: 'numeric',
            minute: 'numeric',
            second: 'numeric',
          });
          expect(local.format(v.to)).toBe('23:59:59');
          expect(local.format(new Date(v.to.getTime() + 1))).toBe('00:00:00');
        },
      ),
    );
  });

  it.each([
    [{ type: 'relative', days: 0 }],
    [{ type: 'relative', days: 1.5 }],
    [{ type: 'relative', days: 3, startAfterDays: -1 }],
  ] as const)('refuses %j', (v) => expect(() => computeValidity(v, at('2024-05-10T10:30:00Z'), 'Asia/Shanghai')).toThrow(RangeError));
});
