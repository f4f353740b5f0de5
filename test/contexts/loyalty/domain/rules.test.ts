// The loyalty context's pure rules: streaks, rule-set checks, voucher numbers.
import { describe, expect, it } from 'vitest';
import {
  checkSignInRules,
  continueStreak,
  scoreForStreak,
  streakDayBefore,
} from '../../../../src/contexts/loyalty/domain/sign-in-streak.ts';
import { checkVoucherBatch, voucherNumber, voucherRefusal } from '../../../../src/contexts/loyalty/domain/points-voucher.ts';
import { checkDeductionRule, checkRechargeRule, checkSendRule } from '../../../../src/contexts/loyalty/domain/points-rules.ts';
import { creditReason, isCreditAmount, shortfall } from '../../../../src/contexts/loyalty/domain/ledger.ts';
import { growthOf } from '../../../../src/contexts/loyalty/domain/amounts.ts';

describe('sign-in streak', () => {
  it('continues from yesterday or starts at 1; yesterday is calendar arithmetic', () => {
    expect(continueStreak(null)).toBe(1);
    expect(continueStreak(6)).toBe(7);
    expect(streakDayBefore('2026-03-01')).toBe('2026-02-28');
    expect(streakDayBefore('2024-03-01')).toBe('2024-02-29');
    expect(streakDayBefore('2026-01-01')).toBe('2025-12-31');
  });

  it('scores by the highest rule not above the streak, whatever the order of the rules', () => {
    const rules = [
      { continuous: 7, score: 20 },
      { continuous: 1, score: 1 },
      { continuous: 3, score: 5 },
    ];
    expect([1, 2, 3, 6, 7, 100].map((n) => scoreForStreak(rules, n))).toEqual([1, 1, 5, 5, 20, 20]);
    expect(scoreForStreak([{ continuous: 2, score: 9 }], 1)).toBe(0);
  });

  it('checks rule sets: streak 1-366 once each, points 0-1000000', () => {
    expect(checkSignInRules([]).ok).toBe(true);
    expect(
      checkSignInRules([
        { continuous: 1, score: 0 },
        { continuous: 366, score: 1_000_000 },
      ]).ok,
    ).toBe(true);
    for (const bad of [
      [{ continuous: 0, score: 1 }],
      [{ continuous: 367, score: 1 }],
      [{ continuous: 1, score: -1 }],
      [{ continuous: 1.5, score: 1 }],
      [
        { continuous: 2, score: 1 },
        { continuous: 2, score: 2 },
      ],
    ]) {
      const r = checkSignInRules(bad);
      expect(r.ok ? null : r.error.code).toBe('invalid_input');
    }
  });
});

describe('points vouchers', () => {
  it('numbers are 16 digits from the given random source', () => {
    let i = 0;
    const seq = [12_345_678, 7, 99_999_999];
    expect(voucherNumber(() => seq[i++]!)).toBe('1234567800000007');
    expect(voucherNumber(() => 0)).toBe('0000000000000000');
  });

  it('a refusal is unknown without a voucher, used when taken, else expired', () => {
    expect(voucherRefusal(null)).toBe('unknown');
    expect(voucherRefusal({ usedBy: 3 })).toBe('used');
    expect(voucherRefusal({ usedBy: null })).toBe('expired');
  });

  it('a batch is 1-10000 numbers of at least 1 point', () => {
    expect(checkVoucherBatch({ count: 10_000, score: 1 }).ok).toBe(true);
    expect(checkVoucherBatch({ count: 10_001, score: 1 }).ok).toBe(false);
    expect(checkVoucherBatch({ count: 1, score: 0.5 }).ok).toBe(false);
  });
});

describe('rules and ledger', () => {
  it('checks send, deduction and recharge rules', () => {
    expect(checkSendRule({ code: 'register', score: 0, confine: 0 }).ok).toBe(true);
    expect(checkSendRule({ code: 'bad code', score: 1, confine: 0 }).ok).toBe(false);
    expect(checkSendRule({ code: 'x', score: -1, confine: 0 }).ok).toBe(false);
    expect(checkDeductionRule({ score: 100, money: 1 }).ok).toBe(true);
    expect(checkDeductionRule({ score: 0, money: 1 }).ok).toBe(false);
    expect(checkDeductionRule({ score: 100, money: 0 }).ok).toBe(false);
    expect(checkRechargeRule(100, 1).ok).toBe(true);
    expect(checkRechargeRule(0, 1).ok).toBe(false);
  });

  it('names credits, refusals and growth', () => {
    expect([isCreditAmount(1), isCreditAmount(-1), isCreditAmount(0), isCreditAmount(0.5)]).toEqual([true, true, false, false]);
    expect([creditReason(5), creditReason(-5)]).toEqual(['operator_credit', 'operator_debit']);
    expect(shortfall('points').error.code).toBe('not_enough_points');
    expect(shortfall('wallet').error.code).toBe('insufficient_balance');
    expect([growthOf(0), growthOf(99), growthOf(100), growthOf(12_345)]).toEqual([0, 0, 1, 123]);
  });
});
