import { authService } from './auth.ts';
import { codeBatchService } from './code-batches.ts';
import { couponService } from './coupons.ts';
import { promoCodeService } from './promo-codes.ts';
import { sellerService } from './sellers.ts';
import { departmentService } from './departments.ts';
import { promoCodeLoader } from './promo-pricing.ts';
import { redemptionService } from './redemptions.ts';
import { templateService } from './templates.ts';
import type { Deps } from './deps.ts';
import { idempotencyService } from './idempotency.ts';
import { ledgerService } from './ledgers.ts';
import { messageService } from './messages.ts';
import { staffService } from './staff.ts';
import { storeService } from './stores.ts';
import { tenantService } from './tenants.ts';
import { userService } from './users.ts';

/** Every use-case, built once per process from the same deps. */
export function createServices(deps: Deps) {
  const tenants = tenantService(deps);
  return {
    deps,
    tenants,
    auth: authService(deps, (id) => tenants.get(id)),
    staff: staffService(deps),
    stores: storeService(deps),
    users: userService(deps),
    idempotency: idempotencyService(deps),
    ledgers: ledgerService(deps),
    messages: messageService(deps),
    templates: templateService(deps),
    coupons: couponService(deps),
    codeBatches: codeBatchService(deps),
    redemptions: redemptionService(deps, promoCodeLoader),
    promoCodes: promoCodeService(deps),
    sellers: sellerService(deps),
    departments: departmentService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
