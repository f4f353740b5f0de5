// What the counter reads of other contexts' tables: coupons and their
// templates (coupons) and the merchant's stores (identity). Reads only; every
// write goes through the coupons context's public functions.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { CouponNumber } from '../domain/coupon-number.ts';

export interface CounterStore {
  id: number;
  name: string;
  address: string | null;
  area: string | null;
  phone: string | null;
  linkman: string | null;
  createdAt: Date;
  updatedAt: Date;
}

type StoreRow = Pick<Row<'stores'>, 'id' | 'name' | 'address' | 'area' | 'phone' | 'linkman' | 'created_at' | 'updated_at'>;
const toStore = (s: StoreRow): CounterStore => ({
  id: s.id,
  name: s.name,
  address: s.address,
  area: s.area,
  phone: s.phone,
  linkman: s.linkman,
  createdAt: s.created_at,
  updatedAt: s.updated_at,
});

/** A coupon's code from its code or its numeric id. */
export async function couponCodeOf(q: Queryable, tenantId: number, n: CouponNumber): Promise<string | null> {
  const r = await q.query<{ code: string }>(
    `SELECT code FROM coupons WHERE tenant_id = $1 AND (code = $2 OR ($3::bigint IS NOT NULL AND id = $3)) ORDER BY (code = $2) DESC LIMIT 1`,
    [tenantId, n.code, n.id],
  );
  return r.rows[0]?.code ?? null;
}

/** The stores a coupon's template is valid in ([] = all); null when there is no such coupon. */
export async function couponStoreIds(q: Queryable, tenantId: number, code: string): Promise<number[] | null> {
  const c = await q.query<Pick<Row<'coupon_templates'>, 'store_ids'>>(
    'SELECT t.store_ids FROM coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.tenant_id = $1 AND c.code = $2',
    [tenantId, code],
  );
  return c.rows[0] ? (c.rows[0].store_ids ?? []).map(Number) : null;
}

/** The stores a template is valid in ([] = all); null when there is no such template. */
export async function templateStoreIds(q: Queryable, tenantId: number, templateId: number): Promise<number[] | null> {
  const t = await q.query<Pick<Row<'coupon_templates'>, 'store_ids'>>(
    'SELECT store_ids FROM coupon_templates WHERE tenant_id = $1 AND id = $2',
    [tenantId, templateId],
  );
  return t.rows[0] ? (t.rows[0].store_ids ?? []).map(Number) : null;
}

/** How many of a holder's coupons of a template are usable at `at` (issued and within their validity). */
export async function usableCount(q: Queryable, tenantId: number, ownerId: number, templateId: number, at: Date): Promise<number> {
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM coupons WHERE tenant_id = $1 AND owner_id = $2 AND template_id = $3
       AND status = 'issued' AND (valid_from IS NULL OR valid_from <= $4) AND (valid_to IS NULL OR valid_to >= $4)`,
    [tenantId, ownerId, templateId, at],
  );
  return r.rows[0]!.n;
}

export async function phoneExists(q: Queryable, tenantId: number, phone: string): Promise<boolean> {
  const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND mobile = $2', [tenantId, phone]);
  return u.rowCount > 0;
}

// ------------------------------------------------------------ identity's stores (reads)

export async function firstStoreId(q: Queryable, tenantId: number): Promise<number | null> {
  const first = await q.query<{ id: number }>('SELECT id FROM stores WHERE tenant_id = $1 ORDER BY id LIMIT 1', [tenantId]);
  return first.rows[0]?.id ?? null;
}

/** The stores among `ids` ([] = every store of the merchant), by id. */
export async function storesIn(q: Queryable, tenantId: number, ids: readonly number[]): Promise<CounterStore[]> {
  const r = await q.query<StoreRow>(
    `SELECT id, name, address, area, phone, linkman, created_at, updated_at FROM stores
     WHERE tenant_id = $1 AND (cardinality($2::bigint[]) = 0 OR id = ANY($2::bigint[])) ORDER BY id`,
    [tenantId, ids],
  );
  return r.rows.map(toStore);
}

/** One page of the stores among `ids` ([] = every store), by id, and how many there are in all. */
export async function storePage(
  q: Queryable,
  tenantId: number,
  ids: readonly number[],
  limit: number,
  offset: number,
): Promise<{ items: CounterStore[]; total: number }> {
  const where = 'tenant_id = $1 AND (cardinality($2::bigint[]) = 0 OR id = ANY($2::bigint[]))';
  const total = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM stores WHERE ${where}`, [tenantId, ids]);
  const r = await q.query<StoreRow>(
    `SELECT id, name, address, area, phone, linkman, created_at, updated_at FROM stores WHERE ${where} ORDER BY id LIMIT $3 OFFSET $4`,
    [tenantId, ids, limit, offset],
  );
  return { items: r.rows.map(toStore), total: total.rows[0]!.n };
}
