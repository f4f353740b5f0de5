// The cards context's public face: the only module other contexts and the dialects import.
export * from './domain/card.ts';
export * from './domain/card-spend.ts';
export * from './domain/bucket-state.ts';
export * from './domain/refund-rules.ts';
export * from './errors.ts';
export type { NewProductInput, ProductEdit, NewEventInput } from './products.ts';
export type { OpenCardInput } from './open.ts';
export type { RechargeInput } from './recharge.ts';
export type { ExpenseInput } from './expense.ts';
export type { RefundInput } from './refunds.ts';
export type { CardInvoices, InvoiceInput } from './invoices.ts';
export { UPLOAD_MAX_BYTES, UPLOAD_URL_PREFIX, type StoredUpload, type UploadService } from './uploads.ts';
export { likeOf } from './repo/card-ledger.repo.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { Coupons } from '../coupons/index.ts';
import type { Platform } from '../platform/index.ts';
import { cashBackUseCases } from './cash-back.ts';
import { expenseUseCases } from './expense.ts';
import { invoiceUseCases } from './invoices.ts';
import { openUseCases } from './open.ts';
import { productUseCases } from './products.ts';
import { rechargeUseCases } from './recharge.ts';
import { recordUseCases } from './records.ts';
import { refundUseCases } from './refunds.ts';
import { uploadService } from './uploads.ts';

/** The card use-cases, one facade (services.cards.xxx). */
export function cardService(deps: Deps, c: { coupons: Coupons['coupons']; messages: Platform['messages'] }) {
  return {
    ...productUseCases(deps),
    ...openUseCases(deps),
    ...rechargeUseCases(deps, { coupons: c.coupons }),
    ...expenseUseCases(deps),
    ...refundUseCases(deps, { messages: c.messages }),
    ...cashBackUseCases(deps),
    ...recordUseCases(deps),
  };
}
export type CardService = ReturnType<typeof cardService>;
export type InvoiceService = ReturnType<typeof invoiceUseCases>;

/** Builds the card services once (compose.ts calls this). */
export function buildCards(deps: Deps, c: { coupons: Coupons; platform: Platform }) {
  return {
    cards: cardService(deps, { coupons: c.coupons.coupons, messages: c.platform.messages }),
    invoices: invoiceUseCases(deps),
    uploads: uploadService(deps),
  };
}
export type Cards = ReturnType<typeof buildCards>;
