import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';

export interface Store {
  id: number;
  tenantId: number;
  name: string;
  address: string | null;
  area: string | null;
  phone: string | null;
  linkman: string | null;
  createdAt: Date;
}

interface StoreRow {
  id: number;
  tenant_id: number;
  name: string;
  address: string | null;
  area: string | null;
  phone: string | null;
  linkman: string | null;
  created_at: Date;
}

const toStore = (r: StoreRow): Store => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  address: r.address,
  area: r.area,
  phone: r.phone,
  linkman: r.linkman,
  createdAt: r.created_at,
});

export interface StoreInput {
  name: string;
  address?: string | null;
  area?: string | null;
  phone?: string | null;
  linkman?: string | null;
}

export function storeService(deps: Deps) {
  return {
    async create(tenantId: number, input: StoreInput, by: Principal): Promise<Result<Store>> {
      if (!input.name?.trim()) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      return deps.db.tx(async (q) => {
        const r = await q.query<StoreRow>(
          `INSERT INTO stores (tenant_id, name, address, area, phone, linkman) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
          [tenantId, input.name.trim(), input.address ?? null, input.area ?? null, input.phone ?? null, input.linkman ?? null],
        );
        const store = toStore(r.rows[0]!);
        await audit(q, tenantId, by, { action: 'store.create', targetType: 'store', targetId: store.id });
        return ok(store);
      });
    },

    /** Changes a store's name, address, area, phone or contact ('' or null clears an optional field). */
    async update(tenantId: number, id: number, patch: Partial<StoreInput>, by: Principal): Promise<Result<Store>> {
      if (patch.name !== undefined && !patch.name?.trim()) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      const fields = ['address', 'area', 'phone', 'linkman'] as const;
      const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());
      return deps.db.tx(async (q) => {
        const cur = await q.query<StoreRow>('SELECT * FROM stores WHERE tenant_id = $1 AND id = $2 FOR UPDATE', [tenantId, id]);
        if (!cur.rows[0]) return fail(ErrorCode.not_found, 'store not found');
        const vals = fields.map((f) => clean(patch[f]));
        const r = await q.query<StoreRow>(
          `UPDATE stores SET name = COALESCE($3, name),
             address = CASE WHEN $4 THEN $5 ELSE address END, area = CASE WHEN $6 THEN $7 ELSE area END,
             phone = CASE WHEN $8 THEN $9 ELSE phone END, linkman = CASE WHEN $10 THEN $11 ELSE linkman END
           WHERE tenant_id = $1 AND id = $2 RETURNING *`,
          [tenantId, id, patch.name?.trim() ?? null, ...vals.flatMap((v) => [v !== undefined, v ?? null])],
        );
        const changed: Record<string, unknown> = {};
        if (patch.name !== undefined) changed.name = patch.name.trim();
        fields.forEach((f, i) => {
          if (vals[i] !== undefined) changed[f] = vals[i];
        });
        await audit(q, tenantId, by, { action: 'store.update', targetType: 'store', targetId: id, details: changed });
        return ok(toStore(r.rows[0]!));
      });
    },

    async list(tenantId: number, opts: { name?: string; limit: number; offset: number }) {
      const r = await deps.db.query<StoreRow & { total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM stores
         WHERE tenant_id = $1 AND ($2::text IS NULL OR name ILIKE '%' || $2 || '%')
         ORDER BY id LIMIT $3 OFFSET $4`,
        [tenantId, opts.name ?? null, opts.limit, opts.offset],
      );
      return { items: r.rows.map(toStore), total: r.rows[0]?.total ?? 0 };
    },

    async get(tenantId: number, id: number): Promise<Store | null> {
      const r = await deps.db.query<StoreRow>('SELECT * FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return r.rows[0] ? toStore(r.rows[0]) : null;
    },
  };
}

export type StoreService = ReturnType<typeof storeService>;
