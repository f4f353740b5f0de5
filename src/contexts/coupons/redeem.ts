// Redeeming an order's coupons and promo codes: all the named codes or none.
// redeemIn works inside the caller's transaction (an order's creation): its
// failure may come after some writes, so the caller's transaction must roll
// back on it (db.txResult does); redeem runs it in a transaction of its own.
import { ErrorCode, ok } from '../../kernel/result.ts';
import type { Fen } from '../../kernel/money.ts';
import type { Queryable } from '../../db/store.ts';
import type { Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import type { SelectionResult } from './domain/pricing/quote.ts';
import type { Redemption, RedemptionItem } from './domain/redemption.ts';
import type { PromoCodeLoader } from './promo-pricing.ts';
import { priceQuote, type Quote, type QuoteInput } from './quote.ts';
import { redeemCoupon } from './repo/coupon-use.repo.ts';
import { insertOrderRedemption, insertPromoItem } from './repo/redemptions.repo.ts';
import { refusalCode, refuse, type CouponResult, type RedeemCode } from './redemption-errors.ts';

export interface RedeemEnv {
  promos: PromoCodeLoader;
  now: () => Date;
}

export type RedeemInput = QuoteInput & { orderRef: string };

interface Target {
  tenantId: number;
  redemptionId: number;
  input: RedeemInput;
  staffId: number | null;
  at: Date;
}

/** The named codes priced under the caller's locks; a code pricing rejects refuses the whole redemption. */
async function priceNamed(
  env: RedeemEnv,
  q: Queryable,
  tenantId: number,
  input: RedeemInput,
  at: Date,
): Promise<CouponResult<{ quote: Quote; sel: SelectionResult }, RedeemCode>> {
  if (!input.orderRef?.trim()) return refuse(ErrorCode.invalid_input, 'orderRef is required');
  if (!input.couponCodes?.length && !input.promoCodes?.length)
    return refuse(ErrorCode.invalid_input, 'name at least one coupon or promo code');
  // Redeeming decides on the named codes only; the user's other coupons do not matter here.
  const g = await priceQuote(q, env.promos, tenantId, { ...input, onlyNamed: true }, at);
  if (!g.ok) return g;
  const sel = g.value.pricing.selection!;
  const first = sel.rejected[0];
  if (first) {
    return refuse(refusalCode(first.reason.code), `${first.id} cannot be used: ${first.reason.message}`, {
      reasons: sel.rejected.map((r) => ({ code: r.id, reason: r.reason })),
    });
  }
  return ok({ quote: g.value, sel });
}

/** Takes each selected coupon (one conditional flip) and promo code (one use); the items written, coupons by id. */
async function takeAll(
  env: RedeemEnv,
  q: Queryable,
  t: Target,
  quote: Quote,
  sel: SelectionResult,
): Promise<CouponResult<RedemptionItem[], RedeemCode>> {
  const perCoupon = new Map<string, Fen>();
  for (const a of sel.adjustments) perCoupon.set(a.couponId, (perCoupon.get(a.couponId) ?? 0) + a.amount);
  const couponItems: { id: number; item: RedemptionItem }[] = [];
  const promoItems: RedemptionItem[] = [];
  for (const id of sel.couponIds) {
    const c = quote.coupons.get(id)!;
    const discount = perCoupon.get(id) ?? 0;
    if (c.kind === 'coupon') {
      const coupon = c.coupon!;
      const use = { tenantId: t.tenantId, couponId: coupon.id, at: t.at, storeId: t.input.storeId ?? null, staffId: t.staffId, discount };
      if (!(await redeemCoupon(q, { ...use, redemptionId: t.redemptionId, orderRef: t.input.orderRef }))) {
        return refuse(ErrorCode.coupon_used, `coupon ${id} has already been used`, { codes: [id] });
      }
      couponItems.push({ id: coupon.id, item: { couponCode: coupon.code, promoCode: null, discount } });
    } else {
      const used = await env.promos.use(q, t.tenantId, c.promoCodeId!, t.input.userId ?? null, id);
      if (!used.ok) return used;
      await insertPromoItem(q, t.tenantId, t.redemptionId, c.promoCodeId!, discount);
      promoItems.push({ couponCode: null, promoCode: id, discount });
    }
  }
  return ok([...couponItems.sort((a, b) => a.id - b.id).map((x) => x.item), ...promoItems]);
}

/** What a receiver hears of a redemption: the codes and the discount, not the whole quote. */
function redeemedPayload(
  redemptionId: number,
  f: { orderRef: string; userId: number | null; storeId: number | null; discountTotal: Fen },
  items: RedemptionItem[],
) {
  return {
    redemptionId,
    kind: 'order' as const,
    orderRef: f.orderRef,
    userId: f.userId,
    storeId: f.storeId,
    couponCodes: items.flatMap((i) => (i.couponCode ? [i.couponCode] : [])),
    promoCodes: items.flatMap((i) => (i.promoCode ? [i.promoCode] : [])),
    discountFen: f.discountTotal,
  };
}

export async function redeemIn(
  env: RedeemEnv,
  q: Queryable,
  tenantId: number,
  input: RedeemInput,
  by: Principal | null,
): Promise<CouponResult<Redemption, RedeemCode>> {
  const at = env.now();
  const priced = await priceNamed(env, q, tenantId, input, at);
  if (!priced.ok) return priced;
  const { quote, sel } = priced.value;
  const staffId = by?.kind === 'staff' ? by.staffId : null;
  const orderRef = input.orderRef.trim();
  const fields = {
    orderRef,
    userId: input.userId ?? null,
    storeId: input.storeId ?? null,
    staffId,
    subtotal: quote.pricing.subtotal,
    discountTotal: sel.discount,
  };
  const red = await insertOrderRedemption(q, { tenantId, ...fields });
  if (!red) return refuse(ErrorCode.conflict, `order ${input.orderRef} has already redeemed coupons`);
  const items = await takeAll(env, q, { tenantId, redemptionId: red.id, input, staffId, at }, quote, sel);
  if (!items.ok) return items;
  await recordEvents(q, [{ tenantId, type: 'coupon.redeemed', payload: redeemedPayload(red.id, fields, items.value) }]);
  if (by)
    await audit(q, tenantId, by, {
      action: 'redemption.create',
      targetType: 'redemption',
      targetId: red.id,
      details: { orderRef: input.orderRef },
    });
  // Everything the redemption holds was just written: no need to read it back.
  return ok({ id: red.id, kind: 'order', ...fields, status: 'done', createdAt: red.createdAt, rolledBackAt: null, items: items.value });
}
