// What a tenant holds of value, as one comparable snapshot: a digest of every
// row of each table that records money, points, stock or coupons (and the
// consumers' balances), so a test can tell whether a call moved anything.
// Read with plain SQL in the test (the store is the test's own).
import type { Db } from '../../../src/db/store.ts';

/** Tables whose rows are money, points, stock or coupons (all carry tenant_id). */
export const VALUE_TABLES = [
  'coupons',
  'coupon_templates',
  'coupon_events',
  'redemptions',
  'promo_codes',
  'orders',
  'order_lines',
  'order_refunds',
  'goods',
  'goods_skus',
  'points_ledger',
  'wallet_ledger',
  'pay_bills',
  'points_vouchers',
  'sign_ins',
  'user_cards',
  'card_ledger',
  'card_buckets',
  'card_invoices',
  'card_uploads',
] as const;

export type Snapshot = Record<string, string>;

/** Per table "rows:digest" for the tenant, plus the consumers' points and wallet balances (a new consumer holds none). */
export async function valueSnapshot(db: Db, tenantId: number, tables: readonly string[] = VALUE_TABLES): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const t of tables) {
    const r = await db.query<{ n: number; d: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS d FROM ${t} x WHERE x.tenant_id = $1`,
      [tenantId],
    );
    out[t] = `${r.rows[0]!.n}:${r.rows[0]!.d ?? '-'}`;
  }
  const b = await db.query<{ d: string | null }>(
    `SELECT md5(string_agg(id || ':' || points || ':' || wallet_balance, '|' ORDER BY id)) AS d FROM users WHERE tenant_id = $1 AND (points <> 0 OR wallet_balance <> 0)`,
    [tenantId],
  );
  out['users.balances'] = b.rows[0]!.d ?? '-';
  return out;
}

/** The tables whose snapshot differs. */
export function changedIn(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(after).filter((k) => before[k] !== after[k]);
}
