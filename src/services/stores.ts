import { ErrorCode, fail, ok, type Result } from '../domain/result.ts';
import { audit } from './audit.ts';
import type { Deps, Principal } from './deps.ts';

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
