import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  priceCart,
  type AppliedCoupons,
  type PricedCoupon,
  type PricingInput,
} from '../../../../../src/contexts/coupons/domain/pricing/quote.ts';
import type { CartLine, CouponRule } from '../../../../../src/contexts/coupons/domain/rules/types.ts';
import { NOW } from './fixtures.ts';

const lineArb = (i: number): fc.Arbitrary<CartLine> =>
  fc.record({
    lineId: fc.constant(`L${i}`),
    goodsId: fc.option(fc.integer({ min: 1, max: 5 })),
    categoryId: fc.option(fc.integer({ min: 1, max: 3 })),
    unitPrice: fc.oneof(fc.integer({ min: 0, max: 50_000 }), fc.constantFrom(0, 1, 99)),
    quantity: fc.integer({ min: 0, max: 5 }),
  });
const linesArb = fc.integer({ min: 0, max: 8 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => lineArb(i))));

const ruleArb: fc.Arbitrary<CouponRule> = fc.record({
  discount: fc.oneof(
    fc.record({ type: fc.constant('amount' as const), amountOff: fc.integer({ min: 1, max: 30_000 }) }),
    fc.record({
      type: fc.constant('rate' as const),
      rateBp: fc.integer({ min: 1, max: 9999 }),
      maxOff: fc.option(fc.integer({ min: 1, max: 20_000 })),
    }),
  ),
  minSpend: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 80_000 })),
  minQuantity: fc.option(fc.integer({ min: 1, max: 6 })),
  scope: fc.oneof(
    fc.constant({ type: 'all' as const }),
    fc.record({
      type: fc.constant('categories' as const),
      ids: fc.uniqueArray(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
    }),
    fc.record({ type: fc.constant('goods' as const), ids: fc.uniqueArray(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }) }),
  ),
  storeIds: fc.constantFrom([], [], [1], [2], [1, 2]),
  stackable: fc.boolean(),
});

const day = 86_400_000;
const couponFactsArb = fc.record({
  state: fc.constantFrom('active', 'active', 'active', 'active', 'used', 'voided'),
  validFrom: fc.option(fc.integer({ min: -3, max: 1 }).map((d) => new Date(NOW.getTime() + d * day))),
  validTo: fc.option(fc.integer({ min: -1, max: 3 }).map((d) => new Date(NOW.getTime() + d * day))),
  unusable: fc.constantFrom(undefined, undefined, undefined, 'not_approved', 'limit_reached'),
}) as fc.Arbitrary<Pick<PricedCoupon, 'state' | 'validFrom' | 'validTo' | 'unusable'>>;

// Coupons of one template share its rule (the contract of groupKey); others have their own.
const couponsArb: fc.Arbitrary<PricedCoupon[]> = fc
  .tuple(fc.array(ruleArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 9 }))
  .chain(([templates, n]) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc
          .tuple(fc.option(fc.integer({ min: 0, max: templates.length - 1 })), ruleArb, couponFactsArb)
          .map(([t, own, facts]): PricedCoupon => ({
            id: `c${i}`,
            kind: 'coupon',
            rule: t === null ? own : templates[t]!,
            ...(t === null ? {} : { groupKey: `t${t}` }),
            ...facts,
          })),
      ),
    ),
  );

const inputArb: fc.Arbitrary<PricingInput> = fc
  .record({ lines: linesArb, coupons: couponsArb, storeId: fc.constantFrom(null, 1, 2) })
  .chain((r) =>
    fc
      .option(fc.shuffledSubarray([...r.coupons.map((c) => c.id), 'ghost']))
      .map((selected) => ({ ...r, now: NOW, ...(selected ? { selected } : {}) })),
  );

const lineAmounts = (lines: readonly CartLine[]) => new Map(lines.map((l) => [l.lineId, l.unitPrice * l.quantity]));

function checkApplied(input: PricingInput, subtotal: number, applied: AppliedCoupons) {
  expect(applied.discount).toBeGreaterThanOrEqual(0);
  expect(applied.discount).toBeLessThanOrEqual(subtotal);
  expect(applied.total).toBe(subtotal - applied.discount);
  expect(applied.total).toBeGreaterThanOrEqual(0);
  expect(applied.adjustments.reduce((s, a) => s + a.amount, 0)).toBe(applied.discount);
  // Never a negative line.
  const left = lineAmounts(input.lines);
  for (const a of applied.adjustments) {
    expect(a.amount).toBeGreaterThan(0);
    expect(applied.couponIds).toContain(a.couponId);
    left.set(a.lineId, left.get(a.lineId)! - a.amount);
  }
  for (const v of left.values()) expect(v).toBeGreaterThanOrEqual(0);
  // The stacking rule: at most one non-stackable, at most one per group.
  const byId = new Map(input.coupons.map((c) => [c.id, c]));
  const used = applied.couponIds.map((id) => byId.get(id)!);
  expect(new Set(applied.couponIds).size).toBe(applied.couponIds.length);
  expect(used.filter((c) => !c.rule.stackable).length).toBeLessThanOrEqual(1);
  const groups = used.map((c) => c.groupKey).filter((g) => g != null);
  expect(new Set(groups).size).toBe(groups.length);
}

const runs = { numRuns: 400 };

describe('priceCart properties', () => {
  it('never a negative line or total, never more than the subtotal, adjustments add up, stacking respected', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = priceCart(input);
        expect(r.subtotal).toBe(input.lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0));
        checkApplied(input, r.subtotal, r.best);
        if (r.selection) checkApplied(input, r.subtotal, r.selection);
        for (const e of r.evaluations) {
          expect(e.discount).toBeLessThanOrEqual(r.subtotal);
          expect(e.allocation.reduce((s, a) => s + a.amount, 0)).toBe(e.discount);
          expect(e.eligible).toBe(e.reason === null);
        }
      }),
      runs,
    );
  });

  it('the best uses only eligible coupons and is at least every single eligible coupon', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = priceCart(input);
        const eligible = new Set(r.evaluations.filter((e) => e.eligible).map((e) => e.id));
        for (const id of r.best.couponIds) expect(eligible.has(id)).toBe(true);
        for (const e of r.evaluations) if (e.eligible) expect(r.best.discount).toBeGreaterThanOrEqual(e.discount);
      }),
      runs,
    );
  });

  it('is deterministic, and the best does not depend on the order coupons come in', () => {
    fc.assert(
      fc.property(inputArb, fc.integer(), (input, seed) => {
        const a = priceCart(input);
        expect(priceCart(structuredClone(input))).toEqual(a);
        const shuffled = [...input.coupons].sort((x, y) => ((hash(x.id) ^ seed) >>> 0) - ((hash(y.id) ^ seed) >>> 0));
        const b = priceCart({ ...input, coupons: shuffled });
        expect(b.best).toEqual(a.best);
        if (a.selection) expect(b.selection).toEqual(a.selection);
      }),
      runs,
    );
  });

  it('a selection keeps every eligible pick that breaks no stacking rule and explains every other', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        fc.pre(input.selected !== undefined);
        const r = priceCart(input);
        const s = r.selection!;
        const picked = [...new Set(input.selected)];
        expect([...s.couponIds, ...s.rejected.map((x) => x.id)].sort()).toEqual(picked.sort());
        for (const x of s.rejected) {
          if (x.reason.code === 'not_stackable') expect(s.couponIds).toContain(x.reason.conflictsWith);
        }
      }),
      runs,
    );
  });

  it('never beats the exhaustive optimum, and matches it for amount-off coupons on the whole cart', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const r = priceCart(input);
        const optimum = exhaustive(input);
        expect(r.best.discount).toBeLessThanOrEqual(optimum);
        const simple = input.coupons.every((c) => c.rule.discount.type === 'amount' && c.rule.scope.type === 'all');
        if (simple) expect(r.best.discount).toBe(optimum);
      }),
      runs,
    );
  });
});

// Every valid combination of eligible coupons, priced as a selection.
function exhaustive(input: PricingInput): number {
  const base = priceCart({ ...input, selected: undefined });
  const eligible = base.evaluations.filter((e) => e.eligible).map((e) => e.id);
  const ids = [...new Set(eligible)];
  let best = 0;
  for (let mask = 1; mask < 1 << ids.length; mask++) {
    const selected = ids.filter((_, i) => mask & (1 << i));
    const s = priceCart({ ...input, selected }).selection!;
    if (s.rejected.length === 0) best = Math.max(best, s.discount);
  }
  return best;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}
