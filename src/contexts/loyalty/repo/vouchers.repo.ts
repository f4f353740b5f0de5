// Points vouchers (points_vouchers): a number is marked used by one conditional
// update, so it redeems at most once.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';

export async function insertVouchers(
  q: Queryable,
  tenantId: number,
  numbers: string[],
  score: number,
  expiresAt: Date | null,
): Promise<void> {
  await q.query(`INSERT INTO points_vouchers (tenant_id, number, score, expires_at) SELECT $1, n, $3, $4 FROM unnest($2::text[]) AS n`, [
    tenantId,
    numbers,
    score,
    expiresAt,
  ]);
}

/** Marks an unused, unexpired voucher used by the user; its id and points, or null when none was taken. */
export async function takeVoucher(
  q: Queryable,
  tenantId: number,
  number: string,
  userId: number,
  at: Date,
): Promise<{ id: number; score: number } | null> {
  const r = await q.query<RowOf<'points_vouchers', 'id' | 'score'>>(
    `UPDATE points_vouchers SET used_by = $3, used_at = $4
             WHERE tenant_id = $1 AND number = $2 AND used_by IS NULL AND (expires_at IS NULL OR expires_at > $4) RETURNING id, score`,
    [tenantId, number, userId, at],
  );
  return r.rows[0] ?? null;
}

export async function voucherByNumber(
  q: Queryable,
  tenantId: number,
  number: string,
): Promise<{ usedBy: number | null; expiresAt: Date | null } | null> {
  const v = await q.query<RowOf<'points_vouchers', 'used_by' | 'expires_at'>>(
    'SELECT used_by, expires_at FROM points_vouchers WHERE tenant_id = $1 AND number = $2',
    [tenantId, number],
  );
  const row = v.rows[0];
  return row ? { usedBy: row.used_by, expiresAt: row.expires_at } : null;
}
