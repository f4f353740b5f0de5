// References to another tenant's rows are refused exactly like unknown ids,
// and nothing is stored (issue 12, "Isolation and disclosure").
//
// The field list is generated from the route table: every write route of
// every dialect, every body or query field that names an id. Each one is
// either a stored reference, probed below (tenant A sends tenant B's id, then
// an id nobody has: same status, same body, no row written, nothing changed),
// or a lookup (the id addresses what the request reads or acts on, scoped to
// the caller's tenant; nothing of it is stored). A new route with an id field
// fails here until it is given a probe or a reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../helpers/fixtures.ts';
import { collectRoutes, fieldPaths } from '../helpers/routes.ts';
import { openTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

let rt: TestRuntime;

/** What each tenant has: one of each thing another row can name. */
interface World {
  t: TenantFixture;
  store: number;
  category: number;
  goods: number;
  template: number;
  user: number;
  staff: number;
  seller: number;
  department: number;
  product: number;
  event: number;
  card: number;
  coupon: string;
  coupons: string[];
}
let A: World;
let B: World;

const UNKNOWN = 987_654_321;
const ID_FIELD = /(^|\.|\])(\w*(Id|Ids)|id|ids|uid|referrer|gids)$/;

async function req(t: TenantFixture, method: string, url: string, payload?: unknown) {
  const r = await rt.app.inject({ method: method as 'POST', url: `/api/v1${url}`, headers: t.auth, payload: payload as object });
  if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
  return r.json();
}

async function makeWorld(): Promise<World> {
  const t = await makeTenant(rt.services, rt.app);
  const store = (await req(t, 'POST', '/stores', { name: 'S' })).id;
  const category = (await req(t, 'POST', '/categories', { name: 'C' })).id;
  const goods = (await req(t, 'POST', '/goods', { name: 'G', price: '10.00', stock: 100, categoryId: category })).id;
  const template = (await makeTemplate(rt.app, t)).id;
  const user = (await makeUser(rt.services, t.tenantId)).id;
  const staff = (await req(t, 'POST', '/staff', { username: `op${t.slug}`, password: 'operator-pass-1', role: 'operator' })).id;
  const seller = (await req(t, 'POST', '/staff', { username: `se${t.slug}`, password: 'seller-pass-123', role: 'seller' })).id;
  const department = (await req(t, 'POST', '/departments', { name: 'D' })).id;
  const product = (await req(t, 'POST', '/card-products', { title: 'Gold', type: 10 })).id;
  const event = (
    await req(t, 'POST', `/card-products/${product}/events`, { title: 'E', type: 1, rechargeMoney: '100.00', sendMoney: '10.00' })
  ).id;
  const card = (await req(t, 'POST', '/cards', { productId: product, userId: user, password: '123456' })).id;
  const coupons = (await req(t, 'POST', '/coupons/grant', { templateId: template, userId: user, quantity: 3 })).items.map(
    (c: { code: string }) => c.code,
  );
  return { t, store, category, goods, template, user, staff, seller, department, product, event, card, coupon: coupons[0], coupons };
}

/** Row counts of every table, in one statement. */
async function snapshot(): Promise<Record<string, number>> {
  const tables = await rt.db.query<{ t: string }>(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
  );
  const sql = tables.rows.map((r) => `SELECT '${r.t}' AS t, count(*)::int AS n FROM ${r.t}`).join(' UNION ALL ');
  const counts = await rt.db.query<{ t: string; n: number }>(sql);
  return Object.fromEntries(counts.rows.map((r) => [r.t, r.n]));
}

type Kind = Exclude<keyof World, 't' | 'coupon' | 'coupons'>;
interface Probe {
  /** `METHOD url field` as the route table names it. */
  route: string;
  kind: Kind;
  send: (id: number) => { method: string; url: string; payload?: unknown };
  /** What must not change (for updates): read before and after. */
  state?: () => Promise<unknown>;
}

const post = (url: string, payload: unknown) => ({ method: 'POST', url, payload });
const patch = (url: string, payload: unknown) => ({ method: 'PATCH', url, payload });
const read = (url: string) => async () => (await rt.app.inject({ url: `/api/v1${url}`, headers: A.t.auth })).body;
const tpl = (extra: object) => ({
  name: 'probe',
  discount: { type: 'amount', amount: '1.00' },
  validity: { type: 'relative', days: 3 },
  ...extra,
});
const promo = (extra: object) => ({
  code: `P${Math.random().toString(36).slice(2, 8)}`.toUpperCase(),
  name: 'probe',
  rule: { type: 'discount_market_price', action: { amountOff: '1.00' } },
  validFrom: new Date(Date.now() - 1000).toISOString(),
  validTo: new Date(Date.now() + 86_400_000).toISOString(),
  ...extra,
});

/** Every stored reference a client chooses, with a request that stores it. */
const PROBES: Probe[] = [
  {
    route: 'POST /api/v1/staff storeIds',
    kind: 'store',
    send: (id) => post('/staff', { username: `probe-${id}`, password: 'password-123', role: 'operator', storeIds: [id] }),
  },
  {
    route: 'PATCH /api/v1/staff/:id storeIds',
    kind: 'store',
    send: (id) => patch(`/staff/${A.staff}`, { storeIds: [id] }),
    state: () => read(`/staff/${A.staff}`)(),
  },
  {
    route: 'PATCH /api/v1/staff/:id departmentId',
    kind: 'department',
    send: (id) => patch(`/staff/${A.staff}`, { departmentId: id }),
    state: () => read(`/staff/${A.staff}`)(),
  },
  {
    route: 'POST /api/v1/coupon-templates scope.ids',
    kind: 'goods',
    send: (id) => post('/coupon-templates', tpl({ scope: { type: 'goods', ids: [id] } })),
  },
  {
    route: 'POST /api/v1/coupon-templates scope.ids',
    kind: 'category',
    send: (id) => post('/coupon-templates', tpl({ scope: { type: 'categories', ids: [id] } })),
  },
  { route: 'POST /api/v1/coupon-templates storeIds', kind: 'store', send: (id) => post('/coupon-templates', tpl({ storeIds: [id] })) },
  {
    route: 'PATCH /api/v1/coupon-templates/:id scope.ids',
    kind: 'goods',
    send: (id) => patch(`/coupon-templates/${draftTemplate}`, { scope: { type: 'goods', ids: [A.goods, id] } }),
    state: () => read(`/coupon-templates/${draftTemplate}`)(),
  },
  {
    route: 'PATCH /api/v1/coupon-templates/:id scope.ids',
    kind: 'category',
    send: (id) => patch(`/coupon-templates/${draftTemplate}`, { scope: { type: 'categories', ids: [id] } }),
    state: () => read(`/coupon-templates/${draftTemplate}`)(),
  },
  {
    route: 'PATCH /api/v1/coupon-templates/:id storeIds',
    kind: 'store',
    send: (id) => patch(`/coupon-templates/${draftTemplate}`, { storeIds: [A.store, id] }),
    state: () => read(`/coupon-templates/${draftTemplate}`)(),
  },
  {
    route: 'POST /api/v1/coupon-templates/:id/claims userId',
    kind: 'user',
    send: (id) => post(`/coupon-templates/${A.template}/claims`, { userId: id }),
  },
  {
    route: 'POST /api/v1/coupons/:code/gift toUserId',
    kind: 'user',
    send: (id) => post(`/coupons/${A.coupon}/gift`, { fromUserId: A.user, toUserId: id }),
  },
  {
    route: 'POST /api/v1/coupons/grant templateId',
    kind: 'template',
    send: (id) => post('/coupons/grant', { templateId: id, userId: A.user, quantity: 1 }),
  },
  {
    route: 'POST /api/v1/coupons/grant userId',
    kind: 'user',
    send: (id) => post('/coupons/grant', { templateId: A.template, userId: id, quantity: 1 }),
  },
  {
    route: 'POST /api/v1/coupons/:code/write-off storeId',
    kind: 'store',
    send: (id) => post(`/coupons/${A.coupon}/write-off`, { storeId: id }),
  },
  {
    route: 'POST /api/v1/redemptions userId',
    kind: 'user',
    send: (id) =>
      post('/redemptions', { userId: id, couponCodes: [A.coupons[1]], items: [{ price: '10.00', quantity: 1 }], orderRef: `r-u-${id}` }),
  },
  {
    route: 'POST /api/v1/redemptions storeId',
    kind: 'store',
    send: (id) =>
      post('/redemptions', {
        userId: A.user,
        storeId: id,
        couponCodes: [A.coupons[2]],
        items: [{ price: '10.00', quantity: 1 }],
        orderRef: `r-s-${id}`,
      }),
  },
  { route: 'POST /api/v1/promo-codes departmentId', kind: 'department', send: (id) => post('/promo-codes', promo({ departmentId: id })) },
  { route: 'POST /api/v1/promo-codes staffId', kind: 'staff', send: (id) => post('/promo-codes', promo({ staffId: id })) },
  {
    route: 'PATCH /api/v1/promo-codes/:id departmentId',
    kind: 'department',
    send: (id) => patch(`/promo-codes/${promoCode}`, { departmentId: id }),
    state: () => read(`/promo-codes/${promoCode}`)(),
  },
  {
    route: 'PATCH /api/v1/promo-codes/:id staffId',
    kind: 'staff',
    send: (id) => patch(`/promo-codes/${promoCode}`, { staffId: id }),
    state: () => read(`/promo-codes/${promoCode}`)(),
  },
  {
    route: 'PUT /api/v1/sellers/:id userId',
    kind: 'user',
    send: (id) => ({ method: 'PUT', url: `/sellers/${A.seller}`, payload: { userId: id } }),
    state: () => read(`/sellers/${A.seller}`)(),
  },
  {
    route: 'PUT /api/v1/users/:id/seller sellerId',
    kind: 'seller',
    send: (id) => ({ method: 'PUT', url: `/users/${A.user}/seller`, payload: { sellerId: id } }),
    state: () => read(`/users/${A.user}`)(),
  },
  {
    route: 'POST /api/v1/departments parentId',
    kind: 'department',
    send: (id) => post('/departments', { name: `sub${id}`, parentId: id }),
  },
  {
    route: 'PATCH /api/v1/departments/:id parentId',
    kind: 'department',
    send: (id) => patch(`/departments/${A.department}`, { parentId: id }),
    state: read('/departments'),
  },
  {
    route: 'POST /api/v1/card-products storeIds',
    kind: 'store',
    send: (id) => post('/card-products', { title: 'p', type: 10, storeIds: [id] }),
  },
  {
    route: 'PATCH /api/v1/card-products/:id storeIds',
    kind: 'store',
    send: (id) => patch(`/card-products/${A.product}`, { storeIds: [id] }),
    state: () => read(`/card-products/${A.product}`)(),
  },
  {
    route: 'POST /api/v1/card-products/:id/events couponTemplateId',
    kind: 'template',
    send: (id) =>
      post(`/card-products/${A.product}/events`, {
        title: 'e',
        type: 2,
        rechargeMoney: '50.00',
        sendMoney: '0.00',
        couponTemplateId: id,
        quantity: 1,
      }),
  },
  { route: 'POST /api/v1/cards productId', kind: 'product', send: (id) => post('/cards', { productId: id, phone: '13900000001' }) },
  { route: 'POST /api/v1/cards userId', kind: 'user', send: (id) => post('/cards', { productId: otherProduct, userId: id }) },
  {
    route: 'POST /api/v1/cards storeId',
    kind: 'store',
    send: (id) => post('/cards', { productId: otherProduct, phone: '13900000002', storeId: id }),
  },
  {
    route: 'POST /api/v1/cards/:id/recharge eventId',
    kind: 'event',
    send: (id) => post(`/cards/${A.card}/recharge`, { recharge: '100.00', eventId: id }),
  },
  {
    route: 'POST /api/v1/cards/:id/recharge storeId',
    kind: 'store',
    send: (id) => post(`/cards/${A.card}/recharge`, { recharge: '100.00', storeId: id }),
  },
  {
    route: 'POST /api/v1/cards/:id/expense storeId',
    kind: 'store',
    send: (id) => post(`/cards/${A.card}/expense`, { amount: '1.00', password: '123456', storeId: id }),
  },
  {
    route: 'POST /api/v1/cards/:id/invoices storeId',
    kind: 'store',
    send: (id) => post(`/cards/${A.card}/invoices`, { amount: '1.00', storeId: id }),
  },
  { route: 'POST /api/v1/categories parentId', kind: 'category', send: (id) => post('/categories', { name: 'c', parentId: id }) },
  {
    route: 'POST /api/v1/goods categoryId',
    kind: 'category',
    send: (id) => post('/goods', { name: 'g', price: '1.00', stock: 1, categoryId: id }),
  },
  { route: 'POST /api/v1/goods storeId', kind: 'store', send: (id) => post('/goods', { name: 'g', price: '1.00', stock: 1, storeId: id }) },
  {
    route: 'POST /api/v1/banners businessId',
    kind: 'goods',
    send: (id) => post('/banners', { picUrl: 'https://x.example/p.png', businessId: id }),
  },
  {
    route: 'POST /api/v1/coupon-merge-rules targetTemplateId',
    kind: 'template',
    send: (id) => post('/coupon-merge-rules', { name: 'm', targetTemplateId: id, items: [{ templateId: A.template, number: 2 }] }),
  },
  {
    route: 'POST /api/v1/coupon-merge-rules items[].templateId',
    kind: 'template',
    send: (id) => post('/coupon-merge-rules', { name: 'm', targetTemplateId: A.template, items: [{ templateId: id, number: 2 }] }),
  },
];

/**
 * The id fields that store nothing: each names what the request reads or acts
 * on, looked up in the caller's tenant (or is no id of a row at all).
 */
const LOOKUPS: Record<string, string> = {
  'POST /api/v1/coupons/exchange userId': 'the redeemer of a code; the coupon is found by code in the caller tenant',
  'POST /api/v1/coupons/:code/gift fromUserId': 'must be the holder of the coupon, which is found in the caller tenant',
  'POST /api/v1/quotes userId': 'a quote changes nothing',
  'POST /api/v1/quotes storeId': 'a quote changes nothing',
  'POST /api/v1/quotes items[].goodsId': "the caller's cart lines, priced, never stored",
  'POST /api/v1/quotes items[].categoryId': "the caller's cart lines, priced, never stored",
  'POST /api/v1/redemptions items[].goodsId': "the caller's cart lines (its own POS catalogue), matched against coupon scopes",
  'POST /api/v1/redemptions items[].categoryId': "the caller's cart lines (its own POS catalogue), matched against coupon scopes",
  'POST /api/v1/sellers/referrals userId': 'the consumer to bind, looked up in the caller tenant',
  'POST /api/v1/card-expenses/:orderNo/refund storeId':
    'the same store check as an expense (cards/access.ts storeFor); needs an SMS refund code',
  'POST /api/v1/card-recharges/:orderNo/refund storeId':
    'the same store check as an expense (cards/access.ts storeFor); needs an SMS refund code',
  'POST /api/v1/goods skus[].propertyChildIds': 'property values of the new SKU, not ids of rows',
};
const LOOKUP_PATTERNS: [RegExp, string][] = [
  [/^POST \/web\//, '礼遇圈: staff act on cards, events, coupons and users found in their own tenant (cards/counter use-cases)'],
  [/^POST \/api\/(cus|sell)\//, "seller dialect: storeId selects one of the seller's own stores"],
  [/^POST \/portal\//, 'portal: `id` addresses the promo code or department read or changed, in the caller tenant'],
  [
    /^POST \/:domain\//,
    "apifm: the consumer's own coupons, orders, addresses, messages and the tenant's catalogue, looked up by slug; " +
      "register's referrer is kept only when it is a user of the tenant (another tenant's id is dropped like an unknown one)",
  ],
];

beforeAll(async () => {
  rt = await openTestRuntime();
  A = await makeWorld();
  B = await makeWorld();
  draftTemplate = (await req(A.t, 'POST', '/coupon-templates', tpl({ storeIds: [A.store] }))).id;
  promoCode = (await req(A.t, 'POST', '/promo-codes', promo({}))).id;
  otherProduct = (await req(A.t, 'POST', '/card-products', { title: 'Silver', type: 10 })).id;
}, 120_000);
afterAll(async () => rt?.close());
let draftTemplate: number;
let promoCode: number;
let otherProduct: number;

describe('every id field of every write route is classified', () => {
  it('as a stored reference with a probe, or as a lookup with a reason', async () => {
    const routes = await collectRoutes(rt.services);
    const fields = new Set<string>();
    for (const r of routes) {
      if (['GET', 'HEAD', 'OPTIONS'].includes(r.method)) continue;
      const s = r.schema as { body?: unknown; querystring?: unknown } | undefined;
      for (const f of [...fieldPaths(s?.body), ...fieldPaths(s?.querystring)])
        if (ID_FIELD.test(f)) fields.add(`${r.method} ${r.url} ${f}`);
    }
    expect(fields.size).toBeGreaterThan(100);
    const probed = new Set(PROBES.map((p) => p.route));
    const unclassified = [...fields].filter((f) => !probed.has(f) && !LOOKUPS[f] && !LOOKUP_PATTERNS.some(([re]) => re.test(f)));
    expect(unclassified).toEqual([]);
    // And the table names no route that no longer exists.
    expect([...probed, ...Object.keys(LOOKUPS)].filter((f) => !fields.has(f))).toEqual([]);
  });
});

const norm = (body: string, id: number) => body.replace(new RegExp(`\\b${id}\\b`, 'g'), '<id>');

describe("another tenant's id is refused exactly like an unknown id, and nothing is stored", () => {
  it.each(PROBES.map((p, i) => [`${p.route} (${p.kind})`, i] as const))('%s', async (_name, i) => {
    const p = PROBES[i]!;
    const foreignId = B[p.kind];
    const send = async (id: number) => {
      const o = p.send(id);
      return rt.app.inject({ method: o.method as 'POST', url: `/api/v1${o.url}`, headers: A.t.auth, payload: o.payload as object });
    };
    const before = await snapshot();
    const stateBefore = await p.state?.();
    const foreign = await send(foreignId);
    const afterForeign = await snapshot();
    const unknown = await send(UNKNOWN);
    expect(foreign.statusCode, foreign.body).toBeGreaterThanOrEqual(400);
    expect(foreign.statusCode).toBeLessThan(500);
    expect(foreign.statusCode).toBe(unknown.statusCode);
    expect(norm(foreign.body, foreignId)).toBe(norm(unknown.body, UNKNOWN));
    expect(afterForeign).toEqual(before);
    expect(await snapshot()).toEqual(before);
    if (p.state) expect(await p.state()).toEqual(stateBefore);
    // The refusal names the field (problem+json `field`) where the use-case knows it.
    const field = p.route.split(' ')[2]!;
    expect(foreign.json().field, foreign.body).toBe(field);
  });
});

describe('the store holds the same line (composite foreign keys, migration 013)', () => {
  it.each([
    ['goods.category_id', 'INSERT INTO goods (tenant_id, name, price, stock, category_id) VALUES ($1, $2, 1, 1, $3)', () => B.category],
    ['goods.store_id', 'INSERT INTO goods (tenant_id, name, price, stock, store_id) VALUES ($1, $2, 1, 1, $3)', () => B.store],
    ['departments.parent_id', 'INSERT INTO departments (tenant_id, name, parent_id) VALUES ($1, $2, $3)', () => B.department],
    [
      'card_events.template_id',
      'INSERT INTO card_events (tenant_id, card_product_id, title, type, recharge_money, template_id, quantity) VALUES ($1, (SELECT id FROM card_products WHERE tenant_id = $1 LIMIT 1), $2, 2, 100, $3, 1)',
      () => B.template,
    ],
  ])('%s of another tenant is a foreign key violation', async (_name, sql, id) => {
    await expect(rt.db.query(sql, [A.t.tenantId, 'direct', id()])).rejects.toMatchObject({ code: '23503' });
  });
});
