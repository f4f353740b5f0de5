// A cashier writes off one coupon by its code in a store: checked and priced
// from one read, then one statement flips it from issued to used and, only if
// it did, records the redemption, its item and the history (of any number of
// concurrent write-offs exactly one finds it issued); the audit row is written
// by platform's audit() in the same transaction.
import { parseMoney, type Fen } from '../../kernel/money.ts';
import { ErrorCode, ok } from '../../kernel/result.ts';
import type { Db } from '../../db/store.ts';
import type { Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import { priceCart } from './domain/pricing/quote.ts';
import type { Redemption } from './domain/redemption.ts';
import type { Coupon } from './coupons.ts';
import { ruleOf, type Template } from './templates.ts';
import { writeOffCoupon } from './repo/coupon-use.repo.ts';
import { couponForWriteOff, storeExists } from './repo/redemptions.repo.ts';
import { refusalCode, refuse, type CouponResult, type WriteOffCode } from './redemption-errors.ts';

export interface WriteOffInput {
  storeId: number;
  orderRef?: string | null;
  amount?: string | null;
}

export type WriteOff = Redemption & { coupon: Coupon };

function parseAmount(input: WriteOffInput): CouponResult<Fen | null, 'invalid_input'> {
  if (input.amount == null || input.amount === '') return ok(null);
  const amount = parseMoney(input.amount);
  return amount === null ? refuse(ErrorCode.invalid_input, `amount: "${input.amount}" is not an amount like "88.00"`) : ok(amount);
}

/** The discount at the till: priced as the cashier's amount in this store (scope is the cashier's call). */
function tillDiscount(coupon: Coupon, template: Template, amount: Fen | null, storeId: number, at: Date): CouponResult<Fen, WriteOffCode> {
  const pricing = priceCart({
    lines: [{ lineId: '0', unitPrice: amount ?? Math.max(template.minSpend, 1_000_000_00), quantity: 1 }],
    storeId,
    now: at,
    coupons: [
      {
        id: coupon.code,
        kind: 'coupon',
        rule: { ...ruleOf(template), scope: { type: 'all' }, minQuantity: null },
        state: coupon.state === 'issued' ? 'active' : coupon.state,
        validFrom: coupon.validFrom,
        validTo: coupon.validTo,
      },
    ],
    selected: [coupon.code],
  });
  const ev = pricing.evaluations[0]!;
  if (!ev.eligible)
    return refuse(refusalCode(ev.reason?.code), ev.reason?.message ?? 'this coupon cannot be used here', {
      reason: ev.reason,
      codes: [coupon.code],
    });
  // Without an amount a rate coupon's discount is unknown: recorded as 0.
  return ok(amount === null && template.discount.type === 'rate' ? 0 : ev.discount);
}

export async function writeOff(
  db: Db,
  now: () => Date,
  tenantId: number,
  code: string,
  input: WriteOffInput,
  by: Principal,
): Promise<CouponResult<WriteOff, WriteOffCode>> {
  const at = now();
  const amount = parseAmount(input);
  if (!amount.ok) return amount;
  if (by.kind === 'staff' && by.storeIds.length > 0 && !by.storeIds.includes(input.storeId)) {
    return refuse(ErrorCode.forbidden, 'you do not work in this store');
  }
  const held = await couponForWriteOff(db, tenantId, code.trim(), input.storeId, at);
  if (!held) {
    return (await storeExists(db, tenantId, input.storeId))
      ? refuse(ErrorCode.not_found, `no coupon with code ${code}`)
      : refuse(ErrorCode.not_found, 'store not found', { field: 'storeId' });
  }
  if (!held.storeOk) return refuse(ErrorCode.not_found, 'store not found', { field: 'storeId' });
  const { coupon, template } = held;
  if (coupon.ownerId === null) return refuse(ErrorCode.coupon_not_eligible, 'this code has not been given to anyone yet');
  const discount = tillDiscount(coupon, template, amount.value, input.storeId, at);
  if (!discount.ok) return discount;
  const staffId = by.kind === 'staff' ? by.staffId : null;
  return db.txResult(async (q): Promise<CouponResult<WriteOff, WriteOffCode>> => {
    const use = { tenantId, couponId: coupon.id, at, storeId: input.storeId, staffId, discount: discount.value };
    const done = await writeOffCoupon(q, { ...use, orderRef: input.orderRef ?? null, amount: amount.value });
    if (!done) return refuse(ErrorCode.coupon_used, `coupon ${coupon.code} has already been used`, { codes: [coupon.code] });
    // apiKeyId null for staff, as the audit row has always recorded it (audit() sets it for an API key).
    const details = { storeId: input.storeId, redemptionId: done.redemptionId, apiKeyId: null };
    const redeemed = {
      redemptionId: done.redemptionId,
      kind: 'write_off' as const,
      orderRef: input.orderRef ?? null,
      userId: coupon.ownerId,
      storeId: input.storeId,
      couponCodes: [coupon.code],
      promoCodes: [],
      discountFen: discount.value,
    };
    await recordEvents(q, [{ tenantId, type: 'coupon.redeemed', payload: redeemed }]);
    await audit(q, tenantId, by, { action: 'coupon.write_off', targetType: 'coupon', targetId: coupon.code, details });
    return ok({
      id: done.redemptionId,
      kind: 'write_off',
      orderRef: input.orderRef ?? null,
      userId: coupon.ownerId,
      storeId: input.storeId,
      staffId,
      subtotal: amount.value ?? 0,
      discountTotal: discount.value,
      status: 'done',
      createdAt: done.createdAt,
      rolledBackAt: null,
      items: [{ couponCode: coupon.code, promoCode: null, discount: discount.value }],
      coupon: done.coupon,
    });
  });
}
