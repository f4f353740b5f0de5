// The staff member linked to a consumer account (reads users and staff).
import type { Queryable } from '../../../db/store.ts';

/** The staff member a consumer account acts for (users.seller_id), if enabled and of the same tenant. */
export async function sellerStaffOf(
  q: Queryable,
  tenantId: number,
  userId: number,
): Promise<{ id: number; role: string; username: string; storeIds: number[] } | null> {
  const r = await q.query<{ id: number; role: string; username: string; store_ids: number[] | null }>(
    `SELECT s.id, s.role, s.username, s.store_ids FROM users u JOIN staff s ON s.id = u.seller_id
     WHERE u.tenant_id = $1 AND u.id = $2 AND NOT s.disabled AND s.tenant_id = $1`,
    [tenantId, userId],
  );
  const s = r.rows[0];
  return s ? { id: s.id, role: s.role, username: s.username, storeIds: (s.store_ids ?? []).map(Number) } : null;
}
