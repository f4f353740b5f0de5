import { describe, expect, it } from 'vitest';
import { priceCart, type PricingInput } from '../../../../../src/contexts/coupons/domain/pricing/quote.ts';
import { NOW, amount, coupon, line, rate } from './fixtures.ts';

// 100.00 × 2 (goods 1, category 10) · 30.00 (goods 2, category 20) · 10.00 × 3 (goods 3, category 10): 160.00
const cart = [
  line('L1', 5000, 2, { goodsId: 1, categoryId: 10 }),
  line('L2', 3000, 1, { goodsId: 2, categoryId: 20 }),
  line('L3', 1000, 3, { goodsId: 3, categoryId: 10 }),
];
const price = (coupons: PricingInput['coupons'], over: Partial<PricingInput> = {}) =>
  priceCart({ lines: cart, now: NOW, coupons, ...over });

describe('priceCart: a cart without coupons', () => {
  it('totals the lines', () => {
    expect(price([])).toEqual({ subtotal: 16000, evaluations: [], best: { couponIds: [], discount: 0, total: 16000, adjustments: [] } });
  });
  it('prices an empty cart', () => {
    const r = priceCart({ lines: [], now: NOW, coupons: [coupon('c', amount(100))] });
    expect(r.subtotal).toBe(0);
    expect(r.evaluations[0]).toMatchObject({ eligible: false, reason: { code: 'out_of_scope' } });
    expect(r.best.total).toBe(0);
  });
  it.each([[line('x', -1)], [line('x', 1.5)], [line('x', 100, -1)], [line('x', 100, 0.5)], [line('x', 2 ** 40, 2 ** 20)]])(
    'refuses a malformed line %j (the service validates first)',
    (l) => {
      expect(() => priceCart({ lines: [l], now: NOW, coupons: [] })).toThrow(RangeError);
    },
  );
});

describe('priceCart: one coupon', () => {
  it('spreads an amount off over the lines in proportion, ties to the earlier line', () => {
    const r = price([coupon('c1', amount(1000), { minSpend: 10000 })]);
    // 1000 over 10000/3000/3000: 625, 187.5, 187.5 → the spare fen goes to L2
    expect(r.evaluations).toEqual([
      {
        id: 'c1',
        eligible: true,
        reason: null,
        discount: 1000,
        allocation: [
          { lineId: 'L1', amount: 625 },
          { lineId: 'L2', amount: 188 },
          { lineId: 'L3', amount: 187 },
        ],
      },
    ]);
    expect(r.best).toEqual({
      couponIds: ['c1'],
      discount: 1000,
      total: 15000,
      adjustments: [
        { couponId: 'c1', lineId: 'L1', amount: 625 },
        { couponId: 'c1', lineId: 'L2', amount: 188 },
        { couponId: 'c1', lineId: 'L3', amount: 187 },
      ],
    });
  });

  it('applies a rate to the covered lines only', () => {
    const r = price([coupon('c2', rate(8000), { scope: { type: 'categories', ids: [10] } })]);
    // pay 80 % of 130.00 → 26.00 off, over L1 and L3
    expect(r.best.discount).toBe(2600);
    expect(r.best.adjustments).toEqual([
      { couponId: 'c2', lineId: 'L1', amount: 2000 },
      { couponId: 'c2', lineId: 'L3', amount: 600 },
    ]);
  });

  it('caps a rate at maxOff', () => {
    expect(price([coupon('c', rate(5000, 1234))]).best.discount).toBe(1234);
  });

  it('never takes more than the cart: the total stops at zero', () => {
    const r = price([coupon('big', amount(1_000_000))]);
    expect(r.best).toMatchObject({ discount: 16000, total: 0 });
    expect(r.best.adjustments.map((a) => a.amount)).toEqual([10000, 3000, 3000]);
  });

  it('leaves lines without a share out of the allocation', () => {
    const r = priceCart({ lines: [line('a', 1000), line('free', 0), line('none', 500, 0)], now: NOW, coupons: [coupon('c', amount(100))] });
    expect(r.evaluations[0]!.allocation).toEqual([{ lineId: 'a', amount: 100 }]);
  });

  it('an eligible coupon worth nothing stays out of the best', () => {
    const r = priceCart({ lines: [line('free', 0, 2)], now: NOW, coupons: [coupon('c', amount(100))] });
    expect(r.evaluations[0]).toMatchObject({ eligible: true, discount: 0, allocation: [] });
    expect(r.best.couponIds).toEqual([]);
  });
});

describe('priceCart: why a coupon does not apply', () => {
  const validTo = new Date('2024-05-09T15:59:59.999Z');
  it.each([
    ['below_threshold', coupon('x', amount(100), { minSpend: 16001 })],
    ['below_threshold', coupon('x', amount(100), { minSpend: 13001, scope: { type: 'categories', ids: [10] } })], // threshold on the covered lines
    ['below_quantity', coupon('x', amount(100), { minQuantity: 6, scope: { type: 'categories', ids: [10] } })],
    ['out_of_scope', coupon('x', amount(100), { scope: { type: 'goods', ids: [99] } })],
    ['wrong_store', coupon('x', amount(100), { storeIds: [9] })],
    ['expired', coupon('x', amount(100), {}, { validTo })],
    ['not_yet_valid', coupon('x', amount(100), {}, { validFrom: new Date('2024-06-01') })],
    ['used', coupon('x', amount(100), {}, { state: 'used' })],
    ['voided', coupon('x', amount(100), {}, { state: 'voided' })],
    ['not_approved', coupon('x', amount(100), {}, { kind: 'promo', unusable: 'not_approved' })],
    ['limit_reached', coupon('x', amount(100), {}, { kind: 'promo', unusable: 'limit_reached' })],
  ])('%s', (code, c) => {
    const r = price([c]);
    expect(r.evaluations[0]).toMatchObject({ id: 'x', eligible: false, reason: { code }, discount: 0, allocation: [] });
    expect(r.evaluations[0]!.reason!.message).toBeTruthy();
    expect(r.best.couponIds).toEqual([]);
  });

  it('meets a threshold and a quantity exactly', () => {
    const r = price([coupon('x', amount(100), { minSpend: 13000, minQuantity: 5, scope: { type: 'categories', ids: [10] } })]);
    expect(r.evaluations[0]!.eligible).toBe(true);
  });

  it('a store-bound coupon works in its store only', () => {
    const c = coupon('x', amount(100), { storeIds: [5, 6] });
    expect(price([c], { storeId: 6 }).evaluations[0]!.eligible).toBe(true);
    expect(price([c], { storeId: 7 }).evaluations[0]!.reason!.code).toBe('wrong_store');
    expect(price([c], { storeId: null }).evaluations[0]!.reason!.code).toBe('wrong_store');
  });

  it('reports evaluations in the order the coupons came', () => {
    const r = price([coupon('z', amount(1)), coupon('a', amount(1), {}, { state: 'used' }), coupon('m', amount(1))]);
    expect(r.evaluations.map((e) => [e.id, e.eligible])).toEqual([
      ['z', true],
      ['a', false],
      ['m', true],
    ]);
  });
});

describe('priceCart: combining coupons', () => {
  it('uses only one non-stackable coupon: the one giving most', () => {
    const r = price([coupon('c1', amount(1000)), coupon('c2', rate(8000), { scope: { type: 'categories', ids: [10] } })]);
    expect(r.best).toMatchObject({ couponIds: ['c2'], discount: 2600, total: 13400 });
  });

  it('lets stackable coupons join the non-stackable one, on what it left', () => {
    const r = price([
      coupon('c1', amount(1000)),
      coupon('c2', rate(8000), { scope: { type: 'categories', ids: [10] } }),
      coupon('c3', amount(500), { stackable: true, scope: { type: 'goods', ids: [2] } }),
    ]);
    expect(r.best).toMatchObject({ couponIds: ['c2', 'c3'], discount: 3100, total: 12900 });
    expect(r.best.adjustments).toEqual([
      { couponId: 'c2', lineId: 'L1', amount: 2000 },
      { couponId: 'c2', lineId: 'L3', amount: 600 },
      { couponId: 'c3', lineId: 'L2', amount: 500 },
    ]);
  });

  it('applies stackable coupons largest first, each on the remaining amounts', () => {
    const r = price([coupon('s1', amount(1000), { stackable: true }), coupon('s2', rate(5000), { stackable: true })]);
    // s2 halves 160.00 (80.00 off), then s1 takes 10.00 of the 80.00 left
    expect(r.best).toMatchObject({ couponIds: ['s2', 's1'], discount: 9000, total: 7000 });
    expect(r.evaluations.map((e) => e.discount)).toEqual([1000, 8000]);
  });

  it('checks thresholds against the original cart, so stacking never un-qualifies a coupon', () => {
    const r = price([coupon('s1', amount(1000), { stackable: true, minSpend: 16000 }), coupon('s2', rate(5000), { stackable: true })]);
    expect(r.best).toMatchObject({ couponIds: ['s2', 's1'], discount: 9000 });
  });

  it('stops at zero when stacked coupons exceed the cart', () => {
    const r = price([
      coupon('n', amount(15000)),
      coupon('s1', amount(800), { stackable: true }),
      coupon('s2', amount(700), { stackable: true }),
      coupon('s3', amount(600), { stackable: true }),
    ]);
    // n takes 150.00; s1 takes the last 8.00... only 10.00 is left: s1 8.00, s2 2.00, s3 nothing
    expect(r.best).toMatchObject({ couponIds: ['n', 's1', 's2'], discount: 16000, total: 0 });
  });

  it('prefers fewer coupons for the same discount', () => {
    const r = priceCart({
      lines: [line('a', 2000)],
      now: NOW,
      coupons: [
        coupon('s1', amount(1000), { stackable: true }),
        coupon('s2', amount(1000), { stackable: true }),
        coupon('n', amount(2000)),
      ],
    });
    expect(r.best).toMatchObject({ couponIds: ['n'], discount: 2000, total: 0 });
  });

  it('then prefers the smallest ids', () => {
    // 6.25 % off 160.00 is 10.00, the same as the amount coupon
    const r = price([coupon('zeta', amount(1000)), coupon('alpha', rate(9375))]);
    expect(r.best.couponIds).toEqual(['alpha']);
    const r2 = price([coupon('alpha', amount(1000)), coupon('zeta', rate(9375))]);
    expect(r2.best.couponIds).toEqual(['alpha']);
  });

  it('tries interchangeable non-stackable coupons once, choosing the smallest id', () => {
    const r = price([coupon('n-b', amount(1000)), coupon('n-a', amount(1000)), coupon('n-c', amount(1000))]);
    expect(r.best.couponIds).toEqual(['n-a']);
    expect(r.evaluations.every((e) => e.discount === 1000)).toBe(true);
  });

  it('uses one coupon per group, even stackable ones', () => {
    const g = { groupKey: 'tpl-1' };
    const r = price([
      coupon('s-b', amount(500), { stackable: true }, g),
      coupon('s-a', amount(500), { stackable: true }, g),
      coupon('other', amount(500), { stackable: true }),
    ]);
    expect(r.best).toMatchObject({ couponIds: ['other', 's-a'], discount: 1000 });
  });

  it('takes a usable coupon of a group when another of it is not', () => {
    const g = { groupKey: 'tpl-1' };
    const r = price([coupon('a', amount(500), {}, { ...g, state: 'used' }), coupon('b', amount(500), {}, g)]);
    expect(r.evaluations.map((e) => e.eligible)).toEqual([false, true]);
    expect(r.best.couponIds).toEqual(['b']);
  });

  it('finds the best anchor even when stackables favour another', () => {
    const r = price([
      coupon('n-cat', rate(5000), { scope: { type: 'categories', ids: [10] } }), // 65.00 on L1+L3
      coupon('n-all', amount(7000)), // 70.00 alone
      coupon('s-l2', amount(3000), { stackable: true, scope: { type: 'goods', ids: [2] } }), // 30.00 on L2
    ]);
    // n-all + s-l2: 70.00 spread over all lines leaves L2 16.88, so s-l2 adds 16.88 → 86.88;
    // n-cat + s-l2: 65.00 + 30.00 = 95.00
    expect(r.best).toMatchObject({ couponIds: ['n-cat', 's-l2'], discount: 9500 });
  });

  it('is at least as good as every single coupon', () => {
    const coupons = [
      coupon('a', amount(3000), { scope: { type: 'goods', ids: [2] } }),
      coupon('b', rate(9000), { stackable: true }),
      coupon('c', amount(2000), { stackable: true, minSpend: 10000 }),
      coupon('d', rate(7000, 4000)),
    ];
    const r = price(coupons);
    for (const e of r.evaluations) expect(r.best.discount).toBeGreaterThanOrEqual(e.discount);
  });
});

describe('priceCart: the user’s own selection', () => {
  const c1 = coupon('c1', amount(1000));
  const c2 = coupon('c2', rate(8000), { scope: { type: 'categories', ids: [10] } });
  const s1 = coupon('s1', amount(500), { stackable: true });

  it('is absent when nothing was selected', () => expect(price([c1])).not.toHaveProperty('selection'));

  it('prices exactly the selection, even when the best differs', () => {
    const r = price([c1, c2, s1], { selected: ['c1', 's1'] });
    expect(r.best.couponIds).toEqual(['c2', 's1']);
    expect(r.selection).toMatchObject({ couponIds: ['c1', 's1'], discount: 1500, total: 14500, rejected: [] });
    expect(r.selection!.adjustments.reduce((s, a) => s + a.amount, 0)).toBe(1500);
  });

  it('applies a selection in the same order whatever order it was picked in', () => {
    const a = price([c1, s1], { selected: ['s1', 'c1'] }).selection!;
    const b = price([c1, s1], { selected: ['c1', 's1'] }).selection!;
    expect(a).toEqual(b);
    expect(a.couponIds).toEqual(['c1', 's1']);
  });

  it('refuses a second non-stackable coupon, naming the first', () => {
    const r = price([c1, c2], { selected: ['c2', 'c1'] });
    expect(r.selection).toMatchObject({ couponIds: ['c2'], discount: 2600 });
    expect(r.selection!.rejected).toEqual([
      {
        id: 'c1',
        reason: { code: 'not_stackable', message: 'only one non-stackable coupon per order; c2 is already applied', conflictsWith: 'c2' },
      },
    ]);
  });

  it('refuses a second coupon of the same group', () => {
    const g = { groupKey: 'tpl' };
    const r = price([coupon('a', amount(100), { stackable: true }, g), coupon('b', amount(100), { stackable: true }, g)], {
      selected: ['b', 'a'],
    });
    expect(r.selection!.couponIds).toEqual(['b']);
    expect(r.selection!.rejected[0]).toMatchObject({ id: 'a', reason: { code: 'not_stackable', conflictsWith: 'b' } });
  });

  it('refuses an ineligible coupon with its own reason, and an unknown one as not_found', () => {
    const r = price([c1, coupon('u', amount(100), {}, { state: 'used' })], { selected: ['u', 'nope', 'c1'] });
    expect(r.selection!.couponIds).toEqual(['c1']);
    expect(r.selection!.rejected.map((x) => [x.id, x.reason.code])).toEqual([
      ['u', 'used'],
      ['nope', 'not_found'],
    ]);
  });

  it('ignores a repeated pick', () => {
    const r = price([c1], { selected: ['c1', 'c1'] });
    expect(r.selection).toMatchObject({ couponIds: ['c1'], rejected: [] });
  });

  it('keeps a picked coupon even when it adds nothing', () => {
    const r = priceCart({
      lines: [line('a', 1000)],
      now: NOW,
      coupons: [coupon('n', amount(1000)), coupon('s', amount(100), { stackable: true })],
      selected: ['n', 's'],
    });
    expect(r.selection).toMatchObject({ couponIds: ['n', 's'], discount: 1000, total: 0 });
    expect(r.best.couponIds).toEqual(['n']);
  });

  it('an empty selection prices the cart as it is', () => {
    expect(price([c1], { selected: [] }).selection).toEqual({ couponIds: [], discount: 0, total: 16000, adjustments: [], rejected: [] });
  });
});
