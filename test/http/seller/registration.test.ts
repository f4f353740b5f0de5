// Customers bound at registration (issue 6: "when they register through a
// seller's link or code"): apifm m/register with a seller's referral code
// (`referralCode`) or with `referrer` = the uid of a seller's own consumer
// account binds the new consumer to that seller in the same transaction, and
// the seller then sees it in getMyCustomer. Also writeOffHistory paging past
// the last page keeps the real total.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { apifm, lastCode, newMobile } from '../apifm/helpers.ts';
import { api, grant, makeSeller, makeStore, sellerCall, type SellerFixture } from './helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;
let alice: SellerFixture;
let house: SellerFixture;
let aliceAccount: number;

async function register(params: Record<string, string | number> = {}) {
  const mobile = newMobile();
  expect((await call('/verification/sms/get', { mobile }, 'GET')).code).toBe(0);
  const code = await lastCode(rt.services, t.tenantId, mobile);
  return { mobile, r: await call('/user/m/register', { mobile, code, pwd: 'secret-123', autoLogin: true, ...params }) };
}

const customers = async (s: SellerFixture, path = '/api/sell/getMyCustomer') =>
  (await sellerCall(rt.app, path, { token: s.token, size: 100 })).json().data;
const ids = (page: { content: { id: number }[] }) => page.content.map((c) => c.id);

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
  const store = await makeStore(rt.app, t, 'S1');
  alice = await makeSeller(rt.app, t, { account: 'alice', name: 'Alice', phone: '1', storeIds: [store], referralCode: 'ALICE01' });
  house = await makeSeller(rt.app, t, { account: 'house', name: 'House', phone: '3', isDefault: true });
  // Alice's own consumer account (the WeChat user bound as a seller): its uid is what her share links carry as `referrer`.
  const acct = await rt.services.users.create(t.tenantId, { mobile: '13600000001' }, null);
  if (!acct.ok) throw new Error(acct.error.message);
  aliceAccount = acct.value.id;
  await api(rt.app, t, 'PUT', `/sellers/${alice.id}`, { userId: aliceAccount });
}, 60_000);
afterAll(async () => rt?.close());

describe('apifm registration binds the customer to a seller', () => {
  it("a seller's referral code (any case) binds; the seller sees the customer with channel referral", async () => {
    const { r } = await register({ referralCode: 'alice01' });
    expect(r.code).toBe(0);
    const page = await customers(alice);
    expect(ids(page)).toContain(r.data.uid);
    expect(page.content.find((c: { id: number }) => c.id === r.data.uid)).toMatchObject({
      seller: { id: alice.id },
      sellerChannel: 'referral',
    });
    expect(ids(await customers(house))).not.toContain(r.data.uid);
    // The WeChat side sees the same.
    expect(ids(await customers(alice, '/api/cus/getMyCustomer'))).toContain(r.data.uid);
  });

  it("referrer = the uid of a seller's own consumer account binds to that seller (channel referrer) and is kept as the referrer", async () => {
    const { r } = await register({ referrer: aliceAccount });
    expect(r.code).toBe(0);
    const page = await customers(alice);
    expect(page.content.find((c: { id: number }) => c.id === r.data.uid)).toMatchObject({ sellerChannel: 'referrer' });
    const u = await api(rt.app, t, 'GET', `/users/${r.data.uid}`);
    expect(u).toMatchObject({ referrerId: aliceAccount, sellerId: alice.id });
  });

  it('a referrer who is an ordinary consumer binds nobody: the default seller owns the new customer', async () => {
    const plain = await register();
    const { r } = await register({ referrer: plain.r.data.uid });
    expect(r.code).toBe(0);
    expect(await api(rt.app, t, 'GET', `/users/${r.data.uid}`)).toMatchObject({ referrerId: plain.r.data.uid, sellerId: null });
    expect(ids(await customers(alice))).not.toContain(r.data.uid);
    expect(ids(await customers(house))).toContain(r.data.uid);
  });

  it('an unknown referral code is refused (700) and registers nobody', async () => {
    const { mobile, r } = await register({ referralCode: 'NOBODY99' });
    expect(r.code).toBe(700);
    expect(r.msg).toMatch(/referral code/);
    expect((await api(rt.app, t, 'GET', `/users?mobile=${mobile}`)).items).toEqual([]);
  });
});

describe('writeOffHistory paging', () => {
  it('past the last page the total is still the real count', async () => {
    const tpl = (await makeTemplate(rt.app, t, { minSpend: '0.00' })).id;
    const { r } = await register({ referralCode: 'ALICE01' });
    const codes = await grant(rt.services, t, tpl, r.data.uid, 3);
    for (const code of codes)
      expect((await sellerCall(rt.app, '/api/sell/writeOffCoupons', { token: alice.token, code })).json().code).toBe(1000);
    const page = async (n: number) =>
      (await sellerCall(rt.app, '/api/sell/writeOffHistory', { token: alice.token, page: n, size: 2 })).json().data;
    expect(await page(0)).toMatchObject({ totalElements: 3, totalPages: 2, numberOfElements: 2, first: true, last: false });
    expect(await page(1)).toMatchObject({ totalElements: 3, totalPages: 2, numberOfElements: 1, last: true });
    expect(await page(5)).toMatchObject({ content: [], totalElements: 3, totalPages: 2, numberOfElements: 0, number: 5, last: true });
  });
});
