// The catalogue's words and pure rules: categories (a tree), goods and their
// SKUs (one per combination of property values, e.g. "2:10,4:15"). No I/O.
import { parseMoney, type Fen } from '../../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

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

/** A line of stock to take or give back. */
export interface StockLine {
  goodsId: number;
  skuId: number | null;
  number: number;
}

/** Why a choice of goods cannot be priced or resolved (details.reason; orders map it to their refusals). */
export type CatalogueRefusal = 'bad_goods' | 'off_sale' | 'bad_sku' | 'sku_needed';
/** The details a catalogue refusal carries. */
export interface CatalogueRefusalDetails {
  reason: CatalogueRefusal;
  line?: number;
}

/** Categories nest at most this deep (a guard against cycles when walking up). */
export const MAX_CATEGORY_DEPTH = 10;

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

/** A stock count: a whole number from 0 to a billion. */
export const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0 && (n as number) <= 1_000_000_000;

/** Each category's depth in the tree (1 = top), from the parent links. */
export function categoryLevels(parents: Map<number, number | null>): (id: number) => number {
  return (id) => {
    let level = 1;
    let p = parents.get(id) ?? null;
    while (p !== null && level < MAX_CATEGORY_DEPTH) {
      level++;
      p = parents.get(p) ?? null;
    }
    return level;
  };
}

/** A goods checked and ready to write: amounts parsed, SKU keys normalized. */
export interface NewGoods {
  name: string;
  /** The price asked for. */
  price: Fen;
  /** The price listed: the cheapest SKU's when there are SKUs, else the price asked for. */
  listPrice: Fen;
  originalPrice: Fen | null;
  stock: number;
  skus: NewSku[];
}
export interface NewSku {
  key: string;
  propertyStr: string | null;
  price: Fen;
  originalPrice: Fen | null;
  stock: number;
}

function checkSkus(input: GoodsInput['skus']): Result<NewSku[], 'invalid_input'> {
  const skus: NewSku[] = [];
  for (const [i, s] of (input ?? []).entries()) {
    const key = normalizePropertyChildIds(s.propertyChildIds);
    if (!key)
      return fail(ErrorCode.invalid_input, `skus[${i}].propertyChildIds: "${s.propertyChildIds}" is not like "1:2,3:4"`, {
        field: `skus[${i}].propertyChildIds`,
      });
    const p = parseMoney(s.price);
    if (p === null) return fail(ErrorCode.invalid_input, `skus[${i}].price is not an amount like "12.50"`, { field: `skus[${i}].price` });
    if (!isCount(s.stock))
      return fail(ErrorCode.invalid_input, `skus[${i}].stock must be a whole number ≥ 0`, { field: `skus[${i}].stock` });
    const op = s.originalPrice ? parseMoney(s.originalPrice) : null;
    skus.push({ key, propertyStr: s.propertyStr ?? null, price: p, originalPrice: op, stock: s.stock });
  }
  if (new Set(skus.map((s) => s.key)).size !== skus.length)
    return fail(ErrorCode.invalid_input, 'two SKUs have the same propertyChildIds', { field: 'skus' });
  return ok(skus);
}

/**
 * Checks a new goods. With SKUs the goods' stock is the sum of theirs (both
 * counters move together) and its price the lowest of theirs.
 */
export function checkNewGoods(input: GoodsInput): Result<NewGoods, 'invalid_input'> {
  const name = input.name?.trim();
  if (!name) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
  const price = parseMoney(input.price);
  if (price === null) return fail(ErrorCode.invalid_input, `price: "${input.price}" is not an amount like "12.50"`, { field: 'price' });
  const originalPrice = input.originalPrice ? parseMoney(input.originalPrice) : null;
  if (input.originalPrice && originalPrice === null)
    return fail(ErrorCode.invalid_input, 'originalPrice is not an amount', { field: 'originalPrice' });
  const skus = checkSkus(input.skus);
  if (!skus.ok) return skus;
  const list = skus.value;
  const stock = list.length ? list.reduce((a, s) => a + s.stock, 0) : input.stock;
  if (!isCount(stock)) return fail(ErrorCode.invalid_input, 'stock must be a whole number ≥ 0', { field: 'stock' });
  return ok({ name, price, listPrice: list.length ? Math.min(...list.map((s) => s.price)) : price, originalPrice, stock, skus: list });
}

/** The SKU a choice (a normalized key) names on a goods: null when the goods has no SKUs; a refusal when none fits. */
export function pickSku(skus: Sku[], key: string): { sku: Sku | null } | { refused: 'sku_needed' | 'bad_sku' } {
  if (!skus.length) return { sku: null };
  if (!key) return { refused: 'sku_needed' };
  const sku = skus.find((s) => s.propertyChildIds === key);
  return sku ? { sku } : { refused: 'bad_sku' };
}

/**
 * The totals a set of stock lines moves, per goods and per SKU, each in id
 * order (concurrent orders then lock rows in the same order: no deadlocks).
 */
export function stockTotals(lines: StockLine[]): { goods: [number, number][]; skus: [number, number][] } {
  const skuTotals = new Map<number, number>();
  const goodsTotals = new Map<number, number>();
  for (const l of lines) {
    if (l.skuId !== null) skuTotals.set(l.skuId, (skuTotals.get(l.skuId) ?? 0) + l.number);
    goodsTotals.set(l.goodsId, (goodsTotals.get(l.goodsId) ?? 0) + l.number);
  }
  const byId = (a: [number, number], b: [number, number]) => a[0] - b[0];
  return { goods: [...goodsTotals].sort(byId), skus: [...skuTotals].sort(byId) };
}
