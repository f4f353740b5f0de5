import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkClaim,
  consecutiveSignInDays,
  type ClaimFacts,
  type ClaimRules,
} from '../../../../src/contexts/coupons/domain/claim-rules.ts';
import { addDays } from '../../../../src/kernel/local-time.ts';
import { TEMPLATE_STATES } from '../../../../src/contexts/coupons/domain/template-state.ts';

const NOW = new Date('2024-05-10T04:00:00Z');
const open: ClaimRules = {
  state: 'active',
  claimFrom: null,
  claimTo: null,
  hasClaimPassword: false,
  claimCostPoints: 0,
  price: 0,
  requiredSignInDays: 0,
  audience: { userType: 'any' },
};
const someone: ClaimFacts = { now: NOW, userPoints: 0, signInStreak: 0, user: { isNew: false, hasPurchased: true } };
const check = (rules: Partial<ClaimRules>, facts: Partial<ClaimFacts> = {}) => checkClaim({ ...open, ...rules }, { ...someone, ...facts });
const codeOf = (r: ReturnType<typeof checkClaim>) => (r.ok ? 'ok' : r.error.code);

describe('checkClaim, one rule at a time', () => {
  it('lets anyone claim a free, open, active template', () => expect(check({})).toEqual({ ok: true, value: undefined }));

  it.each(TEMPLATE_STATES.map((s) => [s, s === 'active' ? 'ok' : s === 'ended' ? 'ended' : 'invalid_state'] as const))(
    'template %s → %s',
    (state, code) => expect(codeOf(check({ state }))).toBe(code),
  );

  describe('claim window', () => {
    const claimFrom = new Date('2024-05-10T04:00:00Z');
    const claimTo = new Date('2024-05-20T04:00:00Z');
    it.each([
      ['2024-05-10T03:59:59.999Z', 'not_started'],
      ['2024-05-10T04:00:00.000Z', 'ok'],
      ['2024-05-20T04:00:00.000Z', 'ok'],
      ['2024-05-20T04:00:00.001Z', 'ended'],
    ])('at %s → %s', (now, code) => expect(codeOf(check({ claimFrom, claimTo }, { now: new Date(now) }))).toBe(code));

    it('says when it opens', () => {
      expect(check({ claimFrom }, { now: new Date('2024-05-01') })).toMatchObject({
        ok: false,
        error: { message: 'claiming opens at 2024-05-10T04:00:00.000Z', details: { claimFrom: '2024-05-10T04:00:00.000Z' } },
      });
    });
    it('is open-ended without bounds', () =>
      expect(codeOf(check({ claimFrom: null, claimTo: null }, { now: new Date('2099-01-01') }))).toBe('ok'));
  });

  describe('audience', () => {
    const users = {
      'new, no purchase': { isNew: true, hasPurchased: false },
      'new, purchased': { isNew: true, hasPurchased: true },
      'old, no purchase': { isNew: false, hasPurchased: false },
      'old, purchased': { isNew: false, hasPurchased: true },
    };
    const expected: Record<string, Record<keyof typeof users, string>> = {
      any: { 'new, no purchase': 'ok', 'new, purchased': 'ok', 'old, no purchase': 'ok', 'old, purchased': 'ok' },
      new: {
        'new, no purchase': 'ok',
        'new, purchased': 'ok',
        'old, no purchase': 'audience_mismatch',
        'old, purchased': 'audience_mismatch',
      },
      no_purchase: {
        'new, no purchase': 'ok',
        'new, purchased': 'audience_mismatch',
        'old, no purchase': 'ok',
        'old, purchased': 'audience_mismatch',
      },
    };
    it.each(
      (['any', 'new', 'no_purchase'] as const).flatMap((t) => (Object.keys(users) as (keyof typeof users)[]).map((u) => [t, u] as const)),
    )('%s audience, %s user', (userType, u) =>
      expect(codeOf(check({ audience: { userType } }, { user: users[u] }))).toBe(expected[userType]![u]),
    );

    it('limits by source when sources are named', () => {
      const rules = { audience: { userType: 'any' as const, sources: ['wechat', 'app'] } };
      expect(codeOf(check(rules, { user: { isNew: false, hasPurchased: false, source: 'app' } }))).toBe('ok');
      expect(codeOf(check(rules, { user: { isNew: false, hasPurchased: false, source: 'web' } }))).toBe('audience_mismatch');
      expect(codeOf(check(rules, { user: { isNew: false, hasPurchased: false } }))).toBe('audience_mismatch');
      expect(codeOf(check({ audience: { userType: 'any', sources: [] } }, { user: { isNew: false, hasPurchased: false } }))).toBe('ok');
    });
  });

  describe('consecutive sign-in days', () => {
    it.each([
      [0, 0, 'ok'],
      [3, 3, 'ok'],
      [3, 5, 'ok'],
      [3, 2, 'sign_in_days_needed'],
    ])('needs %d, has %d → %s', (required, current, code) => {
      expect(codeOf(check({ requiredSignInDays: required }, { signInStreak: current }))).toBe(code);
    });
    it('says how many are needed and how many the user has', () => {
      expect(check({ requiredSignInDays: 7 }, { signInStreak: 2 })).toMatchObject({
        ok: false,
        error: { details: { required: 7, current: 2 } },
      });
    });
  });

  describe('password', () => {
    it.each([
      [false, undefined, 'ok'],
      [false, false, 'ok'],
      [true, true, 'ok'],
      [true, false, 'wrong_password'],
      [true, undefined, 'wrong_password'],
    ])('template has password: %s, matches: %s → %s', (hasClaimPassword, passwordMatches, code) => {
      expect(codeOf(check({ hasClaimPassword }, passwordMatches === undefined ? {} : { passwordMatches }))).toBe(code);
    });
    it('tells a missing password from a wrong one', () => {
      expect(check({ hasClaimPassword: true })).toMatchObject({ error: { message: 'this coupon needs a password' } });
      expect(check({ hasClaimPassword: true }, { passwordMatches: false })).toMatchObject({ error: { message: 'the password is wrong' } });
    });
  });

  describe('points', () => {
    it.each([
      [0, 0, 'ok'],
      [100, 100, 'ok'],
      [100, 250, 'ok'],
      [100, 99, 'not_enough_points'],
    ])('costs %d, user has %d → %s', (cost, points, code) =>
      expect(codeOf(check({ claimCostPoints: cost }, { userPoints: points }))).toBe(code),
    );
    it('gives the numbers', () => {
      expect(check({ claimCostPoints: 100 }, { userPoints: 40 })).toMatchObject({ error: { details: { required: 100, current: 40 } } });
    });
  });

  describe('paid coupons', () => {
    it.each([
      [0, undefined, 'ok'],
      [990, true, 'ok'],
      [990, false, 'payment_needed'],
      [990, undefined, 'payment_needed'],
    ])('price %d, paid %s → %s', (price, paid, code) => expect(codeOf(check({ price }, paid === undefined ? {} : { paid }))).toBe(code));
    it('gives the price', () => {
      expect(check({ price: 990 })).toMatchObject({
        error: { code: 'payment_needed', message: 'this coupon costs 9.90', details: { price: '9.90', priceFen: 990 } },
      });
    });
  });
});

describe('checkClaim order', () => {
  const allFailing: ClaimRules = {
    state: 'paused',
    claimFrom: new Date('2099-01-01'),
    claimTo: null,
    hasClaimPassword: true,
    claimCostPoints: 100,
    price: 500,
    requiredSignInDays: 3,
    audience: { userType: 'new' },
  };
  const fixes: [string, Partial<ClaimRules>][] = [
    ['invalid_state', { state: 'active' }],
    ['not_started', { claimFrom: null }],
    ['audience_mismatch', { audience: { userType: 'any' } }],
    ['sign_in_days_needed', { requiredSignInDays: 0 }],
    ['wrong_password', { hasClaimPassword: false }],
    ['not_enough_points', { claimCostPoints: 0 }],
    ['payment_needed', { price: 0 }],
  ];

  it('reports the first failure in the documented order, then the next once that one is fixed', () => {
    let rules = allFailing;
    for (const [code, fix] of fixes) {
      expect(codeOf(checkClaim(rules, someone))).toBe(code);
      rules = { ...rules, ...fix };
    }
    expect(codeOf(checkClaim(rules, someone))).toBe('ok');
  });

  it('is the first failing check for any mix of failures', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: fixes.length, maxLength: fixes.length }), (broken) => {
        let rules = { ...allFailing };
        for (let i = 0; i < fixes.length; i++) if (!broken[i]) rules = { ...rules, ...fixes[i]![1] };
        const first = broken.indexOf(true);
        expect(codeOf(checkClaim(rules, someone))).toBe(first === -1 ? 'ok' : fixes[first]![0]);
      }),
    );
  });
});

describe('consecutiveSignInDays', () => {
  const today = '2024-05-10';
  it.each([
    [[], 0],
    [['2024-05-10'], 1],
    [['2024-05-08', '2024-05-09', '2024-05-10'], 3],
    [['2024-05-10', '2024-05-09', '2024-05-08'], 3], // any order
    [['2024-05-09', '2024-05-09', '2024-05-10'], 2], // duplicates count once
    [['2024-05-07', '2024-05-09', '2024-05-10'], 2], // a gap ends the run
    [['2024-05-08', '2024-05-09'], 2], // not yet today: yesterday's run still counts
    [['2024-05-07', '2024-05-08'], 0], // missed yesterday: broken
    [['2024-05-11', '2024-05-12'], 0], // the future does not count
    [['2024-05-10', 'garbage', '2024-5-9', '2024-05-09'], 2],
    [
      [
        '2024-04-29',
        '2024-04-30',
        '2024-05-01',
        '2024-05-02',
        '2024-05-03',
        '2024-05-04',
        '2024-05-05',
        '2024-05-06',
        '2024-05-07',
        '2024-05-08',
        '2024-05-09',
        '2024-05-10',
      ],
      12,
    ],
  ])('%j → %d', (dates, n) => expect(consecutiveSignInDays(dates, today)).toBe(n));

  it('counts across month, year and leap-day boundaries', () => {
    expect(consecutiveSignInDays(['2024-02-28', '2024-02-29', '2024-03-01'], '2024-03-01')).toBe(3);
    expect(consecutiveSignInDays(['2023-12-31', '2024-01-01'], '2024-01-01')).toBe(2);
  });

  it('equals the length of a run ending today', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 2, max: 30 }), (run, gapAt) => {
        const days = Array.from({ length: run }, (_, i) => addDays(today, -i));
        const older = Array.from({ length: 5 }, (_, i) => addDays(today, -(run + gapAt + i)));
        return consecutiveSignInDays([...older, ...days], today) === run;
      }),
    );
  });

  it('refuses a malformed today', () => expect(() => consecutiveSignInDays([], '2024-5-10')).toThrow(RangeError));
});
