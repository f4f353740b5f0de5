// Use-cases of goods and their SKUs: create, staff updates, reads, the price
// of one choice of properties, and resolving cart lines for orders.
import type { Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import {
  checkNewGoods,
  isCount,
  normalizePropertyChildIds,
  pickSku,
  type CatalogueRefusal,
  type Goods,
  type GoodsFilter,
  type GoodsInput,
  type ResolvedLine,
  type Sku,
} from './domain/catalogue.ts';
import * as goodsRepo from './repo/goods.repo.ts';
import { categoryExists } from './repo/categories.repo.ts';

export type GoodsPatch = { onSale?: boolean; stock?: number; recommend?: boolean };

export interface PriceOfChoice {
  goods: Goods;
  sku: Sku | null;
  price: Fen;
  originalPrice: Fen | null;
  stock: number;
}

export interface CartLine {
  goodsId: number;
  number: number;
  propertyChildIds?: string | null;
}

const refused = (reason: CatalogueRefusal, line?: number) => (line === undefined ? { reason } : { reason, line });

/** The category and store a goods names must be the tenant's. */
async function checkPlacement(q: Queryable, tenantId: number, input: GoodsInput): Promise<Result<void, 'not_found'>> {
  if (input.categoryId != null && !(await categoryExists(q, tenantId, input.categoryId)))
    return fail(ErrorCode.not_found, 'category not found', { field: 'categoryId' });
  if (input.storeId != null && !(await goodsRepo.storeExists(q, tenantId, input.storeId)))
    return fail(ErrorCode.not_found, 'store not found', { field: 'storeId' });
  return ok(undefined);
}

/** One cart line against the goods read for the cart. */
function resolveLine(
  goods: Map<number, Goods>,
  l: CartLine,
  i: number,
): Result<ResolvedLine, 'not_found' | 'invalid_state' | 'invalid_input'> {
  const g = goods.get(l.goodsId);
  if (!g) return fail(ErrorCode.not_found, `goods ${l.goodsId} not found`, refused('bad_goods', i));
  if (!g.onSale) return fail(ErrorCode.invalid_state, `goods ${l.goodsId} is not on sale`, refused('off_sale', i));
  const key = normalizePropertyChildIds(l.propertyChildIds);
  if (key === null) return fail(ErrorCode.invalid_input, `line ${i}: bad propertyChildIds`, refused('bad_sku', i));
  const pick = pickSku(g.skus, key);
  if ('refused' in pick) {
    const message = pick.refused === 'sku_needed' ? `goods ${g.id}: choose the specification` : `goods ${g.id}: no SKU ${key}`;
    return fail(ErrorCode.invalid_input, message, refused(pick.refused, i));
  }
  const sku = pick.sku;
  return ok({
    goodsId: g.id,
    skuId: sku?.id ?? null,
    categoryId: g.categoryId,
    storeId: g.storeId,
    name: g.name,
    pic: g.pic,
    propertyChildIds: sku?.propertyChildIds ?? '',
    propertyStr: sku?.propertyStr ?? null,
    unitPrice: sku?.price ?? g.price,
    number: l.number,
    stock: sku?.stock ?? g.stock,
  });
}

export function goodsUseCases(deps: Deps) {
  async function createGoods(
    tenantId: number,
    input: GoodsInput,
    by: Principal,
  ): Promise<Result<Goods, 'invalid_input' | 'not_found' | 'conflict'>> {
    const checked = checkNewGoods(input);
    if (!checked.ok) return checked;
    const g = checked.value;
    try {
      return await deps.db.txResult(async (q) => {
        const placed = await checkPlacement(q, tenantId, input);
        if (!placed.ok) return placed;
        const id = await goodsRepo.insertGoods(q, tenantId, g, {
          categoryId: input.categoryId ?? null,
          storeId: input.storeId ?? null,
          pic: input.pic ?? null,
          characteristic: input.characteristic ?? null,
          content: input.content ?? null,
          recommend: input.recommend ?? false,
          onSale: input.onSale ?? true,
          sort: input.sort ?? 0,
        });
        await audit(q, tenantId, by, {
          action: 'goods.create',
          targetType: 'goods',
          targetId: id,
          details: { name: g.name, price: g.price, stock: g.stock },
        });
        return ok((await goodsRepo.findGoods(q, tenantId, id))!);
      });
    } catch (e) {
      if (pgErrorCode(e) === PgCode.uniqueViolation) return fail(ErrorCode.conflict, 'two SKUs have the same propertyChildIds');
      throw e;
    }
  }

  /** Staff change of sale state or stock (absolute), by conditional writes. */
  async function updateGoods(
    tenantId: number,
    id: number,
    input: GoodsPatch,
    by: Principal,
  ): Promise<Result<Goods, 'invalid_input' | 'not_found'>> {
    if (input.stock !== undefined && !isCount(input.stock))
      return fail(ErrorCode.invalid_input, 'stock must be a whole number ≥ 0', { field: 'stock' });
    return deps.db.txResult(async (q) => {
      const r = await goodsRepo.patchGoods(q, tenantId, id, input);
      if (!r) return fail(ErrorCode.not_found, 'goods not found');
      if (input.stock !== undefined && r.hasSkus) return fail(ErrorCode.invalid_input, 'this goods has SKUs: set the stock of each SKU');
      await audit(q, tenantId, by, { action: 'goods.update', targetType: 'goods', targetId: id, details: input });
      return ok((await goodsRepo.findGoods(q, tenantId, id))!);
    });
  }

  /** The price of one choice: the SKU's when the goods has SKUs, else the goods'. */
  async function price(
    tenantId: number,
    goodsId: number,
    propertyChildIds: string | null | undefined,
  ): Promise<Result<PriceOfChoice, 'not_found' | 'invalid_input'>> {
    const g = await goodsRepo.findGoods(deps.db, tenantId, goodsId);
    if (!g) return fail(ErrorCode.not_found, 'goods not found');
    const key = normalizePropertyChildIds(propertyChildIds);
    if (key === null) return fail(ErrorCode.invalid_input, `propertyChildIds "${propertyChildIds}" is not like "1:2,3:4"`);
    const pick = pickSku(g.skus, key);
    if ('refused' in pick)
      return fail(
        ErrorCode.not_found,
        pick.refused === 'bad_sku' ? `no SKU ${key}` : 'choose the specification first',
        refused(pick.refused),
      );
    const sku = pick.sku;
    if (!sku) return ok({ goods: g, sku: null, price: g.price, originalPrice: g.originalPrice, stock: g.stock });
    return ok({ goods: g, sku, price: sku.price, originalPrice: sku.originalPrice, stock: sku.stock });
  }

  /** Resolves cart lines against the catalogue (no stock check: that happens when taking it). */
  async function resolve(
    tenantId: number,
    lines: CartLine[],
    q: Queryable = deps.db,
  ): Promise<Result<ResolvedLine[], 'not_found' | 'invalid_state' | 'invalid_input'>> {
    const goods = await goodsRepo.findGoodsMany(q, tenantId, [...new Set(lines.map((l) => l.goodsId))]);
    const out: ResolvedLine[] = [];
    for (const [i, l] of lines.entries()) {
      const r = resolveLine(goods, l, i);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  }

  return {
    createGoods,
    updateGoods,
    get: (tenantId: number, id: number): Promise<Goods | null> => goodsRepo.findGoods(deps.db, tenantId, id),
    list: (tenantId: number, f: GoodsFilter): Promise<{ items: Goods[]; total: number }> => goodsRepo.listGoods(deps.db, tenantId, f),
    price,
    resolve,
  };
}
