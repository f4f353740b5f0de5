// The counter context's public face: what a store clerk does with coupons at
// the till (write-off by number, giving coupons, the templates they may hand
// out, a coupon as the counter shows it) and the stores they work in. It owns
// no table: coupon writes go through the coupons context, reads of coupons and
// stores are in repo/counter.repo.ts.
export type { WrittenOff } from './write-off-by-number.ts';
export type { CounterCoupon, CounterTemplate } from './staff-templates.ts';
export type { CounterStore } from './repo/counter.repo.ts';

import type { Deps } from '../../kernel/deps.ts';
import type { Coupons } from '../coupons/index.ts';
import { giveCouponUseCases } from './give-coupons.ts';
import { staffStoreUseCases } from './staff-stores.ts';
import { staffTemplateUseCases } from './staff-templates.ts';
import { writeOffUseCases } from './write-off-by-number.ts';

/** Builds the counter use-cases once (compose.ts calls this). */
export function buildCounter(deps: Deps, c: { coupons: Coupons }) {
  return {
    counter: {
      ...writeOffUseCases(deps, c.coupons),
      ...giveCouponUseCases(deps, c.coupons),
      ...staffTemplateUseCases(deps, c.coupons),
      ...staffStoreUseCases(deps),
    },
  };
}
export type Counter = ReturnType<typeof buildCounter>;
