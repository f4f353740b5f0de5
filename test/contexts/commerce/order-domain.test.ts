// The orders' pure rules: the state machine and the points deduction.
import { describe, expect, it } from 'vitest';
import { nextOrderState, orderActionsFrom, orderStatesFor, ORDER_STATES } from '../../../src/contexts/commerce/domain/order-state.ts';
import { scoreDeduction } from '../../../src/contexts/commerce/domain/score-deduction.ts';
import { isPickupClerk } from '../../../src/contexts/commerce/domain/order.ts';
import { newOrderNumber } from '../../../src/contexts/commerce/domain/order-number.ts';

describe('order state machine', () => {
  it('has exactly the moves of an order’s life', () => {
    expect(nextOrderState('unpaid', 'pay')).toBe('paid');
    expect(nextOrderState('unpaid', 'close')).toBe('closed');
    expect(nextOrderState('paid', 'ship')).toBe('shipped');
    expect(nextOrderState('paid', 'receive')).toBe('received');
    expect(nextOrderState('shipped', 'receive')).toBe('received');
    expect(nextOrderState('received', 'review')).toBe('reviewed');
    expect(nextOrderState('creating', 'finish')).toBe('unpaid');
    expect(nextOrderState('creating', 'undo')).toBe('closed');
  });

  it('refuses every other move', () => {
    expect(nextOrderState('paid', 'pay')).toBeNull();
    expect(nextOrderState('paid', 'close')).toBeNull();
    expect(nextOrderState('unpaid', 'ship')).toBeNull();
    expect(nextOrderState('closed', 'pay')).toBeNull();
    expect(nextOrderState('reviewed', 'review')).toBeNull();
    expect(nextOrderState('unpaid', 'receive')).toBeNull();
    expect(orderActionsFrom('closed')).toEqual([]);
    expect(orderActionsFrom('reviewed')).toEqual([]);
  });

  it('gives the conditional writes their from-states', () => {
    expect(orderStatesFor('receive').sort()).toEqual(['paid', 'shipped']);
    expect(orderStatesFor('close')).toEqual(['unpaid']);
    for (const s of ORDER_STATES) for (const a of orderActionsFrom(s)) expect(orderStatesFor(a)).toContain(s);
  });
});

describe('scoreDeduction', () => {
  it('loop: as many whole units as offered, capped by what is left to pay', () => {
    expect(scoreDeduction([{ score: 100, money: 100, loop: true }], 250, 10_000)).toEqual({ money: 200, score: 200 });
    expect(scoreDeduction([{ score: 10, money: 50, loop: true }], 1000, 120)).toEqual({ money: 100, score: 20 });
  });
  it('once: one unit at most; nothing when the offer is short', () => {
    expect(scoreDeduction([{ score: 100, money: 100, loop: false }], 1000, 10_000)).toEqual({ money: 100, score: 100 });
    expect(scoreDeduction([{ score: 100, money: 100, loop: false }], 99, 10_000)).toEqual({ money: 0, score: 0 });
  });
  it('nothing without a rule, an offer or an amount', () => {
    expect(scoreDeduction([], 1000, 10_000)).toEqual({ money: 0, score: 0 });
    expect(scoreDeduction([{ score: 1, money: 1, loop: true }], 0, 10_000)).toEqual({ money: 0, score: 0 });
    expect(scoreDeduction([{ score: 1, money: 1, loop: true }], 10, 0)).toEqual({ money: 0, score: 0 });
  });
  it('uses the first rule only', () => {
    expect(
      scoreDeduction(
        [
          { score: 10, money: 10, loop: false },
          { score: 1, money: 100, loop: true },
        ],
        50,
        10_000,
      ),
    ).toEqual({ money: 10, score: 10 });
  });
});

describe('numbers and clerks', () => {
  it('order numbers end with the id; clerks are listed ids', () => {
    expect(newOrderNumber(new Date('2026-01-02T03:04:05Z'), 42)).toBe('OD20260102030405000042');
    expect(isPickupClerk('12, 15', 15)).toBe(true);
    expect(isPickupClerk('12,15', 1)).toBe(false);
    expect(isPickupClerk(null, 12)).toBe(false);
  });
});
