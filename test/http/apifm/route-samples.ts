// A real call of every apifm route, prepared through the public APIs only
// (native with a staff token, apifm with consumer tokens), so the same table
// drives the in-process tests and the ones against real server processes.
// Each sample sets up what its call needs (a fresh consumer, a coupon, an
// order...) and returns the call's parameters, the consumer making it
// (`actor`) and the other party it may touch (`peer`). The tests check that
// the table here names exactly the routes apifm declares (apifmRouteTable()).

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The two sides of the API a sample talks to. */
export interface Client {
  native(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<Reply>;
  apifm(path: string, params: Record<string, string>, headers?: Record<string, string>): Promise<Reply>;
}

export interface Consumer {
  token: string;
  uid: number;
  mobile: string;
}

export interface Prepared {
  params: Record<string, string>;
  actor: Consumer | null;
  peer?: Consumer | null;
}

export interface Fixture {
  c: Client;
  storeId: number;
  /** Claimable by anyone, many per person. */
  tplFree: number;
  /** Two of these merge into one of tplWhole (mergeId). */
  tplPiece: number;
  mergeId: number;
  goodsId: number;
  sellerAccount: Consumer;
  clerk: Consumer;
  batchCodes: Array<[string, string]>;
  next: () => number;
}

const PASSWORD = 'shop-pass-1';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function ok(r: Promise<Reply>, what: string, status?: number): Promise<any> {
  const x = await r;
  const fine = status !== undefined ? x.status === status : x.status < 300 && (typeof x.body?.code !== 'number' || x.body.code === 0);
  if (!fine) throw new Error(`${what}: ${x.status} ${JSON.stringify(x.body)}`);
  return x.body;
}

let mobileSeq = 0;
export const uniqueMobile = () => `15${String(process.pid % 1000).padStart(3, '0')}${String(++mobileSeq).padStart(6, '0')}`;

/** A consumer made by staff and logged in through apifm. */
export async function newConsumer(c: Client): Promise<Consumer> {
  const mobile = uniqueMobile();
  const u = await ok(c.native('POST', '/users', { mobile, password: PASSWORD }), 'user', 201);
  const l = await ok(c.apifm('/user/m/login', { mobile, pwd: PASSWORD }), 'login');
  return { token: l.data.token, uid: u.id, mobile };
}

async function template(c: Client, fields: Record<string, unknown> = {}): Promise<number> {
  const t = await ok(
    c.native('POST', '/coupon-templates', {
      name: 'idem',
      discount: { type: 'amount', amount: '5.00' },
      minSpend: '0.00',
      validity: { type: 'relative', days: 30 },
      perUserLimit: 1000,
      activate: true,
      ...fields,
    }),
    'template',
    201,
  );
  return t.id;
}

async function batchCodes(c: Client, templateId: number, count: number): Promise<Array<[string, string]>> {
  const b = await ok(
    c.native('POST', `/coupon-templates/${templateId}/code-batches`, { count, pattern: 'IX-####-####', withPassword: true }),
    'batch',
    202,
  );
  for (let i = 0; i < 200; i++) {
    const s = await c.native('GET', `/code-batches/${b.id}`);
    if (s.body.state === 'done') break;
    if (s.body.state === 'failed') throw new Error(`batch failed: ${JSON.stringify(s.body)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const csv = await c.native('GET', `/code-batches/${b.id}/codes.csv`);
  return String(csv.body)
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(',') as [string, string]);
}

export async function makeFixture(c: Client): Promise<Fixture> {
  const storeId = (await ok(c.native('POST', '/stores', { name: 'Idem store' }), 'store', 201)).id;
  const tplFree = await template(c, { name: 'free' });
  const tplPiece = await template(c, { name: 'piece' });
  const tplWhole = await template(c, { name: 'whole' });
  const merge = await ok(
    c.native('POST', '/coupon-merge-rules', { name: '2 pieces', targetTemplateId: tplWhole, items: [{ templateId: tplPiece, number: 2 }] }),
    'merge rule',
    201,
  );
  const goods = await ok(c.native('POST', '/goods', { name: 'Cup', price: '20.00', stock: 100_000 }), 'goods', 201);
  const seller = await ok(
    c.native('POST', '/staff', {
      username: `idem_seller_${process.pid}_${Date.now() % 100000}`,
      password: 'seller-pass-123',
      role: 'seller',
      name: 'S',
    }),
    'seller',
    201,
  );
  const sellerAccount = await newConsumer(c);
  await ok(c.native('PUT', `/sellers/${seller.id}`, { userId: sellerAccount.uid }), 'seller account');
  const clerk = await newConsumer(c);
  await ok(c.native('PUT', '/config/order_hx_uids', { value: String(clerk.uid) }), 'clerk');
  await ok(c.native('POST', '/pay-bill-discounts', { consume: '10.00', discounts: '1.00' }), 'pay bill rule', 201);
  let n = 0;
  return {
    c,
    storeId,
    tplFree,
    tplPiece,
    mergeId: merge.id,
    goodsId: goods.id,
    sellerAccount,
    clerk,
    batchCodes: await batchCodes(c, tplFree, 60),
    next: () => ++n,
  };
}

// ------------------------------------------------------------ building blocks

const mine = async (f: Fixture, u: Consumer) =>
  ((await f.c.apifm('/discounts/my', { token: u.token, status: '0' })).body.data ?? []) as Array<{ id: number }>;

async function grantTo(f: Fixture, u: Consumer, templateId = f.tplFree, quantity = 1) {
  await ok(f.c.native('POST', '/coupons/grant', { templateId, userId: u.uid, quantity }), 'grant', 201);
  const held = await mine(f, u);
  if (!held.length) throw new Error('grant: no coupon');
  return held as [{ id: number }, ...Array<{ id: number }>];
}

const goodsJson = (f: Fixture) => JSON.stringify([{ goodsId: f.goodsId, number: 1 }]);

async function order(f: Fixture, u: Consumer, extra: Record<string, string> = {}): Promise<number> {
  return (await ok(f.c.apifm('/order/create', { token: u.token, goodsJsonStr: goodsJson(f), ...extra }), 'order')).data.id;
}

async function paidOrder(f: Fixture, u: Consumer, extra: Record<string, string> = {}): Promise<number> {
  await ok(f.c.native('POST', `/users/${u.uid}/wallet/credit`, { amount: '100.00' }), 'top-up', 201);
  const id = await order(f, u, extra);
  await ok(f.c.apifm('/order/pay', { token: u.token, orderId: String(id) }), 'pay');
  return id;
}

async function smsCode(f: Fixture, to: string, path = '/verification/sms/get', field = 'mobile'): Promise<string> {
  await ok(f.c.apifm(path, { [field]: to }), 'code');
  const box = await f.c.native('GET', '/dev/outbox?limit=50');
  const m = box.body.items.find((x: { to: string; code?: string }) => x.to === to && x.code);
  if (!m) throw new Error(`no code for ${to}`);
  return m.code;
}

const withActor = async (f: Fixture, params: (u: Consumer) => Record<string, string> = () => ({})): Promise<Prepared> => {
  const u = await newConsumer(f.c);
  return { actor: u, params: { token: u.token, ...params(u) } };
};
const anonymous =
  (params: Record<string, string> = {}) =>
  async (): Promise<Prepared> => ({ actor: null, params });

type Sample = (f: Fixture) => Promise<Prepared>;

/** Every apifm route (its path after /{domain}) and a real call of it. */
export const SAMPLES: Record<string, Sample> = {
  // ---------------------------------------------------------------- coupons
  '/discounts/fetch': (f) => withActor(f, () => ({ id: String(f.tplFree) })),
  '/discounts/exchange': (f) => {
    const [number, pwd] = f.batchCodes.pop()!;
    return withActor(f, () => ({ number, pwd }));
  },
  '/discounts/send': async (f) => {
    const u = await newConsumer(f.c);
    const peer = await newConsumer(f.c);
    const [c] = await grantTo(f, u);
    return { actor: u, peer, params: { token: u.token, id: String(c.id), uid: String(peer.uid) } };
  },
  '/discounts/merge': async (f) => {
    const u = await newConsumer(f.c);
    const cs = await grantTo(f, u, f.tplPiece, 2);
    return { actor: u, params: { token: u.token, mergeId: String(f.mergeId), couponIds: cs.map((c) => c.id).join(',') } };
  },
  '/discounts/share/fetch': async (f) => {
    const owner = await newConsumer(f.c);
    const [c] = await grantTo(f, owner);
    const open = await ok(f.c.apifm('/discounts/share/open', { token: owner.token, id: String(c.id) }), 'share');
    const u = await newConsumer(f.c);
    return { actor: u, peer: owner, params: { token: u.token, id: String(c.id), shareToken: open.data.shareToken } };
  },
  '/discounts/share/open': async (f) => {
    const u = await newConsumer(f.c);
    const [c] = await grantTo(f, u);
    return { actor: u, params: { token: u.token, id: String(c.id) } };
  },
  '/discounts/share/close': async (f) => {
    const u = await newConsumer(f.c);
    const [c] = await grantTo(f, u);
    await ok(f.c.apifm('/discounts/share/open', { token: u.token, id: String(c.id) }), 'share');
    return { actor: u, params: { token: u.token, id: String(c.id) } };
  },
  '/discounts/hx': async (f) => {
    const holder = await newConsumer(f.c);
    const [c] = await grantTo(f, holder);
    const code = (await f.c.native('GET', `/coupons?ownerId=${holder.uid}`)).body.items.find((x: { id: number }) => x.id === c.id).code;
    return {
      actor: f.sellerAccount,
      peer: holder,
      params: { token: f.sellerAccount.token, code, shopId: String(f.storeId), amount: '50.00' },
    };
  },
  '/discounts/coupons': (f) => withActor(f),
  '/discounts/detail': async (f) => ({ actor: null, params: { id: String(f.tplFree) } }),
  '/discounts/my': (f) => withActor(f, () => ({ status: '0' })),
  '/discounts/statistics': (f) => withActor(f),
  '/discounts/merge/list': anonymous(),
  // ---------------------------------------------------------------- orders
  '/order/create': (f) => withActor(f, () => ({ goodsJsonStr: goodsJson(f) })),
  '/order/close': async (f) => {
    const u = await newConsumer(f.c);
    return { actor: u, params: { token: u.token, orderId: String(await order(f, u)) } };
  },
  '/order/delete': async (f) => {
    const u = await newConsumer(f.c);
    const id = await order(f, u);
    await ok(f.c.apifm('/order/close', { token: u.token, orderId: String(id) }), 'close');
    return { actor: u, params: { token: u.token, orderId: String(id) } };
  },
  '/order/pay': async (f) => {
    const u = await newConsumer(f.c);
    await ok(f.c.native('POST', `/users/${u.uid}/wallet/credit`, { amount: '100.00' }), 'top-up', 201);
    return { actor: u, params: { token: u.token, orderId: String(await order(f, u)) } };
  },
  '/order/hx': async (f) => {
    const buyer = await newConsumer(f.c);
    const id = await paidOrder(f, buyer, { peisongType: 'zq' });
    const d = await ok(f.c.apifm('/order/detail', { token: buyer.token, id: String(id) }), 'detail');
    return { actor: f.clerk, peer: buyer, params: { token: f.clerk.token, hxNumber: d.data.orderInfo.hxNumber } };
  },
  '/order/delivery': async (f) => {
    const u = await newConsumer(f.c);
    return { actor: u, params: { token: u.token, orderId: String(await paidOrder(f, u)) } };
  },
  '/order/reputation': async (f) => {
    const u = await newConsumer(f.c);
    const id = await paidOrder(f, u);
    await ok(f.c.apifm('/order/delivery', { token: u.token, orderId: String(id) }), 'delivery');
    const d = await ok(f.c.apifm('/order/detail', { token: u.token, id: String(id) }), 'detail');
    const reputations = [{ id: d.data.goods[0].id, reputation: 2, remark: 'good' }];
    return { actor: u, params: { postJsonString: JSON.stringify({ token: u.token, orderId: id, reputations }) } };
  },
  '/order/refundApply/apply': async (f) => {
    const u = await newConsumer(f.c);
    const id = await paidOrder(f, u);
    return { actor: u, params: { token: u.token, orderId: String(id), type: '0', logisticsStatus: '0', reason: 'no', amount: '20' } };
  },
  '/order/refundApply/cancel': async (f) => {
    const u = await newConsumer(f.c);
    const id = String(await paidOrder(f, u));
    await ok(
      f.c.apifm('/order/refundApply/apply', { token: u.token, orderId: id, type: '0', logisticsStatus: '0', reason: 'no', amount: '20' }),
      'apply',
    );
    return { actor: u, params: { token: u.token, orderId: id } };
  },
  '/order/refundApply/info': async (f) => {
    const u = await newConsumer(f.c);
    return { actor: u, params: { token: u.token, orderId: String(await paidOrder(f, u)) } };
  },
  '/order/detail': async (f) => {
    const u = await newConsumer(f.c);
    return { actor: u, params: { token: u.token, id: String(await order(f, u)) } };
  },
  '/order/list': async (f) => {
    const u = await newConsumer(f.c);
    await order(f, u);
    return { actor: u, params: { token: u.token } };
  },
  '/order/statistics': (f) => withActor(f),
  // ---------------------------------------------------------------- money and points
  '/payBill/pay': async (f) => {
    const u = await newConsumer(f.c);
    await ok(f.c.native('POST', `/users/${u.uid}/wallet/credit`, { amount: '100.00' }), 'top-up', 201);
    return { actor: u, params: { token: u.token, money: '20' } };
  },
  '/payBill/discounts': anonymous(),
  '/score/exchange': async (f) => {
    const v = await ok(f.c.native('POST', '/points-vouchers', { count: 1, score: 30 }), 'voucher', 201);
    return withActor(f, () => ({ number: v.numbers[0] }));
  },
  '/score/sign': (f) => withActor(f),
  '/score/logs': (f) => withActor(f),
  '/score/sign/logs': (f) => withActor(f),
  '/score/sign/rules': anonymous(),
  '/score/today-signed': (f) => withActor(f),
  '/score/send/rule': anonymous(),
  '/score/deduction/rules': anonymous(),
  '/user/amount': (f) => withActor(f),
  '/user/cashLog': (f) => withActor(f),
  '/user/cashLog/v2': (f) => withActor(f),
  '/user/payLogs': (f) => withActor(f),
  '/user/recharge/send/rule': anonymous(),
  // ---------------------------------------------------------------- shop and content
  '/shop/goods/category/all': anonymous(),
  '/shop/goods/list': anonymous(),
  '/shop/goods/list/v2': anonymous(),
  '/shop/goods/detail': async (f) => ({ actor: null, params: { id: String(f.goodsId) } }),
  '/shop/goods/price': async (f) => ({ actor: null, params: { goodsId: String(f.goodsId) } }),
  '/banner/list': anonymous(),
  '/notice/list': anonymous(),
  '/notice/detail': anonymous({ id: '1' }),
  '/notice/last-one': anonymous(),
  '/config/value': anonymous({ key: 'order_hx_uids' }),
  '/config/values': anonymous({ keys: 'order_hx_uids' }),
  '/invoice/list': (f) => withActor(f),
  '/invoice/apply': (f) => withActor(f, () => ({ amount: '10', comName: 'ACME', tfn: '91110000', consumption: 'goods' })),
  '/invoice/info': (f) => withActor(f, () => ({ id: '1' })),
  // ---------------------------------------------------------------- users
  '/user/m/register': async (f) => {
    const mobile = uniqueMobile();
    return { actor: null, params: { mobile, code: await smsCode(f, mobile), pwd: PASSWORD, autoLogin: 'true' } };
  },
  '/user/m/login': async (f) => {
    const u = await newConsumer(f.c);
    return { actor: u, params: { mobile: u.mobile, pwd: PASSWORD } };
  },
  '/user/m/reset-pwd': async (f) => {
    const u = await newConsumer(f.c);
    return { actor: u, params: { mobile: u.mobile, code: await smsCode(f, u.mobile), pwd: 'new-pass-123' } };
  },
  '/user/m/bind-mobile': async (f) => {
    const u = await newConsumer(f.c);
    const mobile = uniqueMobile();
    return { actor: u, params: { token: u.token, mobile, code: await smsCode(f, mobile) } };
  },
  '/user/username/register': async (f) => ({ actor: null, params: { username: `idem_u${f.next()}_${process.pid}`, pwd: PASSWORD } }),
  '/user/username/login': async (f) => {
    const username = `idem_l${f.next()}_${process.pid}`;
    await ok(f.c.apifm('/user/username/register', { username, pwd: PASSWORD }), 'register');
    return { actor: null, params: { username, pwd: PASSWORD } };
  },
  '/user/username/bindUsername': (f) => withActor(f, () => ({ username: `idem_b${f.next()}_${process.pid}`, pwd: PASSWORD })),
  '/user/email/register': async (f) => {
    const email = `idem${f.next()}_${process.pid}@example.com`;
    return { actor: null, params: { email, code: await smsCode(f, email, '/verification/mail/get', 'mail'), pwd: PASSWORD } };
  },
  '/user/email/login': async (f) => {
    const email = `idem${f.next()}_${process.pid}@example.com`;
    await ok(f.c.native('POST', '/users', { email, password: PASSWORD }), 'user', 201);
    return { actor: null, params: { email, pwd: PASSWORD } };
  },
  '/user/email/reset-pwd': async (f) => {
    const email = `idem${f.next()}_${process.pid}@example.com`;
    await ok(f.c.native('POST', '/users', { email, password: PASSWORD }), 'user', 201);
    return { actor: null, params: { email, code: await smsCode(f, email, '/verification/mail/get', 'mail'), pwd: 'new-pass-123' } };
  },
  '/user/email/bindEmail': async (f) => {
    const u = await newConsumer(f.c);
    const email = `idem${f.next()}_${process.pid}@example.com`;
    return { actor: u, params: { token: u.token, email, code: await smsCode(f, email, '/verification/mail/get', 'mail') } };
  },
  '/user/check-token': (f) => withActor(f),
  '/user/loginout': (f) => withActor(f),
  '/user/detail': (f) => withActor(f),
  '/user/modify': (f) => withActor(f, () => ({ nick: 'Nick' })),
  '/user/shipping-address/add': (f) =>
    withActor(f, () => ({ linkMan: 'A', mobile: '13800000000', provinceId: '1', cityId: '2', address: 'Road 1' })),
  '/user/shipping-address/update': async (f) => {
    const p = await addressOf(f);
    return { ...p, params: { ...p.params, address: 'Road 2' } };
  },
  '/user/shipping-address/delete': (f) => addressOf(f),
  '/user/shipping-address/detail/v2': (f) => addressOf(f),
  '/user/shipping-address/list': (f) => withActor(f),
  '/user/shipping-address/list/v2': (f) => withActor(f),
  '/user/shipping-address/default/v2': (f) => withActor(f),
  '/user/level/list': anonymous(),
  '/user/level/info': anonymous({ id: '1' }),
  '/user/level/prices': anonymous({ levelId: '1' }),
  '/user/message/list': (f) => withActor(f),
  '/user/message/read': (f) => messageOf(f),
  '/user/message/del': (f) => messageOf(f),
  // ---------------------------------------------------------------- verification
  '/verification/sms/get': anonymous({ mobile: uniqueMobile() }),
  '/verification/sms/check': async (f) => {
    const mobile = uniqueMobile();
    return { actor: null, params: { mobile, code: await smsCode(f, mobile) } };
  },
  '/verification/mail/get': async (f) => ({ actor: null, params: { mail: `get${f.next()}_${process.pid}@example.com` } }),
  '/verification/mail/check': async (f) => {
    const mail = `chk${f.next()}_${process.pid}@example.com`;
    return { actor: null, params: { mail, code: await smsCode(f, mail, '/verification/mail/get', 'mail') } };
  },
  '/verification/pic/get': anonymous({ key: 'idem-key' }),
  '/verification/pic/check': anonymous({ key: 'idem-key', code: '0000' }),
};

async function addressOf(f: Fixture): Promise<Prepared> {
  const u = await newConsumer(f.c);
  const a = await ok(
    f.c.apifm('/user/shipping-address/add', {
      token: u.token,
      linkMan: 'A',
      mobile: '13800000000',
      provinceId: '1',
      cityId: '2',
      address: 'Road 1',
    }),
    'address',
  );
  return { actor: u, params: { token: u.token, id: String(a.data.id) } };
}

async function messageOf(f: Fixture): Promise<Prepared> {
  const u = await newConsumer(f.c);
  const m = await ok(f.c.native('POST', `/users/${u.uid}/messages`, { title: 'Hi', content: 'Hello' }), 'message', 201);
  return { actor: u, params: { token: u.token, id: String(m.id) } };
}

/** What a consumer can see of what it holds, without ids: coupons by status, orders by status, wallet and points. */
export async function holdings(c: Client, u: Consumer | null | undefined): Promise<unknown> {
  if (!u) return null;
  const usable = (await c.apifm('/discounts/my', { token: u.token, status: '0' })).body.data ?? [];
  const other = (await c.apifm('/discounts/my', { token: u.token, status: '1,2,3' })).body.data ?? [];
  const orders = (await c.apifm('/order/list', { token: u.token, pageSize: '50' })).body.data?.orderList ?? [];
  const amount = (await c.apifm('/user/amount', { token: u.token })).body.data ?? {};
  return {
    coupons: [...usable, ...other].map((x: { name: string; status: number }) => `${x.name}:${x.status}`).sort(),
    orders: orders.map((o: { status: number }) => o.status).sort(),
    balance: amount.balance,
    score: amount.score,
  };
}
