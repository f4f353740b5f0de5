// apifm banners, notices, config values and invoice requests, managed by
// staff in the native API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm } from './helpers.ts';
import { makeGoods, makeShopper, nativeCall, topUp } from './shop-fixtures.ts';

let rt: TestRuntime;
let t: TenantFixture;
let call: ReturnType<typeof apifm>;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  call = apifm(rt.app, t.slug);
}, 60_000);
afterAll(async () => rt?.close());

describe('banners', () => {
  it('banner/list is a plain array filtered by type; 700 when none; disabled ones hidden', async () => {
    expect((await call('/banner/list', {}, 'GET')).code).toBe(700);
    const b = await nativeCall(rt.app, t, 'POST', '/banners', {
      type: 'index',
      title: 'Sale',
      picUrl: 'https://x/b.png',
      linkType: 1,
      linkUrl: '/pages/x',
      appid: 'wx123',
    });
    expect(b.status).toBe(201);
    await nativeCall(rt.app, t, 'POST', '/banners', { type: 'other', picUrl: 'https://x/c.png' });
    await nativeCall(rt.app, t, 'POST', '/banners', { type: 'index', picUrl: 'https://x/off.png', enabled: false });
    const r = await call('/banner/list', { type: 'index' }, 'GET');
    expect(r.data).toEqual([
      expect.objectContaining({
        id: b.body.id,
        picUrl: 'https://x/b.png',
        linkType: 1,
        linkUrl: '/pages/x',
        appid: 'wx123',
        title: 'Sale',
      }),
    ]);
    expect((await call('/banner/list', {}, 'GET')).data).toHaveLength(2);
    expect((await nativeCall(rt.app, t, 'POST', '/banners', { type: 'index' })).status).toBe(400);
    const del = await rt.app.inject({ method: 'DELETE', url: `/api/v1/banners/${b.body.id}`, headers: t.auth });
    expect(del.statusCode).toBe(204);
    expect((await call('/banner/list', { type: 'index' }, 'GET')).code).toBe(700);
  });
});

describe('notices', () => {
  it('list answers data.dataList; detail and last-one; 404/700 when missing', async () => {
    expect((await call('/notice/list', {})).code).toBe(700);
    expect((await call('/notice/last-one', {}, 'GET')).code).toBe(700);
    const n1 = await nativeCall(rt.app, t, 'POST', '/notices', { title: 'Opening', content: '<p>We open</p>' });
    const n2 = await nativeCall(rt.app, t, 'POST', '/notices', { title: 'Holiday', content: 'Closed', type: 'shop' });
    const l = await call('/notice/list', { page: 1, pageSize: 10 });
    expect(l.data.dataList.map((n: { id: number; title: string }) => [n.id, n.title])).toEqual([
      [n2.body.id, 'Holiday'],
      [n1.body.id, 'Opening'],
    ]);
    expect(l.data.dataList[0].dateAdd).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect((await call('/notice/list', { type: 'shop' })).data.dataList).toHaveLength(1);
    expect((await call('/notice/detail', { id: n1.body.id }, 'GET')).data).toMatchObject({ title: 'Opening', content: '<p>We open</p>' });
    expect((await call('/notice/detail', { id: 99999999 }, 'GET')).code).toBe(404);
    expect((await call('/notice/last-one', {}, 'GET')).data).toMatchObject({ id: n2.body.id, title: 'Holiday' });
  });
});

describe('config', () => {
  it('value and values ([{key, value}]); 700 for an unknown key', async () => {
    expect((await call('/config/value', { key: 'mallName' }, 'GET')).code).toBe(700);
    expect((await nativeCall(rt.app, t, 'PUT', '/config/mallName', { value: 'Quan Mall' })).status).toBe(200);
    await nativeCall(rt.app, t, 'PUT', '/config/shopMod', { value: '1' });
    await nativeCall(rt.app, t, 'PUT', '/config/mallName', { value: 'Quan Mall 2' });
    expect((await call('/config/value', { key: 'mallName' }, 'GET')).data).toBe('Quan Mall 2');
    const v = await call('/config/values', { keys: 'mallName,shopMod,nope' }, 'GET');
    expect(v.data.map((x: { key: string; value: string }) => [x.key, x.value])).toEqual([
      ['mallName', 'Quan Mall 2'],
      ['shopMod', '1'],
    ]);
    expect((await call('/config/values', {}, 'GET')).code).toBe(600);
    expect((await nativeCall(rt.app, t, 'PUT', '/config/bad key', { value: 'x' })).status).toBe(400);
  });
});

describe('invoices', () => {
  it('apply (2000 without a token), list paged, info; staff see and settle them', async () => {
    const u = await makeShopper(rt.services, t.tenantId);
    expect((await call('/invoice/apply', { amount: '10' })).code).toBe(2000);
    expect((await call('/invoice/list', { token: u.token })).code).toBe(700);
    const g = await makeGoods(rt.app, t, { price: '30.00' });
    await topUp(rt.app, t, u.uid, '30.00');
    const o = await call('/order/create', { token: u.token, goodsJsonStr: JSON.stringify([{ goodsId: g.id, number: 1 }]) });
    expect((await call('/invoice/apply', { token: u.token, orderId: o.data.id, amount: '30' })).code).toBe(30000);
    await call('/order/pay', { token: u.token, orderId: o.data.id });
    expect((await call('/invoice/apply', { token: u.token, orderId: o.data.id, amount: '31' })).code).toBe(601);
    const inv = await call('/invoice/apply', {
      token: u.token,
      orderId: o.data.id,
      amount: '30',
      comName: 'ACME',
      tfn: '91310000X',
      consumption: '餐饮',
      email: 'a@b.cn',
    });
    expect(inv).toMatchObject({ code: 0, data: { amount: 30, comName: 'ACME', status: 0 } });
    const l = await call('/invoice/list', { token: u.token });
    expect(l.data).toMatchObject({
      totalRow: 1,
      result: [{ amount: 30, comName: 'ACME', consumption: '餐饮', email: 'a@b.cn', status: 0, file: '' }],
    });
    expect(l.data.result[0].dateAdd).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const staff = await nativeCall(rt.app, t, 'GET', '/invoice-requests');
    expect(staff.body.total).toBeGreaterThanOrEqual(1);
    await nativeCall(rt.app, t, 'POST', `/invoice-requests/${inv.data.id}/status`, { status: 1, file: 'https://x/inv.pdf' });
    expect((await call('/invoice/info', { token: u.token, id: inv.data.id }, 'GET')).data).toMatchObject({
      status: 1,
      file: 'https://x/inv.pdf',
    });
    const other = await makeShopper(rt.services, t.tenantId);
    expect((await call('/invoice/info', { token: other.token, id: inv.data.id }, 'GET')).code).toBe(700);
  });
});
