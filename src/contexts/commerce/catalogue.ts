// The catalogue: categories, goods and their SKUs, with stock that only ever
// moves by conditional updates. The service is the category and goods
// use-cases together; stock moves run inside the caller's transaction.
import type { Deps } from '../../kernel/deps.ts';
import { categoryUseCases } from './categories.ts';
import { goodsUseCases } from './goods.ts';

export * from './domain/catalogue.ts';
export type { CartLine, GoodsPatch, PriceOfChoice } from './goods.ts';
export { releaseStock, takeStock } from './stock.ts';

export function catalogueService(deps: Deps) {
  return { ...categoryUseCases(deps), ...goodsUseCases(deps) };
}

export type CatalogueService = ReturnType<typeof catalogueService>;
