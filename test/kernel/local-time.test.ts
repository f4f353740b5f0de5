import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, isValidTimeZone, localDateOf, parseLocalDate, startOfLocalDay } from '../../src/kernel/local-time.ts';

describe('isValidTimeZone', () => {
  it.each(['Asia/Shanghai', 'America/New_York', 'UTC', 'Europe/London'])('accepts %s', (z) => expect(isValidTimeZone(z)).toBe(true));
  it.each(['Mars/Olympus', '', 'Asia/Shanghai '])('refuses %j', (z) => expect(isValidTimeZone(z)).toBe(false));
});

describe('parseLocalDate', () => {
  it('reads a real date', () => expect(parseLocalDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 }));
  it.each(['2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-4-1', '24-04-01', '2024-04-01T00:00', '', 'today'])(
    'refuses %j',
    (s) => expect(parseLocalDate(s)).toBeNull(),
  );
});

describe('addDays', () => {
  it.each([
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2024-03-01', -1, '2024-02-29'],
    ['2024-01-15', 0, '2024-01-15'],
    ['2024-01-01', 366, '2025-01-01'],
    ['0099-12-31', 1, '0100-01-01'],
  ])('%s %+d → %s', (d, n, out) => expect(addDays(d, n)).toBe(out));

  it('refuses a malformed date', () => expect(() => addDays('2024-02-30', 1)).toThrow(RangeError));

  it('is invertible', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
        fc.integer({ min: -5000, max: 5000 }),
        (d, n) => {
          const s = d.toISOString().slice(0, 10);
          return addDays(addDays(s, n), -n) === s;
        },
      ),
    );
  });
});

describe('localDateOf', () => {
  it.each([
    ['2024-03-09T15:59:59.999Z', 'Asia/Shanghai', '2024-03-09'],
    ['2024-03-09T16:00:00.000Z', 'Asia/Shanghai', '2024-03-10'],
    ['2024-03-10T04:59:59.999Z', 'America/New_York', '2024-03-09'],
    ['2024-03-10T05:00:00.000Z', 'America/New_York', '2024-03-10'],
    ['2024-07-01T03:59:59.999Z', 'America/New_York', '2024-06-30'],
    ['2024-07-01T04:00:00.000Z', 'America/New_York', '2024-07-01'],
  ])('%s in %s is %s', (t, z, d) => expect(localDateOf(new Date(t), z)).toBe(d));
});

describe('startOfLocalDay', () => {
  it.each([
    ['2024-03-10', 'Asia/Shanghai', '2024-03-09T16:00:00.000Z'],
    ['2024-03-10', 'America/New_York', '2024-03-10T05:00:00.000Z'], // spring-forward day (23 h) starts in EST
    ['2024-03-11', 'America/New_York', '2024-03-11T04:00:00.000Z'], // first day in EDT
    ['2024-11-03', 'America/New_York', '2024-11-03T04:00:00.000Z'], // fall-back day (25 h) starts in EDT
    ['2024-11-04', 'America/New_York', '2024-11-04T05:00:00.000Z'],
    ['2024-03-31', 'Europe/London', '2024-03-31T00:00:00.000Z'],
    ['2024-01-01', 'UTC', '2024-01-01T00:00:00.000Z'],
    // Chile skips local midnight: the day starts at the jump, 01:00 local.
    ['2024-09-08', 'America/Santiago', '2024-09-08T04:00:00.000Z'],
    // Cuba repeats 00:00-01:00: the day starts at the first midnight.
    ['2024-11-03', 'America/Havana', '2024-11-03T04:00:00.000Z'],
  ])('%s in %s starts at %s', (d, z, iso) => expect(startOfLocalDay(d, z).toISOString()).toBe(iso));

  it('is the first instant of that local date in several zones over two years', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kolkata'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 730 }), fc.constantFrom(...zones), (n, z) => {
        const day = addDays('2024-01-01', n);
        const start = startOfLocalDay(day, z).getTime();
        expect(localDateOf(new Date(start), z)).toBe(day);
        expect(localDateOf(new Date(start - 1), z)).toBe(addDays(day, -1));
      }),
    );
  });

  it('refuses a malformed date', () => expect(() => startOfLocalDay('2024-3-1', 'UTC')).toThrow(RangeError));
  it('refuses an unknown zone', () => expect(() => startOfLocalDay('2024-03-01', 'Mars/Olympus')).toThrow(RangeError));
});
