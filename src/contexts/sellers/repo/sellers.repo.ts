// seller_profiles (this context's table) joined to identity's staff (read):
// a seller is a staff member with role `seller`, its profile optional.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { Seller, SellerProfile } from '../domain/seller.ts';

type SellerRow = RowOf<'staff', 'id' | 'username' | 'name' | 'phone' | 'store_ids' | 'disabled'> &
  Partial<RowOf<'seller_profiles', 'wechat' | 'pic' | 'intro' | 'referral_code' | 'user_id'>> & { is_default: boolean | null };

const SELLER_SELECT = `SELECT s.id, s.username, s.name, s.phone, s.store_ids, s.disabled,
  sp.wechat, sp.pic, sp.intro, sp.referral_code, sp.user_id, sp.is_default
  FROM staff s LEFT JOIN seller_profiles sp ON sp.staff_id = s.id`;

const toSeller = (r: SellerRow): Seller => ({
  id: r.id,
  account: r.username,
  name: r.name,
  phone: r.phone,
  wechat: r.wechat ?? null,
  pic: r.pic ?? null,
  intro: r.intro ?? null,
  referralCode: r.referral_code ?? null,
  userId: r.user_id ?? null,
  isDefault: r.is_default ?? false,
  storeIds: (r.store_ids ?? []).map(Number),
  disabled: r.disabled,
});

export async function loadSeller(q: Queryable, tenantId: number, staffId: number): Promise<Seller | null> {
  const r = await q.query<SellerRow>(`${SELLER_SELECT} WHERE s.tenant_id = $1 AND s.id = $2 AND s.role = 'seller'`, [tenantId, staffId]);
  return r.rows[0] ? toSeller(r.rows[0]) : null;
}

export async function listSellers(q: Queryable, tenantId: number): Promise<Seller[]> {
  const r = await q.query<SellerRow>(`${SELLER_SELECT} WHERE s.tenant_id = $1 AND s.role = 'seller' ORDER BY s.id`, [tenantId]);
  return r.rows.map(toSeller);
}

/** The active seller behind a referral code, or null. */
export async function sellerIdByReferral(q: Queryable, tenantId: number, referralCode: string): Promise<number | null> {
  const s = await q.query<RowOf<'seller_profiles', 'staff_id'>>(
    `SELECT sp.staff_id FROM seller_profiles sp JOIN staff s ON s.id = sp.staff_id
     WHERE sp.tenant_id = $1 AND upper(sp.referral_code) = upper($2) AND s.role = 'seller' AND NOT s.disabled`,
    [tenantId, referralCode.trim()],
  );
  return s.rows[0]?.staff_id ?? null;
}

/** The active seller whose own consumer account is `userId` (seller_profiles.user_id), or null. */
export async function sellerIdByAccount(q: Queryable, tenantId: number, userId: number): Promise<number | null> {
  const s = await q.query<RowOf<'seller_profiles', 'staff_id'>>(
    `SELECT sp.staff_id FROM seller_profiles sp JOIN staff s ON s.id = sp.staff_id
     WHERE sp.tenant_id = $1 AND sp.user_id = $2 AND s.role = 'seller' AND NOT s.disabled`,
    [tenantId, userId],
  );
  return s.rows[0]?.staff_id ?? null;
}

/** Writes a seller's profile; a default seller first takes the flag from any other. */
export async function saveSellerProfile(q: Queryable, tenantId: number, staffId: number, p: SellerProfile): Promise<void> {
  if (p.isDefault)
    await q.query('UPDATE seller_profiles SET is_default = false WHERE tenant_id = $1 AND is_default AND staff_id <> $2', [
      tenantId,
      staffId,
    ]);
  await q.query(
    `INSERT INTO seller_profiles (staff_id, tenant_id, wechat, pic, intro, referral_code, user_id, is_default)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (staff_id, tenant_id) DO UPDATE SET wechat = $3, pic = $4, intro = $5, referral_code = $6, user_id = $7, is_default = $8, updated_at = now()`,
    [staffId, tenantId, p.wechat, p.pic, p.intro, p.referralCode, p.userId, p.isDefault],
  );
}

/** Whether the tenant has this consumer (a read of identity's users). */
export async function userExists(q: Queryable, tenantId: number, userId: number): Promise<boolean> {
  const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
  return !!u.rowCount;
}

/** The merchant's store ids in order (a read of identity's stores). */
export async function storeIdsOf(q: Queryable, tenantId: number): Promise<number[]> {
  return (await q.query<RowOf<'stores', 'id'>>('SELECT id FROM stores WHERE tenant_id = $1 ORDER BY id', [tenantId])).rows.map((s) => s.id);
}
