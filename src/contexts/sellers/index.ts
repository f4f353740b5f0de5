// The sellers context's public face: the only module other contexts and the dialects import.
export * from './sellers.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { Coupons } from '../coupons/index.ts';
import { sellerService } from './sellers.ts';

/** Builds the seller services once (compose.ts calls this). */
export function buildSellers(deps: Deps, c: { coupons: Coupons }) {
  return { sellers: sellerService(deps, { redemptions: c.coupons.redemptions }) };
}
export type Sellers = ReturnType<typeof buildSellers>;
