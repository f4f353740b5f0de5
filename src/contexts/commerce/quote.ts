// Pricing a cart for a user (changes nothing): the input checked, the facts
// loaded (catalogue lines, the user's coupons, the coupon core's quote, the
// points rules and balance), then a pure assembly of the quote.
import { formatMoney, type Fen } from '../../kernel/money.ts';
import { ErrorCode, ok } from '../../kernel/result.ts';
import type { Quote } from '../coupons/index.ts';
import type { ResolvedLine } from './catalogue.ts';
import {
  MAX_LINE_NUMBER,
  MAX_ORDER_LINES,
  MAX_PROMO_CODE_LENGTH,
  MAX_PROMO_CODES,
  MAX_REMARK,
  type OrderInput,
  type OrderQuote,
  type UsableCoupon,
} from './domain/order.ts';
import { scoreDeduction, type ScoreRule } from './domain/score-deduction.ts';
import type { OrderDeps } from './order-deps.ts';
import { orderFail, type OrderRefusal, type OrderResult } from './order-errors.ts';
import { couponCodesOf, pointsOf, scoreRules } from './repo/order-facts.repo.ts';

export type QuoteCode = 'invalid_input' | 'not_found' | 'invalid_state' | 'sold_out' | 'coupon_not_eligible' | 'not_enough_points';

/** The input's own checks; the promo codes cleaned and the points asked for. */
export function checkOrderInput(input: OrderInput): OrderResult<{ promoCodes: string[]; asked: number }, 'invalid_input'> {
  const bad = (reason: OrderRefusal, message: string) => orderFail('invalid_input', reason, message);
  if (!Array.isArray(input.lines) || input.lines.length === 0) return bad('no_lines', 'the order has no goods');
  if (input.lines.length > MAX_ORDER_LINES) return bad('bad_lines', `at most ${MAX_ORDER_LINES} lines`);
  for (const [i, l] of input.lines.entries()) {
    if (!Number.isSafeInteger(l.goodsId) || l.goodsId < 1) return bad('bad_lines', `line ${i}: goodsId must be a positive whole number`);
    if (!Number.isInteger(l.number) || l.number < 1 || l.number > MAX_LINE_NUMBER)
      return bad('bad_lines', `line ${i}: number must be 1-${MAX_LINE_NUMBER}`);
  }
  if (input.remark && input.remark.length > MAX_REMARK) return bad('remark', `the remark is longer than ${MAX_REMARK} characters`);
  const promoCodes = [...new Set((input.promoCodes ?? []).map((c) => c.trim()).filter(Boolean))];
  if (promoCodes.length > MAX_PROMO_CODES) return bad('promo', `at most ${MAX_PROMO_CODES} promo codes`);
  if (promoCodes.some((c) => c.length > MAX_PROMO_CODE_LENGTH))
    return bad('promo', `a promo code is at most ${MAX_PROMO_CODE_LENGTH} characters`);
  const asked = input.deductionScore ?? -1;
  if (!Number.isSafeInteger(asked) || asked < -1)
    return bad('points', 'deductionScore must be -1 (none), 0 (automatic) or a number of points');
  return ok({ promoCodes, asked });
}

/** The cart's own checks (a quote already says when the stock is short; a create decides by its conditional update). */
export function checkCart(lines: ResolvedLine[]): OrderResult<{ storeId: number | null; subtotal: Fen }, 'invalid_input' | 'sold_out'> {
  if (!lines.length) return orderFail('invalid_input', 'no_lines', 'the order has no goods of this shop');
  const wanted = new Map<string, { n: number; stock: number }>();
  for (const l of lines) {
    const key = l.skuId === null ? `g${l.goodsId}` : `s${l.skuId}`;
    const w = wanted.get(key) ?? { n: 0, stock: l.stock };
    w.n += l.number;
    wanted.set(key, w);
  }
  if ([...wanted.values()].some((w) => w.n > w.stock)) return orderFail('sold_out', 'stock', 'not enough stock');
  const stores = new Set(lines.map((l) => l.storeId).filter((s): s is number => s !== null));
  if (stores.size > 1) return orderFail('invalid_input', 'stores', 'goods of different stores cannot be ordered together');
  const subtotal = lines.reduce((a, l) => a + l.unitPrice * l.number, 0);
  if (!Number.isSafeInteger(subtotal)) return orderFail('invalid_input', 'bad_lines', 'the order total is too large');
  return ok({ storeId: stores.size ? [...stores][0]! : null, subtotal });
}

/** What the coupons and promo codes do to the cart. */
export interface CouponPart {
  subtotal: Fen;
  amountCoupon: Fen;
  perLine: Map<string, Fen>;
  appliedCodes: string[];
  appliedPromos: string[];
  amountPromo: Fen;
  idOfCode: Map<string, number>;
  usable: UsableCoupon[];
}

const noCoupons = (subtotal: Fen): CouponPart => ({
  subtotal,
  amountCoupon: 0,
  perLine: new Map(),
  appliedCodes: [],
  appliedPromos: [],
  amountPromo: 0,
  idOfCode: new Map(),
  usable: [],
});

/** The coupon core's quote → what applies (pure); a coupon the user insists on that cannot apply refuses the order. */
export function couponPart(quote: Quote, userId: number): OrderResult<CouponPart, 'coupon_not_eligible'> {
  const { pricing, coupons } = quote;
  const sel = pricing.selection;
  const kindOf = (id: string) => coupons.get(id)?.kind;
  if (sel?.rejected.length) {
    const first = sel.rejected[0]!;
    const threshold = first.reason.code === 'below_threshold' || first.reason.code === 'below_quantity';
    const isPromo = kindOf(first.id) === 'promo';
    const what = isPromo ? `promo code ${first.id}` : 'coupon';
    return orderFail(
      'coupon_not_eligible',
      threshold ? 'threshold' : isPromo ? 'promo' : 'coupon',
      `${what} cannot be used: ${first.reason.message}`,
      { couponReason: first.reason.code },
    );
  }
  const part = noCoupons(pricing.subtotal);
  part.amountCoupon = sel?.discount ?? 0;
  for (const a of sel?.adjustments ?? []) {
    part.perLine.set(a.lineId, (part.perLine.get(a.lineId) ?? 0) + a.amount);
    if (kindOf(a.couponId) === 'promo') part.amountPromo += a.amount;
  }
  part.appliedPromos = (sel?.couponIds ?? []).filter((id) => kindOf(id) === 'promo');
  part.appliedCodes = (sel?.couponIds ?? []).filter((id) => kindOf(id) !== 'promo');
  for (const e of pricing.evaluations) {
    const c = coupons.get(e.id);
    if (c?.kind !== 'coupon' || !c.coupon) continue;
    part.idOfCode.set(c.coupon.code, c.coupon.id);
    if (e.eligible && c.coupon.ownerId === userId) part.usable.push({ coupon: c.coupon, template: c.template!, discount: e.discount });
  }
  return ok(part);
}

/** The quote itself (pure): coupons, then points on what is left. */
export function assembleQuote(f: {
  input: OrderInput;
  lines: ResolvedLine[];
  storeId: number | null;
  coupons: CouponPart;
  rules: ScoreRule[];
  asked: number;
  /** The user's points (null when not needed: no rule, or no points asked for). */
  held: number | null;
}): OrderResult<OrderQuote, 'not_enough_points'> {
  const { coupons: c, lines } = f;
  const afterCoupons = c.subtotal - c.amountCoupon;
  let deduction = { money: 0, score: 0 };
  if (f.held !== null) {
    // 0 means "as many as help": everything the user holds, capped by the rule and the amount.
    deduction = scoreDeduction(f.rules, f.asked === 0 ? f.held : f.asked, afterCoupons);
    if (f.held < deduction.score) return orderFail('not_enough_points', 'points_short', 'not enough points');
  }
  return ok({
    lines: lines.map((l, i) => ({ ...l, amount: l.unitPrice * l.number, amountCoupon: c.perLine.get(String(i)) ?? 0 })),
    storeId: f.storeId,
    goodsNumber: lines.reduce((a, l) => a + l.number, 0),
    amountGoods: c.subtotal,
    amountCoupon: c.amountCoupon,
    amountDeduction: deduction.money,
    deductionScore: deduction.score,
    amountLogistics: 0,
    amountPayable: afterCoupons - deduction.money,
    couponIds: c.appliedCodes.map((code) => c.idOfCode.get(code)!).filter((x) => x !== undefined),
    couponCodes: c.appliedCodes,
    promoCodes: c.appliedPromos,
    amountPromo: c.amountPromo,
    usable: c.usable.sort((a, b) => b.discount - a.discount || a.coupon.id - b.coupon.id),
    scoreRules: f.rules,
    needsDelivery: !!(f.input.address || f.input.provinceId) && f.input.deliveryType !== 'zq',
  });
}

const CATALOGUE_REASONS: readonly OrderRefusal[] = ['bad_goods', 'off_sale', 'sku_needed', 'bad_sku'];

/** The cart's lines from the catalogue, this shop's only when asked. */
async function loadLines(
  d: OrderDeps,
  tenantId: number,
  input: OrderInput,
): Promise<OrderResult<ResolvedLine[], 'invalid_input' | 'not_found' | 'invalid_state'>> {
  const resolved = await d.catalogue.resolve(tenantId, input.lines);
  if (!resolved.ok) {
    const said = resolved.error.details?.reason;
    const why = CATALOGUE_REASONS.find((r) => r === said) ?? 'bad_goods';
    const code = resolved.error.code === 'invalid_input' || resolved.error.code === 'invalid_state' ? resolved.error.code : 'not_found';
    return orderFail(code, why, resolved.error.message);
  }
  return ok(input.filterStoreId == null ? resolved.value : resolved.value.filter((l) => (l.storeId ?? 0) === input.filterStoreId));
}

/** The user's coupon ids → their codes (only this user's coupons count). */
async function loadCouponCodes(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  input: OrderInput,
): Promise<OrderResult<string[], 'coupon_not_eligible'>> {
  const ids = [...new Set(input.couponIds ?? [])];
  if (!ids.length) return ok([]);
  const byId = await couponCodesOf(d.deps.db, tenantId, userId, ids);
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) return orderFail('coupon_not_eligible', 'coupon', `coupon ${missing.join(', ')} is not yours or does not exist`);
  return ok(ids.map((id) => byId.get(id)!));
}

/**
 * The coupon core's quote of the cart. When it refuses, the refusal is the
 * promo codes' when the coupon core's promo rules refuse them now (asked of
 * the promo loader), else the coupons'.
 */
async function loadCouponQuote(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  c: { lines: ResolvedLine[]; storeId: number | null; codes: string[]; promoCodes: string[]; onlyNamed: boolean },
): Promise<OrderResult<Quote, 'invalid_input' | 'coupon_not_eligible'>> {
  const q = await d.redemptions.quote(tenantId, {
    userId,
    storeId: c.storeId,
    items: c.lines.map((l) => ({ goodsId: l.goodsId, categoryId: l.categoryId, price: formatMoney(l.unitPrice), quantity: l.number })),
    couponCodes: c.codes,
    promoCodes: c.promoCodes,
    // A real create prices only the coupons named; the user's other coupons are not loaded.
    onlyNamed: c.onlyNamed,
  });
  if (q.ok) return q;
  const promo = c.promoCodes.length > 0 && !(await d.promoLoader.load(d.deps.db, tenantId, c.promoCodes, userId, d.now())).ok;
  const code = q.error.code === ErrorCode.invalid_input ? 'invalid_input' : 'coupon_not_eligible';
  return orderFail(code, promo ? 'promo' : 'coupon', q.error.message, { cause: q.error.code });
}

/** The price of a cart for this user, with the coupons and points asked for. Changes nothing. */
/** `listUsable` false (a real create): without coupons asked for, the coupon core is not consulted at all. */
export async function priceOrder(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  input: OrderInput,
  listUsable = true,
): Promise<OrderResult<OrderQuote, QuoteCode>> {
  const checked = checkOrderInput(input);
  if (!checked.ok) return checked;
  const { promoCodes, asked } = checked.value;
  const lines = await loadLines(d, tenantId, input);
  if (!lines.ok) return lines;
  const cart = checkCart(lines.value);
  if (!cart.ok) return cart;
  const codes = await loadCouponCodes(d, tenantId, userId, input);
  if (!codes.ok) return codes;
  let coupons = noCoupons(cart.value.subtotal);
  if (codes.value.length || promoCodes.length || listUsable) {
    const q = await loadCouponQuote(d, tenantId, userId, {
      lines: lines.value,
      storeId: cart.value.storeId,
      codes: codes.value,
      promoCodes,
      onlyNamed: !listUsable,
    });
    if (!q.ok) return q;
    const part = couponPart(q.value, userId);
    if (!part.ok) return part;
    coupons = part.value;
  }
  const rules = await scoreRules(d.deps.db, tenantId);
  const held = rules.length && asked !== -1 ? await pointsOf(d.deps.db, tenantId, userId) : null;
  return assembleQuote({ input, lines: lines.value, storeId: cart.value.storeId, coupons, rules, asked, held });
}
