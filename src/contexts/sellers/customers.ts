// A seller's customers: the consumers bound to it (users.seller_id), and for
// the merchant's default seller also every consumer bound to no active
// seller. Staff may assign a consumer to a seller or back to the default.
import type { Deps, Principal } from '../../kernel/deps.ts';
import { fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { AssignFailure } from './errors.ts';
import type { Customer } from './domain/seller.ts';
import { assignSellerIn } from '../identity/index.ts';
import { customersOf, ownerOf, unownedCustomer } from './repo/customers.repo.ts';
import { loadSeller } from './repo/sellers.repo.ts';

/** A seller's customers, oldest first (only `userId` when given). */
export async function customers(
  deps: Deps,
  tenantId: number,
  sellerId: number,
  page: { limit: number; offset: number },
  userId: number | null = null,
): Promise<{ items: Customer[]; total: number }> {
  const seller = await loadSeller(deps.db, tenantId, sellerId);
  if (!seller) return { items: [], total: 0 };
  return customersOf(deps.db, tenantId, seller, page, userId);
}

/** One consumer as a customer, with the seller that owns it. */
export async function customerOf(deps: Deps, tenantId: number, userId: number): Promise<Customer | null> {
  const owner = await ownerOf(deps.db, tenantId, userId);
  if (owner === undefined) return null;
  if (owner === null) return unownedCustomer(deps.db, tenantId, userId);
  const page = await customers(deps, tenantId, owner, { limit: 1, offset: 0 }, userId);
  return page.items[0] ?? null;
}

/** Staff assignment: bind a consumer to a seller, or (sellerId null) back to the default seller. */
export async function assign(
  deps: Deps,
  tenantId: number,
  userId: number,
  sellerId: number | null,
  by: Principal,
  channel?: string | null,
): Promise<Result<Customer, AssignFailure>> {
  const r = await deps.db.txResult(async (q): Promise<Result<number, AssignFailure>> => {
    if (sellerId !== null) {
      const s = await loadSeller(q, tenantId, sellerId);
      if (!s) return fail('invalid_input', 'sellerId: no such seller (a staff member with role seller)', { field: 'sellerId' });
      if (s.disabled) return fail('invalid_input', 'sellerId: this seller is disabled', { field: 'sellerId' });
    }
    if (!(await assignSellerIn(q, tenantId, userId, sellerId, sellerId === null ? null : (channel ?? 'assigned'))))
      return fail('not_found', 'user not found');
    await audit(q, tenantId, by, {
      action: 'seller.assign',
      targetType: 'user',
      targetId: userId,
      details: { sellerId, channel: channel ?? null },
    });
    return ok(userId);
  });
  if (!r.ok) return r;
  const c = await customerOf(deps, tenantId, userId);
  return c ? ok(c) : fail('not_found', 'user not found');
}

export function customerUseCases(deps: Deps) {
  return {
    customers: (tenantId: number, sellerId: number, page: { limit: number; offset: number }, userId: number | null = null) =>
      customers(deps, tenantId, sellerId, page, userId),
    customerOf: (tenantId: number, userId: number) => customerOf(deps, tenantId, userId),
    assign: (tenantId: number, userId: number, sellerId: number | null, by: Principal, channel?: string | null) =>
      assign(deps, tenantId, userId, sellerId, by, channel),
  };
}
