// A seller's write-offs: reads of the coupons context's redemptions,
// redemption_items, coupons and coupon_templates (the write-off itself is
// the coupon core's, called through coupons/index.ts).
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { WriteOffRecord } from '../domain/seller.ts';

/** A coupon of the tenant about to be written off: who holds it, the active seller the holder is bound to, where it may be used. */
export interface WriteOffTarget {
  id: number;
  ownerId: number | null;
  storeIds: number[];
  /** The active seller the holder is bound to (null: bound to nobody, or to a seller since disabled). */
  boundSeller: number | null;
}

export async function couponForWriteOff(q: Queryable, tenantId: number, code: string): Promise<WriteOffTarget | null> {
  const c = await q.query<RowOf<'coupons', 'id' | 'owner_id'> & RowOf<'coupon_templates', 'store_ids'> & { bound_seller: number | null }>(
    `SELECT c.id, c.owner_id, t.store_ids,
       (SELECT b.id FROM users u JOIN staff b ON b.id = u.seller_id AND b.tenant_id = u.tenant_id
         WHERE u.tenant_id = c.tenant_id AND u.id = c.owner_id AND b.role = 'seller' AND NOT b.disabled) AS bound_seller
     FROM coupons c JOIN coupon_templates t ON t.id = c.template_id AND t.tenant_id = c.tenant_id WHERE c.tenant_id = $1 AND c.code = $2`,
    [tenantId, code],
  );
  const row = c.rows[0];
  return row ? { id: row.id, ownerId: row.owner_id, storeIds: (row.store_ids ?? []).map(Number), boundSeller: row.bound_seller } : null;
}

type WriteOffRow = RowOf<'redemptions', 'id' | 'created_at' | 'store_id'> &
  RowOf<'redemption_items', 'discount'> &
  RowOf<'coupons', 'code'> &
  RowOf<'coupon_templates', 'name' | 'description' | 'stock' | 'issued' | 'amount_off'> & {
    c_id: number;
    c_created: Date;
    c_from: Date | null;
    c_to: Date | null;
    t_id: number;
    discount_type: 'amount' | 'rate';
    t_from: Date | null;
    t_to: Date | null;
    total: number;
  };

export interface WriteOffFilter {
  code?: string | null;
  redemptionId?: number;
  limit: number;
  offset: number;
}

const toRecord = (x: WriteOffRow, at: Date): Omit<WriteOffRecord, 'seller'> => ({
  id: x.id,
  date: x.created_at,
  storeId: x.store_id,
  discount: x.discount,
  coupon: {
    id: x.c_id,
    code: x.code,
    createdAt: x.c_created,
    validFrom: x.c_from,
    validTo: x.c_to,
    expired: x.c_to !== null && x.c_to < at,
  },
  template: {
    id: x.t_id,
    name: x.name,
    description: x.description,
    stock: x.stock,
    issued: x.issued,
    discountType: x.discount_type,
    amountOff: x.amount_off,
    validFrom: x.t_from,
    validTo: x.t_to,
  },
});

/** A page of the completed write-offs a seller did, newest first; `at` decides which coupons count as expired. */
export async function writeOffsBy(
  q: Queryable,
  tenantId: number,
  sellerId: number,
  f: WriteOffFilter,
  at: Date,
): Promise<{ items: Omit<WriteOffRecord, 'seller'>[]; total: number }> {
  const code = f.code?.trim() || null;
  const r = await q.query<WriteOffRow>(
    `SELECT r.id, r.created_at, r.store_id, ri.discount,
       c.id AS c_id, c.code, c.created_at AS c_created, c.valid_from AS c_from, c.valid_to AS c_to,
       t.id AS t_id, t.name, t.description, t.stock, t.issued, t.discount_type, t.amount_off, t.valid_from AS t_from, t.valid_to AS t_to,
       count(*) OVER ()::int AS total
     FROM redemptions r
     JOIN redemption_items ri ON ri.redemption_id = r.id
     JOIN coupons c ON c.id = ri.coupon_id
     JOIN coupon_templates t ON t.id = c.template_id
     WHERE r.tenant_id = $1 AND r.staff_id = $2 AND r.kind = 'write_off' AND r.status = 'done'
       AND ($3::text IS NULL OR c.code = $3) AND ($4::bigint IS NULL OR r.id = $4)
     ORDER BY r.id DESC LIMIT $5 OFFSET $6`,
    [tenantId, sellerId, code, f.redemptionId ?? null, f.limit, f.offset],
  );
  let total = r.rows[0]?.total ?? 0;
  if (!r.rows.length && f.offset > 0) {
    // Past the last page the window count has no row to ride on: count on its own.
    const c = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM redemptions r
       JOIN redemption_items ri ON ri.redemption_id = r.id
       JOIN coupons c ON c.id = ri.coupon_id
       WHERE r.tenant_id = $1 AND r.staff_id = $2 AND r.kind = 'write_off' AND r.status = 'done'
         AND ($3::text IS NULL OR c.code = $3) AND ($4::bigint IS NULL OR r.id = $4)`,
      [tenantId, sellerId, code, f.redemptionId ?? null],
    );
    total = c.rows[0]!.n;
  }
  return { total, items: r.rows.map((x) => toRecord(x, at)) };
}
