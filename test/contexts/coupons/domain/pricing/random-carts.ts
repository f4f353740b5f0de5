// Seeded random carts for the speed test (and for profiling by hand).
import type { PricedCoupon, PricingInput } from '../../../../../src/contexts/coupons/domain/pricing/quote.ts';
import type { CartLine, CouponRule } from '../../../../../src/contexts/coupons/domain/rules/types.ts';
import { NOW } from './fixtures.ts';

// A small seeded generator, so every run prices the same carts.
export function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { next, int };
}

/** 20 lines, 50 coupons; `templates` null = every coupon its own rule, else drawn from that many templates. */
export function randomCart(r: ReturnType<typeof random>, templates: number | null): PricingInput {
  const lines: CartLine[] = Array.from({ length: 20 }, (_, i) => ({
    lineId: `L${i}`,
    goodsId: r.int(1, 60),
    categoryId: r.int(1, 8),
    unitPrice: r.int(100, 30_000),
    quantity: r.int(1, 3),
  }));
  const rule = (): CouponRule => ({
    discount:
      r.next() < 0.6
        ? { type: 'amount', amountOff: r.int(1, 60) * 100 }
        : { type: 'rate', rateBp: r.int(50, 98) * 100, maxOff: r.next() < 0.5 ? r.int(10, 100) * 100 : null },
    minSpend: r.next() < 0.3 ? 0 : r.int(1, 40) * 1000,
    minQuantity: r.next() < 0.8 ? null : r.int(1, 10),
    scope:
      r.next() < 0.5
        ? { type: 'all' }
        : r.next() < 0.5
          ? { type: 'categories', ids: [r.int(1, 8), r.int(1, 8)] }
          : { type: 'goods', ids: Array.from({ length: 5 }, () => r.int(1, 60)) },
    storeIds: r.next() < 0.9 ? [] : [r.int(1, 3)],
    stackable: r.next() < 0.4,
  });
  const rules = templates === null ? [] : Array.from({ length: templates }, rule);
  const coupons: PricedCoupon[] = Array.from({ length: 50 }, (_, i) => {
    const t = templates === null ? null : r.int(0, templates - 1);
    return {
      id: `c${String(i).padStart(2, '0')}`,
      kind: 'coupon',
      rule: t === null ? rule() : rules[t]!,
      ...(t === null ? {} : { groupKey: `t${t}` }),
      state: r.next() < 0.9 ? 'active' : 'used',
      validFrom: null,
      validTo: r.next() < 0.9 ? null : new Date(NOW.getTime() - 1),
    };
  });
  return { lines, now: NOW, storeId: r.int(1, 3), coupons };
}
