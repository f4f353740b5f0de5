// How coupons look in the apifm dialect (shared by discounts and order routes).
// A coupon *rule* is a template; a user coupon is an issued coupon.
//   moneyType 0 = amount off (moneyMin/moneyMax in yuan),
//   moneyType 1 = discount rate shown in 折 (8.8 = pay 88 %), moneyMax = cap in yuan (0 = none).
import type { CouponStatus } from '../../contexts/coupons/index.ts';
import type { Coupon } from '../../contexts/coupons/index.ts';
import type { Template } from '../../contexts/coupons/index.ts';
import { apifmDate, yuan } from './kit.ts';

/** apifm user-coupon status: 0 normal (usable or not yet valid), 1 invalid, 2 expired, 3 used. */
export const APIFM_COUPON_STATUS: Record<CouponStatus, { status: number; statusStr: string }> = {
  usable: { status: 0, statusStr: '可用' },
  not_yet_valid: { status: 0, statusStr: '未生效' },
  voided: { status: 1, statusStr: '已失效' },
  expired: { status: 2, statusStr: '已过期' },
  used: { status: 3, statusStr: '已使用' },
};

/** apifm status numbers → core statuses (for `status=1,2,3` filters). */
export function statusesOf(apifm: number[]): CouponStatus[] {
  const out: CouponStatus[] = [];
  for (const s of apifm) {
    if (s === 0) out.push('usable', 'not_yet_valid');
    if (s === 1) out.push('voided');
    if (s === 2) out.push('expired');
    if (s === 3) out.push('used');
  }
  return out;
}

/** Number of unlimited stock as shown to clients (they expect a number). */
export const UNLIMITED = 999999;

function money(t: Template) {
  if (t.discount.type === 'amount') return { moneyType: 0, moneyMin: yuan(t.discount.amountOff), moneyMax: yuan(t.discount.amountOff) };
  const zhe = t.discount.rateBp / 1000;
  return { moneyType: 1, moneyMin: zhe, moneyMax: zhe, rate: t.discount.rateBp / 10000, maxDiscount: yuan(t.discount.maxOff ?? 0) };
}

/** A coupon rule (template) as discounts/coupons and discounts/detail show it. */
export function couponRuleView(t: Template, tz: string) {
  const fixed = t.validity.type === 'fixed' ? t.validity : null;
  const end = t.claimTo ?? fixed?.to ?? null;
  const out: Record<string, unknown> = {
    id: t.id,
    name: t.name,
    type: '',
    ...money(t),
    moneyHreshold: yuan(t.minSpend),
    numberTotle: t.stock ?? UNLIMITED,
    numberUsed: t.issued,
    numberLeft: t.stock === null ? UNLIMITED : Math.max(0, t.stock - t.issued),
    numberPersonMax: t.perUserLimit ?? 0,
    needScore: t.claimCostPoints,
    needAmount: yuan(t.price),
    needSignedContinuous: t.requiredSignInDays,
    dateEndType: fixed ? 0 : 1,
    dateEndDays: t.validity.type === 'relative' ? t.validity.days : 0,
    dateStart: apifmDate(fixed?.from ?? t.claimFrom ?? t.createdAt, tz),
    dateEnd: fixed ? apifmDate(fixed.to, tz) : '',
    endTime: end ? apifmDate(end, tz) : '',
    dateAdd: apifmDate(t.createdAt, tz),
    status: t.state === 'active' ? 0 : 1,
    statusStr: t.state === 'active' ? '正常' : '已结束',
    description: t.description ?? '',
  };
  // `pwd` is 'Y' when a 口令 is needed, absent otherwise (never 'N', never the password).
  if (t.hasClaimPassword) out.pwd = 'Y';
  return out;
}

/** couponRefs of a rule: what it applies to (type 0 = category, 1 = goods); empty = everything. */
export function couponRefs(t: Template) {
  if (t.scope.type === 'all') return [];
  const type = t.scope.type === 'categories' ? 0 : 1;
  return t.scope.ids.map((refId) => ({ type, refId }));
}

/** A user coupon as discounts/my and order quotes show it. */
export function userCouponView(c: Coupon & { template: Template }, tz: string) {
  const t = c.template;
  const m = money(t);
  return {
    id: c.id,
    pid: t.id,
    name: t.name,
    code: c.code,
    money: m.moneyMin,
    moneyType: m.moneyType,
    moneyHreshold: yuan(t.minSpend),
    moneyMax: t.discount.type === 'rate' ? yuan(t.discount.maxOff ?? 0) : m.moneyMax,
    dateStart: apifmDate(c.validFrom ?? c.receivedAt ?? c.createdAt, tz),
    dateEnd: c.validTo ? apifmDate(c.validTo, tz) : '',
    dateAdd: apifmDate(c.receivedAt ?? c.createdAt, tz),
    dateUse: c.usedAt ? apifmDate(c.usedAt, tz) : '',
    ...APIFM_COUPON_STATUS[c.status],
    source: c.source,
  };
}
