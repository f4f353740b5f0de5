// No cross-tenant existence oracle (issue 12, "Isolation and disclosure"): in
// every dialect, a coupon code, coupon id, template id, card, batch code or QR
// code of another merchant is answered exactly like one nobody has. Each probe
// sends the call twice from merchant A, once naming merchant B's thing and
// once naming a thing that does not exist anywhere, and the two replies must
// be the same (status and body, with the probe's own value masked in texts
// and the envelope's clock removed); B's things stay as they were.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { apifm, makeExchangeCodes, registerUser } from '../apifm/helpers.ts';
import { lyq, md5 } from '../liyuquan/helpers.ts';
import { api, grant, makeSeller, makeStore, type SellerFixture } from './helpers.ts';

let rt: TestRuntime;
let a: TenantFixture;
let b: TenantFixture;
let sellerA: SellerFixture;
let lyqToken: string;
let storeA: number;
let userA: number;
let wechatA: { token: string; uid: number };
/** B's things. */
const theirs = {
  code: '',
  couponId: 0,
  templateId: 0,
  batch: ['', ''] as [string, string],
  cardId: 0,
  cardProductId: 0,
  holderId: 0,
  couponQr: '',
  cardQr: '',
};
/** Things nobody has (the QR codes validly signed, for merchant A). */
const nobodys = { code: 'NOPE00000000', id: 987_654_321, couponQr: '', cardQr: '' };

interface Reply {
  status: number;
  body: unknown;
}

/** The reply with the probe's value masked in every text and the envelope's clock dropped. */
function masked(r: Reply, probe: string | number): Reply {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.split(String(probe)).join('<probe>');
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => k !== 'time')
          .map(([k, x]) => [k, walk(x)]),
      );
    return v;
  };
  return { status: r.status, body: walk(r.body) };
}

const inject = async (opts: InjectOptions): Promise<Reply> => {
  const res = await rt.app.inject(opts);
  return { status: res.statusCode, body: res.body ? res.json() : null };
};
const seller = (path: string, params: Record<string, string | number>) => inject({ method: 'POST', url: path, payload: params });
const web = (path: string, params: Record<string, unknown>) =>
  inject({ method: 'POST', url: `/web/${path}`, payload: { token: lyqToken, ...params } });
const native = (method: 'GET' | 'POST', url: string, payload?: object) =>
  inject({ method, url: `/api/v1${url}`, headers: a.auth, ...(payload ? { payload } : {}) });
const apifmA = (path: string, params: Record<string, string | number>) =>
  inject({
    method: 'POST',
    url: `/${a.slug}${path}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString(),
  });

/** Each lookup, called with B's value and with nobody's. */
const PROBES: Array<{
  name: string;
  call: (v: string | number) => Promise<Reply>;
  theirs: () => string | number;
  nobodys: () => string | number;
}> = [
  {
    name: 'seller /api/sell/writeOffCoupons code',
    call: (v) => seller('/api/sell/writeOffCoupons', { token: sellerA.token, code: v }),
    theirs: () => theirs.code,
    nobodys: () => nobodys.code,
  },
  {
    name: 'seller /api/cus/writeOffCoupons code (WeChat token of the seller)',
    call: (v) => seller('/api/cus/writeOffCoupons', { token: wechatA.token, code: v }),
    theirs: () => theirs.code,
    nobodys: () => nobodys.code,
  },
  {
    name: 'seller /api/sell/writeOffHistory code',
    call: (v) => seller('/api/sell/writeOffHistory', { token: sellerA.token, code: v }),
    theirs: () => theirs.code,
    nobodys: () => nobodys.code,
  },
  {
    name: '礼遇圈 coupon/use num = code',
    call: (v) => web('manage/v3/coupon/use', { num: String(v) }),
    theirs: () => theirs.code,
    nobodys: () => nobodys.code,
  },
  {
    name: '礼遇圈 coupon/use num = coupon id',
    call: (v) => web('manage/v3/coupon/use', { num: String(v) }),
    theirs: () => theirs.couponId,
    nobodys: () => nobodys.id,
  },
  {
    name: '礼遇圈 tool/scan coupon QR',
    call: (v) => web('manage/tool/scan', { qrcode: String(v) }),
    theirs: () => theirs.couponQr,
    nobodys: () => nobodys.couponQr,
  },
  {
    name: '礼遇圈 tool/scan card QR',
    call: (v) => web('manage/tool/scan', { qrcode: String(v) }),
    theirs: () => theirs.cardQr,
    nobodys: () => nobodys.cardQr,
  },
  {
    name: '礼遇圈 userCard/user_card_detail userId',
    call: (v) => web('manage/v3/userCard/user_card_detail', { userId: v }),
    theirs: () => theirs.holderId,
    nobodys: () => nobodys.id,
  },
  {
    name: '礼遇圈 card/card_detail cardId',
    call: (v) => web('manage/v3/card/card_detail', { userId: theirs.holderId, cardId: v }),
    theirs: () => theirs.cardProductId,
    nobodys: () => nobodys.id,
  },
  {
    name: '礼遇圈 coupon/forUser couponId (template)',
    call: (v) => web('manage/v3/coupon/forUser', { phone: '13900000000', couponId: v, quantity: 1 }),
    theirs: () => theirs.templateId,
    nobodys: () => nobodys.id,
  },
  {
    name: 'native GET /coupons/{code}',
    call: (v) => native('GET', `/coupons/${v}`),
    theirs: () => theirs.code,
    nobodys: () => nobodys.code,
  },
  {
    name: 'native POST /coupons/{code}/write-off',
    call: (v) => native('POST', `/coupons/${v}/write-off`, { storeId: storeA }),
    theirs: () => theirs.code,
    nobodys: () => nobodys.code,
  },
  {
    name: 'native GET /cards/{id}',
    call: (v) => native('GET', `/cards/${v}`),
    theirs: () => theirs.cardId,
    nobodys: () => nobodys.id,
  },
  {
    name: 'native POST /coupons/exchange code',
    call: (v) => native('POST', '/coupons/exchange', { userId: userA, code: String(v), password: theirs.batch[1] }),
    theirs: () => theirs.batch[0],
    nobodys: () => nobodys.code,
  },
  {
    name: 'native claim detect on a template id',
    call: (v) => native('POST', `/coupon-templates/${v}/claims`, { userId: userA, detect: true }),
    theirs: () => theirs.templateId,
    nobodys: () => nobodys.id,
  },
  {
    name: 'apifm discounts/exchange number',
    call: (v) => apifmA('/discounts/exchange', { token: wechatA.token, number: v, pwd: theirs.batch[1] }),
    theirs: () => theirs.batch[0],
    nobodys: () => nobodys.code,
  },
  {
    name: 'apifm discounts/detail id',
    call: (v) => apifmA('/discounts/detail', { id: v }),
    theirs: () => theirs.templateId,
    nobodys: () => nobodys.id,
  },
  {
    name: 'apifm discounts/fetch id',
    call: (v) => apifmA('/discounts/fetch', { token: wechatA.token, id: v }),
    theirs: () => theirs.templateId,
    nobodys: () => nobodys.id,
  },
  {
    name: 'apifm discounts/hx code (the seller account)',
    call: (v) => apifmA('/discounts/hx', { token: wechatA.token, code: v, shopId: storeA }),
    theirs: () => theirs.code,
    nobodys: () => nobodys.code,
  },
  {
    name: 'apifm discounts/send id (a coupon id)',
    call: (v) => apifmA('/discounts/send', { token: wechatA.token, id: v, uid: userA }),
    theirs: () => theirs.couponId,
    nobodys: () => nobodys.id,
  },
];

beforeAll(async () => {
  rt = await openTestRuntime();
  a = await makeTenant(rt.services, rt.app);
  b = await makeTenant(rt.services, rt.app);
  storeA = await makeStore(rt.app, a, 'A1');
  const storeB = await makeStore(rt.app, b, 'B1');
  sellerA = await makeSeller(rt.app, a, { account: 'seller_a', name: 'SA', phone: '1' });
  const callA = apifm(rt.app, a.slug);
  wechatA = await registerUser(callA, rt.services, a.tenantId);
  await api(rt.app, a, 'PUT', `/sellers/${sellerA.id}`, { userId: wechatA.uid });
  userA = wechatA.uid;
  const login = await lyq(rt.app, 'manage/user/login', { username: a.ownerUsername, password: md5(a.password), client: 1 });
  lyqToken = login.body.data as string;

  const tplB = await makeTemplate(rt.app, b, { minSpend: '0.00' });
  theirs.templateId = tplB.id;
  const holder = await rt.services.users.create(b.tenantId, { mobile: '13900000000' }, null);
  if (!holder.ok) throw new Error(holder.error.message);
  theirs.holderId = holder.value.id;
  [theirs.code] = (await grant(rt.services, b, tplB.id, holder.value.id)) as [string];
  theirs.couponId = (await api(rt.app, b, 'GET', `/coupons/${theirs.code}`)).coupon.id;
  theirs.batch = (await makeExchangeCodes(rt.app, rt.services, b.auth, tplB.id, 1))[0]!;
  const product = await api(rt.app, b, 'POST', '/card-products', { title: 'B card', type: 10, storeIds: [storeB] });
  theirs.cardProductId = product.id;
  theirs.cardId = (await api(rt.app, b, 'POST', '/cards', { productId: product.id, phone: '13900000000' })).id;
  theirs.couponQr = (await rt.services.qr.issue({ kind: 'coupon', tenantId: b.tenantId, code: theirs.code })).payload;
  theirs.cardQr = (await rt.services.qr.issue({ kind: 'card', tenantId: b.tenantId, cardId: theirs.cardId })).payload;
  nobodys.couponQr = (await rt.services.qr.issue({ kind: 'coupon', tenantId: a.tenantId, code: nobodys.code })).payload;
  nobodys.cardQr = (await rt.services.qr.issue({ kind: 'card', tenantId: a.tenantId, cardId: nobodys.id })).payload;
}, 120_000);
afterAll(async () => rt?.close());

describe("another merchant's things look exactly like things nobody has", () => {
  it.each(PROBES.map((p) => [p.name, p] as const))('%s', async (_name, p) => {
    const t = await p.call(p.theirs());
    const n = await p.call(p.nobodys());
    expect(t.status).toBeLessThan(500);
    expect(masked(t, p.theirs())).toStrictEqual(masked(n, p.nobodys()));
  });

  it("B's coupon, card and batch code are untouched by all of it", async () => {
    expect((await api(rt.app, b, 'GET', `/coupons/${theirs.code}`)).coupon).toMatchObject({ status: 'usable', ownerId: theirs.holderId });
    expect((await api(rt.app, b, 'GET', `/coupons/${theirs.batch[0]}`)).coupon.ownerId).toBeNull();
    expect((await api(rt.app, b, 'GET', `/cards/${theirs.cardId}`)).userId).toBe(theirs.holderId);
  });
});
