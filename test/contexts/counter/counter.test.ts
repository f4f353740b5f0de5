// The counter use-cases, called directly on PGlite: a coupon written off by its
// number (code or id) once, in the clerk's store; the store rule for giving
// coupons and for the templates a clerk may hand out; staff stores paged in SQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeUser } from '../../helpers/fixtures.ts';
import { makeClerk, openCardWorld, value, type CardWorld } from '../cards/setup.ts';

let w: CardWorld;
let otherStore: number;
beforeAll(async () => {
  w = await openCardWorld();
  otherStore = (await w.rt.app.inject({ method: 'POST', url: '/api/v1/stores', headers: w.t.auth, payload: { name: 'Other St' } })).json()
    .id;
});
afterAll(async () => w?.rt.close());

const counter = () => w.rt.services.counter;
const T = () => w.t.tenantId;

async function givenCoupons(storeIds: number[], n = 2) {
  const tpl = await makeTemplate(w.rt.app, w.t, { minSpend: '0.00', storeIds });
  const user = await makeUser(w.rt.services, T());
  const coupons = value(await w.rt.services.coupons.grant(T(), { templateId: tpl.id, userId: user.id, quantity: n }, w.owner));
  return { tpl, user, coupons };
}

describe('write-off by number', () => {
  it('writes a coupon off by its id once, in the clerk store, with the usable count before it', async () => {
    const { tpl, coupons } = await givenCoupons([w.storeId]);
    const c = coupons[0]!;
    const out = value(await counter().writeOffByNumber(T(), ` ${c.id} `, w.clerk));
    expect(out).toMatchObject({ storeId: w.storeId, usableBefore: 2, coupon: { id: c.id, code: c.code }, template: { id: tpl.id } });
    const again = await counter().writeOffByNumber(T(), c.code, w.clerk);
    expect(again.ok).toBe(false);
    expect(!again.ok && again.error.code).toBe('coupon_used');
    const gone = await counter().writeOffByNumber(T(), 'no-such-coupon', w.clerk);
    expect(!gone.ok && gone.error).toMatchObject({ code: 'not_found', message: 'no coupon with number no-such-coupon' });
  });

  it('refuses a coupon valid in none of the clerk stores', async () => {
    const { coupons } = await givenCoupons([otherStore], 1);
    const out = await counter().writeOffByNumber(T(), coupons[0]!.code, w.clerk);
    expect(!out.ok && out.error).toMatchObject({ code: 'forbidden', message: 'this coupon is not valid in any of your stores' });
    const byOwner = value(await counter().writeOffByNumber(T(), coupons[0]!.code, w.owner));
    expect(byOwner.storeId).toBe(otherStore);
  });
});

describe('the store rule at the counter', () => {
  it('gives coupons only of templates usable in one of the giver stores, to a known phone', async () => {
    const mine = await makeTemplate(w.rt.app, w.t, { storeIds: [w.storeId] });
    const theirs = await makeTemplate(w.rt.app, w.t, { storeIds: [otherStore] });
    const user = await makeUser(w.rt.services, T());
    const given = value(await counter().giveCoupons(T(), { templateId: mine.id, phone: user.mobile!, quantity: 2 }, w.clerk));
    expect(given).toHaveLength(2);
    const refused = await counter().giveCoupons(T(), { templateId: theirs.id, phone: user.mobile!, quantity: 1 }, w.clerk);
    expect(!refused.ok && refused.error.code).toBe('forbidden');
    const nobody = await counter().giveCoupons(T(), { templateId: mine.id, phone: '15500000000', quantity: 1 }, w.clerk);
    expect(!nobody.ok && nobody.error).toMatchObject({ code: 'not_found', details: { what: 'user' } });
    const listed = (await counter().staffTemplates(T(), w.clerk)).map((t) => t.template.id);
    expect(listed).toContain(mine.id);
    expect(listed).not.toContain(theirs.id);
    const withStores = (await counter().staffTemplates(T(), w.clerk)).find((t) => t.template.id === mine.id)!;
    expect(withStores.stores.map((s) => s.id)).toEqual([w.storeId]);
  });

  it('pages a clerk own stores in SQL; the owner sees every store', async () => {
    expect(await counter().staffStores(T(), w.clerk, { limit: 10, offset: 0 })).toMatchObject({ total: 1, items: [{ id: w.storeId }] });
    const other = await makeClerk(w, '13900002222', [otherStore, w.storeId]);
    const p2 = await counter().staffStores(T(), other, { limit: 1, offset: 1 });
    expect(p2).toMatchObject({ total: 2, items: [{ id: Math.max(w.storeId, otherStore) }] });
    expect((await counter().staffStores(T(), w.owner, { limit: 10, offset: 5 })).total).toBe(2);
  });
});
