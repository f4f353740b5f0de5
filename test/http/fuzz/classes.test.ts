// One small, readable regression per class of bad input of issue 12, beside
// the generated proof in routes.test.ts: each answer is the dialect's own
// parameter error, never a 5xx.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf } from '../../../src/http/problem.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeGoods, makeShopper, nativeCall, topUp } from '../apifm/shop-fixtures.ts';
import { apifm } from '../apifm/helpers.ts';
import { multipartBody, type World } from './generate.ts';
import { makeWorld } from './world.ts';

let rt: TestRuntime;
let w: World & { tenantId: number };
beforeAll(async () => {
  rt = await openTestRuntime();
  w = await makeWorld(rt);
});
afterAll(async () => rt?.close());

const staff = () => ({ authorization: `Bearer ${w.staffToken}` });
const inject = (o: InjectOptions) => rt.app.inject(o);
const form = (params: Record<string, string>, headers: Record<string, string> = {}) => ({
  payload: new URLSearchParams(params).toString(),
  headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
});

describe('integers out of range', () => {
  it('礼遇圈 turnover/refund orderNo=2^63 is errCode 4, not a 500', async () => {
    const r = await inject({
      method: 'POST',
      url: '/web/manage/v3/turnover/refund',
      headers: staff(),
      payload: { orderNo: '9223372036854775808', code: '1234' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ errCode: 4, result: 4 });
  });

  it('native ids and paging beyond their bounds, Infinity and 1e40 are 400 problems', async () => {
    for (const url of [
      '/api/v1/users/9223372036854775808',
      '/api/v1/users/Infinity',
      '/api/v1/users?offset=1e40',
      '/api/v1/users?limit=-1e40',
    ]) {
      const r = await inject({ url, headers: staff() });
      expect([url, r.statusCode, r.json().code]).toEqual([url, 400, 'invalid_input']);
    }
  });

  it('a millisecond time past year 9999 is refused (礼遇圈 record lists)', async () => {
    const r = await inject({
      method: 'POST',
      url: '/web/manage/v3/turnover/record_list',
      headers: staff(),
      payload: { endTime: 253402300800000 },
    });
    expect(r.json()).toMatchObject({ errCode: 4 });
  });

  it('seller storeId, portal ids and apifm ints get their dialect parameter error', async () => {
    const seller = await inject({
      method: 'POST',
      url: '/api/sell/writeOffCoupons',
      payload: { token: w.sellerToken, code: 'X', storeId: '1e40' },
    });
    expect(seller.json()).toMatchObject({ code: 1001 });
    const portal = await inject({
      method: 'POST',
      url: '/portal/gateway',
      headers: staff(),
      payload: { method: 'portal.couponCode.detail', id: '9223372036854775808' },
    });
    expect(portal.json()).toMatchObject({ code: 40000 });
    const call = apifm(rt.app, w.slug);
    expect((await call('/discounts/detail', { id: '9007199254740992' }, 'GET')).code).toBe(601);
    expect((await call('/shop/goods/detail', { id: '1e40' }, 'GET')).code).toBe(601);
  });
});

describe('NUL bytes', () => {
  it('in a body, a query, a path or a header: the parameter error of each dialect', async () => {
    const nul = 'a\u0000b';
    expect((await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: nul, password: 'x' } })).json()).toMatchObject({
      status: 400,
      code: 'invalid_input',
    });
    expect((await inject({ url: `/api/v1/coupons/${encodeURIComponent(nul)}`, headers: staff() })).statusCode).toBe(400);
    expect((await inject({ url: '/api/v1/consumer/qr', headers: { 'x-tenant': nul } })).statusCode).toBe(400);
    expect((await apifm(rt.app, w.slug)('/user/m/login', { mobile: nul, pwd: 'x' })).code).toBe(601);
    expect(
      (await inject({ method: 'POST', url: '/web/manage/user/login', payload: { username: nul, password: 'x' } })).json(),
    ).toMatchObject({ errCode: 4 });
    expect((await inject({ method: 'POST', url: '/api/cus/login', payload: { account: nul, password: 'x' } })).json()).toMatchObject({
      code: 1001,
    });
    // JSON text inside a parameter would decode to a NUL later: its escape is refused too.
    const p = await inject({
      method: 'POST',
      url: '/portal/gateway',
      headers: staff(),
      payload: { method: 'portal.couponCode.getList', params: '{"name":"a\\u0000b"}' },
    });
    expect(p.json()).toMatchObject({ code: 40000 });
  });
});

describe('malformed multipart on both upload endpoints', () => {
  const good = multipartBody({ module: '1' });
  const broken: Array<[string, string, Buffer]> = [
    ['no boundary', 'multipart/form-data', good.payload],
    ['wrong boundary', 'multipart/form-data; boundary=other', good.payload],
    ['truncated', good.headers['content-type']!, good.payload.subarray(0, good.payload.length - 60)],
  ];
  it.each(broken)('%s: native 400 problem, 礼遇圈 an error envelope', async (_label, type, payload) => {
    const native = await inject({ method: 'POST', url: '/api/v1/uploads/images', payload, headers: { ...staff(), 'content-type': type } });
    expect(native.statusCode).toBe(400);
    expect(native.headers['content-type']).toMatch(/problem\+json/);
    const lyq = await inject({
      method: 'POST',
      url: `/web/manage/upload/image?token=${w.staffToken}&module=1`,
      payload,
      headers: { 'content-type': type },
    });
    expect(lyq.statusCode).toBeLessThan(500);
    expect(lyq.json().errCode).not.toBe(0);
  });
});

describe('header injection', () => {
  it('verification/pic/get with a key that cannot be a header value answers 601, not a 500', async () => {
    const r = await inject({ url: `/${w.slug}/verification/pic/get?key=%EF%BD%85` });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ code: 601 });
    const fine = await inject({ url: `/${w.slug}/verification/pic/get?key=k-1.a_b:c` });
    expect(fine.headers['x-captcha-key']).toBe('k-1.a_b:c');
  });
});

describe('framework errors in the dialect envelope', () => {
  it('a bad %-escape: problem+json under /api/v1, {code:601} under a tenant slug', async () => {
    const native = await inject({ url: '/api/v1/users/%zz', headers: staff() });
    expect(native.statusCode).toBe(400);
    expect(native.json()).toMatchObject({ status: 400, code: 'invalid_input' });
    const a = await inject({ url: `/${w.slug}/shop/goods/detail/%E0%A4%A` });
    expect(a.statusCode).toBe(200);
    expect(a.json()).toMatchObject({ code: expect.any(Number), msg: expect.any(String) });
    expect(a.json().code).not.toBe(0);
    const lyq = await inject({ method: 'POST', url: '/web/manage/v3/userCard/card_detail/%zz' });
    expect(lyq.json()).toMatchObject({ errCode: expect.any(Number), time: expect.any(Number) });
  });

  it('413, 415 and malformed JSON: each dialect its own envelope', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(1_100_000) });
    const json = { 'content-type': 'application/json' };
    const n413 = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: big, headers: json });
    expect([n413.statusCode, n413.json().status]).toEqual([413, 413]);
    const n415 = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: '<a/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect([n415.statusCode, n415.json().status]).toEqual([415, 415]);
    const a = await inject({ method: 'POST', url: `/${w.slug}/user/m/login`, payload: '{"mobile":', headers: json });
    expect([a.statusCode, a.json().code]).toEqual([200, 601]);
    const s = await inject({ method: 'POST', url: '/api/sell/login', payload: big, headers: json });
    expect([s.statusCode, s.json().code]).toEqual([200, 1001]);
    const p = await inject({ method: 'POST', url: '/portal/gateway', payload: '<a/>', headers: { 'content-type': 'application/xml' } });
    expect([p.statusCode, p.json().code]).toEqual([200, 40000]);
  });

  it('a URL too large for the HTTP parser (431) is answered in the envelope the URL names', async () => {
    await rt.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = rt.app.server.address() as AddressInfo;
    const get = (path: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path }, (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
          })
          .on('error', reject);
      });
    const long = 'x'.repeat(20_000);
    const native = await get(`/api/v1/users?name=${long}`);
    expect(native.status).toBe(431);
    expect(native.type).toMatch(/problem\+json/);
    expect(JSON.parse(native.body)).toMatchObject({ status: 431 });
    const a = await get(`/${w.slug}/shop/goods/list?k=${long}`);
    expect([a.status, JSON.parse(a.body).code]).toEqual([200, 601]);
  });
});

describe('problem+json status', () => {
  it('is always the HTTP status: a detail named status goes under details', () => {
    expect(problemOf('invalid_state', 409, 'x', { status: 3, reason: 'r' })).toMatchObject({
      status: 409,
      reason: 'r',
      details: { status: 3 },
    });
  });

  it('closing a paid order: 409 with status 409, the order status as orderStatus', async () => {
    const t = { tenantId: w.tenantId, slug: w.slug, token: w.staffToken, auth: staff(), ownerUsername: '', password: '' };
    const g = await makeGoods(rt.app, t, { price: '5.00', stock: 5 });
    const u = await makeShopper(rt.services, w.tenantId);
    await topUp(rt.app, t, u.uid, '50.00');
    const call = apifm(rt.app, w.slug);
    const o = await call('/order/create', { token: u.token, goodsJsonStr: JSON.stringify([{ goodsId: g.id, number: 1 }]) });
    expect((await call('/order/pay', { token: u.token, orderId: o.data.id })).code).toBe(0);
    const r = await nativeCall(rt.app, t, 'POST', `/orders/${o.data.id}/close`);
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ status: 409, orderStatus: 1 });
  });
});

describe('paging that is not a number', () => {
  it('is refused, not defaulted: portal getList limit=abc', async () => {
    const r = await inject({
      method: 'POST',
      url: '/portal/gateway',
      ...form({ method: 'portal.couponCode.getList', limit: 'abc' }, staff()),
    });
    expect(r.json()).toMatchObject({ code: 40000 });
    const body = await inject({
      method: 'POST',
      url: '/portal/gateway',
      headers: staff(),
      payload: { method: 'portal.couponCode.getList', offset: 'x' },
    });
    expect(body.json()).toMatchObject({ code: 40000 });
    const lyq = await inject({
      method: 'POST',
      url: '/web/manage/v3/turnover/record_list',
      headers: staff(),
      payload: { pageSize: 'abc' },
    });
    expect(lyq.json()).toMatchObject({ errCode: 4 });
    const seller = await inject({ method: 'POST', url: '/api/sell/getMyCustomer', payload: { token: w.sellerToken, page: 'abc' } });
    expect(seller.json()).toMatchObject({ code: 1001 });
    expect((await apifm(rt.app, w.slug)('/shop/goods/list', { page: 'abc' })).code).toBe(601);
    expect((await inject({ url: '/api/v1/users?limit=abc', headers: staff() })).statusCode).toBe(400);
  });
});

describe('a POST with its parameters in the query string and no body', () => {
  it('works like the form in every dialect', async () => {
    const post = (url: string) => inject({ method: 'POST', url });
    expect((await post(`/api/sell/getMyCustomer?token=${w.sellerToken}`)).json()).toMatchObject({ code: 1000 });
    expect((await post(`/web/manage/v3/store/list?token=${w.staffToken}`)).json()).toMatchObject({ errCode: 0 });
    expect((await post(`/portal/gateway?method=portal.system.menu&auth=${w.staffToken}`)).json()).toMatchObject({ code: 200 });
    expect((await post(`/${w.slug}/user/detail?token=${w.consumerToken}`)).json()).toMatchObject({ code: 0 });
  });
});

describe('the dialect the URL names', () => {
  it('an unknown path under a reserved slug is a native 404 problem, under a tenant slug an apifm 404', async () => {
    const native = await inject({ url: '/api/nope/user/detail' });
    expect([native.statusCode, native.json().status, native.json().code]).toEqual([404, 404, 'not_found']);
    const a = await inject({ url: `/${w.slug}/no/such/call` });
    expect([a.statusCode, a.json().code]).toEqual([200, 404]);
  });
});
