// Binding a consumer to a seller when it registers: by the seller's referral
// code, or by a share link that carries the seller's own consumer account as
// the referrer. The first binding wins; an already bound consumer keeps its
// seller. These run inside the caller's transaction (identity's consumer
// registration calls them through sellers/index.ts).
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import { fail, ok, type Result } from '../../kernel/result.ts';
import type { BindFailure } from './errors.ts';
import { bindSellerIn } from '../identity/index.ts';
import { sellerIdByAccount, sellerIdByReferral } from './repo/sellers.repo.ts';

/** The active seller behind a referral code, or null. */
export const sellerByReferral = (q: Queryable, tenantId: number, referralCode: string): Promise<number | null> =>
  sellerIdByReferral(q, tenantId, referralCode);

/** The active seller whose own consumer account is `userId` (seller_profiles.user_id), or null. */
export const sellerByAccount = (q: Queryable, tenantId: number, userId: number): Promise<number | null> =>
  sellerIdByAccount(q, tenantId, userId);

/** Binds an unbound consumer to a seller in one conditional write (first binding wins). */
async function bindIn(
  q: Queryable,
  tenantId: number,
  userId: number,
  sellerId: number,
  channel: string,
): Promise<Result<{ bound: boolean; sellerId: number }, BindFailure>> {
  const bound = await bindSellerIn(q, tenantId, userId, sellerId, channel);
  if (bound === null) return fail('not_found', 'user not found');
  return ok({ bound, sellerId });
}

/** Binds an unbound consumer to the seller behind a referral code (first binding wins), inside the caller's transaction. */
export async function bindByReferralIn(
  q: Queryable,
  tenantId: number,
  userId: number,
  referralCode: string,
  channel: string | null,
): Promise<Result<{ bound: boolean; sellerId: number }, BindFailure>> {
  const sellerId = await sellerByReferral(q, tenantId, referralCode);
  if (sellerId === null) return fail('not_found', `no seller with referral code ${referralCode}`);
  return bindIn(q, tenantId, userId, sellerId, channel ?? 'referral');
}

/**
 * Binds an unbound consumer to the seller whose own consumer account is
 * `referrerUserId` (a seller's share link carries its uid as the referrer);
 * bound false, sellerId null when that account is not a seller's.
 */
export async function bindBySellerAccountIn(
  q: Queryable,
  tenantId: number,
  userId: number,
  referrerUserId: number,
  channel: string | null,
): Promise<Result<{ bound: boolean; sellerId: number | null }, BindFailure>> {
  const sellerId = await sellerByAccount(q, tenantId, referrerUserId);
  if (sellerId === null) return ok({ bound: false, sellerId: null });
  return bindIn(q, tenantId, userId, sellerId, channel ?? 'referrer');
}

export function referralUseCases(deps: Deps) {
  return {
    /** Binding at registration through a seller's link or code; an already bound consumer keeps its seller. */
    bindByReferral: (
      tenantId: number,
      userId: number,
      referralCode: string,
      channel?: string | null,
    ): Promise<Result<{ bound: boolean; sellerId: number }, BindFailure>> =>
      deps.db.txResult((q) => bindByReferralIn(q, tenantId, userId, referralCode, channel ?? null)),

    /** The same inside a caller's transaction (a registration that names a referral code). */
    bindByReferralIn,
  };
}
