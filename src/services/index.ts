import { authService } from './auth.ts';
import { codeBatchService } from './code-batches.ts';
import { couponService } from './coupons.ts';
import { promoCodeService } from './promo-codes.ts';
import { sellerService } from './sellers.ts';
import { departmentService } from './departments.ts';
import { promoCodeLoader } from './promo-pricing.ts';
import { redemptionService } from './redemptions.ts';
import { reportService } from './reports.ts';
import { templateService } from './templates.ts';
import type { Deps } from './deps.ts';
import { idempotencyService } from './idempotency.ts';
import { ledgerService } from './ledgers.ts';
import { messageService } from './messages.ts';
import { staffService } from './staff.ts';
import { storeService } from './stores.ts';
import { tenantService } from './tenants.ts';
import { userService } from './users.ts';
import { cardService } from './cards.ts';
import { invoiceService } from './invoices.ts';
import { qrService } from './qr.ts';
import { uploadService } from './uploads.ts';
import { consumerAuthService } from './consumer-auth.ts';
import { captchaService } from './captcha.ts';
import { signInService } from './signins.ts';
import { couponExtrasService } from './coupon-extras.ts';
import { pointsExtrasService } from './points-extras.ts';
import { catalogueService } from './catalogue.ts';
import { orderService } from './orders.ts';
import { accountService } from './account.ts';
import { addressService } from './addresses.ts';
import { contentService } from './shop-content.ts';

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
    reports: reportService(deps),
    cards: cardService(deps),
    invoices: invoiceService(deps),
    qr: qrService(deps),
    uploads: uploadService(deps),
    consumerAuth: consumerAuthService(deps, messageService(deps)),
    captcha: captchaService(deps),
    signIns: signInService(deps),
    couponExtras: couponExtrasService(deps),
    pointsExtras: pointsExtrasService(deps),
    catalogue: catalogueService(deps),
    orders: orderService(deps, promoCodeLoader),
    account: accountService(deps),
    addresses: addressService(deps),
    shopContent: contentService(deps),
  };
}

export type Services = ReturnType<typeof createServices>;
