// The portal's snake_case promotion_info ↔ the native promo rule. Amounts are
// yuan as JSON numbers at this edge; the service validates the rule itself.
//   {type: "discount_market_price", condition: {amount_at_least, count_at_least},
//    action: {discount, discount_at_most}}        rate off (0.88 = pay 88 %), capped
//   {type: "amount_off", condition: {...}, action: {amount_off}}   a fixed amount off
import { fenToYuan, parseMoney, parseRate } from '../../kernel/money.ts';
import type { PromoRule } from '../../contexts/coupons/index.ts';

type Amount = string | number | null | undefined;

const blank = (v: unknown) => v === undefined || v === null || v === '';
const asAmount = (v: unknown): Amount => (blank(v) ? null : typeof v === 'number' || typeof v === 'string' ? v : String(v));

export function promoRuleFromPortal(input: unknown): { ok: true; rule: PromoRule } | { ok: false; message: string } {
  let v = input;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return {
        ok: false,
        message:
          'promotion_info: 应为 JSON, 如 {"type":"discount_market_price","condition":{"amount_at_least":100},"action":{"discount":0.88}}',
      };
    }
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { ok: false, message: 'promotion_info: 应为对象 {type, condition, action}' };
  const o = v as { type?: unknown; condition?: Record<string, unknown> | null; action?: Record<string, unknown> | null };
  const cond = o.condition && typeof o.condition === 'object' ? o.condition : {};
  const act = o.action && typeof o.action === 'object' ? o.action : {};
  const count = blank(cond.count_at_least) ? null : Number(cond.count_at_least);
  const rule: PromoRule = {
    type: typeof o.type === 'string' && o.type ? o.type : blank(act.amount_off) ? 'discount_market_price' : 'amount_off',
    condition: { amountAtLeast: asAmount(cond.amount_at_least), countAtLeast: count },
    action: blank(act.amount_off)
      ? { discount: asAmount(act.discount), discountAtMost: asAmount(act.discount_at_most) }
      : { amountOff: asAmount(act.amount_off) },
  };
  return { ok: true, rule };
}

const yuan = (v: Amount): number | string | null => {
  if (blank(v)) return null;
  const f = parseMoney(v as string | number);
  return f === null ? (v as string | number) : fenToYuan(f);
};
const rate = (v: Amount): number | string | null => {
  if (blank(v)) return null;
  const bp = parseRate(v as string | number);
  return bp === null ? (v as string | number) : bp / 10_000;
};

export function promoRuleToPortal(rule: PromoRule) {
  const c = rule.condition ?? {};
  const a = rule.action ?? {};
  const condition: Record<string, unknown> = {};
  if (!blank(c.amountAtLeast)) condition.amount_at_least = yuan(c.amountAtLeast);
  if (!blank(c.countAtLeast)) condition.count_at_least = c.countAtLeast;
  const action: Record<string, unknown> = {};
  if (!blank(a.amountOff)) action.amount_off = yuan(a.amountOff);
  else {
    if (!blank(a.discount)) action.discount = rate(a.discount);
    if (!blank(a.discountAtMost)) action.discount_at_most = yuan(a.discountAtMost);
  }
  return { type: rule.type, condition, action };
}
