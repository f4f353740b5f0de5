// Who may do what, where: the card permissions and the store rule
// (identity/domain/permissions.ts) enforced by the card use-cases, the store
// an operation happens in, and the card lock taken with the store rule.
import { roleMay, storesOverlap, type CardPermission } from '../identity/index.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Principal } from '../../kernel/deps.ts';
import type { CardRef, LockedCard } from './domain/card.ts';
import { storeExists } from './repo/products.repo.ts';
import { lockCard, phoneExists } from './repo/user-cards.repo.ts';

export const staffIdOf = (by: Principal | null) => (by?.kind === 'staff' ? by.staffId : null);

/** The stores a caller is bound to (none: every store). */
export const staffStoresOf = (by: Principal | null) => (by?.kind === 'staff' ? by.storeIds : []);

const PERMISSION_TEXT: Record<CardPermission, string> = {
  'card.refund': 'refund card payments or recharges',
  'card.invoice': 'issue invoices',
  'card.cash_back': 'cash back event-card recharges',
  'card.records': 'see card records',
};

/** The permission table (domain/permissions.ts), enforced: forbidden when the caller's role lacks it. */
export function requirePermission(by: Principal, permission: CardPermission): Result<void, 'forbidden'> {
  if (roleMay(by.role, permission)) return ok(undefined);
  return fail(ErrorCode.forbidden, `permission denied: a ${by.role} may not ${PERMISSION_TEXT[permission]}`, { permission });
}

/** The store rule (domain/permissions.ts), enforced for a card product's stores. */
export function requireCardStores(productStoreIds: readonly number[], by: Principal | null): Result<void, 'forbidden'> {
  if (storesOverlap(staffStoresOf(by), (productStoreIds ?? []).map(Number))) return ok(undefined);
  return fail(ErrorCode.forbidden, 'this card is not used in any of your stores', { storeIds: productStoreIds });
}

/** The store an operation happens in: the one named (if the staff member works there), else the staff member's first. */
export async function storeFor(
  q: Queryable,
  tenantId: number,
  by: Principal | null,
  storeId?: number | null,
): Promise<Result<number | null, 'not_found' | 'forbidden'>> {
  if (storeId != null) {
    if (!(await storeExists(q, tenantId, storeId))) return fail(ErrorCode.not_found, 'store not found', { field: 'storeId' });
    if (by?.kind === 'staff' && by.storeIds.length > 0 && !by.storeIds.includes(storeId))
      return fail(ErrorCode.forbidden, 'you do not work in this store');
    return ok(storeId);
  }
  if (by?.kind === 'staff' && by.storeIds.length > 0) return ok(by.storeIds[0]!);
  return ok(null);
}

/**
 * Locks the card (repo lockCard) and, with `by`, refuses a card whose product
 * is not used in any of the caller's stores.
 */
export async function lockCardFor(
  q: Queryable,
  tenantId: number,
  ref: CardRef,
  by?: Principal | null,
): Promise<Result<LockedCard, 'not_found' | 'forbidden'>> {
  const card = await lockCard(q, tenantId, ref);
  if (!card) {
    if ('phone' in ref && !(await phoneExists(q, tenantId, ref.phone)))
      return fail(ErrorCode.not_found, `no user with phone ${ref.phone}`, { what: 'user' });
    return fail(ErrorCode.not_found, 'this user has no such card: open it first', { what: 'card' });
  }
  if (by !== undefined) {
    const s = requireCardStores(card.storeIds, by);
    if (!s.ok) return s;
  }
  return ok(card);
}
