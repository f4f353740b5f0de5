// The stores table: the only file of identity with SQL on it.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Store, StoreInput, StoreOptionalField } from '../domain/store.ts';

const toStore = (r: Row<'stores'>): Store => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  address: r.address,
  area: r.area,
  phone: r.phone,
  linkman: r.linkman,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function insertStore(q: Queryable, tenantId: number, input: StoreInput & { name: string }): Promise<Store> {
  const r = await q.query<Row<'stores'>>(
    `INSERT INTO stores (tenant_id, name, address, area, phone, linkman) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
    [tenantId, input.name, input.address ?? null, input.area ?? null, input.phone ?? null, input.linkman ?? null],
  );
  return toStore(r.rows[0]!);
}

/** The first-start demo store. */
export async function insertDemoStore(q: Queryable, tenantId: number): Promise<void> {
  await q.query(`INSERT INTO stores (tenant_id, name, address) VALUES ($1, 'Demo Store', 'No. 1 Demo Road')`, [tenantId]);
}

/** Locks a store for a change; null when the tenant has no such store. */
export async function lockStore(q: Queryable, tenantId: number, id: number): Promise<Store | null> {
  const r = await q.query<Row<'stores'>>('SELECT * FROM stores WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
  return r.rows[0] ? toStore(r.rows[0]) : null;
}

/**
 * Changes a store: `name` null keeps it; each optional field is undefined
 * (keep) or its new value (null clears); `at` is when (updated_at).
 */
export async function updateStore(
  q: Queryable,
  tenantId: number,
  id: number,
  name: string | null,
  fields: Record<StoreOptionalField, string | null | undefined>,
  at: Date,
): Promise<Store> {
  const vals = [fields.address, fields.area, fields.phone, fields.linkman];
  const r = await q.query<Row<'stores'>>(
    `UPDATE stores SET name = COALESCE($3, name),
             address = CASE WHEN $4 THEN $5 ELSE address END, area = CASE WHEN $6 THEN $7 ELSE area END,
             phone = CASE WHEN $8 THEN $9 ELSE phone END, linkman = CASE WHEN $10 THEN $11 ELSE linkman END,
             updated_at = $12
           WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, name, ...vals.flatMap((v) => [v !== undefined, v ?? null]), at],
  );
  return toStore(r.rows[0]!);
}

export async function listStores(
  q: Queryable,
  tenantId: number,
  opts: { name?: string; limit: number; offset: number },
): Promise<{ items: Store[]; total: number }> {
  const r = await q.query<Row<'stores'> & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM stores
         WHERE tenant_id = $1 AND ($2::text IS NULL OR name ILIKE '%' || $2 || '%')
         ORDER BY id LIMIT $3 OFFSET $4`,
    [tenantId, opts.name ?? null, opts.limit, opts.offset],
  );
  return { items: r.rows.map(toStore), total: r.rows[0]?.total ?? 0 };
}

export async function storeById(q: Queryable, tenantId: number, id: number): Promise<Store | null> {
  const r = await q.query<Row<'stores'>>('SELECT * FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return r.rows[0] ? toStore(r.rows[0]) : null;
}

/** How many of `ids` are stores of this tenant. */
export async function countTenantStores(q: Queryable, tenantId: number, ids: number[]): Promise<number> {
  const found = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM stores WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [
    tenantId,
    ids,
  ]);
  return found.rows[0]!.n;
}
