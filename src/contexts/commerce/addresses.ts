// A consumer's shipping addresses; at most one default per user (a partial
// unique index says so, and setting a new default clears the old one in the
// same transaction).
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';

export interface Address {
  id: number;
  userId: number;
  linkMan: string;
  mobile: string;
  provinceId: string;
  cityId: string;
  districtId: string | null;
  streetId: string | null;
  address: string;
  code: string | null;
  idcard: string | null;
  latitude: number | null;
  longitude: number | null;
  isDefault: boolean;
  status: number;
  ext: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AddressInput {
  linkMan: string;
  mobile: string;
  provinceId: string;
  cityId: string;
  districtId?: string | null;
  streetId?: string | null;
  address: string;
  code?: string | null;
  idcard?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  isDefault?: boolean;
  status?: number;
  ext?: Record<string, unknown> | null;
}

interface Row {
  id: number;
  user_id: number;
  link_man: string;
  mobile: string;
  province_id: string;
  city_id: string;
  district_id: string | null;
  street_id: string | null;
  address: string;
  code: string | null;
  idcard: string | null;
  latitude: number | null;
  longitude: number | null;
  is_default: boolean;
  status: number;
  ext: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

const toAddress = (r: Row): Address => ({
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
  ext: r.ext,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const MAX_ADDRESSES = 50;

function check(input: AddressInput): string | null {
  for (const f of ['linkMan', 'mobile', 'provinceId', 'cityId', 'address'] as const) {
    if (!input[f] || !String(input[f]).trim()) return `${f} is required`;
  }
  if (!/^\+?[\d-]{5,20}$/.test(input.mobile.trim())) return 'mobile is not a phone number';
  if (input.address.length > 500 || input.linkMan.length > 100) return 'address or linkMan too long';
  return null;
}

export function addressService(deps: Deps) {
  const clearDefault = (q: Queryable, tenantId: number, userId: number, except: number | null) =>
    q.query('UPDATE shipping_addresses SET is_default = false WHERE tenant_id = $1 AND user_id = $2 AND is_default AND ($3::bigint IS NULL OR id <> $3)', [tenantId, userId, except]);

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

  return {
    async add(tenantId: number, userId: number, input: AddressInput): Promise<Result<Address>> {
      const bad = check(input);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      return deps.db.tx(async (q) => {
        // Lock the user's row so concurrent adds count and default correctly.
        await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, userId]);
        const n = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
        if ((n.rows[0]?.n ?? 0) >= MAX_ADDRESSES) return fail(ErrorCode.invalid_state, `at most ${MAX_ADDRESSES} addresses`);
        const isDefault = input.isDefault === true || n.rows[0]?.n === 0;
        if (isDefault) await clearDefault(q, tenantId, userId, null);
        const r = await q.query<Row>(
          `INSERT INTO shipping_addresses (tenant_id, user_id, link_man, mobile, province_id, city_id, district_id, street_id, address, code, idcard, latitude, longitude, status, ext, is_default)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) RETURNING *`,
          [tenantId, userId, ...values(input), isDefault],
        );
        return ok(toAddress(r.rows[0]!));
      });
    },

    async update(tenantId: number, userId: number, id: number, input: AddressInput): Promise<Result<Address>> {
      const bad = check(input);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      return deps.db.tx(async (q) => {
        if (input.isDefault === true) await clearDefault(q, tenantId, userId, id);
        const r = await q.query<Row>(
          `UPDATE shipping_addresses SET link_man = $4, mobile = $5, province_id = $6, city_id = $7, district_id = $8, street_id = $9, address = $10,
             code = $11, idcard = $12, latitude = $13, longitude = $14, status = $15, ext = $16,
             is_default = CASE WHEN $17::boolean IS NULL THEN is_default ELSE $17 END, updated_at = now()
           WHERE tenant_id = $1 AND user_id = $2 AND id = $3 RETURNING *`,
          [tenantId, userId, id, ...values(input), input.isDefault ?? null],
        );
        if (!r.rows[0]) return fail(ErrorCode.not_found, 'address not found');
        return ok(toAddress(r.rows[0]));
      });
    },

    async remove(tenantId: number, userId: number, id: number): Promise<Result<void>> {
      const r = await deps.db.query('DELETE FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2 AND id = $3', [tenantId, userId, id]);
      return r.rowCount ? ok(undefined) : fail(ErrorCode.not_found, 'address not found');
    },

    async list(tenantId: number, userId: number, f: { nameLike?: string | null; mobileLike?: string | null; limit: number; offset: number }) {
      const r = await deps.db.query<Row & { total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2
           AND ($3::text IS NULL OR link_man ILIKE '%' || $3 || '%') AND ($4::text IS NULL OR mobile LIKE '%' || $4 || '%')
         ORDER BY is_default DESC, id DESC LIMIT $5 OFFSET $6`,
        [tenantId, userId, f.nameLike || null, f.mobileLike || null, f.limit, f.offset],
      );
      return { items: r.rows.map(toAddress), total: r.rows[0]?.total ?? 0 };
    },

    async get(tenantId: number, userId: number, id: number): Promise<Address | null> {
      const r = await deps.db.query<Row>('SELECT * FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2 AND id = $3', [tenantId, userId, id]);
      return r.rows[0] ? toAddress(r.rows[0]) : null;
    },

    async defaultOf(tenantId: number, userId: number): Promise<Address | null> {
      const r = await deps.db.query<Row>('SELECT * FROM shipping_addresses WHERE tenant_id = $1 AND user_id = $2 AND is_default', [tenantId, userId]);
      return r.rows[0] ? toAddress(r.rows[0]) : null;
    },
  };
}

export type AddressService = ReturnType<typeof addressService>;
