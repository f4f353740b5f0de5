// Sellers (sales staff, role `seller`): who is one, their list, their profile.
import { pgErrorCode, PgCode } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { AsSellerFailure, SaveProfileFailure } from './errors.ts';
import { mergeProfile, type Seller, type SellerProfileInput } from './domain/seller.ts';
import * as repo from './repo/sellers.repo.ts';

/** The seller behind a principal: a staff session of a `seller` of a tenant. */
export async function asSeller(deps: Deps, p: Principal): Promise<Result<Seller & { tenantId: number }, AsSellerFailure>> {
  if (p.kind !== 'staff' || p.tenantId === null) return fail('forbidden', 'only a seller of a merchant can do this');
  if (p.role !== 'seller') return fail('forbidden', `this is a seller's call; you are logged in as ${p.role}`);
  const s = await repo.loadSeller(deps.db, p.tenantId, p.staffId);
  if (!s || s.disabled) return fail('forbidden', 'this seller account is disabled');
  return ok({ ...s, tenantId: p.tenantId });
}

/**
 * The seller whose own consumer account (seller_profiles.user_id, set by staff
 * with PUT /api/v1/sellers/{id} userId) is this consumer: a seller logged in
 * from WeChat with its consumer token acts as that seller, with the seller's
 * staff principal (its role, its stores). Being a seller's customer
 * (users.seller_id) gives no such right.
 */
export async function asSellerAccount(
  deps: Deps,
  tenantId: number,
  userId: number,
): Promise<Result<{ principal: Principal; me: Seller & { tenantId: number } }, AsSellerFailure>> {
  const sellerId = await repo.sellerIdByAccount(deps.db, tenantId, userId);
  const s = sellerId === null ? null : await repo.loadSeller(deps.db, tenantId, sellerId);
  if (!s || s.disabled) return fail('forbidden', 'this WeChat account is not bound to an active seller');
  const principal: Principal = { kind: 'staff', staffId: s.id, tenantId, role: 'seller', username: s.account, storeIds: s.storeIds };
  return ok({ principal, me: { ...s, tenantId } });
}

/** Saves the fields of a seller's profile that `input` names (a referral code is made when there is none). */
export async function saveProfile(
  deps: Deps,
  tenantId: number,
  staffId: number,
  input: SellerProfileInput,
  by: Principal,
): Promise<Result<Seller, SaveProfileFailure>> {
  try {
    return await deps.db.txResult(async (q): Promise<Result<Seller, SaveProfileFailure>> => {
      const cur = await repo.loadSeller(q, tenantId, staffId);
      if (!cur) return fail('not_found', 'no seller with this id (a staff member with role seller)');
      if (input.userId != null && !(await repo.userExists(q, tenantId, input.userId)))
        return fail('invalid_input', 'userId: no such consumer', { field: 'userId' });
      await repo.saveSellerProfile(q, tenantId, staffId, mergeProfile(cur, input));
      await audit(q, tenantId, by, {
        action: 'seller.profile',
        targetType: 'staff',
        targetId: staffId,
        details: { fields: Object.keys(input) },
      });
      return ok((await repo.loadSeller(q, tenantId, staffId))!);
    });
  } catch (e) {
    if (pgErrorCode(e) === PgCode.uniqueViolation)
      return fail('conflict', 'this referral code, consumer account or default seller is already taken');
    if (pgErrorCode(e) === PgCode.checkViolation) return fail('invalid_input', 'referralCode: 3-32 letters, digits, _ or -');
    throw e;
  }
}

export function sellerUseCases(deps: Deps) {
  return {
    asSeller: (p: Principal) => asSeller(deps, p),
    asSellerAccount: (tenantId: number, userId: number) => asSellerAccount(deps, tenantId, userId),
    get: (tenantId: number, staffId: number): Promise<Seller | null> => repo.loadSeller(deps.db, tenantId, staffId),
    list: (tenantId: number): Promise<Seller[]> => repo.listSellers(deps.db, tenantId),
    saveProfile: (tenantId: number, staffId: number, input: SellerProfileInput, by: Principal) =>
      saveProfile(deps, tenantId, staffId, input, by),
  };
}
