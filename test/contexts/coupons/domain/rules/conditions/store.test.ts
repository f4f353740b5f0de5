import { describe, expect, it } from 'vitest';
import { store } from '../../../../../../src/contexts/coupons/domain/rules/conditions/store.ts';
import { context, rule } from '../context.ts';

describe('store', () => {
  it('passes everywhere when the coupon names no store', () => {
    expect(store.check(context({ rule: rule({ storeIds: [] }), storeId: 7 }))).toBeNull();
    expect(store.check(context({ rule: rule({ storeIds: [] }), storeId: null }))).toBeNull();
  });
  it('passes in a named store', () => expect(store.check(context({ rule: rule({ storeIds: [3, 7] }), storeId: 7 }))).toBeNull());
  it('fails in another store, naming the right ones', () => {
    const r = store.check(context({ rule: rule({ storeIds: [3, 7] }), storeId: 8 }));
    expect(r).toEqual({ code: 'wrong_store', message: 'this coupon is only usable in stores 3, 7' });
  });
  it('fails when the store is unknown and the coupon is store-bound', () => {
    expect(store.check(context({ rule: rule({ storeIds: [3] }), storeId: null }))?.code).toBe('wrong_store');
  });
});
