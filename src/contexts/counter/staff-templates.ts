// Coupons at the counter (the store rule): the templates a staff member may
// hand out, with their stores, and one coupon as the counter shows it.
import { storesOverlap } from '../identity/index.ts';
import type { Coupon, Coupons, Template } from '../coupons/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { storesIn, usableCount, type CounterStore } from './repo/counter.repo.ts';
import { staffStoresOf } from './staff-stores.ts';

export interface CounterTemplate {
  template: Template;
  /** The stores it is usable in (every store when it names none). */
  stores: CounterStore[];
}

export interface CounterCoupon {
  coupon: Coupon;
  template: Template;
  stores: CounterStore[];
  /** The holder's usable coupons of this template (0 without a holder). */
  usable: number;
}

const storesOf = (all: CounterStore[], ids: readonly number[]) => (ids.length ? all.filter((s) => ids.includes(s.id)) : all);

export function staffTemplateUseCases(deps: Deps, { templates, coupons }: Pick<Coupons, 'templates' | 'coupons'>) {
  /** Active coupon templates a staff member may hand out (those usable in one of their stores), with their stores. */
  async function staffTemplates(tenantId: number, by: Principal): Promise<CounterTemplate[]> {
    const list = await templates.list(tenantId, { state: 'active', limit: 500, offset: 0 });
    const usable = list.items.filter((t) => storesOverlap(staffStoresOf(by), t.storeIds));
    if (usable.length === 0) return [];
    const named = usable.every((t) => t.storeIds.length > 0) ? [...new Set(usable.flatMap((t) => t.storeIds))] : [];
    const all = await storesIn(deps.db, tenantId, named);
    return usable.map((t) => ({ template: t, stores: storesOf(all, t.storeIds) }));
  }

  /** One coupon by its code as the counter shows it: its template, the stores it is valid in, the holder's usable count. */
  async function counterCoupon(tenantId: number, code: string): Promise<CounterCoupon | null> {
    const found = await coupons.get(tenantId, code);
    if (!found) return null;
    const { coupon, template } = found;
    const stores = await storesIn(deps.db, tenantId, template.storeIds);
    const usable = coupon.ownerId ? await usableCount(deps.db, tenantId, coupon.ownerId, template.id, deps.now?.() ?? new Date()) : 0;
    return { coupon, template, stores, usable };
  }

  return { staffTemplates, counterCoupon };
}
