// A seller writes off a coupon by its code: the coupon must be this
// merchant's, held by one of the seller's customers or by a customer bound to
// nobody, and usable in one of the seller's stores; the coupon core's
// write-off does the rest atomically.
// A seller sees only its own write-offs.
import type { Deps, Principal } from '../../kernel/deps.ts';
import { fail, ok, type Result } from '../../kernel/result.ts';
import type { RedemptionService } from '../coupons/index.ts';
import { asSeller } from './sellers.ts';
import type { WriteOffFailure } from './errors.ts';
import { chooseWriteOffStore, mayWriteOffFor, type WriteOffRecord } from './domain/seller.ts';
import { loadSeller, storeIdsOf } from './repo/sellers.repo.ts';
import { couponForWriteOff, writeOffsBy, type WriteOffFilter } from './repo/write-offs.repo.ts';

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

const STORE_REFUSALS = {
  unknown_store: fail('invalid_input', 'storeId: the merchant has no such store', { field: 'storeId' }),
  outside_stores: fail('wrong_store', "this coupon cannot be used in the seller's stores (or the store named)", {
    reason: 'outside_stores',
  }),
  no_store: fail('wrong_store', 'the merchant has no store to write off in', { reason: 'outside_stores' }),
} as const;

/**
 * A seller writes off a coupon of the merchant by its code. Another merchant's
 * code is answered exactly like a code nobody has (no cross-merchant oracle).
 * mayWriteOffFor decides whose customer's coupon it may take, and
 * chooseWriteOffStore where (domain/seller.ts); the core writes it off.
 */
export async function writeOff(
  deps: Deps,
  core: CouponWriteOff,
  p: Principal,
  code: string,
  opts: { storeId?: number | null; amount?: string | null } = {},
): Promise<Result<WriteOffRecord, WriteOffFailure>> {
  const me = await asSeller(deps, p);
  if (!me.ok) return me;
  const tenantId = me.value.tenantId;
  const text = (code ?? '').trim();
  if (!text) return fail('invalid_input', 'code is required', { field: 'code' });
  const coupon = await couponForWriteOff(deps.db, tenantId, text);
  if (!coupon) return fail('not_found', `no coupon with code ${text}`);
  if (!mayWriteOffFor(me.value.id, coupon.boundSeller))
    return fail('forbidden', "this coupon belongs to another seller's customer", { reason: 'other_seller' });
  const store = chooseWriteOffStore(me.value.storeIds, await storeIdsOf(deps.db, tenantId), coupon.storeIds, opts.storeId ?? null);
  if (!store.ok) return STORE_REFUSALS[store.reason];
  const w = await core.writeOff(tenantId, text, { storeId: store.storeId, amount: opts.amount ?? null }, p);
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
    writeOff: (p: Principal, code: string, opts: { storeId?: number | null; amount?: string | null } = {}) =>
      writeOff(deps, core, p, code, opts),
    writeOffs: (tenantId: number, sellerId: number, f: WriteOffFilter) => writeOffs(deps, tenantId, sellerId, f),
  };
}
