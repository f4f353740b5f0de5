// The commerce context's public face: the only module other contexts and the dialects import.
export * from './addresses.ts';
export * from './catalogue.ts';
export * from './orders.ts';
export * from './domain/content.ts';
export * from './domain/invoice-request.ts';
export * from './order-errors.ts';
export * from './domain/order.ts';
export * from './domain/order-state.ts';
export * from './domain/score-deduction.ts';
export type { OrderCollaborators } from './order-deps.ts';
export type { CreateCode } from './create.ts';
export type { QuoteCode } from './quote.ts';
export type { OrderWithAliases } from './read.ts';
export { missingCatalogueIn, type CatalogueKind, type MissingCatalogueIn } from './refs.ts';
export { ORDER_RECOVERY_EVERY_MS, type Recovered } from './recover.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { Coupons } from '../coupons/index.ts';
import type { JobService } from '../platform/index.ts';
import { addressService } from './addresses.ts';
import { catalogueService } from './catalogue.ts';
import { orderService } from './orders.ts';
import { contentUseCases } from './content.ts';
import { levelUseCases } from './levels.ts';
import { inboxUseCases } from './inbox.ts';
import { invoiceRequestUseCases } from './invoice-requests.ts';
import { orderRecoveryJob } from './recover.ts';

/** What a shop shows (banners, notices, config), user levels, in-app messages and invoice requests: one facade. */
export function contentService(deps: Deps) {
  return { ...contentUseCases(deps), ...levelUseCases(deps), ...inboxUseCases(deps), ...invoiceRequestUseCases(deps) };
}
export type ContentService = ReturnType<typeof contentService>;

/** Builds the commerce services once (compose.ts calls this). */
export function buildCommerce(deps: Deps, c: { coupons: Coupons; jobs: JobService }) {
  const catalogue = catalogueService(deps);
  const orders = orderService(deps, { catalogue, redemptions: c.coupons.redemptions, promoLoader: c.coupons.promoLoader });
  // Half-made orders, closed orders' coupons, expired unpaid orders: one recurring job across all processes.
  c.jobs.register(orderRecoveryJob(() => orders.recover(120, null), deps.log));
  return {
    catalogue,
    orders,
    addresses: addressService(deps),
    shopContent: contentService(deps),
  };
}
export type Commerce = ReturnType<typeof buildCommerce>;
