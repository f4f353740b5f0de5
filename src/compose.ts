// The composition root: every service of every context is built here, once per
// process, and collaborators are passed in. No service builds another (so one
// process has one claim batcher, one template cache, one message service with
// the configured providers). The dialects reach the use-cases through the
// returned facade.
import type { Deps } from './kernel/deps.ts';
import { buildCards } from './contexts/cards/index.ts';
import { buildCommerce, missingCatalogueIn } from './contexts/commerce/index.ts';
import { buildCoupons } from './contexts/coupons/index.ts';
import { buildCounter } from './contexts/counter/index.ts';
import { buildEvents } from './contexts/events/index.ts';
import { buildIdentity } from './contexts/identity/index.ts';
import { buildLoyalty } from './contexts/loyalty/index.ts';
import { buildPlatform } from './contexts/platform/index.ts';
import { buildReports } from './contexts/reports/index.ts';
import { buildSellers, sellerByAccount, sellerByReferral } from './contexts/sellers/index.ts';

export function createServices(deps: Deps) {
  const platform = buildPlatform(deps);
  // The outbox's dispatcher, its subscriber registry (modules subscribe here) and the merchant webhooks.
  const events = buildEvents(deps);
  // Registration asks sellers which seller a referral code or a seller's own account names.
  const identity = buildIdentity(deps, { messages: platform.messages, referrals: { sellerByReferral, sellerOfAccount: sellerByAccount } });
  const loyalty = buildLoyalty(deps);
  // Templates scoped to goods or categories ask commerce (which owns the catalogue) whether the ids are the tenant's.
  const coupons = buildCoupons(deps, { catalogue: missingCatalogueIn, jobs: platform.jobs });
  const cards = buildCards(deps, { coupons, platform });
  const counter = buildCounter(deps, { coupons });
  const commerce = buildCommerce(deps, { coupons, jobs: platform.jobs });
  const sellers = buildSellers(deps, { coupons });
  const reports = buildReports(deps);
  return { deps, ...platform, ...events, ...identity, ...loyalty, ...coupons, ...cards, ...counter, ...commerce, ...sellers, ...reports };
}

export type Services = ReturnType<typeof createServices>;
