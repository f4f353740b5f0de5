// Quotes: price a cart with the user's coupons and any named codes (pure
// pricing over what is read; no writes). Redeeming prices the same way, inside
// its transaction, before it writes.
import { parseMoney } from '../../kernel/money.ts';
import { ErrorCode, ok } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { priceCart, type PricedCoupon, type PricingResult } from './domain/pricing/quote.ts';
import type { CartLine } from './domain/rules/types.ts';
import type { Coupon } from './coupons.ts';
import { ruleOf, type Template } from './templates.ts';
import type { PromoCodeLoader } from './promo-pricing.ts';
import { couponsForPricing, storeExists, userExists } from './repo/redemptions.repo.ts';
import { refuse, type CouponResult, type QuoteCode } from './redemption-errors.ts';

export interface CartItemInput {
  goodsId?: number | null;
  categoryId?: number | null;
  price: string;
  quantity: number;
}

export interface QuoteInput {
  userId?: number | null;
  storeId?: number | null;
  items: CartItemInput[];
  couponCodes?: string[];
  promoCodes?: string[];
  /** Price only the named coupons, not every open coupon of the user (redeeming, creating an order). */
  onlyNamed?: boolean;
}

export interface Quote {
  pricing: PricingResult;
  /** code → the coupon (or promo code) behind each evaluated id. */
  coupons: Map<string, { kind: 'coupon' | 'promo'; coupon?: Coupon; template?: Template; promoCodeId?: number; name: string }>;
}

const MAX_LINES = 200;
const MAX_CODES = 100;

export function parseCart(items: CartItemInput[]): CouponResult<CartLine[], 'invalid_input'> {
  if (!Array.isArray(items) || items.length === 0) return refuse(ErrorCode.invalid_input, 'items: at least one line is needed');
  if (items.length > MAX_LINES) return refuse(ErrorCode.invalid_input, `items: at most ${MAX_LINES} lines`);
  const lines: CartLine[] = [];
  for (const [i, it] of items.entries()) {
    const price = parseMoney(it.price);
    if (price === null) return refuse(ErrorCode.invalid_input, `items[${i}].price: "${it.price}" is not an amount like "12.50"`);
    if (!Number.isInteger(it.quantity) || it.quantity < 1 || it.quantity > 100_000) {
      return refuse(ErrorCode.invalid_input, `items[${i}].quantity: must be a whole number 1-100000`);
    }
    lines.push({
      lineId: String(i),
      goodsId: it.goodsId ?? null,
      categoryId: it.categoryId ?? null,
      unitPrice: price,
      quantity: it.quantity,
    });
  }
  return ok(lines);
}

/** A held coupon as pricing sees it. */
export const pricedCoupon = (coupon: Coupon, template: Template): PricedCoupon => ({
  id: coupon.code,
  kind: 'coupon',
  rule: ruleOf(template),
  state: coupon.state === 'issued' ? 'active' : coupon.state,
  validFrom: coupon.validFrom,
  validTo: coupon.validTo,
  groupKey: `t${template.id}`,
});

async function checkParties(q: Queryable, tenantId: number, input: QuoteInput): Promise<CouponResult<void, 'not_found'>> {
  if (input.userId != null && !(await userExists(q, tenantId, input.userId)))
    return refuse(ErrorCode.not_found, 'user not found', { field: 'userId' });
  if (input.storeId != null && !(await storeExists(q, tenantId, input.storeId)))
    return refuse(ErrorCode.not_found, 'store not found', { field: 'storeId' });
  return ok(undefined);
}

/** Everything pricing needs, read in one go (inside the transaction when redeeming), then priced. */
export async function priceQuote(
  q: Queryable,
  promos: PromoCodeLoader,
  tenantId: number,
  input: QuoteInput,
  at: Date,
): Promise<CouponResult<Quote, QuoteCode>> {
  const lines = parseCart(input.items);
  if (!lines.ok) return lines;
  const codes = [...new Set(input.couponCodes ?? [])];
  const promoCodes = [...new Set(input.promoCodes ?? [])];
  if (codes.length + promoCodes.length > MAX_CODES) return refuse(ErrorCode.invalid_input, `at most ${MAX_CODES} codes`);
  const parties = await checkParties(q, tenantId, input);
  if (!parties.ok) return parties;
  const held = await couponsForPricing(q, tenantId, { userId: input.userId ?? null, codes, at, onlyNamed: input.onlyNamed === true });
  const found = new Set(held.map((h) => h.coupon.code));
  const missing = codes.filter((c) => !found.has(c));
  if (missing.length) return refuse(ErrorCode.not_found, `unknown coupon code(s): ${missing.join(', ')}`, { codes: missing });
  const coupons: Quote['coupons'] = new Map();
  const priced: PricedCoupon[] = [];
  for (const { coupon, template } of held) {
    // A batch code nobody has exchanged yet is not a coupon anyone holds.
    if (coupon.ownerId === null)
      return refuse(ErrorCode.not_found, `coupon ${coupon.code} has not been issued to anyone yet`, { codes: [coupon.code] });
    if (input.userId != null && coupon.ownerId !== input.userId)
      return refuse(ErrorCode.forbidden, `coupon ${coupon.code} belongs to another user`);
    coupons.set(coupon.code, { kind: 'coupon', coupon, template, name: template.name });
    priced.push(pricedCoupon(coupon, template));
  }
  const promoPriced = await promos.load(q, tenantId, promoCodes, input.userId ?? null, at);
  if (!promoPriced.ok) return promoPriced;
  for (const p of promoPriced.value) {
    coupons.set(p.priced.id, { kind: 'promo', promoCodeId: p.promoCodeId, name: p.name });
    priced.push(p.priced);
  }
  const selected = codes.length || promoCodes.length ? [...codes, ...promoCodes] : undefined;
  const pricing = priceCart({ lines: lines.value, storeId: input.storeId ?? null, now: at, coupons: priced, selected });
  return ok({ pricing, coupons });
}
