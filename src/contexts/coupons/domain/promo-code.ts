// A promo code (a shared multi-use code with a promotion rule, usage limits and
// user restrictions): its shape, the check of what a merchant enters, its rule
// as the CouponRule pricing takes, and who may use it at checkout. Pure.
import { parseMoney, parseRate } from '../../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';
import type { CouponRule } from './rules/types.ts';
import type { PromoCodeState } from './promo-code-state.ts';

/** The stored promotion rule (native names; the portal dialect maps its snake_case onto these). */
export interface PromoRule {
  type: string;
  condition?: { amountAtLeast?: string | number | null; countAtLeast?: number | null };
  action: { discount?: string | number | null; discountAtMost?: string | number | null; amountOff?: string | number | null };
}

export type PromoUserType = 'any' | 'new' | 'no_purchase';
export const PROMO_USER_TYPES: readonly PromoUserType[] = ['any', 'new', 'no_purchase'];

export interface PromoCodeInput {
  code?: string;
  name?: string;
  rule?: PromoRule;
  limitTimes?: number | null;
  userUseLimit?: number | null;
  userSourceLimit?: string[] | string | null;
  userTypeLimit?: PromoUserType | null;
  validFrom?: string;
  validTo?: string;
  departmentId?: number | null;
  staffId?: number | null;
  description?: string | null;
}

/** What a merchant sets on a promo code, checked. */
export interface PromoCodeFields {
  code: string;
  name: string;
  rule: PromoRule;
  limitTimes: number | null;
  userUseLimit: number | null;
  userSourceLimit: string[];
  userTypeLimit: PromoUserType;
  validFrom: Date;
  validTo: Date;
  departmentId: number | null;
  staffId: number | null;
  description: string | null;
}

export interface PromoCode extends PromoCodeFields {
  id: number;
  usedTimes: number;
  state: PromoCodeState;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A promotion rule → the same CouponRule pricing uses for coupons. Promo codes stack with coupons. */
export function promoRuleToCouponRule(rule: PromoRule): Result<CouponRule, 'invalid_input'> {
  const minSpend = rule.condition?.amountAtLeast == null ? 0 : parseMoney(rule.condition.amountAtLeast);
  if (minSpend === null) return fail(ErrorCode.invalid_input, 'rule.condition.amountAtLeast: not an amount');
  const countAtLeast = rule.condition?.countAtLeast ?? null;
  if (countAtLeast !== null && (!Number.isInteger(countAtLeast) || countAtLeast < 1)) {
    return fail(ErrorCode.invalid_input, 'rule.condition.countAtLeast: a whole number ≥ 1');
  }
  const base = { minSpend, minQuantity: countAtLeast, scope: { type: 'all' as const }, storeIds: [], stackable: true };
  const a = rule.action ?? {};
  if (a.amountOff != null && a.amountOff !== '') {
    const off = parseMoney(a.amountOff);
    if (off === null || off <= 0) return fail(ErrorCode.invalid_input, 'rule.action.amountOff: an amount above 0');
    if (minSpend > 0 && off > minSpend) return fail(ErrorCode.invalid_input, 'rule.action.amountOff: must not exceed amountAtLeast');
    return ok({ ...base, discount: { type: 'amount', amountOff: off } });
  }
  if (a.discount != null && a.discount !== '') {
    const rateBp = parseRate(a.discount);
    if (rateBp === null) return fail(ErrorCode.invalid_input, 'rule.action.discount: the fraction paid, between 0 and 1 (0.88 = pay 88 %)');
    let maxOff: number | null = null;
    if (a.discountAtMost != null && a.discountAtMost !== '') {
      maxOff = parseMoney(a.discountAtMost);
      if (maxOff === null || maxOff <= 0) return fail(ErrorCode.invalid_input, 'rule.action.discountAtMost: an amount above 0');
    }
    return ok({ ...base, discount: { type: 'rate', rateBp, maxOff } });
  }
  return fail(ErrorCode.invalid_input, 'rule.action: give discount (with optional discountAtMost) or amountOff');
}

const given = <K extends keyof PromoCodeInput>(input: PromoCodeInput, k: K) => input[k] !== undefined;

/** The input over the current code (when updating): every field checked, the missing ones kept. */
export function checkPromoCodeInput(input: PromoCodeInput, base?: PromoCode): Result<PromoCodeFields, 'invalid_input'> {
  const bad = (field: string, m: string) => fail(ErrorCode.invalid_input, `${field}: ${m}`, { field });
  const code = (input.code ?? base?.code ?? '').trim();
  if (!/^[A-Za-z0-9_-]{3,32}$/.test(code)) return bad('code', '3-32 letters, digits, _ or -');
  const name = (input.name ?? base?.name ?? '').trim();
  if (!name || name.length > 100) return bad('name', 'is required, at most 100 characters');
  const rule = input.rule ?? base?.rule;
  if (!rule) return bad('rule', 'is required');
  const cr = promoRuleToCouponRule(rule);
  if (!cr.ok) return cr;
  const limitTimes = given(input, 'limitTimes') ? input.limitTimes! : (base?.limitTimes ?? null);
  if (limitTimes !== null && (!Number.isInteger(limitTimes) || limitTimes < 1))
    return bad('limitTimes', 'a whole number ≥ 1, or null for unlimited');
  const userUseLimit = given(input, 'userUseLimit') ? input.userUseLimit! : (base?.userUseLimit ?? null);
  if (userUseLimit !== null && (!Number.isInteger(userUseLimit) || userUseLimit < 1))
    return bad('userUseLimit', 'a whole number ≥ 1, or null');
  const src = given(input, 'userSourceLimit') ? input.userSourceLimit : (base?.userSourceLimit ?? []);
  const userSourceLimit = (Array.isArray(src) ? src : src ? src.split(',') : []).map((s) => s.trim()).filter(Boolean);
  const userTypeLimit = input.userTypeLimit ?? base?.userTypeLimit ?? 'any';
  if (!PROMO_USER_TYPES.includes(userTypeLimit)) return bad('userTypeLimit', 'any, new or no_purchase');
  const validFrom = given(input, 'validFrom') ? new Date(input.validFrom!) : base?.validFrom;
  const validTo = given(input, 'validTo') ? new Date(input.validTo!) : base?.validTo;
  if (!validFrom || Number.isNaN(validFrom.getTime())) return bad('validFrom', 'an ISO-8601 time is required');
  if (!validTo || Number.isNaN(validTo.getTime())) return bad('validTo', 'an ISO-8601 time is required');
  if (validTo <= validFrom) return bad('validTo', 'must be after validFrom');
  const keep = <K extends 'departmentId' | 'staffId' | 'description'>(k: K): PromoCodeFields[K] =>
    given(input, k) ? (input[k] as PromoCodeFields[K]) : ((base?.[k] ?? null) as PromoCodeFields[K]);
  return ok({
    code,
    name,
    rule,
    limitTimes,
    userUseLimit,
    userSourceLimit,
    userTypeLimit,
    validFrom,
    validTo,
    departmentId: keep('departmentId'),
    staffId: keep('staffId'),
    description: keep('description'),
  });
}
