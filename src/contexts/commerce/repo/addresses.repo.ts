// shipping_addresses: the only SQL over consumers' addresses. At most one
// default per user (a partial unique index says so too).
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Address, AddressInput } from '../domain/address.ts';

type AddressRow = Row<'shipping_addresses'>;

const toAddress = (r: AddressRow): Address => ({
  id: r.id,
  userId: r.user_id,
  linkMan: r.link_man,
  mobile: r.mobile,
  provinceId: r.province_id,
  cityId: r.city_id,
  districtId: r.district_id,
  streetId: r.street_id,
  address: r.address,
  code: r.code,
  idcard: r.idcard,
  latitude: r.latitude,
  longitude: r.longitude,
  isDefault: r.is_default,
  status: r.status,
  ext: r.ext as Record<string, unknown> | null,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const values = (input: AddressInput) => [
  input.linkMan.trim(),
  input.mobile.trim(),
  input.provinceId,
  input.cityId,
  input.districtId ?? null,
  input.streetId ?? null,
  input.address.trim(),
  input.code ?? null,
  input.idcard ?? null,
  input.latitude ?? null,
  input.longitude ?? null,
  input.status ?? 0,
  input.ext ? JSON.stringify(input.ext) : null,
];

/** Locks the user's row so concurrent adds count and default correctly; answers how many addresses the user has. */
export async function lockAndCount(q: Queryable, tenantId: number, userId: number): Promise<number> {
  await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, userId]);
  const n = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2', [
    tenantId,
    userId,
  ]);
  return n.rows[0]?.n ?? 0;
}

/** Clears the user's default (all but `except`); run in the transaction that sets the new one. */
export async function clearDefault(q: Queryable, tenantId: number, userId: number, except: number | null): Promise<void> {
  await q.query(
    'UPDATE shipping_addresses SET is_default = false WHERE tenant_id = $1 AND user_id = $2 AND is_default AND ($3::bigint IS NULL OR id <> $3)',
    [tenantId, userId, except],
  );
}

export async function insertAddress(
  q: Queryable,
  tenantId: number,
  userId: number,
  input: AddressInput,
  isDefault: boolean,
): Promise<Address> {
  const r = await q.query<AddressRow>(
    `INSERT INTO shipping_addresses (tenant_id, user_id, link_man, mobile, province_id, city_id, district_id, street_id, address, code, idcard, latitude, longitude, status, ext, is_default)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING *`,
    [tenantId, userId, ...values(input), isDefault],
  );
  return toAddress(r.rows[0]!);
}

/** Rewrites one of the user's addresses; isDefault null keeps the flag. null: no such address. */
export async function updateAddress(
  q: Queryable,
  tenantId: number,
  userId: number,
  id: number,
  input: AddressInput,
): Promise<Address | null> {
  const r = await q.query<AddressRow>(
    `UPDATE shipping_addresses SET link_man = $4, mobile = $5, province_id = $6, city_id = $7, district_id = $8, street_id = $9, address = $10,
       code = $11, idcard = $12, latitude = $13, longitude = $14, status = $15, ext = $16,
       is_default = CASE WHEN $17::boolean IS NULL THEN is_default ELSE $17 END, updated_at = now()
     WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING *`,
    [tenantId, userId, id, ...values(input), input.isDefault ?? null],
  );
  return r.rows[0] ? toAddress(r.rows[0]) : null;
}

export async function deleteAddress(q: Queryable, tenantId: number, userId: number, id: number): Promise<boolean> {
  const r = await q.query('DELETE FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2 AND id = $3', [tenantId, userId, id]);
  return r.rowCount > 0;
}

export async function listAddresses(
  q: Queryable,
  tenantId: number,
  userId: number,
  f: { nameLike?: string | null; mobileLike?: string | null; limit: number; offset: number },
): Promise<{ items: Address[]; total: number }> {
  const r = await q.query<AddressRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2
       AND ($3::text IS NULL OR link_man ILIKE '%' || $3 || '%') AND ($4::text IS NULL OR mobile LIKE '%' || $4 || '%')
     ORDER BY is_default DESC, id DESC LIMIT $5 OFFSET $6`,
    [tenantId, userId, f.nameLike || null, f.mobileLike || null, f.limit, f.offset],
  );
  return { items: r.rows.map(toAddress), total: r.rows[0]?.total ?? 0 };
}

export async function findAddress(q: Queryable, tenantId: number, userId: number, id: number): Promise<Address | null> {
  const r = await q.query<AddressRow>('SELECT * FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2 AND id = $3', [
    tenantId,
    userId,
    id,
  ]);
  return r.rows[0] ? toAddress(r.rows[0]) : null;
}

export async function findDefault(q: Queryable, tenantId: number, userId: number): Promise<Address | null> {
  const r = await q.query<AddressRow>('SELECT * FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2 AND is_default', [
    tenantId,
    userId,
  ]);
  return r.rows[0] ? toAddress(r.rows[0]) : null;
}
