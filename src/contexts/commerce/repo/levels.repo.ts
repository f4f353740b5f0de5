// user_levels and user_level_prices: the only SQL over user levels.
import type { Queryable } from '../../../db/store.ts';
import type { Row, RowOf } from '../../../db/rows.ts';
import type { Level, LevelPrice, LevelWithPrices } from '../domain/content.ts';

const toLevel = (l: Row<'user_levels'>): Level => ({
  id: l.id,
  name: l.name,
  level: l.level,
  upgradeAmount: l.upgrade_amount,
  rebate: l.rebate,
  remark: l.remark,
  createdAt: l.created_at,
});
const toPrice = (x: Row<'user_level_prices'>): LevelPrice => ({
  id: x.id,
  levelId: x.level_id,
  duration: x.duration,
  unit: x.unit,
  price: x.price,
});

/** Writes a level; a second level with the same number fails by the unique index (23505). */
export async function insertLevel(q: Queryable, tenantId: number, l: Omit<Level, 'id' | 'createdAt'>): Promise<Level> {
  const r = await q.query<RowOf<'user_levels', 'id' | 'created_at'>>(
    'INSERT INTO user_levels (tenant_id, name, level, upgrade_amount, rebate, remark) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id, created_at',
    [tenantId, l.name, l.level, l.upgradeAmount, l.rebate, l.remark],
  );
  return { id: r.rows[0]!.id, ...l, createdAt: r.rows[0]!.created_at };
}

export async function insertLevelPrice(q: Queryable, tenantId: number, p: Omit<LevelPrice, 'id'>): Promise<LevelPrice> {
  const pr = await q.query<RowOf<'user_level_prices', 'id'>>(
    'INSERT INTO user_level_prices (tenant_id, level_id, duration, unit, price) VALUES ($1,$2,$3,$4,$5) RETURNING id',
    [tenantId, p.levelId, p.duration, p.unit, p.price],
  );
  return { id: pr.rows[0]!.id, ...p };
}

export async function listLevels(
  q: Queryable,
  tenantId: number,
  f: { limit: number; offset: number },
): Promise<{ items: Level[]; total: number }> {
  const r = await q.query<Row<'user_levels'> & { total: number }>(
    'SELECT *, count(*) OVER ()::int AS total FROM user_levels WHERE tenant_id = $1 ORDER BY level, id LIMIT $2 OFFSET $3',
    [tenantId, f.limit, f.offset],
  );
  return { items: r.rows.map(toLevel), total: r.rows[0]?.total ?? 0 };
}

/** One level with its prices (shortest duration first). */
export async function findLevel(q: Queryable, tenantId: number, id: number): Promise<LevelWithPrices | null> {
  const r = await q.query<Row<'user_levels'>>('SELECT * FROM user_levels WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  const l = r.rows[0];
  if (!l) return null;
  const p = await q.query<Row<'user_level_prices'>>('SELECT * FROM user_level_prices WHERE level_id = $1 ORDER BY duration, id', [id]);
  return { ...toLevel(l), prices: p.rows.map(toPrice) };
}
