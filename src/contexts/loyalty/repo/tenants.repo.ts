// Reads identity's tenants table for the one fact loyalty needs: the zone
// whose calendar days sign-ins and date filters follow.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';

/** The tenant's time zone, or null when there is no such tenant. */
export async function tenantZone(q: Queryable, tenantId: number): Promise<string | null> {
  const r = await q.query<RowOf<'tenants', 'timezone'>>('SELECT timezone FROM tenants WHERE id = $1', [tenantId]);
  return r.rows[0]?.timezone ?? null;
}
