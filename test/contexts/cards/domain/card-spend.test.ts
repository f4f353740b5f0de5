import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSpend } from '../../../../src/contexts/cards/domain/card-spend.ts';

describe('splitSpend', () => {
  it('takes the oldest source first, capital before bonus', () => {
    const sources = [
      { id: 1, capital: 0, bonus: 30 },
      { id: 2, capital: 100, bonus: 50 },
    ];
    expect(splitSpend(sources, 20)).toEqual([{ id: 1, capital: 0, bonus: 20 }]);
    expect(splitSpend(sources, 80)).toEqual([
      { id: 1, capital: 0, bonus: 30 },
      { id: 2, capital: 50, bonus: 0 },
    ]);
    expect(splitSpend(sources, 180)).toEqual([
      { id: 1, capital: 0, bonus: 30 },
      { id: 2, capital: 100, bonus: 50 },
    ]);
  });

  it('refuses more than there is, and non-positive amounts', () => {
    expect(splitSpend([{ id: 1, capital: 10, bonus: 5 }], 16)).toBeNull();
    expect(splitSpend([{ id: 1, capital: 10, bonus: 5 }], 0)).toBeNull();
    expect(splitSpend([{ id: 1, capital: 10, bonus: 5 }], -1)).toBeNull();
    expect(splitSpend([], 1)).toBeNull();
  });

  it('always takes exactly the amount, never more than a source holds', () => {
    const src = fc.array(fc.record({ capital: fc.nat(10_000), bonus: fc.nat(10_000) }), { maxLength: 8 });
    fc.assert(
      fc.property(src, fc.integer({ min: 1, max: 100_000 }), (raw, amount) => {
        const sources = raw.map((s, i) => ({ id: i + 1, ...s }));
        const parts = splitSpend(sources, amount);
        const total = sources.reduce((s, x) => s + x.capital + x.bonus, 0);
        if (amount > total) return parts === null;
        expect(parts).not.toBeNull();
        expect(parts!.reduce((s, p) => s + p.capital + p.bonus, 0)).toBe(amount);
        for (const p of parts!) {
          const s = sources[p.id - 1]!;
          expect(p.capital).toBeLessThanOrEqual(s.capital);
          expect(p.bonus).toBeLessThanOrEqual(s.bonus);
          // bonus is touched only once capital of that source is gone
          if (p.bonus > 0) expect(p.capital).toBe(s.capital);
        }
        return true;
      }),
    );
  });
});
