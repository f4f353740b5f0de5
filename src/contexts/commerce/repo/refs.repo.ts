// Which of some ids name none of a tenant's goods or categories: the check
// behind every stored reference to the catalogue (another tenant's id and an
// unknown id are the same answer: not this tenant's).
import type { Queryable } from '../../../db/store.ts';

const TABLE = { goods: 'goods', categories: 'goods_categories' } as const;

export async function missingIds(q: Queryable, kind: keyof typeof TABLE, tenantId: number, ids: number[]): Promise<number[]> {
  if (!ids.length) return [];
  const r = await q.query<{ id: number }>(
    `SELECT x.id FROM unnest($2::bigint[]) AS x(id)
      WHERE NOT EXISTS (SELECT 1 FROM ${TABLE[kind]} t WHERE t.tenant_id = $1 AND t.id = x.id)`,
    [tenantId, [...new Set(ids)]],
  );
  return r.rows.map((x) => Number(x.id));
}
