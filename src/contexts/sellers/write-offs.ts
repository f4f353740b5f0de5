// A seller writes off a coupon by its code: the coupon must be this
// merchant's, held by one of the seller's customers, and usable in one of
// the seller's stores; the coupon core's write-off does the rest atomically.
// A seller sees only its own write-offs.
import type { Deps, Principal } from '../../kernel/deps.ts';
import { fail, ok, type Result } from '../../kernel/result.ts';
import type { RedemptionService } from '../coupons/index.ts';
import { asSeller } from './sellers.ts';
import type { WriteOffFailure } from './errors.ts';
import { writeOffStore, type Seller, type WriteOffRecord } from './domain/seller.ts';
import { loadSeller, storeIdsOf } from './repo/sellers.repo.ts';
import { codeOfOtherMerchant, couponForWriteOff, writeOffsBy, type WriteOffFilter, type WriteOffTarget } from './repo/write-offs.repo.ts';

/** What the sellers context needs of the coupon core. */
export type CouponWriteOff = Pick<RedemptionService, 'writeOff'>;

/** A seller's write-offs (completed, newest first). */
export async function writeOffs(
  deps: Deps,
  tenantId: number,
  sellerId: number,
  f: WriteOffFilter,
): Promise<{ items: WriteOffRecord[]; total: number }> {
  const seller = await loadSeller(deps.db, tenantId, sellerId);
  if (!seller) return { items: [], total: 0 };
  const page = await writeOffsBy(deps.db, tenantId, sellerId, f, deps.now?.() ?? new Date());
  return { total: page.total, items: page.items.map((w) => ({ ...w, seller })) };
}

/** The store to write off in: the caller's, else the lowest of the seller's stores where the coupon may be used. */
async function storeFor(
  deps: Deps,
  tenantId: number,
  me: Seller,
  coupon: WriteOffTarget,
  storeId: number | null,
): Promise<Result<number, 'wrong_store'>> {
  if (storeId !== null) return ok(storeId);
  const mine = me.storeIds.length ? me.storeIds : await storeIdsOf(deps.db, tenantId);
  const chosen = writeOffStore(mine, coupon.storeIds);
  if (chosen !== null) return ok(chosen);
  return fail(
    'wrong_store',
    mine.length ? "this coupon cannot be used in the seller's stores" : 'the merchant has no store to write off in',
    { reason: 'outside_stores' },
  );
}

export async function writeOff(
  deps: Deps,
  core: CouponWriteOff,
  p: Principal,
  code: string,
  opts: { storeId?: number | null } = {},
): Promise<Result<WriteOffRecord, WriteOffFailure>> {
  const me = await asSeller(deps, p);
  if (!me.ok) return me;
  const tenantId = me.value.tenantId;
  const text = (code ?? '').trim();
  if (!text) return fail('invalid_input', 'code is required', { field: 'code' });
  const coupon = await couponForWriteOff(deps.db, tenantId, text);
  if (!coupon) {
    if (await codeOfOtherMerchant(deps.db, tenantId, text))
      return fail('forbidden', 'this coupon belongs to another merchant', { reason: 'other_merchant' });
    return fail('not_found', `no coupon with code ${text}`);
  }
  if (coupon.ownerId !== null && coupon.owner !== me.value.id)
    return fail('forbidden', "this coupon belongs to another seller's customer", { reason: 'other_seller' });
  const store = await storeFor(deps, tenantId, me.value, coupon, opts.storeId ?? null);
  if (!store.ok) return store;
  const w = await core.writeOff(tenantId, text, { storeId: store.value }, p);
  if (!w.ok) {
    if (w.error.code === 'forbidden')
      return fail('wrong_store', "this store is not one of the seller's stores", { reason: 'outside_stores' });
    return w;
  }
  const rec = await writeOffs(deps, tenantId, me.value.id, { redemptionId: w.value.id, limit: 1, offset: 0 });
  return ok(rec.items[0]!);
}

export function writeOffUseCases(deps: Deps, core: CouponWriteOff) {
  return {
    writeOff: (p: Principal, code: string, opts: { storeId?: number | null } = {}) => writeOff(deps, core, p, code, opts),
    writeOffs: (tenantId: number, sellerId: number, f: WriteOffFilter) => writeOffs(deps, tenantId, sellerId, f),
  };
}
