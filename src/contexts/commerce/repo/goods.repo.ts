// goods and goods_skus: the only SQL over goods, their SKUs and their stock.
// Stock only ever moves by conditional updates and never goes below zero
// (a CHECK says so too).
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Goods, GoodsFilter, NewGoods, Sku } from '../domain/catalogue.ts';

type GoodsRow = Row<'goods'>;
type SkuRow = Row<'goods_skus'>;

const toSku = (r: SkuRow): Sku => ({
  id: r.id,
  goodsId: r.goods_id,
  propertyChildIds: r.property_child_ids,
  propertyStr: r.property_str,
  price: r.price,
  originalPrice: r.original_price,
  stock: r.stock,
});

const toGoods = (r: GoodsRow, skus: Sku[]): Goods => ({
  id: r.id,
  tenantId: r.tenant_id,
  categoryId: r.category_id,
  storeId: r.store_id,
  name: r.name,
  pic: r.pic,
  characteristic: r.characteristic,
  content: r.content,
  price: r.price,
  originalPrice: r.original_price,
  stock: r.stock,
  sold: r.sold,
  recommend: r.recommend,
  onSale: r.on_sale,
  sort: r.sort,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  skus,
});

const ORDER_BY: Record<string, string> = {
  priceUp: 'price ASC, id',
  priceDown: 'price DESC, id',
  ordersUp: 'sold ASC, id',
  ordersDown: 'sold DESC, id',
  addedUp: 'id ASC',
  addedDown: 'id DESC',
};

async function loadSkus(q: Queryable, goodsIds: number[]): Promise<Map<number, Sku[]>> {
  const by = new Map<number, Sku[]>();
  if (!goodsIds.length) return by;
  const r = await q.query<SkuRow>('SELECT * FROM goods_skus WHERE goods_id = ANY($1::bigint[]) ORDER BY id', [goodsIds]);
  for (const s of r.rows) {
    const list = by.get(s.goods_id) ?? [];
    list.push(toSku(s));
    by.set(s.goods_id, list);
  }
  return by;
}

export async function findGoods(q: Queryable, tenantId: number, id: number): Promise<Goods | null> {
  const r = await q.query<GoodsRow>('SELECT * FROM goods WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  if (!r.rows[0]) return null;
  return toGoods(r.rows[0], (await loadSkus(q, [id])).get(id) ?? []);
}

/** The goods of these ids (any order), each with its SKUs. */
export async function findGoodsMany(q: Queryable, tenantId: number, ids: number[]): Promise<Map<number, Goods>> {
  const g = await q.query<GoodsRow>('SELECT * FROM goods WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [tenantId, ids]);
  const skus = await loadSkus(q, ids);
  return new Map(g.rows.map((r) => [r.id, toGoods(r, skus.get(r.id) ?? [])]));
}

export async function storeExists(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const s = await q.query('SELECT 1 FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return s.rowCount > 0;
}

/** Writes a checked goods and its SKUs; answers its id. Two SKUs with one key fail by the unique index. */
export async function insertGoods(
  q: Queryable,
  tenantId: number,
  g: NewGoods,
  more: {
    categoryId: number | null;
    storeId: number | null;
    pic: string | null;
    characteristic: string | null;
    content: string | null;
    recommend: boolean;
    onSale: boolean;
    sort: number;
  },
): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO goods (tenant_id, category_id, store_id, name, pic, characteristic, content, price, original_price, stock, recommend, on_sale, sort)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id`,
    [
      tenantId,
      more.categoryId,
      more.storeId,
      g.name,
      more.pic,
      more.characteristic,
      more.content,
      g.listPrice,
      g.originalPrice,
      g.stock,
      more.recommend,
      more.onSale,
      more.sort,
    ],
  );
  const id = r.rows[0]!.id;
  for (const s of g.skus) {
    await q.query(
      'INSERT INTO goods_skus (tenant_id, goods_id, property_child_ids, property_str, price, original_price, stock) VALUES ($1,$2,$3,$4,$5,$6,$7)',
      [tenantId, id, s.key, s.propertyStr, s.price, s.originalPrice, s.stock],
    );
  }
  return id;
}

/**
 * Sets sale state, recommendation and (for goods without SKUs) the absolute
 * stock in one conditional write. null: no such goods; hasSkus: the stock
 * asked for was not written because the goods has SKUs.
 */
export async function patchGoods(
  q: Queryable,
  tenantId: number,
  id: number,
  p: { onSale?: boolean; recommend?: boolean; stock?: number },
): Promise<{ hasSkus: boolean } | null> {
  const r = await q.query<{ has_skus: boolean }>(
    `UPDATE goods SET on_sale = COALESCE($3, on_sale), recommend = COALESCE($4, recommend), updated_at = now(),
       stock = CASE WHEN $5::int IS NOT NULL AND NOT EXISTS (SELECT 1 FROM goods_skus s WHERE s.goods_id = goods.id) THEN $5 ELSE stock END
     WHERE tenant_id = $1 AND id = $2
     RETURNING EXISTS (SELECT 1 FROM goods_skus s WHERE s.goods_id = goods.id) AS has_skus`,
    [tenantId, id, p.onSale ?? null, p.recommend ?? null, p.stock ?? null],
  );
  return r.rows[0] ? { hasSkus: r.rows[0].has_skus } : null;
}

export async function listGoods(q: Queryable, tenantId: number, f: GoodsFilter): Promise<{ items: Goods[]; total: number }> {
  const r = await q.query<GoodsRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM goods
     WHERE tenant_id = $1
       AND ($2::bigint IS NULL OR category_id = $2)
       AND ($3::bigint IS NULL OR ($3 = 0 AND store_id IS NULL) OR store_id = $3)
       AND ($4::text IS NULL OR name ILIKE '%' || $4 || '%')
       AND ($5::boolean IS NULL OR recommend = $5)
       AND ($6::boolean IS NULL OR on_sale = $6)
       AND ($7::bigint[] IS NULL OR id = ANY($7))
       AND ($8::bigint IS NULL OR price >= $8)
       AND ($9::bigint IS NULL OR price <= $9)
     ORDER BY ${ORDER_BY[f.orderBy ?? ''] ?? 'sort, id DESC'} LIMIT $10 OFFSET $11`,
    [
      tenantId,
      f.categoryId ?? null,
      f.storeId ?? null,
      f.nameLike?.replace(/[\\%_]/g, (c) => `\\${c}`) || null,
      f.recommend ?? null,
      f.onSale ?? null,
      f.ids ?? null,
      f.priceMin ?? null,
      f.priceMax ?? null,
      f.limit,
      f.offset,
    ],
  );
  const skus = await loadSkus(
    q,
    r.rows.map((g) => g.id),
  );
  return { items: r.rows.map((g) => toGoods(g, skus.get(g.id) ?? [])), total: r.rows[0]?.total ?? 0 };
}

/**
 * Moves one goods' stock by `delta` (negative takes) in one conditional
 * update that refuses to go below zero; `sold` (orders taken, shown as 销量)
 * moves the other way in the same write to the same row. false: too short.
 */
export async function moveGoodsStock(q: Queryable, tenantId: number, goodsId: number, delta: number): Promise<boolean> {
  const r = await q.query(
    'UPDATE goods SET stock = stock + $3, sold = GREATEST(sold - $3, 0) WHERE tenant_id = $1 AND id = $2 AND stock + $3 >= 0',
    [tenantId, goodsId, delta],
  );
  return r.rowCount === 1;
}

/** Moves one SKU's stock by `delta` in one conditional update that refuses to go below zero. false: too short. */
export async function moveSkuStock(q: Queryable, tenantId: number, skuId: number, delta: number): Promise<boolean> {
  const r = await q.query('UPDATE goods_skus SET stock = stock + $3 WHERE tenant_id = $1 AND id = $2 AND stock + $3 >= 0', [
    tenantId,
    skuId,
    delta,
  ]);
  return r.rowCount === 1;
}
