// A coupon given to another user of the tenant: ownership moves by one
// conditional write (still issued, still the giver's); the history keeps both.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import type { Coupon } from './domain/coupon.ts';
import type { GiftCode } from './errors.ts';
import { couponByCode, findUserId, giveCoupon } from './repo/coupons.repo.ts';

export interface GiftInput {
  fromUserId?: number;
  toUserId?: number;
  toMobile?: string;
}

/** Why a coupon of this status cannot be given away, if it cannot. */
function giftRefusal(c: Coupon): Result<never, 'coupon_used' | 'coupon_voided' | 'coupon_expired'> | null {
  if (c.status === 'used') return fail(ErrorCode.coupon_used, 'a used coupon cannot be given away');
  if (c.status === 'voided') return fail(ErrorCode.coupon_voided, 'this coupon was voided');
  if (c.status === 'expired') return fail(ErrorCode.coupon_expired, 'an expired coupon cannot be given away');
  return null;
}

export function giftService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();

  /** Ownership moves to another user of the tenant; history keeps both. `by` null: the owner gives it themself. */
  async function gift(tenantId: number, code: string, input: GiftInput, by: Principal | null): Promise<Result<Coupon, GiftCode>> {
    const at = now();
    return deps.db.txResult(async (q) => {
      const toId = await findUserId(q, tenantId, { id: input.toUserId, mobile: input.toMobile }, true);
      if (toId === null) return fail(ErrorCode.not_found, 'the receiving user was not found in this tenant', { field: 'toUserId' });
      const c = await couponByCode(q, tenantId, code, at);
      if (!c || c.ownerId === null) return fail(ErrorCode.not_found, 'coupon not found');
      if (input.fromUserId !== undefined && c.ownerId !== input.fromUserId)
        return fail(ErrorCode.forbidden, 'this coupon belongs to someone else');
      if (c.ownerId === toId) return fail(ErrorCode.invalid_input, 'a coupon cannot be given to its own owner');
      const refused = giftRefusal(c);
      if (refused) return refused;
      const moved = await giveCoupon(
        q,
        tenantId,
        { id: c.id, from: c.ownerId, to: toId, staffId: by?.kind === 'staff' ? by.staffId : null },
        at,
      );
      if (!moved) return fail(ErrorCode.conflict, 'the coupon changed meanwhile; try again');
      if (by)
        await audit(q, tenantId, by, {
          action: 'coupon.gift',
          targetType: 'coupon',
          targetId: code,
          details: { from: c.ownerId, to: toId },
        });
      return ok(moved);
    });
  }

  return { gift };
}
export type GiftService = ReturnType<typeof giftService>;
