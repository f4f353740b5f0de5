// The sellers context's write-off rule (domain/seller.ts): whose coupon a
// seller may write off, and in which store.
import { describe, expect, it } from 'vitest';
import { chooseWriteOffStore, mayWriteOffFor } from '../../../../src/contexts/sellers/domain/seller.ts';

describe('mayWriteOffFor', () => {
  it('a customer bound to nobody: any seller; bound to a seller: that seller only', () => {
    expect(mayWriteOffFor(7, null)).toBe(true);
    expect(mayWriteOffFor(8, null)).toBe(true);
    expect(mayWriteOffFor(7, 7)).toBe(true);
    expect(mayWriteOffFor(8, 7)).toBe(false);
  });
});

describe('chooseWriteOffStore', () => {
  const merchant = [1, 2, 3];
  it('a named store: the merchant must have it, the seller work there, the coupon be usable there', () => {
    expect(chooseWriteOffStore([1], merchant, [], 1)).toEqual({ ok: true, storeId: 1 });
    expect(chooseWriteOffStore([1], merchant, [], 99)).toEqual({ ok: false, reason: 'unknown_store' });
    expect(chooseWriteOffStore([], merchant, [], 99)).toEqual({ ok: false, reason: 'unknown_store' });
    expect(chooseWriteOffStore([1], merchant, [], 2)).toEqual({ ok: false, reason: 'outside_stores' });
    expect(chooseWriteOffStore([], merchant, [3], 2)).toEqual({ ok: false, reason: 'outside_stores' });
    expect(chooseWriteOffStore([], merchant, [3], 3)).toEqual({ ok: true, storeId: 3 });
  });
  it('none named: the lowest of the seller stores (all the merchant has when none) where the coupon is usable', () => {
    expect(chooseWriteOffStore([3, 2], merchant, [], null)).toEqual({ ok: true, storeId: 2 });
    expect(chooseWriteOffStore([], merchant, [3, 2], null)).toEqual({ ok: true, storeId: 2 });
    expect(chooseWriteOffStore([1], merchant, [2], null)).toEqual({ ok: false, reason: 'outside_stores' });
    expect(chooseWriteOffStore([], [], [], null)).toEqual({ ok: false, reason: 'no_store' });
  });
});
