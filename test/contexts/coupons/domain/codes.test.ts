import { describe, expect, it } from 'vitest';
import {
  generateCodes,
  generatePassword,
  keySpace,
  type CodeOptions,
  type RandomBytes,
} from '../../../../src/contexts/coupons/domain/codes.ts';

const codes = (o: CodeOptions, random?: RandomBytes) => {
  const r = generateCodes(o, random);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const failure = (o: CodeOptions) => {
  const r = generateCodes(o);
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

/**
 * Every block of 256 bytes is a fresh shuffle of 0-255 (seeded, so the test
 * is repeatable): each byte value exactly equally often, in no fixed period.
 */
function evenBytes(seed = 1): RandomBytes & { calls: number } {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const block = Uint8Array.from({ length: 256 }, (_, i) => i);
  let pos = 256;
  const f = Object.assign(
    (size: number) => {
      f.calls++;
      const out = new Uint8Array(size);
      for (let i = 0; i < size; i++) {
        if (pos === 256) {
          for (let j = 255; j > 0; j--) {
            const k = Math.floor(rand() * (j + 1));
            [block[j], block[k]] = [block[k]!, block[j]!];
          }
          pos = 0;
        }
        out[i] = block[pos++]!;
      }
      return out;
    },
    { calls: 0 },
  );
  return f;
}

const AMBIGUOUS = /[0O1ILoli]/;

describe('generateCodes', () => {
  it('makes distinct 8-character upper-case codes without look-alike characters by default', () => {
    const out = codes({ count: 2000 });
    expect(out).toHaveLength(2000);
    expect(new Set(out).size).toBe(2000);
    for (const c of out) {
      expect(c).toMatch(/^[A-Z0-9]{8}$/);
      expect(c).not.toMatch(AMBIGUOUS);
    }
  });

  it('follows a pattern, keeping literals, with prefix and postfix', () => {
    const out = codes({ count: 500, pattern: 'VIP-####-##X#', prefix: 'Q', postfix: '-24', charset: 'numeric' });
    for (const c of out) expect(c).toMatch(/^QVIP-[2-9]{4}-[2-9]{2}X[2-9]-24$/);
  });

  it.each<[CodeOptions['charset'], boolean | undefined, RegExp, number]>([
    ['numeric', undefined, /^[2-9]+$/, 8],
    ['numeric', false, /^[0-9]+$/, 10],
    ['alphabetic', undefined, /^[A-HJKMNP-Za-hjkmnp-z]+$/, 46],
    ['alphabetic', false, /^[A-Za-z]+$/, 52],
    ['alphanumeric', undefined, /^[2-9A-HJKMNP-Za-hjkmnp-z]+$/, 54],
    ['alphanumeric', false, /^[0-9A-Za-z]+$/, 62],
    ['uppercase', undefined, /^[2-9A-HJKMNP-Z]+$/, 31],
    ['uppercase', false, /^[0-9A-Z]+$/, 36],
    ['ABC0O', undefined, /^[ABC0O]+$/, 5], // a spelled-out charset is used as given…
    ['ABC0O', true, /^[ABC]+$/, 3], // …unless asked
    ['AABBC', undefined, /^[ABC]+$/, 3], // repeats count once
  ])('charset %s (excludeAmbiguous %s)', (charset, excludeAmbiguous, shape, size) => {
    const o = { charset, length: 12, ...(excludeAmbiguous === undefined ? {} : { excludeAmbiguous }) };
    expect(keySpace(o)).toEqual({ ok: true, value: size ** 12 });
    for (const c of codes({ count: 300, ...o })) expect(c).toMatch(shape);
  });

  it('uses every character of the charset', () => {
    const seen = new Set(codes({ count: 2000, charset: 'alphanumeric', excludeAmbiguous: false }).join(''));
    expect(seen.size).toBe(62);
  });

  it('draws each character uniformly: bytes that would bias the modulo are dropped', () => {
    // 100 characters: bytes 0-199 map evenly (2 each); 200-255 would favour the first 56 and are skipped.
    const charset = Array.from({ length: 100 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
    const counts = new Map<string, number>();
    for (const c of codes({ count: 2000, charset, length: 50 }, evenBytes())) for (const ch of c) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(100);
    // 100,000 accepted bytes = 500 whole permutations' worth: each character within one of 1000.
    expect(Math.max(...counts.values()) - Math.min(...counts.values())).toBeLessThanOrEqual(2);
  });

  it('maps accepted bytes to characters by remainder, skipping rejected ones', () => {
    const bytes = [255, 0, 1, 254, 5];
    const random: RandomBytes = (size) => Uint8Array.from({ length: size }, (_, i) => bytes[i] ?? 0);
    expect(codes({ count: 1, charset: 'ABC', length: 4 }, random)).toEqual(['ABCC']);
  });

  it('looks uniform with the real CSPRNG (chi-square, 30 characters)', () => {
    const charset = 'ABCDEFGHJKMNPQRSTUVWXYZ2345678';
    const text = codes({ count: 20_000, charset, length: 10 }).join('');
    const counts = new Map<string, number>();
    for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const expected = text.length / charset.length;
    const chi2 = [...charset].reduce((s, ch) => s + ((counts.get(ch) ?? 0) - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(80); // 29 degrees of freedom: p < 1e-6 to fail by chance
  });

  it('reads random bytes in batches, not per character', () => {
    const random = evenBytes();
    codes({ count: 10_000, length: 10 }, random);
    expect(random.calls).toBeLessThanOrEqual(4);
  });

  it('draws again on a repeat, so codes within a call are distinct', () => {
    const bytes = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1];
    const random: RandomBytes = (size) => Uint8Array.from({ length: size }, (_, i) => bytes[i] ?? 2);
    expect(codes({ count: 2, charset: 'ABC', length: 4 }, random)).toEqual(['AAAA', 'BBBB']);
  });

  it('stops if the random source is broken', () => {
    const zeros: RandomBytes = (size) => new Uint8Array(size);
    expect(() => generateCodes({ count: 2, charset: 'numeric', length: 12 }, zeros)).toThrow(/random source/);
  });

  it('makes a million distinct codes quickly', () => {
    const start = performance.now();
    const out = codes({ count: 1_000_000 });
    const ms = performance.now() - start;
    expect(new Set(out).size).toBe(1_000_000);
    console.log(`generateCodes: 1,000,000 codes in ${ms.toFixed(0)} ms`);
  });

  describe('refuses', () => {
    it.each([0, -1, 1.5, 5_000_001, NaN])('count %d', (count) =>
      expect(failure({ count })).toMatchObject({ code: 'invalid_input', details: { field: 'count' } }),
    );

    it('a batch above 10 % of its key space, saying why', () => {
      // numeric without look-alikes: 8^4 = 4096 codes, so at most 409
      expect(codes({ count: 409, charset: 'numeric', length: 4 })).toHaveLength(409);
      const e = failure({ count: 410, charset: 'numeric', length: 4 });
      expect(e).toMatchObject({ code: 'invalid_input', details: { field: 'count', keySpace: 4096 } });
      expect(e.message).toContain('only 4096 different codes of this shape exist; a batch may use at most 10 % of them (409)');
    });

    it.each([3, 65, 8.5])('length %d', (length) => expect(failure({ count: 1, length })).toMatchObject({ details: { field: 'length' } }));

    it('a pattern and a length together', () =>
      expect(failure({ count: 1, pattern: '####', length: 8 })).toMatchObject({ details: { field: 'length' } }));

    it.each(['###', 'AB-#-#-#', '#'.repeat(65), '####!', '## ##', `${'-'.repeat(125)}####`])('pattern %j', (pattern) => {
      expect(failure({ count: 1, pattern })).toMatchObject({ code: 'invalid_input', details: { field: 'pattern' } });
    });

    it.each([
      ['prefix', 'has space'],
      ['prefix', 'x'.repeat(33)],
      ['postfix', 'a/b'],
      ['postfix', '#'],
    ])('%s %j', (field, value) => expect(failure({ count: 1, [field]: value })).toMatchObject({ details: { field } }));

    it.each(['', 'A', 'AAAA', 'A B', '0O1IL'])('charset %j', (charset) => {
      expect(failure({ count: 1, charset, excludeAmbiguous: true })).toMatchObject({ details: { field: 'charset' } });
    });

    it('a charset over 256 characters', () => {
      const charset = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join('');
      expect(failure({ count: 1, charset })).toMatchObject({ details: { field: 'charset' } });
    });
  });
});

describe('keySpace', () => {
  it('is charset size to the power of random characters', () => {
    expect(keySpace({ pattern: 'AB-####-##' })).toEqual({ ok: true, value: 31 ** 6 });
    expect(keySpace({})).toEqual({ ok: true, value: 31 ** 8 });
    expect(keySpace({ charset: 'numeric', excludeAmbiguous: false, length: 6 })).toEqual({ ok: true, value: 1_000_000 });
  });
  it('refuses options that make no codes', () => expect(keySpace({ length: 2 }).ok).toBe(false));
});

describe('generatePassword', () => {
  it('is 8 digits by default', () => {
    for (let i = 0; i < 200; i++) expect(generatePassword()).toMatch(/^\d{8}$/);
  });
  it('takes a length', () => expect(generatePassword(12)).toMatch(/^\d{12}$/));
  it('maps accepted bytes to digits by remainder, skipping the biased 250-255', () => {
    const bytes = [250, 255, 0, 9, 10, 19, 249, 123, 7, 42, 99];
    const random: RandomBytes = (size) => Uint8Array.from({ length: size }, (_, i) => bytes[i] ?? 0);
    expect(generatePassword(8, random)).toBe('09099372');
  });
  it('looks uniform with the real CSPRNG (chi-square, 10 digits)', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 5000; i++) for (const d of generatePassword(8)) counts[Number(d)]!++;
    const expected = 4000;
    expect(counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0)).toBeLessThan(40); // 9 degrees of freedom
  });
  it('differs between calls', () => expect(new Set(Array.from({ length: 100 }, () => generatePassword())).size).toBeGreaterThan(95));
  it.each([3, 33, 6.5])('refuses length %d', (n) => expect(() => generatePassword(n)).toThrow(RangeError));
});
