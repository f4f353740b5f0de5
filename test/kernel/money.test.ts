import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateProportionally,
  applyRate,
  divideRoundHalfUp,
  fenToRate,
  fenToYuan,
  formatMoney,
  formatRate,
  parseMoney,
  parseRate,
  sumFen,
} from '../../src/kernel/money.ts';

const MAX = Number.MAX_SAFE_INTEGER;

describe('parseMoney', () => {
  it.each([
    ['10', 1000],
    ['10.5', 1050],
    ['10.50', 1050],
    ['0', 0],
    ['0.00', 0],
    ['0.01', 1],
    ['0.1', 10],
    ['007.20', 720],
    [' 12.34 ', 1234],
    ['90071992547409.91', MAX],
  ])('reads %j as %d fen', (s, fen) => expect(parseMoney(s)).toBe(fen));

  it.each([
    '10.505',
    '1.001',
    '-1',
    '-0.01',
    '+1',
    '1e3',
    '1E3',
    '1e-2',
    'NaN',
    'Infinity',
    '',
    ' ',
    '.5',
    '5.',
    '1,000.00',
    '1 000',
    '0x10',
    'abc',
    '10.5a',
    '90071992547409.92',
    '100000000000000000000',
  ])('refuses %j', (s) => expect(parseMoney(s)).toBeNull());

  it.each([
    [10.5, 1050],
    [0.1, 10],
    [0.29, 29],
    [10, 1000],
    [0, 0],
    [-0, 0],
    [1.1, 110],
    [19.99, 1999],
  ])('reads the number %d through its decimal text as %d fen', (n, fen) => expect(parseMoney(n)).toBe(fen));

  it.each([NaN, Infinity, -Infinity, -1, 0.001, 1e21, 1e-7, 2 ** 53])('refuses the number %d', (n) => expect(parseMoney(n)).toBeNull());

  it('refuses values that are not strings or numbers at run time', () => {
    expect(parseMoney(null as unknown as string)).toBeNull();
    expect(parseMoney({} as unknown as string)).toBeNull();
  });

  it('round-trips every amount through formatMoney', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX }), (fen) => parseMoney(formatMoney(fen)) === fen));
  });

  it('agrees with an exact BigInt reading for any 1-2 decimal text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,18}(\.\d{1,2})?$/), (s) => {
        const [w, f = ''] = s.split('.');
        const exact = BigInt(w!) * 100n + BigInt(f.padEnd(2, '0'));
        expect(parseMoney(s)).toBe(exact <= BigInt(MAX) ? Number(exact) : null);
      }),
    );
  });
});

describe('formatMoney', () => {
  it.each([
    [1000, '10.00'],
    [1050, '10.50'],
    [-305, '-3.05'],
    [0, '0.00'],
    [-0, '0.00'],
    [1, '0.01'],
    [-1, '-0.01'],
    [99, '0.99'],
    [MAX, '90071992547409.91'],
    [-MAX, '-90071992547409.91'],
  ])('%d → %s', (fen, s) => expect(formatMoney(fen)).toBe(s));

  it.each([1.5, NaN, Infinity, 2 ** 53])('refuses %d', (fen) => expect(() => formatMoney(fen)).toThrow(RangeError));
});

describe('fenToYuan', () => {
  it.each([
    [1050, 10.5],
    [1, 0.01],
    [10, 0.1],
    [-305, -3.05],
    [0, 0],
    [123456789, 1234567.89],
  ])('%d → %d', (fen, yuan) => expect(fenToYuan(fen)).toBe(yuan));

  it('is exactly the number JSON would read from the decimal text', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), (fen) => fenToYuan(fen) === JSON.parse(formatMoney(fen))));
  });
});

describe('parseRate', () => {
  it.each([
    ['0.88', 8800],
    ['0.8', 8000],
    ['0.885', 8850],
    ['0.8855', 8855],
    ['0.0001', 1],
    ['0.9999', 9999],
    ['0.5000', 5000],
    [' 0.75 ', 7500],
    [0.88, 8800],
    [0.1, 1000],
    [0.0001, 1],
  ])('%j → %d basis points paid', (s, bp) => expect(parseRate(s)).toBe(bp));

  it.each(['0', '0.0', '0.0000', '1', '1.0', '0.88888', '.88', '88', '-0.5', '0.8e1', 'abc', '', 1, 0, 1.5, -0.2, NaN, 0.00001])(
    'refuses %j',
    (s) => expect(parseRate(s)).toBeNull(),
  );
});

describe('formatRate', () => {
  it.each([
    [8800, '0.88'],
    [8850, '0.885'],
    [5, '0.0005'],
    [1000, '0.1'],
    [10000, '1'],
    [0, '0'],
  ])('%d → %s', (bp, s) => expect(formatRate(bp)).toBe(s));

  it('round-trips through parseRate', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 9999 }), (bp) => parseRate(formatRate(bp)) === bp));
  });

  it.each([-1, 10001, 1.5])('refuses %d', (bp) => expect(() => formatRate(bp)).toThrow(RangeError));

  it('keeps the old name as an alias', () => expect(fenToRate).toBe(formatRate));
});

describe('divideRoundHalfUp', () => {
  it.each([
    [5, 2, 3],
    [7, 2, 4],
    [4, 2, 2],
    [1, 3, 0],
    [2, 3, 1],
    [0, 7, 0],
    [-5, 2, -2],
    [-7, 2, -3],
    [-1, 3, 0],
    [-2, 3, -1],
    [MAX, 1, MAX],
    [MAX, 2, 4503599627370496],
  ])('%d / %d → %d', (n, d, q) => expect(divideRoundHalfUp(n, d)).toBe(q));

  it('matches floor((2n + d) / 2d) in exact arithmetic', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX, max: MAX }), fc.integer({ min: 1, max: MAX }), (n, d) => {
        const N = BigInt(n);
        const D = BigInt(d);
        const num = 2n * N + D;
        const den = 2n * D;
        const floor = num >= 0n ? num / den : -((-num + den - 1n) / den);
        expect(divideRoundHalfUp(n, d)).toBe(Number(floor));
      }),
    );
  });

  it.each([
    [1, 0],
    [1, -1],
    [1.5, 2],
    [1, 2.5],
    [2 ** 53, 3],
  ])('refuses %d / %d', (n, d) => expect(() => divideRoundHalfUp(n, d)).toThrow(RangeError));
});

describe('applyRate', () => {
  it.each([
    [1000, 8800, 880],
    [105, 5000, 53], // 52.5 rounds half up
    [1, 5000, 1],
    [1, 4999, 0],
    [999, 8800, 879], // 879.12
    [995, 8850, 881], // 880.575
    [0, 8800, 0],
    [12345, 10000, 12345],
    [12345, 0, 0],
    [MAX, 9999, Number((BigInt(MAX) * 9999n + 5000n) / 10000n)],
  ])('%d fen at %d bp pays %d', (amount, bp, paid) => expect(applyRate(amount, bp)).toBe(paid));

  it('matches exact half-up rounding of amount × rate / 10000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 10000 }), (amount, bp) => {
        expect(applyRate(amount, bp)).toBe(Number((BigInt(amount) * BigInt(bp) * 2n + 10000n) / 20000n));
      }),
    );
  });

  it('never pays more than the amount, nor less than zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 10000 }), (amount, bp) => {
        const paid = applyRate(amount, bp);
        return paid >= 0 && paid <= amount;
      }),
    );
  });

  it.each([
    [-1, 8800],
    [1.5, 8800],
    [100, -1],
    [100, 10001],
    [100, 88.5],
  ])('refuses %d at %d', (a, bp) => expect(() => applyRate(a, bp)).toThrow(RangeError));
});

describe('sumFen', () => {
  it('adds', () => expect(sumFen([1, 2, 3])).toBe(6));
  it('is 0 for nothing', () => expect(sumFen([])).toBe(0));
  it('refuses to overflow', () => expect(() => sumFen([MAX, 1])).toThrow(RangeError));
});

describe('allocateProportionally', () => {
  it.each([
    [100, [100, 100, 100], [34, 33, 33]], // equal remainders: earlier index first
    [100, [300, 300, 300], [34, 33, 33]],
    [2, [1, 1, 1], [1, 1, 0]],
    [10, [1000, 0, 3000], [3, 0, 7]], // 2.5/7.5: remainders tie, index 0 wins
    [7, [1, 2, 4], [1, 2, 4]],
    [1, [5, 5], [1, 0]],
    [0, [5, 5], [0, 0]],
    [5, [0, 0], [0, 0]],
    [5, [], []],
    [999, [333, 333, 334], [333, 333, 333]],
    [1000, [333, 333, 334], [333, 333, 334]],
  ])('%d over %j → %j', (total, weights, parts) => expect(allocateProportionally(total, weights)).toEqual(parts));

  it('never gives more than the weights: a total above their sum is capped at the sum', () => {
    expect(allocateProportionally(500, [100, 200])).toEqual([100, 200]);
  });

  it('stays exact where total × weight passes 2^53', () => {
    const parts = allocateProportionally(MAX - 3, [MAX - 2, 1, 1]);
    expect(parts).toEqual(reference(MAX - 3, [MAX - 2, 1, 1]));
    expect(sumFen(parts)).toBe(MAX - 3);
    const big = 4_000_000_000_000;
    expect(allocateProportionally(big, [big, big, big])).toEqual([1333333333334, 1333333333333, 1333333333333]);
  });

  it.each([
    [-1, [1]],
    [1.5, [1]],
    [1, [-1, 2]],
    [1, [1.5]],
    [1, [MAX, 1]],
  ])('refuses %d over %j', (total, weights) => expect(() => allocateProportionally(total, weights)).toThrow(RangeError));

  const weightsArb = fc.array(fc.integer({ min: 0, max: 10_000_000 }), { maxLength: 30 });

  it('parts sum to min(total, Σweights), each within 0..weight, and follow the largest-remainder reference', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 0, max: 400_000_000 }), (weights, total) => {
        const parts = allocateProportionally(total, weights);
        const sum = weights.reduce((a, b) => a + b, 0);
        expect(parts).toHaveLength(weights.length);
        expect(sumFen(parts)).toBe(Math.min(total, sum));
        parts.forEach((p, i) => {
          expect(Number.isInteger(p)).toBe(true);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(weights[i]!);
        });
        if (total < sum) expect(parts).toEqual(reference(total, weights));
      }),
    );
  });

  it('is deterministic and each part is within one fen of its exact share', () => {
    fc.assert(
      fc.property(weightsArb, fc.integer({ min: 0, max: 1_000_000 }), (weights, total) => {
        const sum = weights.reduce((a, b) => a + b, 0);
        fc.pre(total <= sum && sum > 0);
        const parts = allocateProportionally(total, weights);
        expect(allocateProportionally(total, weights)).toEqual(parts);
        parts.forEach((p, i) => expect(Math.abs(p * sum - total * weights[i]!)).toBeLessThan(sum));
      }),
    );
  });
});

// A slow but obviously right largest-remainder split, in BigInt.
function reference(total: number, weights: number[]): number[] {
  const s = BigInt(weights.reduce((a, b) => a + b, 0));
  const exact = weights.map((w) => BigInt(total) * BigInt(w));
  const parts = exact.map((p) => p / s);
  let left = BigInt(total) - parts.reduce((a, b) => a + b, 0n);
  const order = weights
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = exact[a]! % s;
      const rb = exact[b]! % s;
      return ra === rb ? a - b : rb > ra ? 1 : -1;
    });
  for (const i of order) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  return parts.map(Number);
}
