// The native API under /api/v1: JSON in, JSON out, problem+json on errors.
import type { NativeApp } from './types.ts';
import { makeGuard } from './guard.ts';
import { makeIdempotent, registerIdempotencyHooks } from './idempotency.ts';
import type { Services } from '../../compose.ts';
import sessionRoutes from './session.ts';
import tenantRoutes from './tenants.ts';
import staffRoutes from './staff.ts';
import storeRoutes from './stores.ts';
import userRoutes, { userLedgerRoutes } from './users.ts';
import apiKeyRoutes from './api-keys.ts';
import templateRoutes from './templates.ts';
import couponRoutes from './coupons.ts';
import redemptionRoutes from './redemptions.ts';
import codeBatchRoutes from './code-batches.ts';
import promoCodeRoutes from './promo-codes.ts';
import sellerRoutes from './sellers.ts';
import departmentRoutes from './departments.ts';
import devRoutes from './dev.ts';
import reportRoutes from './reports.ts';
import auditLogRoutes from './audit-log.ts';
import cardRoutes from './cards.ts';
import catalogueRoutes from './catalogue.ts';
import orderRoutes from './orders.ts';
import shopContentRoutes from './shop-content.ts';
import loyaltyRuleRoutes from './loyalty-rules.ts';
import jobRoutes from './jobs.ts';
import webhookRoutes from './webhooks.ts';

export const NATIVE_ROUTES = [
  sessionRoutes,
  tenantRoutes,
  staffRoutes,
  storeRoutes,
  userRoutes,
  userLedgerRoutes,
  apiKeyRoutes,
  templateRoutes,
  couponRoutes,
  redemptionRoutes,
  codeBatchRoutes,
  promoCodeRoutes,
  sellerRoutes,
  departmentRoutes,
  devRoutes,
];
NATIVE_ROUTES.push(reportRoutes, auditLogRoutes);
NATIVE_ROUTES.push(cardRoutes);
NATIVE_ROUTES.push(catalogueRoutes, orderRoutes, shopContentRoutes);
NATIVE_ROUTES.push(loyaltyRuleRoutes);
NATIVE_ROUTES.push(jobRoutes);
NATIVE_ROUTES.push(webhookRoutes);

export async function nativeApi(app: NativeApp, opts: { services: Services }) {
  app.decorate('services', opts.services);
  app.decorate('guard', makeGuard(opts.services));
  app.decorate('idempotent', makeIdempotent(opts.services));
  app.decorateRequest('principal', null);
  app.decorateRequest('tenantId', null);
  registerIdempotencyHooks(app, opts.services);
  for (const routes of NATIVE_ROUTES) await app.register(routes);
}
