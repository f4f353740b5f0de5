// The catalogue: categories, goods and their SKUs (one per combination of
// property values, e.g. "2:10,4:15"), with stock that only ever moves by
// conditional updates and never goes below zero (a CHECK says so too).
import { parseMoney, type Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { RollbackWith } from '../identity/index.ts';

export interface Category {
  id: number;
  parentId: number | null;
  level: number;
  name: string;
  icon: string | null;
  sort: number;
  createdAt: Date;
}

export interface Sku {
  id: number;
  goodsId: number;
  propertyChildIds: string;
  propertyStr: string | null;
  price: Fen;
  originalPrice: Fen | null;
  stock: number;
}

export interface Goods {
  id: number;
  tenantId: number;
  categoryId: number | null;
  storeId: number | null;
  name: string;
  pic: string | null;
  characteristic: string | null;
  content: string | null;
  price: Fen;
  originalPrice: Fen | null;
  stock: number;
  sold: number;
  recommend: boolean;
  onSale: boolean;
  sort: number;
  createdAt: Date;
  updatedAt: Date;
  skus: Sku[];
}

interface GoodsRow {
  id: number;
  tenant_id: number;
  category_id: number | null;
  store_id: number | null;
  name: string;
  pic: string | null;
  characteristic: string | null;
  content: string | null;
  price: number;
  original_price: number | null;
  stock: number;
  sold: number;
  recommend: boolean;
  on_sale: boolean;
  sort: number;
  created_at: Date;
  updated_at: Date;
}

interface SkuRow {
  id: number;
  goods_id: number;
  property_child_ids: string;
  property_str: string | null;
  price: number;
  original_price: number | null;
  stock: number;
}

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

/**
 * "4:15,2:10," → "2:10,4:15": property pairs sorted by property id, empties
 * dropped, so the same choice always finds the same SKU. null when malformed.
 */
export function normalizePropertyChildIds(input: string | null | undefined): string | null {
  if (input === null || input === undefined) return '';
  const parts = String(input)
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter(Boolean);
  const pairs: [number, number][] = [];
  for (const p of parts) {
    const m = /^(\d{1,12}):(\d{1,12})$/.exec(p);
    if (!m) return null;
    pairs.push([Number(m[1]), Number(m[2])]);
  }
  const seen = new Set<number>();
  for (const [k] of pairs) {
    if (seen.has(k)) return null;
    seen.add(k);
  }
  return pairs
    .sort((a, b) => a[0] - b[0])
    .map(([k, v]) => `${k}:${v}`)
    .join(',');
}

export interface CategoryInput {
  name: string;
  parentId?: number | null;
  icon?: string | null;
  sort?: number;
}

export interface GoodsInput {
  name: string;
  categoryId?: number | null;
  storeId?: number | null;
  price: string;
  originalPrice?: string | null;
  stock: number;
  pic?: string | null;
  characteristic?: string | null;
  content?: string | null;
  recommend?: boolean;
  onSale?: boolean;
  sort?: number;
  skus?: { propertyChildIds: string; propertyStr?: string | null; price: string; originalPrice?: string | null; stock: number }[];
}

export interface GoodsFilter {
  categoryId?: number | null;
  storeId?: number | null;
  nameLike?: string | null;
  recommend?: boolean | null;
  onSale?: boolean | null;
  ids?: number[] | null;
  priceMin?: Fen | null;
  priceMax?: Fen | null;
  orderBy?: string | null;
  limit: number;
  offset: number;
}

/** One line of a cart, resolved against the catalogue. */
export interface ResolvedLine {
  goodsId: number;
  skuId: number | null;
  categoryId: number | null;
  storeId: number | null;
  name: string;
  pic: string | null;
  propertyChildIds: string;
  propertyStr: string | null;
  unitPrice: Fen;
  number: number;
  /** Stock when read (a hint for quotes; taking stock is decided by takeStock). */
  stock: number;
}

const ORDER_BY: Record<string, string> = {
  priceUp: 'price ASC, id',
  priceDown: 'price DESC, id',
  ordersUp: 'sold ASC, id',
  ordersDown: 'sold DESC, id',
  addedUp: 'id ASC',
  addedDown: 'id DESC',
};

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 1_000_000_000;

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

export function catalogueService(deps: Deps) {
  const unwrap = async <T>(fn: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RollbackWith) return e.result as Result<T>;
      if (pgErrorCode(e) === PgCode.uniqueViolation) return fail(ErrorCode.conflict, 'two SKUs have the same propertyChildIds');
      throw e;
    }
  };

  async function get(tenantId: number, id: number, q: Queryable = deps.db): Promise<Goods | null> {
    const r = await q.query<GoodsRow>('SELECT * FROM goods WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    if (!r.rows[0]) return null;
    return toGoods(r.rows[0], (await loadSkus(q, [id])).get(id) ?? []);
  }

  return {
    async createCategory(tenantId: number, input: CategoryInput, by: Principal): Promise<Result<Category>> {
      const name = input.name?.trim();
      if (!name) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      return deps.db.tx(async (q) => {
        let level = 1;
        if (input.parentId != null) {
          const p = await q.query<{ level: number }>(
            `WITH RECURSIVE up AS (SELECT id, parent_id, 1 AS depth FROM goods_categories WHERE tenant_id = $1 AND id = $2
               UNION ALL SELECT c.id, c.parent_id, up.depth + 1 FROM goods_categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 10)
             SELECT max(depth)::int AS level FROM up`,
            [tenantId, input.parentId],
          );
          if (!p.rows[0]?.level) return fail(ErrorCode.not_found, 'parent category not found', { field: 'parentId' });
          level = p.rows[0].level + 1;
        }
        const r = await q.query<{ id: number; created_at: Date }>(
          'INSERT INTO goods_categories (tenant_id, parent_id, name, icon, sort) VALUES ($1,$2,$3,$4,$5) RETURNING id, created_at',
          [tenantId, input.parentId ?? null, name, input.icon ?? null, input.sort ?? 0],
        );
        await audit(q, tenantId, by, { action: 'category.create', targetType: 'category', targetId: r.rows[0]!.id });
        return ok({ id: r.rows[0]!.id, parentId: input.parentId ?? null, level, name, icon: input.icon ?? null, sort: input.sort ?? 0, createdAt: r.rows[0]!.created_at });
      });
    },

    async listCategories(tenantId: number): Promise<Category[]> {
      const r = await deps.db.query<{ id: number; parent_id: number | null; name: string; icon: string | null; sort: number; created_at: Date }>(
        'SELECT id, parent_id, name, icon, sort, created_at FROM goods_categories WHERE tenant_id = $1 ORDER BY sort, id',
        [tenantId],
      );
      const parent = new Map(r.rows.map((c) => [c.id, c.parent_id]));
      const levelOf = (id: number): number => {
        let level = 1;
        let p = parent.get(id) ?? null;
        while (p !== null && level < 10) {
          level++;
          p = parent.get(p) ?? null;
        }
        return level;
      };
      return r.rows.map((c) => ({ id: c.id, parentId: c.parent_id, level: levelOf(c.id), name: c.name, icon: c.icon, sort: c.sort, createdAt: c.created_at }));
    },

    async createGoods(tenantId: number, input: GoodsInput, by: Principal): Promise<Result<Goods>> {
      const name = input.name?.trim();
      if (!name) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      const price = parseMoney(input.price);
      if (price === null) return fail(ErrorCode.invalid_input, `price: "${input.price}" is not an amount like "12.50"`, { field: 'price' });
      const originalPrice = input.originalPrice ? parseMoney(input.originalPrice) : null;
      if (input.originalPrice && originalPrice === null) return fail(ErrorCode.invalid_input, 'originalPrice is not an amount', { field: 'originalPrice' });
      const skus: { key: string; propertyStr: string | null; price: Fen; originalPrice: Fen | null; stock: number }[] = [];
      for (const [i, s] of (input.skus ?? []).entries()) {
        const key = normalizePropertyChildIds(s.propertyChildIds);
        if (!key) return fail(ErrorCode.invalid_input, `skus[${i}].propertyChildIds: "${s.propertyChildIds}" is not like "1:2,3:4"`, { field: `skus[${i}].propertyChildIds` });
        const p = parseMoney(s.price);
        if (p === null) return fail(ErrorCode.invalid_input, `skus[${i}].price is not an amount like "12.50"`, { field: `skus[${i}].price` });
        if (!isCount(s.stock)) return fail(ErrorCode.invalid_input, `skus[${i}].stock must be a whole number ≥ 0`, { field: `skus[${i}].stock` });
        const op = s.originalPrice ? parseMoney(s.originalPrice) : null;
        skus.push({ key, propertyStr: s.propertyStr ?? null, price: p, originalPrice: op, stock: s.stock });
      }
      if (new Set(skus.map((s) => s.key)).size !== skus.length) return fail(ErrorCode.invalid_input, 'two SKUs have the same propertyChildIds', { field: 'skus' });
      // With SKUs the goods' stock is the sum of theirs, so both counters move together.
      const stock = skus.length ? skus.reduce((a, s) => a + s.stock, 0) : input.stock;
      if (!isCount(stock)) return fail(ErrorCode.invalid_input, 'stock must be a whole number ≥ 0', { field: 'stock' });
      return unwrap(() =>
        deps.db.tx(async (q) => {
          if (input.categoryId != null) {
            const c = await q.query('SELECT 1 FROM goods_categories WHERE tenant_id = $1 AND id = $2', [tenantId, input.categoryId]);
            if (!c.rowCount) return fail(ErrorCode.not_found, 'category not found', { field: 'categoryId' });
          }
          if (input.storeId != null) {
            const s = await q.query('SELECT 1 FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, input.storeId]);
            if (!s.rowCount) return fail(ErrorCode.not_found, 'store not found', { field: 'storeId' });
          }
          const g = await q.query<{ id: number }>(
            `INSERT INTO goods (tenant_id, category_id, store_id, name, pic, characteristic, content, price, original_price, stock, recommend, on_sale, sort)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) RETURNING id`,
            [
              tenantId,
              input.categoryId ?? null,
              input.storeId ?? null,
              name,
              input.pic ?? null,
              input.characteristic ?? null,
              input.content ?? null,
              skus.length ? Math.min(...skus.map((s) => s.price)) : price,
              originalPrice,
              stock,
              input.recommend ?? false,
              input.onSale ?? true,
              input.sort ?? 0,
            ],
          );
          const id = g.rows[0]!.id;
          for (const s of skus) {
            await q.query(
              'INSERT INTO goods_skus (tenant_id, goods_id, property_child_ids, property_str, price, original_price, stock) VALUES ($1,$2,$3,$4,$5,$6,$7)',
              [tenantId, id, s.key, s.propertyStr, s.price, s.originalPrice, s.stock],
            );
          }
          await audit(q, tenantId, by, { action: 'goods.create', targetType: 'goods', targetId: id, details: { name, price, stock } });
          return ok((await get(tenantId, id, q))!);
        }),
      );
    },

    /** Staff change of sale state or stock (absolute), by conditional writes. */
    async updateGoods(tenantId: number, id: number, input: { onSale?: boolean; stock?: number; recommend?: boolean }, by: Principal): Promise<Result<Goods>> {
      if (input.stock !== undefined && !isCount(input.stock)) return fail(ErrorCode.invalid_input, 'stock must be a whole number ≥ 0', { field: 'stock' });
      return deps.db.tx(async (q) => {
        const r = await q.query<{ has_skus: boolean }>(
          `UPDATE goods SET on_sale = COALESCE($3, on_sale), recommend = COALESCE($4, recommend), updated_at = now(),
             stock = CASE WHEN $5::int IS NOT NULL AND NOT EXISTS (SELECT 1 FROM goods_skus s WHERE s.goods_id = goods.id) THEN $5 ELSE stock END
           WHERE tenant_id = $1 AND id = $2
           RETURNING EXISTS (SELECT 1 FROM goods_skus s WHERE s.goods_id = goods.id) AS has_skus`,
          [tenantId, id, input.onSale ?? null, input.recommend ?? null, input.stock ?? null],
        );
        if (!r.rows[0]) return fail(ErrorCode.not_found, 'goods not found');
        if (input.stock !== undefined && r.rows[0].has_skus) throw new RollbackWith(fail(ErrorCode.invalid_input, 'this goods has SKUs: set the stock of each SKU'));
        await audit(q, tenantId, by, { action: 'goods.update', targetType: 'goods', targetId: id, details: input });
        return ok((await get(tenantId, id, q))!);
      }).catch((e) => {
        if (e instanceof RollbackWith) return e.result as Result<Goods>;
        throw e;
      });
    },

    get: (tenantId: number, id: number) => get(tenantId, id),

    async list(tenantId: number, f: GoodsFilter): Promise<{ items: Goods[]; total: number }> {
      const r = await deps.db.query<GoodsRow & { total: number }>(
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
      const skus = await loadSkus(deps.db, r.rows.map((g) => g.id));
      return { items: r.rows.map((g) => toGoods(g, skus.get(g.id) ?? [])), total: r.rows[0]?.total ?? 0 };
    },

    /** The price of one choice: the SKU's when the goods has SKUs, else the goods'. */
    async price(tenantId: number, goodsId: number, propertyChildIds: string | null | undefined): Promise<Result<{ goods: Goods; sku: Sku | null; price: Fen; originalPrice: Fen | null; stock: number }>> {
      const g = await get(tenantId, goodsId);
      if (!g) return fail(ErrorCode.not_found, 'goods not found');
      const key = normalizePropertyChildIds(propertyChildIds);
      if (key === null) return fail(ErrorCode.invalid_input, `propertyChildIds "${propertyChildIds}" is not like "1:2,3:4"`);
      if (!g.skus.length) return ok({ goods: g, sku: null, price: g.price, originalPrice: g.originalPrice, stock: g.stock });
      const sku = g.skus.find((s) => s.propertyChildIds === key);
      if (!sku) return fail(ErrorCode.not_found, key ? `no SKU ${key}` : 'choose the specification first', { reason: key ? 'bad_sku' : 'sku_needed' });
      return ok({ goods: g, sku, price: sku.price, originalPrice: sku.originalPrice, stock: sku.stock });
    },

    /** Resolves cart lines against the catalogue (no stock check: that happens when taking it). */
    async resolve(tenantId: number, lines: { goodsId: number; number: number; propertyChildIds?: string | null }[], q: Queryable = deps.db): Promise<Result<ResolvedLine[]>> {
      const ids = [...new Set(lines.map((l) => l.goodsId))];
      const g = await q.query<GoodsRow>('SELECT * FROM goods WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [tenantId, ids]);
      const goods = new Map(g.rows.map((r) => [r.id, r]));
      const skus = await loadSkus(q, ids);
      const out: ResolvedLine[] = [];
      for (const [i, l] of lines.entries()) {
        const row = goods.get(l.goodsId);
        if (!row) return fail(ErrorCode.not_found, `goods ${l.goodsId} not found`, { reason: 'bad_goods', line: i });
        if (!row.on_sale) return fail(ErrorCode.invalid_state, `goods ${l.goodsId} is not on sale`, { reason: 'off_sale', line: i });
        const key = normalizePropertyChildIds(l.propertyChildIds);
        if (key === null) return fail(ErrorCode.invalid_input, `line ${i}: bad propertyChildIds`, { reason: 'bad_sku', line: i });
        const list = skus.get(row.id) ?? [];
        let sku: Sku | null = null;
        if (list.length) {
          if (!key) return fail(ErrorCode.invalid_input, `goods ${row.id}: choose the specification`, { reason: 'sku_needed', line: i });
          sku = list.find((s) => s.propertyChildIds === key) ?? null;
          if (!sku) return fail(ErrorCode.invalid_input, `goods ${row.id}: no SKU ${key}`, { reason: 'bad_sku', line: i });
        }
        out.push({
          goodsId: row.id,
          skuId: sku?.id ?? null,
          categoryId: row.category_id,
          storeId: row.store_id,
          name: row.name,
          pic: row.pic,
          propertyChildIds: sku?.propertyChildIds ?? '',
          propertyStr: sku?.propertyStr ?? null,
          unitPrice: sku?.price ?? row.price,
          number: l.number,
          stock: sku?.stock ?? row.stock,
        });
      }
      return ok(out);
    },
  };
}

/**
 * Takes stock for the lines inside the caller's transaction: one conditional
 * update per goods/SKU, in id order (no deadlocks between concurrent orders).
 * false when any line is short; the caller rolls back. Call it last in the
 * transaction: the goods rows are the hot ones, so their locks are held
 * for the shortest time.
 */
export async function takeStock(q: Queryable, tenantId: number, lines: { goodsId: number; skuId: number | null; number: number }[]): Promise<boolean> {
  return moveStock(q, tenantId, lines, -1);
}

/** Gives stock back (closing an order). */
export async function releaseStock(q: Queryable, tenantId: number, lines: { goodsId: number; skuId: number | null; number: number }[]): Promise<void> {
  await moveStock(q, tenantId, lines, 1);
}

async function moveStock(q: Queryable, tenantId: number, lines: { goodsId: number; skuId: number | null; number: number }[], sign: 1 | -1): Promise<boolean> {
  const skuTotals = new Map<number, number>();
  const goodsTotals = new Map<number, number>();
  for (const l of lines) {
    if (l.skuId !== null) skuTotals.set(l.skuId, (skuTotals.get(l.skuId) ?? 0) + l.number);
    goodsTotals.set(l.goodsId, (goodsTotals.get(l.goodsId) ?? 0) + l.number);
  }
  // `sold` (orders taken, shown as 销量) moves with the stock, in the same write to the same row.
  for (const [id, n] of [...goodsTotals].sort((a, b) => a[0] - b[0])) {
    const r = await q.query('UPDATE goods SET stock = stock + $3, sold = GREATEST(sold - $3, 0) WHERE tenant_id = $1 AND id = $2 AND stock + $3 >= 0', [tenantId, id, sign * n]);
    if (r.rowCount !== 1) return false;
  }
  for (const [id, n] of [...skuTotals].sort((a, b) => a[0] - b[0])) {
    const r = await q.query('UPDATE goods_skus SET stock = stock + $3 WHERE tenant_id = $1 AND id = $2 AND stock + $3 >= 0', [tenantId, id, sign * n]);
    if (r.rowCount !== 1) return false;
  }
  return true;
}

export type CatalogueService = ReturnType<typeof catalogueService>;
