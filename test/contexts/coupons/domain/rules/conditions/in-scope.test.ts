import { describe, expect, it } from 'vitest';
import { inScope } from '../../../../../../src/contexts/coupons/domain/rules/conditions/in-scope.ts';
import type { CartLine, Scope } from '../../../../../../src/contexts/coupons/domain/rules/types.ts';
import { context, rule } from '../context.ts';

const lines: CartLine[] = [
  { lineId: 'a', goodsId: 1, categoryId: 10, unitPrice: 1000, quantity: 2 },
  { lineId: 'b', goodsId: 2, categoryId: 20, unitPrice: 500, quantity: 1 },
  { lineId: 'c', goodsId: null, categoryId: 10, unitPrice: 300, quantity: 3 },
  { lineId: 'd', unitPrice: 700, quantity: 1 },
  { lineId: 'e', goodsId: 1, categoryId: 10, unitPrice: 900, quantity: 0 },
];
const amounts = lines.map((l) => l.unitPrice * l.quantity);

describe('inScope.linesCovered', () => {
  it('covers every line with a quantity for scope all', () => {
    expect(inScope.linesCovered({ type: 'all' }, lines, amounts)).toEqual({ indexes: [0, 1, 2, 3], subtotal: 4100, quantity: 7 });
  });
  it('covers lines by category', () => {
    expect(inScope.linesCovered({ type: 'categories', ids: [10] }, lines, amounts)).toEqual({
      indexes: [0, 2],
      subtotal: 2900,
      quantity: 5,
    });
  });
  it('covers lines by goods, never a line without a goods id', () => {
    expect(inScope.linesCovered({ type: 'goods', ids: [2, 99] }, lines, amounts)).toEqual({ indexes: [1], subtotal: 500, quantity: 1 });
  });
  it('does not confuse goods ids with category ids', () => {
    expect(inScope.linesCovered({ type: 'goods', ids: [10, 20] }, lines, amounts).indexes).toEqual([]);
    expect(inScope.linesCovered({ type: 'categories', ids: [1, 2] }, lines, amounts).indexes).toEqual([]);
  });
  it('gives the same answer with long id lists', () => {
    const ids = Array.from({ length: 50 }, (_, i) => i + 100).concat([10]);
    expect(inScope.linesCovered({ type: 'categories', ids }, lines, amounts).indexes).toEqual([0, 2]);
    expect(inScope.linesCovered({ type: 'goods', ids: [...ids, 2] }, lines, amounts).indexes).toEqual([1]);
  });
  it('covers nothing in an empty cart', () => {
    expect(inScope.linesCovered({ type: 'all' }, [], [])).toEqual({ indexes: [], subtotal: 0, quantity: 0 });
  });
});

describe('inScope.check', () => {
  it('passes when some line is covered', () => expect(inScope.check(context())).toBeNull());
  it.each<[Scope, string]>([
    [{ type: 'all' }, 'items'],
    [{ type: 'goods', ids: [1] }, 'the goods it names'],
    [{ type: 'categories', ids: [1] }, 'the categories it names'],
  ])('fails with out_of_scope when nothing is covered (%j)', (scope, words) => {
    const r = inScope.check(context({ rule: rule({ scope }), eligible: { indexes: [], subtotal: 0, quantity: 0 } }));
    expect(r?.code).toBe('out_of_scope');
    expect(r?.message).toContain(words);
  });
});
