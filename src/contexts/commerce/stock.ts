// Taking and giving back stock inside the caller's transaction (orders call
// these): one conditional update per goods/SKU, in id order, so concurrent
// orders never deadlock and stock never goes below zero.
import type { Queryable } from '../../db/store.ts';
import { stockTotals, type StockLine } from './domain/catalogue.ts';
import { moveGoodsStock, moveSkuStock } from './repo/goods.repo.ts';

async function moveStock(q: Queryable, tenantId: number, lines: StockLine[], sign: 1 | -1): Promise<boolean> {
  const totals = stockTotals(lines);
  for (const [id, n] of totals.goods) if (!(await moveGoodsStock(q, tenantId, id, sign * n))) return false;
  for (const [id, n] of totals.skus) if (!(await moveSkuStock(q, tenantId, id, sign * n))) return false;
  return true;
}

/**
 * Takes stock for the lines inside the caller's transaction. false when any
 * line is short; the caller rolls back. Call it last in the transaction: the
 * goods rows are the hot ones, so their locks are held for the shortest time.
 */
export async function takeStock(q: Queryable, tenantId: number, lines: StockLine[]): Promise<boolean> {
  return moveStock(q, tenantId, lines, -1);
}

/** Gives stock back (closing an order). */
export async function releaseStock(q: Queryable, tenantId: number, lines: StockLine[]): Promise<void> {
  await moveStock(q, tenantId, lines, 1);
}
