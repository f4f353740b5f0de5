// A seller sees and writes off only its own: its customers, its write-offs,
// its merchant's coupons, in its stores. Every refusal is a clear non-1000 code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api, grant, makeSeller, makeStore, SELLER_PASSWORD, sellerCall, type SellerFixture } from './helpers.ts';

let rt: TestRuntime;
let a: TenantFixture;
let b: TenantFixture;
let storeA1: number;
let storeA2: number;
let alice: SellerFixture; // store A1
let bob: SellerFixture; // store A2
let house: SellerFixture; // default seller of A, every store
let bella: SellerFixture; // seller of merchant B
let tplA: number;
let tplB: number;

const user = async (t: TenantFixture, username: string) => {
  const u = await rt.services.users.create(t.tenantId, { username }, null);
  if (!u.ok) throw new Error(u.error.message);
  return u.value.id;
};
const writeOff = (s: SellerFixture, code: string, path = '/api/sell/writeOffCoupons') =>
  sellerCall(rt.app, path, { token: s.token, code }).then((r) => r.json());
const customers = (s: SellerFixture) => sellerCall(rt.app, '/api/sell/getMyCustomer', { token: s.token }).then((r) => r.json().data);

beforeAll(async () => {
  rt = await openTestRuntime();
  a = await makeTenant(rt.services, rt.app);
  b = await makeTenant(rt.services, rt.app);
  storeA1 = await makeStore(rt.app, a, 'A1');
  storeA2 = await makeStore(rt.app, a, 'A2');
  const storeB = await makeStore(rt.app, b, 'B1');
  alice = await makeSeller(rt.app, a, { account: 'alice', name: 'Alice', phone: '1', storeIds: [storeA1], referralCode: 'ALICE01' });
  bob = await makeSeller(rt.app, a, { account: 'bob', name: 'Bob', phone: '2', storeIds: [storeA2] });
  house = await makeSeller(rt.app, a, { account: 'house', name: 'House', phone: '3', isDefault: true });
  bella = await makeSeller(rt.app, b, { account: 'bella', name: 'Bella', phone: '4', storeIds: [storeB], isDefault: true });
  tplA = (await makeTemplate(rt.app, a, { minSpend: '0.00' })).id;
  tplB = (await makeTemplate(rt.app, b, { minSpend: '0.00' })).id;
});
afterAll(async () => rt?.close());

describe('customers', () => {
  it('each seller lists only its own; the default seller has the unbound rest; referral and assignment bind', async () => {
    const c1 = await user(a, 'c_one');
    const c2 = await user(a, 'c_two');
    const c3 = await user(a, 'c_three');
    await user(b, 'c_b');
    await api(rt.app, a, 'PUT', `/users/${c1}/seller`, { sellerId: alice.id });
    const ref = await api(rt.app, a, 'POST', '/sellers/referrals', { userId: c2, referralCode: 'alice01' });
    expect(ref).toEqual({ bound: true, sellerId: alice.id });
    // A bound customer keeps its seller when another referral comes.
    await api(rt.app, a, 'PUT', `/sellers/${bob.id}`, { referralCode: 'BOB01' });
    expect(await api(rt.app, a, 'POST', '/sellers/referrals', { userId: c2, referralCode: 'BOB01' })).toEqual({
      bound: false,
      sellerId: bob.id,
    });

    const mine = await customers(alice);
    expect(mine.content.map((c: { id: number }) => c.id)).toEqual([c1, c2]);
    expect(mine.content.map((c: { sellerChannel: string }) => c.sellerChannel)).toEqual(['assigned', 'referral']);
    expect(mine.content.every((c: { seller: { id: number } }) => c.seller.id === alice.id)).toBe(true);
    expect((await customers(bob)).content).toEqual([]);
    const rest = await customers(house);
    expect(rest.content.map((c: { id: number }) => c.id)).toEqual([c3]);
    expect(rest.content[0]).toMatchObject({ sellerChannel: null, seller: { id: house.id, account: 'house' } });
    expect((await customers(bella)).content.map((c: { id: number }) => c.id)).not.toContain(c3);

    // Unassigning hands the customer back to the default seller.
    await api(rt.app, a, 'PUT', `/users/${c1}/seller`, { sellerId: null });
    expect((await customers(alice)).content.map((c: { id: number }) => c.id)).toEqual([c2]);
    expect((await customers(house)).content.map((c: { id: number }) => c.id)).toEqual([c1, c3]);
  });

  it("a customer who is a seller's own consumer account shows bSell true", async () => {
    const own = await user(a, 'bob_wechat');
    await api(rt.app, a, 'PUT', `/sellers/${bob.id}`, { userId: own });
    const list = await customers(house);
    expect(list.content.find((c: { id: number }) => c.id === own)).toMatchObject({ bSell: true });
  });

  it('the native API lets a seller read its own customers only; managers read any', async () => {
    const bobAuth = { authorization: `Bearer ${bob.token}` };
    const own = await rt.app.inject({ method: 'GET', url: `/api/v1/sellers/${bob.id}/customers`, headers: bobAuth });
    expect(own.statusCode).toBe(200);
    const other = await rt.app.inject({ method: 'GET', url: `/api/v1/sellers/${alice.id}/customers`, headers: bobAuth });
    expect(other.statusCode).toBe(403);
    const mgr = await api(rt.app, a, 'GET', `/sellers/${alice.id}/customers`);
    expect(mgr.total).toBe(1);
    expect(mgr.items[0]).toMatchObject({ bound: true, channel: 'referral', seller: { id: alice.id } });
    // Another merchant's seller id is simply not found from here.
    expect((await api(rt.app, a, 'GET', `/sellers/${bella.id}/customers`)).total).toBe(0);
    expect(
      (await rt.app.inject({ method: 'PUT', url: `/api/v1/users/1/seller`, headers: a.auth, payload: { sellerId: bella.id } })).statusCode,
    ).toBe(400);
  });
});

describe('seller profiles', () => {
  it('lists sellers with profiles; one default seller per merchant; referral codes are unique', async () => {
    const list = (await api(rt.app, a, 'GET', '/sellers')).items;
    expect(list.map((s: { account: string }) => s.account)).toEqual(['alice', 'bob', 'house']);
    expect(list.filter((s: { isDefault: boolean }) => s.isDefault).map((s: { id: number }) => s.id)).toEqual([house.id]);
    expect(list.find((s: { id: number }) => s.id === house.id).referralCode).toMatch(/^S[0-9A-F]{10}$/);
    await api(rt.app, a, 'PUT', `/sellers/${alice.id}`, { isDefault: true });
    const after = (await api(rt.app, a, 'GET', '/sellers')).items;
    expect(after.filter((s: { isDefault: boolean }) => s.isDefault).map((s: { id: number }) => s.id)).toEqual([alice.id]);
    await api(rt.app, a, 'PUT', `/sellers/${house.id}`, { isDefault: true });
    const dup = await rt.app.inject({
      method: 'PUT',
      url: `/api/v1/sellers/${house.id}`,
      headers: a.auth,
      payload: { referralCode: 'alice01' },
    });
    expect(dup.statusCode).toBe(409);
    const notSeller = await rt.app.inject({ method: 'PUT', url: `/api/v1/sellers/99999`, headers: a.auth, payload: { intro: 'x' } });
    expect(notSeller.statusCode).toBe(404);
  });
});

describe('write-off refusals', () => {
  let aliceCustomer: number;
  let bobCustomer: number;

  beforeAll(async () => {
    aliceCustomer = await user(a, 'wo_alice');
    bobCustomer = await user(a, 'wo_bob');
    await api(rt.app, a, 'PUT', `/users/${aliceCustomer}/seller`, { sellerId: alice.id });
    await api(rt.app, a, 'PUT', `/users/${bobCustomer}/seller`, { sellerId: bob.id });
  });

  it('2001 unknown code, 1001 no code', async () => {
    expect(await writeOff(alice, 'NOSUCHCODE99')).toMatchObject({ code: 2001, data: null, msg: expect.stringMatching(/no coupon/) });
    expect((await sellerCall(rt.app, '/api/sell/writeOffCoupons', { token: alice.token })).json()).toMatchObject({ code: 1001 });
  });

  it("another merchant's coupon answers exactly like a code nobody has (2001, no existence oracle), and it stays usable there", async () => {
    const bUser = await user(b, 'wo_b');
    const [code] = await grant(rt.services, b, tplB, bUser);
    const theirs = await writeOff(alice, code!);
    const nobodys = await writeOff(alice, 'ZZ' + code!.slice(2));
    expect(theirs).toMatchObject({ code: 2001, data: null });
    expect({ ...theirs, msg: theirs.msg.replace(code!, 'X') }).toStrictEqual({
      ...nobodys,
      msg: nobodys.msg.replace('ZZ' + code!.slice(2), 'X'),
    });
    expect((await api(rt.app, b, 'GET', `/coupons/${code}`)).coupon.status).toBe('usable');
    expect(await writeOff(bella, code!)).toMatchObject({ code: 1000 });
  });

  it("2006 another seller's customer; the coupon stays usable", async () => {
    const [code] = await grant(rt.services, a, tplA, bobCustomer);
    expect(await writeOff(alice, code!)).toMatchObject({ code: 2006 });
    expect(await writeOff(house, code!)).toMatchObject({ code: 2006 });
    expect((await api(rt.app, a, 'GET', `/coupons/${code}`)).coupon.status).toBe('usable');
    expect(await writeOff(bob, code!)).toMatchObject({ code: 1000 });
    // Alice's history does not show Bob's write-off; Bob's does.
    const hist = async (s: SellerFixture) =>
      (await sellerCall(rt.app, '/api/sell/writeOffHistory', { token: s.token }))
        .json()
        .data.content.map((w: { couponObj: { code: string } }) => w.couponObj.code);
    expect(await hist(alice)).not.toContain(code);
    expect(await hist(bob)).toContain(code);
  });

  it('2002 already used', async () => {
    const [code] = await grant(rt.services, a, tplA, aliceCustomer);
    expect(await writeOff(alice, code!, '/api/cus/writeOffCoupons')).toMatchObject({ code: 1000 });
    expect(await writeOff(alice, code!, '/api/cus/writeOffCoupons')).toMatchObject({ code: 2002 });
  });

  it('2003 expired', async () => {
    const tpl = await makeTemplate(rt.app, a, {
      minSpend: '0.00',
      validity: { type: 'fixed', from: '2020-01-01T00:00:00Z', to: '2020-02-01T00:00:00Z' },
    });
    const [code] = await grant(rt.services, a, tpl.id, aliceCustomer);
    expect(await writeOff(alice, code!)).toMatchObject({ code: 2003 });
  });

  it("2005 outside the seller's stores (by the coupon's stores, or a store named)", async () => {
    const onlyA2 = await makeTemplate(rt.app, a, { minSpend: '0.00', storeIds: [storeA2] });
    const [code] = await grant(rt.services, a, onlyA2.id, aliceCustomer);
    expect(await writeOff(alice, code!)).toMatchObject({ code: 2005 });
    const [code2] = await grant(rt.services, a, tplA, aliceCustomer);
    expect(
      (await sellerCall(rt.app, '/api/sell/writeOffCoupons', { token: alice.token, code: code2!, storeId: storeA2 })).json(),
    ).toMatchObject({ code: 2005 });
    expect((await api(rt.app, a, 'GET', `/coupons/${code2}`)).coupon.status).toBe('usable');
    // The default seller works in every store: it may write off its own customer's A2 coupon.
    const rest = await user(a, 'wo_rest');
    const [code3] = await grant(rt.services, a, onlyA2.id, rest);
    expect(await writeOff(house, code3!)).toMatchObject({ code: 1000 });
    const w = await api(rt.app, a, 'GET', `/sellers/${house.id}/write-offs`);
    expect(w.items[0]).toMatchObject({ couponCode: code3, storeId: storeA2 });
  });
});

describe('sessions', () => {
  it('1002 without a token or with a bad one; 1003 for a staff member who is not a seller', async () => {
    expect((await sellerCall(rt.app, '/api/sell/getMyCustomer', {})).json()).toMatchObject({ code: 1002, data: null });
    expect((await sellerCall(rt.app, '/api/cus/getMyCustomer', { token: 'forged' })).json()).toMatchObject({ code: 1002 });
    expect((await sellerCall(rt.app, '/api/sell/writeOffHistory', { token: a.token })).json()).toMatchObject({ code: 1003 });
  });

  it('login: 1004 wrong password, 1003 not a seller, a native session token works too, logout ends it', async () => {
    expect((await sellerCall(rt.app, '/api/sell/login', { account: 'alice', password: 'wrong-one' })).json()).toMatchObject({
      code: 1004,
      msg: 'wrong account or password',
    });
    expect((await sellerCall(rt.app, '/api/sell/login', { account: a.ownerUsername, password: a.password })).json()).toMatchObject({
      code: 1003,
    });
    const native = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'bob', password: SELLER_PASSWORD },
    });
    const tok = native.json().token;
    expect((await sellerCall(rt.app, '/api/sell/getMyCustomer', { token: tok })).json()).toMatchObject({ code: 1000 });
    const s = (await sellerCall(rt.app, '/api/sell/login', { account: 'bob', password: SELLER_PASSWORD })).json();
    expect((await sellerCall(rt.app, '/api/sell/logout', { token: s.data.token })).json()).toMatchObject({ code: 1000 });
    expect((await sellerCall(rt.app, '/api/sell/getMyCustomer', { token: s.data.token })).json()).toMatchObject({ code: 1002 });
  });

  it('every call of both dialects is in the OpenAPI document', async () => {
    const paths = Object.keys((await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths);
    for (const p of [
      '/api/sell/writeOffCoupons',
      '/api/cus/writeOffCoupons',
      '/api/sell/writeOffHistory',
      '/api/sell/getMyCustomer',
      '/api/cus/getMyCustomer',
      '/api/sell/login',
      '/api/cus/login',
      '/portal/gateway',
      '/portal/promotioncode/getPromotionCodeList',
      '/portal/promotioncode/auditPromotionCode',
      '/api/v1/sellers/{id}/customers',
      '/api/v1/users/{id}/seller',
      '/api/v1/departments/{id}',
    ]) {
      expect(paths, p).toContain(p);
    }
  });

  it('unknown calls and bad parameters answer in the dialect envelope', async () => {
    const r = await sellerCall(rt.app, '/api/sell/nothing', {});
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 1404, data: null });
    expect((await sellerCall(rt.app, '/api/sell/getMyCustomer', { token: alice.token, size: 'many' })).json()).toMatchObject({
      code: 1001,
    });
  });
});
