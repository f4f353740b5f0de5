// Seed 000's WeChat side with the token it names: "绑定成为 seller 的微信用户登录之后
// 得到的 token". A seller's own WeChat account (a consumer bound as the seller's
// account by PUT /api/v1/sellers/{id} userId) logs in like any consumer (apifm
// user/m/login) and, with that consumer token, writes off coupons and lists
// customers on /api/cus as that seller. Who may write off whose coupon, and a
// wrong storeId, follow the sellers context's rule (domain/seller.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { apifm, registerUser } from '../apifm/helpers.ts';
import { api, grant, makeSeller, makeStore, sellerCall, type SellerFixture } from './helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;
let other: TenantFixture;
let call: ReturnType<typeof apifm>;
let store1: number;
let store2: number;
let alice: SellerFixture; // store 1
let bob: SellerFixture; // store 2
let tpl: number;
/** Alice's own WeChat account: a consumer, logged in through apifm. */
let aliceWechat: { token: string; uid: number; mobile: string; pwd: string };

const user = async (tt: TenantFixture, username: string) => {
  const u = await rt.services.users.create(tt.tenantId, { username }, null);
  if (!u.ok) throw new Error(u.error.message);
  return u.value.id;
};
const cus = (path: string, params: Record<string, string | number>) => sellerCall(rt.app, `/api/cus/${path}`, params).then((r) => r.json());
const status = async (code: string) => (await api(rt.app, t, 'GET', `/coupons/${code}`)).coupon.status as string;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  other = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
  store1 = await makeStore(rt.app, t, 'One');
  store2 = await makeStore(rt.app, t, 'Two');
  // No default seller in this merchant: the case the old rule refused.
  alice = await makeSeller(rt.app, t, { account: 'alice', name: 'Alice', phone: '1', storeIds: [store1] });
  bob = await makeSeller(rt.app, t, { account: 'bob', name: 'Bob', phone: '2', storeIds: [store2] });
  tpl = (await makeTemplate(rt.app, t, { minSpend: '0.00' })).id;
  aliceWechat = await registerUser(call, rt.services, t.tenantId);
  await api(rt.app, t, 'PUT', `/sellers/${alice.id}`, { userId: aliceWechat.uid });
}, 60_000);
afterAll(async () => rt?.close());

describe("seed 000 WeChat side: the token of a seller's own WeChat account", () => {
  it('writeOffCoupons with the consumer token writes off as the seller, as the seed shows', async () => {
    const c = await user(t, 'wx_c1');
    await api(rt.app, t, 'PUT', `/users/${c}/seller`, { sellerId: alice.id });
    const [code] = await grant(rt.services, t, tpl, c);
    const r = await sellerCall(rt.app, '/api/cus/writeOffCoupons', { token: aliceWechat.token, code: code! });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toStrictEqual({ code: 1000, msg: 'write off coupon success', data: null });
    expect(await status(code!)).toBe('used');
    // It is Alice's write-off: in her history (web back office) and in store 1, hers.
    const hist = (await sellerCall(rt.app, '/api/sell/writeOffHistory', { token: alice.token })).json();
    expect(hist.data.content[0]).toMatchObject({ couponObj: { code }, seller: { id: alice.id, account: 'alice' } });
    const w = await api(rt.app, t, 'GET', `/sellers/${alice.id}/write-offs`);
    expect(w.items[0]).toMatchObject({ couponCode: code, storeId: store1 });
    // A second time: 2002, like any seller token.
    expect(await cus('writeOffCoupons', { token: aliceWechat.token, code: code! })).toMatchObject({ code: 2002 });
  });

  it("getMyCustomer with the consumer token lists the seller's customers (seed page shape)", async () => {
    const c = await user(t, 'wx_c2');
    await api(rt.app, t, 'PUT', `/users/${c}/seller`, { sellerId: alice.id });
    const viaWechat = await cus('getMyCustomer', { token: aliceWechat.token });
    const viaStaff = await cus('getMyCustomer', { token: alice.token });
    expect(viaWechat).toStrictEqual(viaStaff);
    expect(viaWechat).toMatchObject({ code: 1000, msg: 'get all my customer success', data: { size: 999, number: 0 } });
    expect(viaWechat.data.content.map((x: { id: number }) => x.id)).toContain(c);
    expect(viaWechat.data.content.every((x: { seller: { id: number } }) => x.seller.id === alice.id)).toBe(true);
  });

  it("a consumer who is no seller's own account gets 1003, also when it is a seller's customer; a dead token 1002", async () => {
    const plain = await registerUser(call, rt.services, t.tenantId);
    expect(await cus('getMyCustomer', { token: plain.token })).toMatchObject({ code: 1003, data: null });
    // A seller's customer (users.seller_id) is not the seller.
    await api(rt.app, t, 'PUT', `/users/${plain.uid}/seller`, { sellerId: alice.id });
    const c = await user(t, 'wx_c3');
    const [code] = await grant(rt.services, t, tpl, c);
    expect(await cus('writeOffCoupons', { token: plain.token, code: code! })).toMatchObject({ code: 1003 });
    expect(await status(code!)).toBe('usable');
    // apifm logout ends it here too.
    expect((await call('/user/loginout', { token: plain.token }, 'GET')).code).toBe(0);
    expect(await cus('getMyCustomer', { token: plain.token })).toMatchObject({ code: 1002 });
  });

  it('the web back office (/api/sell) takes only staff sessions; a disabled seller is refused (1003)', async () => {
    expect((await sellerCall(rt.app, '/api/sell/getMyCustomer', { token: aliceWechat.token })).json()).toMatchObject({ code: 1002 });
    const carol = await makeSeller(rt.app, t, { account: 'carol', name: 'Carol', phone: '3' });
    const carolWechat = await registerUser(call, rt.services, t.tenantId);
    await api(rt.app, t, 'PUT', `/sellers/${carol.id}`, { userId: carolWechat.uid });
    expect(await cus('getMyCustomer', { token: carolWechat.token })).toMatchObject({ code: 1000 });
    await api(rt.app, t, 'PATCH', `/staff/${carol.id}`, { disabled: true });
    expect(await cus('getMyCustomer', { token: carolWechat.token })).toMatchObject({ code: 1003 });
  });

  it("another merchant's consumer token finds no seller here, and another merchant's seller account acts only there", async () => {
    const bella = await makeSeller(rt.app, other, { account: 'bella', name: 'Bella', phone: '4' });
    const bellaWechat = await registerUser(apifm(rt.app, other.slug), rt.services, other.tenantId);
    await api(rt.app, other, 'PUT', `/sellers/${bella.id}`, { userId: bellaWechat.uid });
    const c = await user(t, 'wx_c4');
    const [code] = await grant(rt.services, t, tpl, c);
    // Bella's token acts in Bella's merchant: the code of this one is unknown there.
    expect(await cus('writeOffCoupons', { token: bellaWechat.token, code: code! })).toMatchObject({ code: 2001 });
    expect(await status(code!)).toBe('usable');
  });
});

describe('who may write off whose coupon (sellers domain rule)', () => {
  it('any seller of the merchant writes off the coupon of a customer bound to nobody, even with no default seller', async () => {
    const c = await user(t, 'free_c1');
    const [code] = await grant(rt.services, t, tpl, c);
    expect(await cus('writeOffCoupons', { token: bob.token, code: code! })).toMatchObject({ code: 1000 });
    const w = await api(rt.app, t, 'GET', `/sellers/${bob.id}/write-offs`);
    expect(w.items[0]).toMatchObject({ couponCode: code, storeId: store2 });
  });

  it("a customer bound to a seller is that seller's only; bound to a seller since disabled, anyone's", async () => {
    const c = await user(t, 'bound_c1');
    await api(rt.app, t, 'PUT', `/users/${c}/seller`, { sellerId: bob.id });
    const [code, code2] = await grant(rt.services, t, tpl, c, 2);
    expect(await cus('writeOffCoupons', { token: aliceWechat.token, code: code! })).toMatchObject({ code: 2006 });
    expect(await cus('writeOffCoupons', { token: alice.token, code: code! })).toMatchObject({ code: 2006 });
    expect(await status(code!)).toBe('usable');
    expect(await cus('writeOffCoupons', { token: bob.token, code: code! })).toMatchObject({ code: 1000 });
    const dan = await makeSeller(rt.app, t, { account: 'dan', name: 'Dan', phone: '5' });
    await api(rt.app, t, 'PUT', `/users/${c}/seller`, { sellerId: dan.id });
    await api(rt.app, t, 'PATCH', `/staff/${dan.id}`, { disabled: true });
    expect(await cus('writeOffCoupons', { token: alice.token, code: code2! })).toMatchObject({ code: 1000 });
  });

  it('the default seller lists the unbound customers but takes no coupon of a bound one, and leaves the unbound to all', async () => {
    const house = await makeSeller(rt.app, t, { account: 'house', name: 'House', phone: '6', isDefault: true });
    const free = await user(t, 'free_c2');
    const bound = await user(t, 'bound_c2');
    await api(rt.app, t, 'PUT', `/users/${bound}/seller`, { sellerId: alice.id });
    const [freeCode] = await grant(rt.services, t, tpl, free);
    const [boundCode] = await grant(rt.services, t, tpl, bound);
    expect((await cus('getMyCustomer', { token: house.token, size: 500 })).data.content.map((x: { id: number }) => x.id)).toContain(free);
    expect(await cus('writeOffCoupons', { token: house.token, code: boundCode! })).toMatchObject({ code: 2006 });
    expect(await cus('writeOffCoupons', { token: bob.token, code: freeCode! })).toMatchObject({ code: 1000 });
    await api(rt.app, t, 'PUT', `/sellers/${house.id}`, { isDefault: false });
  });
});

describe('a wrong storeId never reads as an unknown coupon', () => {
  it("a store the merchant does not have: 1001 naming storeId; one that is not the seller's or the coupon's: 2005", async () => {
    const c = await user(t, 'store_c1');
    const [code] = await grant(rt.services, t, tpl, c);
    const otherStore = await makeStore(rt.app, other, 'Elsewhere');
    for (const storeId of [999_999_999, otherStore]) {
      const r = await cus('writeOffCoupons', { token: alice.token, code: code!, storeId });
      expect(r).toMatchObject({ code: 1001, data: null, msg: expect.stringContaining('storeId') });
    }
    expect(await cus('writeOffCoupons', { token: alice.token, code: code!, storeId: store2 })).toMatchObject({ code: 2005 });
    const onlyTwo = await makeTemplate(rt.app, t, { minSpend: '0.00', storeIds: [store2] });
    const [code2] = await grant(rt.services, t, onlyTwo.id, c);
    const everywhere = await makeSeller(rt.app, t, { account: 'erin', name: 'Erin', phone: '7' });
    expect(await cus('writeOffCoupons', { token: everywhere.token, code: code2!, storeId: store1 })).toMatchObject({ code: 2005 });
    expect(await status(code!)).toBe('usable');
    expect(await status(code2!)).toBe('usable');
    // The right store works.
    expect(await cus('writeOffCoupons', { token: alice.token, code: code!, storeId: store1 })).toMatchObject({ code: 1000 });
    expect(await cus('writeOffCoupons', { token: everywhere.token, code: code2!, storeId: store2 })).toMatchObject({ code: 1000 });
  });
});
