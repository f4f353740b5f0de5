// Rolling a redemption back, exactly once: its coupons become usable again and
// its promo-code uses come back (total and per user). rollbackIn works inside
// the caller's transaction (closing an order); its only failures come before
// any write.
import { ErrorCode, ok } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import type { Redemption } from './domain/redemption.ts';
import type { PromoCodeLoader } from './promo-pricing.ts';
import { restoreCoupons } from './repo/coupon-use.repo.ts';
import { loadRedemption, markRolledBack, promoItemsOf } from './repo/redemptions.repo.ts';
import { refuse, type CouponResult, type RollbackCode } from './redemption-errors.ts';

export async function rollbackIn(
  promos: PromoCodeLoader,
  q: Queryable,
  tenantId: number,
  id: number,
  by: Principal | null,
): Promise<CouponResult<Redemption, RollbackCode>> {
  const marked = await markRolledBack(q, tenantId, id);
  if (marked === 'already') return refuse(ErrorCode.already_rolled_back, 'this redemption has already been rolled back');
  if (marked === 'missing') return refuse(ErrorCode.not_found, 'redemption not found');
  await restoreCoupons(q, tenantId, id, by?.kind === 'staff' ? by.staffId : null);
  for (const p of await promoItemsOf(q, tenantId, id)) await promos.release(q, tenantId, p.promoCodeId, p.userId);
  await recordEvents(q, [{ tenantId, type: 'coupon.rolled_back', payload: { redemptionId: id } }]);
  if (by) await audit(q, tenantId, by, { action: 'redemption.rollback', targetType: 'redemption', targetId: id });
  return ok((await loadRedemption(q, tenantId, id))!);
}
