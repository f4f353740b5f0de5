// The coupons-table flips of using coupons: issued → used for an order's
// redemption or a cashier's write-off, and used → issued when a redemption is
// rolled back. Each flip is one conditional write that also writes, only if it
// flipped, the redemption item and the coupon's history: of any number of
// concurrent attempts exactly one finds the coupon issued (or used).
import type { Fen } from '../../../kernel/money.ts';
import type { Queryable } from '../../../db/store.ts';
import { COUPON_COLUMNS, toCoupon, type Coupon, type CouponRow } from '../coupons.ts';

export interface CouponUse {
  tenantId: number;
  couponId: number;
  at: Date;
  storeId: number | null;
  staffId: number | null;
  discount: Fen;
}

/** Flips one issued, owned, in-date coupon to used under an order's redemption; false when it was not. */
export async function redeemCoupon(q: Queryable, u: CouponUse & { redemptionId: number; orderRef: string }): Promise<boolean> {
  const r = await q.query<{ n: number }>(
    `WITH c AS (UPDATE coupons SET status = 'used', used_at = $2, redemption_id = $3
                WHERE tenant_id = $5 AND id = $1 AND status = 'issued' AND owner_id IS NOT NULL AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2)
                RETURNING id),
          i AS (INSERT INTO redemption_items (tenant_id, redemption_id, coupon_id, discount) SELECT $5, $3, c.id, $4 FROM c),
          e AS (INSERT INTO coupon_events (tenant_id, coupon_id, kind, redemption_id, store_id, staff_id, details)
                SELECT $5, c.id, 'redeemed', $3, $6, $7, $8::jsonb FROM c)
     SELECT count(*)::int AS n FROM c`,
    [
      u.couponId,
      u.at,
      u.redemptionId,
      u.discount,
      u.tenantId,
      u.storeId,
      u.staffId,
      JSON.stringify({ orderRef: u.orderRef, discount: u.discount }),
    ],
  );
  return r.rows[0]?.n === 1;
}

export interface WrittenOff {
  redemptionId: number;
  createdAt: Date;
  coupon: Coupon;
}

/**
 * A cashier's write-off in one statement: flips the coupon from issued to used
 * and, only if it did, writes the redemption, its item and the history. null
 * when the coupon was no longer issued and in date.
 */
export async function writeOffCoupon(
  q: Queryable,
  u: CouponUse & { orderRef: string | null; amount: Fen | null },
): Promise<WrittenOff | null> {
  const done = await q.query<CouponRow & { rid: number; redeemed_at: Date }>(
    `WITH rid AS (SELECT nextval(pg_get_serial_sequence('redemptions', 'id')) AS id),
     c AS (UPDATE coupons SET status = 'used', used_at = $2, redemption_id = (SELECT id FROM rid)
           WHERE tenant_id = $3 AND id = $1 AND status = 'issued' AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2)
           RETURNING ${COUPON_COLUMNS}),
     r AS (INSERT INTO redemptions (id, tenant_id, kind, order_ref, user_id, store_id, staff_id, subtotal, discount_total, created_at)
           SELECT rid.id, $3, 'write_off', $4, c.owner_id, $5, $6, $7, $8, $2 FROM rid, c RETURNING id, created_at),
     i AS (INSERT INTO redemption_items (tenant_id, redemption_id, coupon_id, discount) SELECT $3, r.id, c.id, $8 FROM r, c),
     e AS (INSERT INTO coupon_events (tenant_id, coupon_id, kind, redemption_id, store_id, staff_id, details)
           SELECT $3, c.id, 'written_off', r.id, $5, $6, $9::jsonb FROM r, c)
     SELECT c.*, r.id AS rid, r.created_at AS redeemed_at FROM c, r`,
    [
      u.couponId,
      u.at,
      u.tenantId,
      u.orderRef,
      u.storeId,
      u.staffId,
      u.amount ?? 0,
      u.discount,
      JSON.stringify({ amount: u.amount, discount: u.discount }),
    ],
  );
  const row = done.rows[0];
  return row ? { redemptionId: row.rid, createdAt: row.redeemed_at, coupon: toCoupon(row, u.at) } : null;
}

/** Gives a rolled-back redemption's used coupons back (used → issued), with their history; the ids given back. */
export async function restoreCoupons(q: Queryable, tenantId: number, redemptionId: number, staffId: number | null): Promise<number[]> {
  const back = await q.query<{ id: number }>(
    `UPDATE coupons SET status = 'issued', used_at = NULL, redemption_id = NULL WHERE tenant_id = $2 AND redemption_id = $1 AND status = 'used' RETURNING id`,
    [redemptionId, tenantId],
  );
  const ids = back.rows.map((x) => x.id);
  if (ids.length) {
    await q.query(
      `INSERT INTO coupon_events (tenant_id, coupon_id, kind, redemption_id, staff_id) SELECT $1, cid, 'rolled_back', $2, $3 FROM unnest($4::bigint[]) AS cid`,
      [tenantId, redemptionId, staffId, ids],
    );
  }
  return ids;
}
