// Seed 000 replayed: every example of the seller write-off document, field for
// field (ids are the store's; values the seed fixes are reproduced).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api, grant, makeSeller, makeStore, sellerCall, type SellerFixture } from './helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;
let storeId: number;
let company: SellerFixture;

const COMPANY = {
  account: 'default',
  name: '马云公司',
  phone: '8888-8888',
  wechat: 'com_wechat',
  pic: 'http://ww1.sinaimg.cn/large/ae1a7c45gy1fubcdgay4tj208l08lgls.jpg',
  intro: '该帐号是公司帐号，默认销售',
};
const companyJson = () => ({ id: company.id, ...COMPANY });

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  storeId = await makeStore(rt.app, t, 'Flagship');
  company = await makeSeller(rt.app, t, { ...COMPANY, isDefault: true });
});
afterAll(async () => rt?.close());

async function customer(username: string, redemptions: number) {
  const u = await rt.services.users.create(t.tenantId, { username }, null);
  if (!u.ok) throw new Error(u.error.message);
  if (redemptions) {
    const tpl = await makeTemplate(rt.app, t, { minSpend: '0.00' });
    for (const code of await grant(rt.services, t, tpl.id, u.value.id, redemptions)) {
      await api(rt.app, t, 'POST', `/coupons/${code}/write-off`, { storeId });
    }
  }
  return u.value;
}

describe('seed 000: 微信端 / 电脑端 获取我的客户', () => {
  it('POST /api/cus/getMyCustomer (token) answers as the seed', async () => {
    const u = await customer('regular_one', 2);
    const r = await sellerCall(rt.app, '/api/cus/getMyCustomer', { token: company.token });
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.data.content[0].uid).toMatch(/^[0-9a-f]{32}$/);
    expect(body).toStrictEqual({
      code: 1000,
      msg: 'get all my customer success',
      data: {
        content: [
          {
            id: u.id,
            uid: body.data.content[0].uid,
            phone: null,
            seller: companyJson(),
            bSell: false,
            frequenter: true,
            sellerChannel: null,
          },
        ],
        totalElements: 1,
        totalPages: 1,
        last: true,
        first: true,
        numberOfElements: 1,
        sort: null,
        size: 999,
        number: 0,
      },
    });
    expect(Object.keys(body.data)).toEqual([
      'content',
      'totalElements',
      'totalPages',
      'last',
      'first',
      'numberOfElements',
      'sort',
      'size',
      'number',
    ]);
    expect(Object.keys(body.data.content[0])).toEqual(['id', 'uid', 'phone', 'seller', 'bSell', 'frequenter', 'sellerChannel']);
  });

  it('POST /api/sell/getMyCustomer (token) answers as the seed, a regular and a newcomer', async () => {
    const first = (await sellerCall(rt.app, '/api/cus/getMyCustomer', { token: company.token })).json().data.content[0];
    const u2 = await customer('newcomer_two', 1);
    const r = await sellerCall(rt.app, '/api/sell/getMyCustomer', { token: company.token });
    const body = r.json();
    expect(body).toStrictEqual({
      code: 1000,
      msg: 'get my customer success',
      data: {
        content: [
          first,
          {
            id: u2.id,
            uid: body.data.content[1].uid,
            phone: null,
            seller: companyJson(),
            bSell: false,
            frequenter: false,
            sellerChannel: null,
          },
        ],
        last: true,
        totalPages: 1,
        totalElements: 2,
        first: true,
        numberOfElements: 2,
        sort: null,
        size: 9999,
        number: 0,
      },
    });
    expect(Object.keys(body.data)).toEqual([
      'content',
      'last',
      'totalPages',
      'totalElements',
      'first',
      'numberOfElements',
      'sort',
      'size',
      'number',
    ]);
    expect(body.data.content[1].uid).toMatch(/^[0-9a-f]{32}$/);
    expect(body.data.content[1].uid).not.toBe(first.uid);
  });

  it('pages in Spring form: page and size', async () => {
    const r = (await sellerCall(rt.app, '/api/sell/getMyCustomer', { token: company.token, page: 1, size: 1 })).json();
    expect(r.data).toMatchObject({ totalElements: 2, totalPages: 2, last: true, first: false, numberOfElements: 1, size: 1, number: 1 });
    expect(r.data.content).toHaveLength(1);
  });
});

describe('seed 000: 核销优惠卷 and 核销记录查看', () => {
  let seller4: SellerFixture;
  let code: string;
  let templateId: number;

  beforeAll(async () => {
    // The seed's account "4" is below the 3-character minimum for usernames; every other field is the seed's.
    seller4 = await makeSeller(rt.app, t, {
      account: 'seller4',
      name: '，',
      phone: '，',
      wechat: '，',
      pic: '',
      intro: '，',
      storeIds: [storeId],
    });
    const tpl = await makeTemplate(rt.app, t, {
      name: '老司机发给新人的优惠卷',
      discount: { type: 'rate', rate: '0.88' },
      minSpend: '0.00',
      validity: { type: 'fixed', from: '2018-08-31T16:00:00Z', to: '2018-09-30T16:00:00Z' },
    });
    templateId = tpl.id;
    const u = await rt.services.users.create(t.tenantId, { username: 'driver_friend' }, null);
    if (!u.ok) throw new Error(u.error.message);
    await api(rt.app, t, 'PUT', `/users/${u.value.id}/seller`, { sellerId: seller4.id });
    const codes = await grant(rt.services, t, templateId, u.value.id, 5);
    code = codes[0]!;
    await rt.db.query(`UPDATE coupons SET code = '9A71j5', created_at = '2018-09-11 10:50:49+08' WHERE tenant_id = $1 AND code = $2`, [
      t.tenantId,
      code,
    ]);
    code = '9A71j5';
  });

  it('POST /api/sell/writeOffCoupons (token, code) answers as the seed', async () => {
    const deps = rt.services.deps;
    deps.now = () => new Date('2018-09-16T13:43:40Z');
    try {
      const r = await sellerCall(rt.app, '/api/sell/writeOffCoupons', { token: seller4.token, code });
      expect(r.statusCode).toBe(200);
      expect(r.json()).toStrictEqual({ code: 1000, msg: 'write off coupon success', data: null });
    } finally {
      delete deps.now;
    }
    await rt.db.query(`UPDATE redemptions SET created_at = '2018-09-16 21:43:40+08' WHERE tenant_id = $1 AND staff_id = $2`, [
      t.tenantId,
      seller4.id,
    ]);
  });

  it('POST /api/sell/writeOffHistory (token) answers as the seed', async () => {
    const r = await sellerCall(rt.app, '/api/sell/writeOffHistory', { token: seller4.token });
    const body = r.json();
    const coupon = await rt.db.query<{ id: number; redemption_id: number }>(
      'SELECT id, redemption_id FROM coupons WHERE tenant_id = $1 AND code = $2',
      [t.tenantId, code],
    );
    expect(body).toStrictEqual({
      code: 1000,
      msg: 'get all write off history success',
      data: {
        content: [
          {
            id: coupon.rows[0]!.redemption_id,
            couponObj: {
              id: coupon.rows[0]!.id,
              code: '9A71j5',
              coupon: {
                id: templateId,
                content: '老司机发给新人的优惠卷',
                finite: false,
                num: 5,
                startDate: '2018-09-01 00:00:00',
                endDate: '2018-10-01 00:00:00',
                amount: null,
              },
              expired: true,
              note: null,
              generalTime: '2018-09-11 10:50:49',
            },
            seller: { id: seller4.id, account: 'seller4', name: '，', phone: '，', wechat: '，', pic: '', intro: '，' },
            date: '2018-09-16 21:43:40',
          },
        ],
        totalPages: 1,
        totalElements: 1,
        last: true,
        first: true,
        numberOfElements: 1,
        sort: null,
        size: 9999,
        number: 0,
      },
    });
    expect(Object.keys(body.data)).toEqual([
      'content',
      'totalPages',
      'totalElements',
      'last',
      'first',
      'numberOfElements',
      'sort',
      'size',
      'number',
    ]);
    // The seed lists `code` as a parameter here too: it narrows the history to one coupon.
    const none = (await sellerCall(rt.app, '/api/sell/writeOffHistory', { token: seller4.token, code: 'NOPE' })).json();
    expect(none.data).toMatchObject({ content: [], totalElements: 0, totalPages: 0, numberOfElements: 0 });
  });

  it('POST /api/cus/writeOffCoupons (token, code) answers as the seed, JSON too', async () => {
    const u = await rt.services.users.create(t.tenantId, { username: 'wechat_buyer' }, null);
    if (!u.ok) throw new Error(u.error.message);
    const tpl = await makeTemplate(rt.app, t, { minSpend: '0.00' });
    await api(rt.app, t, 'PUT', `/users/${u.value.id}/seller`, { sellerId: seller4.id });
    const [c] = await grant(rt.services, t, tpl.id, u.value.id, 1);
    const login = (await sellerCall(rt.app, '/api/cus/login', { account: 'seller4', password: 'seller-pass-123' }, false)).json();
    expect(login).toMatchObject({
      code: 1000,
      msg: 'login success',
      data: { token: expect.any(String), seller: { id: seller4.id, account: 'seller4' } },
    });
    const r = await sellerCall(rt.app, '/api/cus/writeOffCoupons', { token: login.data.token, code: c! }, false);
    expect(r.json()).toStrictEqual({ code: 1000, msg: 'write off coupon success', data: null });
    const status = await api(rt.app, t, 'GET', `/coupons/${c}`);
    expect(status.coupon.status).toBe('used');
    const hist = (await sellerCall(rt.app, '/api/sell/writeOffHistory', { token: seller4.token })).json();
    expect(hist.data.totalElements).toBe(2);
    expect(hist.data.content[0].couponObj).toMatchObject({ code: c, coupon: { amount: 10, finite: false }, expired: false });
    expect(hist.data.content[0].date).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });
});
