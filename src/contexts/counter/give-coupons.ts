// Giving coupons at the counter: N coupons of a template to a phone number,
// only of a template usable in one of the giver's stores.
import { storesOverlap } from '../identity/index.ts';
import { ErrorCode, fail, type Result } from '../../kernel/result.ts';
import type { Coupon, Coupons } from '../coupons/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { phoneExists, templateStoreIds } from './repo/counter.repo.ts';
import { staffStoresOf } from './staff-stores.ts';
import { requireCounterPermission } from './access.ts';

export function giveCouponUseCases(deps: Deps, { coupons }: Pick<Coupons, 'coupons'>) {
  async function giveCoupons(
    tenantId: number,
    input: { templateId: number; phone: string; quantity: number },
    by: Principal,
  ): Promise<Result<Coupon[]>> {
    const may = requireCounterPermission(by, 'coupon.give');
    if (!may.ok) return may;
    const storeIds = await templateStoreIds(deps.db, tenantId, input.templateId);
    if (!storeIds) return fail(ErrorCode.not_found, 'coupon template not found', { what: 'template' });
    if (!storesOverlap(staffStoresOf(by), storeIds)) return fail(ErrorCode.forbidden, 'this coupon is not usable in any of your stores');
    if (!(await phoneExists(deps.db, tenantId, input.phone)))
      return fail(ErrorCode.not_found, `no user with phone ${input.phone}`, { what: 'user' });
    return coupons.grant(tenantId, { templateId: input.templateId, mobile: input.phone, quantity: input.quantity }, by);
  }

  return { giveCoupons };
}
