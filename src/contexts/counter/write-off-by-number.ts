// Writing a coupon off at the counter by the number the clerk types: which
// coupon, which of the clerk's stores (identity/domain/permissions.ts
// writeOffStore), the write-off itself (the coupons context's one atomic
// conditional write), and what the receipt shows. The receipt is read after
// the write, so it never describes a coupon state another request changed in
// between: the holder's usable count "before" is the count after plus the one
// just used.
import { writeOffStore } from '../identity/index.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Coupon, Coupons, Template } from '../coupons/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { parseCouponNumber } from './domain/coupon-number.ts';
import * as counter from './repo/counter.repo.ts';
import { staffStoresOf } from './staff-stores.ts';
import { requireCounterPermission } from './access.ts';

export interface WrittenOff {
  redemptionId: number;
  writtenOffAt: Date;
  storeId: number;
  coupon: Coupon;
  template: Template;
  /** The holder's usable coupons of this template just before this write-off (this one included). */
  usableBefore: number;
}

export function writeOffUseCases(deps: Deps, { coupons, redemptions }: Pick<Coupons, 'coupons' | 'redemptions'>) {
  /**
   * The store a staff member writes a coupon off in: the first of their stores
   * where the coupon is valid; forbidden when it is valid in none of them.
   */
  async function writeOffStoreFor(
    tenantId: number,
    code: string,
    by: Principal,
  ): Promise<Result<number, 'not_found' | 'forbidden' | 'invalid_state'>> {
    const valid = await counter.couponStoreIds(deps.db, tenantId, code);
    if (!valid) return fail(ErrorCode.not_found, `no coupon with code ${code}`);
    const store = writeOffStore(staffStoresOf(by), valid, await counter.firstStoreId(deps.db, tenantId));
    if (store !== null) return ok(store);
    if (staffStoresOf(by).length > 0) return fail(ErrorCode.forbidden, 'this coupon is not valid in any of your stores');
    return fail(ErrorCode.invalid_state, 'the merchant has no store to write off in');
  }

  /** Writes off the coupon of a number (its code or id) in the clerk's store; once. */
  async function writeOffByNumber(tenantId: number, num: string, by: Principal): Promise<Result<WrittenOff>> {
    const may = requireCounterPermission(by, 'coupon.write_off');
    if (!may.ok) return may;
    const code = await counter.couponCodeOf(deps.db, tenantId, parseCouponNumber(num));
    if (!code) return fail(ErrorCode.not_found, `no coupon with number ${num}`);
    const store = await writeOffStoreFor(tenantId, code, by);
    if (!store.ok) return store;
    const out = await redemptions.writeOff(tenantId, code, { storeId: store.value }, by);
    if (!out.ok) return out;
    const found = (await coupons.get(tenantId, code))!;
    const after = found.coupon.ownerId
      ? await counter.usableCount(deps.db, tenantId, found.coupon.ownerId, found.template.id, deps.now?.() ?? new Date())
      : -1;
    return ok({
      redemptionId: out.value.id,
      writtenOffAt: out.value.createdAt,
      storeId: store.value,
      coupon: found.coupon,
      template: found.template,
      usableBefore: after + 1,
    });
  }

  return { writeOffByNumber };
}
