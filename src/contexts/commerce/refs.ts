// The catalogue as other contexts see it when they store a reference to it
// (a coupon template scoped to goods or categories): inside the caller's
// transaction, the ids that are not this tenant's.
import type { Queryable } from '../../db/store.ts';
import { missingIds } from './repo/refs.repo.ts';

export type CatalogueKind = 'goods' | 'categories';

/** The ids among `ids` that name none of the tenant's goods (or categories); [] when all are its own. */
export function missingCatalogueIn(q: Queryable, tenantId: number, kind: CatalogueKind, ids: number[]): Promise<number[]> {
  return missingIds(q, kind, tenantId, ids);
}

export type MissingCatalogueIn = typeof missingCatalogueIn;
