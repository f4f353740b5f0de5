// The cards context's public face: the only module other contexts and the dialects import.
export * from './cards.ts';
export * from './invoices.ts';
export * from './uploads.ts';
export * from './domain/card-spend.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { Coupons } from '../coupons/index.ts';
import type { Platform } from '../platform/index.ts';
import { cardService } from './cards.ts';
import { invoiceService } from './invoices.ts';
import { uploadService } from './uploads.ts';

/** Builds the card services once (compose.ts calls this). */
export function buildCards(deps: Deps, c: { coupons: Coupons; platform: Platform }) {
  return {
    cards: cardService(deps, { coupons: c.coupons.coupons, templates: c.coupons.templates, messages: c.platform.messages }),
    invoices: invoiceService(deps),
    uploads: uploadService(deps),
  };
}
export type Cards = ReturnType<typeof buildCards>;
