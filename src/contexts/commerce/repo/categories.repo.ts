// goods_categories: the only SQL over the category tree.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { Category } from '../domain/catalogue.ts';

type CategoryRow = RowOf<'goods_categories', 'id' | 'parent_id' | 'name' | 'icon' | 'sort' | 'created_at'>;

const toCategory = (r: CategoryRow, level: number): Category => ({
  id: r.id,
  parentId: r.parent_id,
  level,
  name: r.name,
  icon: r.icon,
  sort: r.sort,
  createdAt: r.created_at,
});

/** The depth (1 = top) of a tenant's category, walking up at most 10 levels; null when there is no such category. */
export async function categoryDepth(q: Queryable, tenantId: number, id: number): Promise<number | null> {
  const p = await q.query<{ level: number | null }>(
    `WITH RECURSIVE up AS (SELECT id, parent_id, 1 AS depth FROM goods_categories WHERE tenant_id = $1 AND id = $2
       UNION ALL SELECT c.id, c.parent_id, up.depth + 1 FROM goods_categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 10)
     SELECT max(depth)::int AS level FROM up`,
    [tenantId, id],
  );
  return p.rows[0]?.level || null;
}

export async function insertCategory(
  q: Queryable,
  tenantId: number,
  c: { parentId: number | null; name: string; icon: string | null; sort: number; level: number },
): Promise<Category> {
  const r = await q.query<RowOf<'goods_categories', 'id' | 'created_at'>>(
    'INSERT INTO goods_categories (tenant_id, parent_id, name, icon, sort) VALUES ($1,$2,$3,$4,$5) RETURNING id, created_at',
    [tenantId, c.parentId, c.name, c.icon, c.sort],
  );
  const row = r.rows[0]!;
  return toCategory({ id: row.id, parent_id: c.parentId, name: c.name, icon: c.icon, sort: c.sort, created_at: row.created_at }, c.level);
}

/** All of a tenant's categories in display order, each with its depth from `levelOf`. */
export async function listCategories(
  q: Queryable,
  tenantId: number,
  levelOf: (parents: Map<number, number | null>) => (id: number) => number,
): Promise<Category[]> {
  const r = await q.query<CategoryRow>(
    'SELECT id, parent_id, name, icon, sort, created_at FROM goods_categories WHERE tenant_id = $1 ORDER BY sort, id',
    [tenantId],
  );
  const level = levelOf(new Map(r.rows.map((c) => [c.id, c.parent_id])));
  return r.rows.map((c) => toCategory(c, level(c.id)));
}

export async function categoryExists(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const c = await q.query('SELECT 1 FROM goods_categories WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return c.rowCount > 0;
}
