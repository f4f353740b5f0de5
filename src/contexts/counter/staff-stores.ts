// The stores a staff member works in, scoped and paged in SQL.
import type { Deps, Principal } from '../../kernel/deps.ts';
import { storePage, type CounterStore } from './repo/counter.repo.ts';

/** The stores a caller is bound to (none: every store). */
export const staffStoresOf = (by: Principal | null) => (by?.kind === 'staff' ? by.storeIds : []);

export function staffStoreUseCases(deps: Deps) {
  /** The merchant's stores, only the staff member's own when they are bound to stores; one page, by id. */
  const staffStores = (
    tenantId: number,
    by: Principal,
    page: { limit: number; offset: number },
  ): Promise<{ items: CounterStore[]; total: number }> => storePage(deps.db, tenantId, staffStoresOf(by), page.limit, page.offset);

  return { staffStores };
}
