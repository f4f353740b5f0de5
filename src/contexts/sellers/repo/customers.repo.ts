// A seller's customers are identity's users (read here) with users.seller_id
// naming the seller they are bound to; a consumer bound to no active seller
// belongs to the merchant's default seller. The two writes of users.seller_id
// are identity's table: marked FOREIGN WRITE until identity exports them.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import { FREQUENTER_REDEMPTIONS, type Customer, type Seller } from '../domain/seller.ts';

/** The active seller that owns user `u` (SQL expression over alias u). */
export const OWNER_SQL = `COALESCE(
  (SELECT b.id FROM staff b WHERE b.id = u.seller_id AND b.tenant_id = u.tenant_id AND b.role = 'seller' AND NOT b.disabled),
  (SELECT sp.staff_id FROM seller_profiles sp JOIN staff d ON d.id = sp.staff_id
    WHERE sp.tenant_id = u.tenant_id AND sp.is_default AND d.role = 'seller' AND NOT d.disabled))`;

type CustomerRow = RowOf<'users', 'id' | 'uid' | 'mobile' | 'nick' | 'seller_channel' | 'seller_bound_at' | 'created_at'> & {
  bound: boolean;
  is_seller: boolean;
  done: number;
  total: number;
};

/** The SQL condition "u belongs to `seller`" ($2 is the seller's id). */
const ownsSql = (seller: Seller) =>
  // An active, non-default seller owns exactly its bound consumers (indexed); the default seller also the rest.
  seller.isDefault || seller.disabled ? `${OWNER_SQL} = $2` : 'u.seller_id = $2';

const toCustomer = (seller: Seller, c: CustomerRow): Customer => ({
  id: c.id,
  uid: c.uid,
  phone: c.mobile,
  nick: c.nick,
  seller,
  bound: !!c.bound,
  isSeller: c.is_seller,
  frequenter: c.done >= FREQUENTER_REDEMPTIONS,
  channel: c.bound ? c.seller_channel : null,
  boundAt: c.bound ? c.seller_bound_at : null,
  createdAt: c.created_at,
});

/** A page of `seller`'s customers, oldest first (only `userId` when given). */
export async function customersOf(
  q: Queryable,
  tenantId: number,
  seller: Seller,
  page: { limit: number; offset: number },
  userId: number | null,
): Promise<{ items: Customer[]; total: number }> {
  const owns = ownsSql(seller);
  const r = await q.query<CustomerRow>(
    `SELECT u.id, u.uid, u.mobile, u.nick, u.seller_channel, u.seller_bound_at, u.created_at,
       (u.seller_id = $2) AS bound,
       EXISTS (SELECT 1 FROM seller_profiles x WHERE x.tenant_id = u.tenant_id AND x.user_id = u.id) AS is_seller,
       (SELECT count(*)::int FROM (SELECT 1 FROM redemptions r WHERE r.tenant_id = u.tenant_id AND r.user_id = u.id AND r.status = 'done' LIMIT $5) k) AS done,
       count(*) OVER ()::int AS total
     FROM users u
     WHERE u.tenant_id = $1 AND ($6::bigint IS NULL OR u.id = $6) AND ${owns}
     ORDER BY u.id LIMIT $3 OFFSET $4`,
    [tenantId, seller.id, page.limit, page.offset, FREQUENTER_REDEMPTIONS, userId],
  );
  let total = r.rows[0]?.total ?? 0;
  if (!r.rows.length && page.offset > 0) {
    const c = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM users u WHERE u.tenant_id = $1 AND ($3::bigint IS NULL OR u.id = $3) AND ${owns}`,
      [tenantId, seller.id, userId],
    );
    total = c.rows[0]!.n;
  }
  return { total, items: r.rows.map((c) => toCustomer(seller, c)) };
}

/** The active seller that owns the consumer (null: none, or no default seller); undefined: no such consumer. */
export async function ownerOf(q: Queryable, tenantId: number, userId: number): Promise<number | null | undefined> {
  const r = await q.query<{ owner: number | null }>(`SELECT ${OWNER_SQL} AS owner FROM users u WHERE u.tenant_id = $1 AND u.id = $2`, [
    tenantId,
    userId,
  ]);
  return r.rows[0] ? r.rows[0].owner : undefined;
}

/** A consumer no seller owns, as a customer of nobody. */
export async function unownedCustomer(q: Queryable, tenantId: number, userId: number): Promise<Customer | null> {
  const u = await q.query<RowOf<'users', 'id' | 'uid' | 'mobile' | 'nick' | 'created_at'>>(
    'SELECT id, uid, mobile, nick, created_at FROM users WHERE tenant_id = $1 AND id = $2',
    [tenantId, userId],
  );
  const x = u.rows[0];
  if (!x) return null;
  return {
    id: x.id,
    uid: x.uid,
    phone: x.mobile,
    nick: x.nick,
    seller: null,
    bound: false,
    isSeller: false,
    frequenter: false,
    channel: null,
    boundAt: null,
    createdAt: x.created_at,
  };
}
