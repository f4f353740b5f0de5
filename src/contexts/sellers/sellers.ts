// Sellers (sales staff, role `seller`) and their customers. A consumer belongs
// to the seller it is bound to (users.seller_id: by a seller's referral code
// when it registers, or by staff assignment); every consumer not bound to an
// active seller belongs to the merchant's default seller. A seller sees only
// its own customers and write-offs, and writes off only its customers'
// coupons, in its own stores, through the coupon core's write-off.
import crypto from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { RedemptionService } from '../coupons/index.ts';
import { RollbackWith } from '../identity/index.ts';

export interface Seller {
  id: number;
  account: string;
  name: string | null;
  phone: string | null;
  wechat: string | null;
  pic: string | null;
  intro: string | null;
  referralCode: string | null;
  /** The seller's own consumer account (WeChat side), if linked. */
  userId: number | null;
  isDefault: boolean;
  storeIds: number[];
  disabled: boolean;
}

export interface Customer {
  id: number;
  uid: string;
  phone: string | null;
  nick: string | null;
  /** The seller the customer belongs to (its bound seller, else the default seller). */
  seller: Seller | null;
  /** Bound to a seller explicitly (false: owned by the default seller). */
  bound: boolean;
  /** The customer is itself a seller's consumer account. */
  isSeller: boolean;
  /** A regular: at least FREQUENTER_REDEMPTIONS completed redemptions (orders or write-offs). */
  frequenter: boolean;
  channel: string | null;
  boundAt: Date | null;
  createdAt: Date;
}

export interface WriteOffRecord {
  id: number;
  date: Date;
  storeId: number | null;
  discount: number;
  coupon: { id: number; code: string; createdAt: Date; validFrom: Date | null; validTo: Date | null; expired: boolean };
  template: {
    id: number;
    name: string;
    description: string | null;
    stock: number | null;
    issued: number;
    discountType: 'amount' | 'rate';
    amountOff: number | null;
    validFrom: Date | null;
    validTo: Date | null;
  };
  seller: Seller;
}

export interface SellerProfileInput {
  wechat?: string | null;
  pic?: string | null;
  intro?: string | null;
  referralCode?: string | null;
  userId?: number | null;
  isDefault?: boolean;
}

export const FREQUENTER_REDEMPTIONS = 2;

interface SellerRow {
  id: number;
  username: string;
  name: string | null;
  phone: string | null;
  store_ids: number[];
  disabled: boolean;
  wechat: string | null;
  pic: string | null;
  intro: string | null;
  referral_code: string | null;
  user_id: number | null;
  is_default: boolean | null;
}

const SELLER_SELECT = `SELECT s.id, s.username, s.name, s.phone, s.store_ids, s.disabled,
  sp.wechat, sp.pic, sp.intro, sp.referral_code, sp.user_id, sp.is_default
  FROM staff s LEFT JOIN seller_profiles sp ON sp.staff_id = s.id`;

const toSeller = (r: SellerRow): Seller => ({
  id: r.id,
  account: r.username,
  name: r.name,
  phone: r.phone,
  wechat: r.wechat,
  pic: r.pic,
  intro: r.intro,
  referralCode: r.referral_code,
  userId: r.user_id,
  isDefault: r.is_default ?? false,
  storeIds: (r.store_ids ?? []).map(Number),
  disabled: r.disabled,
});

/** The active seller that owns user `u` (SQL expression over alias u). */
const OWNER_SQL = `COALESCE(
  (SELECT b.id FROM staff b WHERE b.id = u.seller_id AND b.tenant_id = u.tenant_id AND b.role = 'seller' AND NOT b.disabled),
  (SELECT sp.staff_id FROM seller_profiles sp JOIN staff d ON d.id = sp.staff_id
    WHERE sp.tenant_id = u.tenant_id AND sp.is_default AND d.role = 'seller' AND NOT d.disabled))`;

const newReferralCode = () => `S${crypto.randomBytes(5).toString('hex').toUpperCase()}`;

/** The active seller behind a referral code, or null. */
export async function sellerByReferral(q: Queryable, tenantId: number, referralCode: string): Promise<number | null> {
  const s = await q.query<{ staff_id: number }>(
    `SELECT sp.staff_id FROM seller_profiles sp JOIN staff s ON s.id = sp.staff_id
     WHERE sp.tenant_id = $1 AND upper(sp.referral_code) = upper($2) AND s.role = 'seller' AND NOT s.disabled`,
    [tenantId, referralCode.trim()],
  );
  return s.rows[0]?.staff_id ?? null;
}

/** The active seller whose own consumer account is `userId` (seller_profiles.user_id), or null. */
export async function sellerByAccount(q: Queryable, tenantId: number, userId: number): Promise<number | null> {
  const s = await q.query<{ staff_id: number }>(
    `SELECT sp.staff_id FROM seller_profiles sp JOIN staff s ON s.id = sp.staff_id
     WHERE sp.tenant_id = $1 AND sp.user_id = $2 AND s.role = 'seller' AND NOT s.disabled`,
    [tenantId, userId],
  );
  return s.rows[0]?.staff_id ?? null;
}

/** Binds an unbound consumer to a seller in one conditional write (first binding wins). */
async function bindIn(q: Queryable, tenantId: number, userId: number, sellerId: number, channel: string): Promise<Result<{ bound: boolean; sellerId: number }>> {
  const u = await q.query(
    `UPDATE users SET seller_id = $3, seller_channel = $4, seller_bound_at = now() WHERE tenant_id = $1 AND id = $2 AND seller_id IS NULL`,
    [tenantId, userId, sellerId, channel],
  );
  if (u.rowCount === 0) {
    const exists = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
    if (!exists.rowCount) return fail(ErrorCode.not_found, 'user not found');
  }
  return ok({ bound: u.rowCount === 1, sellerId });
}

/** Binds an unbound consumer to the seller behind a referral code (first binding wins), inside the caller's transaction. */
export async function bindByReferralIn(q: Queryable, tenantId: number, userId: number, referralCode: string, channel: string | null): Promise<Result<{ bound: boolean; sellerId: number }>> {
  const sellerId = await sellerByReferral(q, tenantId, referralCode);
  if (sellerId === null) return fail(ErrorCode.not_found, `no seller with referral code ${referralCode}`);
  return bindIn(q, tenantId, userId, sellerId, channel ?? 'referral');
}

/**
 * Binds an unbound consumer to the seller whose own consumer account is
 * `referrerUserId` (a seller's share link carries its uid as the referrer);
 * bound false, sellerId null when that account is not a seller's.
 */
export async function bindBySellerAccountIn(
  q: Queryable,
  tenantId: number,
  userId: number,
  referrerUserId: number,
  channel: string | null,
): Promise<Result<{ bound: boolean; sellerId: number | null }>> {
  const sellerId = await sellerByAccount(q, tenantId, referrerUserId);
  if (sellerId === null) return ok({ bound: false, sellerId: null });
  return bindIn(q, tenantId, userId, sellerId, channel ?? 'referrer');
}

export function sellerService(deps: Deps, { redemptions }: { redemptions: RedemptionService }) {
  const now = () => deps.now?.() ?? new Date();

  async function load(q: Queryable, tenantId: number, staffId: number): Promise<Seller | null> {
    const r = await q.query<SellerRow>(`${SELLER_SELECT} WHERE s.tenant_id = $1 AND s.id = $2 AND s.role = 'seller'`, [tenantId, staffId]);
    return r.rows[0] ? toSeller(r.rows[0]) : null;
  }

  const unwrap = async <T>(fn: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RollbackWith) return e.result as Result<T>;
      if (pgErrorCode(e) === PgCode.uniqueViolation) return fail(ErrorCode.conflict, 'this referral code, consumer account or default seller is already taken');
      if (pgErrorCode(e) === PgCode.checkViolation) return fail(ErrorCode.invalid_input, 'referralCode: 3-32 letters, digits, _ or -');
      throw e;
    }
  };

  return {
    /** The seller behind a principal: a staff session of a `seller` of a tenant. */
    async asSeller(p: Principal): Promise<Result<Seller & { tenantId: number }>> {
      if (p.kind !== 'staff' || p.tenantId === null) return fail(ErrorCode.forbidden, 'only a seller of a merchant can do this');
      if (p.role !== 'seller') return fail(ErrorCode.forbidden, `this is a seller's call; you are logged in as ${p.role}`);
      const s = await load(deps.db, p.tenantId, p.staffId);
      if (!s || s.disabled) return fail(ErrorCode.forbidden, 'this seller account is disabled');
      return ok({ ...s, tenantId: p.tenantId });
    },

    get: (tenantId: number, staffId: number) => load(deps.db, tenantId, staffId),

    async list(tenantId: number): Promise<Seller[]> {
      const r = await deps.db.query<SellerRow>(`${SELLER_SELECT} WHERE s.tenant_id = $1 AND s.role = 'seller' ORDER BY s.id`, [tenantId]);
      return r.rows.map(toSeller);
    },

    async saveProfile(tenantId: number, staffId: number, input: SellerProfileInput, by: Principal): Promise<Result<Seller>> {
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const cur = await load(q, tenantId, staffId);
          if (!cur) return fail(ErrorCode.not_found, 'no seller with this id (a staff member with role seller)');
          if (input.userId != null) {
            const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, input.userId]);
            if (!u.rowCount) return fail(ErrorCode.invalid_input, 'userId: no such consumer', { field: 'userId' });
          }
          const pick = <K extends keyof SellerProfileInput>(k: K, fallback: SellerProfileInput[K]) => (input[k] !== undefined ? input[k] : fallback);
          const referral = pick('referralCode', cur.referralCode) ?? newReferralCode();
          const isDefault = pick('isDefault', cur.isDefault) ?? false;
          if (isDefault) await q.query('UPDATE seller_profiles SET is_default = false WHERE tenant_id = $1 AND is_default AND staff_id <> $2', [tenantId, staffId]);
          await q.query(
            `INSERT INTO seller_profiles (staff_id, tenant_id, wechat, pic, intro, referral_code, user_id, is_default)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (staff_id) DO UPDATE SET wechat = $3, pic = $4, intro = $5, referral_code = $6, user_id = $7, is_default = $8, updated_at = now()`,
            [staffId, tenantId, pick('wechat', cur.wechat), pick('pic', cur.pic), pick('intro', cur.intro), referral, pick('userId', cur.userId), isDefault],
          );
          await audit(q, tenantId, by, { action: 'seller.profile', targetType: 'staff', targetId: staffId, details: { fields: Object.keys(input) } });
          return ok((await load(q, tenantId, staffId))!);
        }),
      );
    },

    /** A seller's customers, oldest first. */
    async customers(tenantId: number, sellerId: number, page: { limit: number; offset: number }, userId: number | null = null): Promise<{ items: Customer[]; total: number }> {
      const seller = await load(deps.db, tenantId, sellerId);
      if (!seller) return { items: [], total: 0 };
      // An active, non-default seller owns exactly its bound consumers (indexed); the default seller also the rest.
      const owns = seller.isDefault || seller.disabled ? `${OWNER_SQL} = $2` : 'u.seller_id = $2';
      const r = await deps.db.query<{
        id: number;
        uid: string;
        mobile: string | null;
        nick: string | null;
        bound: boolean;
        seller_channel: string | null;
        seller_bound_at: Date | null;
        created_at: Date;
        is_seller: boolean;
        done: number;
        total: number;
      }>(
        `SELECT u.id, u.uid, u.mobile, u.nick, u.seller_channel, u.seller_bound_at, u.created_at,
           (u.seller_id = $2) AS bound,
           EXISTS (SELECT 1 FROM seller_profiles x WHERE x.tenant_id = u.tenant_id AND x.user_id = u.id) AS is_seller,
           (SELECT count(*)::int FROM (SELECT 1 FROM redemptions r WHERE r.tenant_id = u.tenant_id AND r.user_id = u.id AND r.status = 'done' LIMIT $5) k) AS done,
           count(*) OVER ()::int AS total
         FROM users u
         WHERE u.tenant_id = $1 AND ($6::bigint IS NULL OR u.id = $6) AND ${owns}
         ORDER BY u.id LIMIT $3 OFFSET $4`,
        [tenantId, sellerId, page.limit, page.offset, FREQUENTER_REDEMPTIONS, userId],
      );
      let total = r.rows[0]?.total ?? 0;
      if (!r.rows.length && page.offset > 0) {
        const c = await deps.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM users u WHERE u.tenant_id = $1 AND ($3::bigint IS NULL OR u.id = $3) AND ${owns}`,
          [tenantId, sellerId, userId],
        );
        total = c.rows[0]!.n;
      }
      return {
        total,
        items: r.rows.map((c) => ({
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
        })),
      };
    },

    /** Staff assignment: bind a consumer to a seller, or (sellerId null) back to the default seller. */
    async assign(tenantId: number, userId: number, sellerId: number | null, by: Principal, channel?: string | null): Promise<Result<Customer>> {
      const r = await deps.db.tx(async (q) => {
        if (sellerId !== null) {
          const s = await load(q, tenantId, sellerId);
          if (!s) return fail(ErrorCode.invalid_input, 'sellerId: no such seller (a staff member with role seller)', { field: 'sellerId' });
          if (s.disabled) return fail(ErrorCode.invalid_input, 'sellerId: this seller is disabled', { field: 'sellerId' });
        }
        const u = await q.query<{ id: number }>(
          `UPDATE users SET seller_id = $3, seller_channel = $4, seller_bound_at = CASE WHEN $3::bigint IS NULL THEN NULL ELSE now() END
           WHERE tenant_id = $1 AND id = $2 RETURNING id`,
          [tenantId, userId, sellerId, sellerId === null ? null : (channel ?? 'assigned')],
        );
        if (!u.rows[0]) return fail(ErrorCode.not_found, 'user not found');
        await audit(q, tenantId, by, { action: 'seller.assign', targetType: 'user', targetId: userId, details: { sellerId, channel: channel ?? null } });
        return ok(userId);
      });
      if (!r.ok) return r;
      const c = await this.customerOf(tenantId, userId);
      return c ? ok(c) : fail(ErrorCode.not_found, 'user not found');
    },

    /** Binding at registration through a seller's link or code; an already bound consumer keeps its seller. */
    async bindByReferral(tenantId: number, userId: number, referralCode: string, channel?: string | null): Promise<Result<{ bound: boolean; sellerId: number }>> {
      return deps.db.tx((q) => bindByReferralIn(q, tenantId, userId, referralCode, channel ?? null));
    },

    /** The same inside a caller's transaction (a registration that names a referral code). */
    bindByReferralIn,

    /** One consumer as a customer, with the seller that owns it. */
    async customerOf(tenantId: number, userId: number): Promise<Customer | null> {
      const r = await deps.db.query<{ owner: number | null }>(`SELECT ${OWNER_SQL} AS owner FROM users u WHERE u.tenant_id = $1 AND u.id = $2`, [tenantId, userId]);
      if (!r.rows[0]) return null;
      const owner = r.rows[0].owner;
      if (owner === null) {
        const u = await deps.db.query<{ id: number; uid: string; mobile: string | null; nick: string | null; created_at: Date }>(
          'SELECT id, uid, mobile, nick, created_at FROM users WHERE tenant_id = $1 AND id = $2',
          [tenantId, userId],
        );
        const x = u.rows[0]!;
        return { id: x.id, uid: x.uid, phone: x.mobile, nick: x.nick, seller: null, bound: false, isSeller: false, frequenter: false, channel: null, boundAt: null, createdAt: x.created_at };
      }
      const page = await this.customers(tenantId, owner, { limit: 1, offset: 0 }, userId);
      return page.items[0] ?? null;
    },

    /**
     * A seller writes off a coupon by its code: the coupon must be this
     * merchant's, held by one of the seller's customers, and usable in one of
     * the seller's stores; the core's write-off does the rest atomically.
     */
    async writeOff(p: Principal, code: string, opts: { storeId?: number | null } = {}): Promise<Result<WriteOffRecord>> {
      const me = await this.asSeller(p);
      if (!me.ok) return me;
      const tenantId = me.value.tenantId;
      const text = (code ?? '').trim();
      if (!text) return fail(ErrorCode.invalid_input, 'code is required', { field: 'code' });
      const c = await deps.db.query<{ id: number; owner_id: number | null; store_ids: number[]; owner: number | null }>(
        `SELECT c.id, c.owner_id, t.store_ids, (SELECT ${OWNER_SQL} FROM users u WHERE u.id = c.owner_id) AS owner
         FROM coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.tenant_id = $1 AND c.code = $2`,
        [tenantId, text],
      );
      const row = c.rows[0];
      if (!row) {
        const elsewhere = await deps.db.query('SELECT 1 FROM coupons WHERE code = $1 AND tenant_id <> $2 LIMIT 1', [text, tenantId]);
        if (elsewhere.rowCount) return fail(ErrorCode.forbidden, 'this coupon belongs to another merchant', { reason: 'other_merchant' });
        return fail(ErrorCode.not_found, `no coupon with code ${text}`);
      }
      if (row.owner_id !== null && row.owner !== me.value.id) {
        return fail(ErrorCode.forbidden, "this coupon belongs to another seller's customer", { reason: 'other_seller' });
      }
      let storeId = opts.storeId ?? null;
      if (storeId === null) {
        const mine = me.value.storeIds.length
          ? me.value.storeIds
          : (await deps.db.query<{ id: number }>('SELECT id FROM stores WHERE tenant_id = $1 ORDER BY id', [tenantId])).rows.map((s) => s.id);
        const allowed = (row.store_ids ?? []).map(Number);
        const usable = allowed.length ? mine.filter((s) => allowed.includes(s)) : mine;
        if (!usable.length) {
          return fail(ErrorCode.wrong_store, mine.length ? "this coupon cannot be used in the seller's stores" : 'the merchant has no store to write off in', {
            reason: 'outside_stores',
          });
        }
        storeId = Math.min(...usable);
      }
      const w = await redemptions.writeOff(tenantId, text, { storeId }, p);
      if (!w.ok) {
        if (w.error.code === ErrorCode.forbidden) return fail(ErrorCode.wrong_store, "this store is not one of the seller's stores", { reason: 'outside_stores' });
        return w;
      }
      const rec = await this.writeOffs(tenantId, me.value.id, { redemptionId: w.value.id, limit: 1, offset: 0 });
      return ok(rec.items[0]!);
    },

    /** A seller's write-offs (completed, newest first). */
    async writeOffs(
      tenantId: number,
      sellerId: number,
      f: { code?: string | null; redemptionId?: number; limit: number; offset: number },
    ): Promise<{ items: WriteOffRecord[]; total: number }> {
      const seller = await load(deps.db, tenantId, sellerId);
      if (!seller) return { items: [], total: 0 };
      const r = await deps.db.query<{
        id: number;
        created_at: Date;
        store_id: number | null;
        discount: number;
        c_id: number;
        code: string;
        c_created: Date;
        c_from: Date | null;
        c_to: Date | null;
        t_id: number;
        name: string;
        description: string | null;
        stock: number | null;
        issued: number;
        discount_type: 'amount' | 'rate';
        amount_off: number | null;
        t_from: Date | null;
        t_to: Date | null;
        total: number;
      }>(
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
        [tenantId, sellerId, f.code?.trim() || null, f.redemptionId ?? null, f.limit, f.offset],
      );
      let total = r.rows[0]?.total ?? 0;
      if (!r.rows.length && f.offset > 0) {
        // Past the last page the window count has no row to ride on: count on its own.
        const c = await deps.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM redemptions r
           JOIN redemption_items ri ON ri.redemption_id = r.id
           JOIN coupons c ON c.id = ri.coupon_id
           WHERE r.tenant_id = $1 AND r.staff_id = $2 AND r.kind = 'write_off' AND r.status = 'done'
             AND ($3::text IS NULL OR c.code = $3) AND ($4::bigint IS NULL OR r.id = $4)`,
          [tenantId, sellerId, f.code?.trim() || null, f.redemptionId ?? null],
        );
        total = c.rows[0]!.n;
      }
      const at = now();
      return {
        total,
        items: r.rows.map((x) => ({
          id: x.id,
          date: x.created_at,
          storeId: x.store_id,
          discount: x.discount,
          coupon: { id: x.c_id, code: x.code, createdAt: x.c_created, validFrom: x.c_from, validTo: x.c_to, expired: x.c_to !== null && x.c_to < at },
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
          seller,
        })),
      };
    },
  };
}

export type SellerService = ReturnType<typeof sellerService>;
