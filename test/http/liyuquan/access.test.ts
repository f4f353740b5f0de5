// Who may do what at the counter, through /web (seed 001) and the native API
// alike, because the services enforce it: the role permission table
// (src/domain/permissions.ts: a cashier may not refund, invoice, cash back
// or see record lists, and user/info says so) answers errCode 1003 on /web
// and a 403 problem on /api/v1; and the store rule: staff bound to stores
// work only with cards and coupons usable in one of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate } from '../../helpers/fixtures.ts';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';
import { lyq, makeMerchant, md5, type Merchant } from './helpers.ts';

let rt: TestRuntime;
let m: Merchant;
let storeB = 0;
let cardB = 0;
let cardAll = 0;
let tplB = 0;
const staff: Record<'seller' | 'owner' | 'clerkB' | 'clerkAB', { token: string; phone: string; id: number }> = {} as never;

const native = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
  rt.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload: payload as object } : {}),
  });
const owner = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  rt.app.inject({ method, url: `/api/v1${url}`, headers: m.t.auth, ...(payload ? { payload: payload as object } : {}) });

let phoneN = 0;
const newPhone = () => `1370${String(process.pid % 1000).padStart(3, '0')}${String(++phoneN).padStart(4, '0')}`;

/** A fresh refund code for a staff phone, from the dev outbox. */
async function codeFor(token: string, phone: string) {
  await rt.services.deps.cache.del(`vcode:min:${m.t.tenantId}:sms:${phone}`);
  const r = await lyq(rt.app, 'manage/ask/code', {}, token);
  expect(r.body.errCode, JSON.stringify(r.body)).toBe(0);
  return (await rt.services.messages.outbox(m.t.tenantId, 20)).find((x) => x.to === phone)!.code!;
}

beforeAll(async () => {
  rt = await openTestRuntime();
  m = await makeMerchant(rt);
  storeB = (await owner('POST', '/stores', { name: '外婆味道吾悦店' })).json().id;
  const make = async (key: keyof typeof staff, role: string, storeIds: number[]) => {
    const username = uniqueName(key);
    const phone = newPhone();
    const r = await owner('POST', '/staff', { username, password: 'staff-pass-1', role, storeIds, phone, name: key });
    expect(r.statusCode, r.body).toBe(201);
    const login = await lyq(rt.app, 'manage/user/login', { username, password: md5('staff-pass-1'), client: 1 });
    expect(login.body.errCode).toBe(0);
    staff[key] = { token: login.body.data as string, phone, id: r.json().id };
  };
  await make('seller', 'seller', [m.storeId]);
  await make('owner', 'owner', []);
  await make('clerkB', 'operator', [storeB]);
  await make('clerkAB', 'operator', [m.storeId, storeB]);
  cardB = (await owner('POST', '/card-products', { title: '吾悦储值卡', type: 10, storeIds: [storeB] })).json().id;
  cardAll = (await owner('POST', '/card-products', { title: '通用储值卡', type: 10, storeIds: [] })).json().id;
  tplB = (await makeTemplate(rt.app, m.t, { name: '吾悦券', minSpend: '0.00', storeIds: [storeB] })).id;
}, 120_000);
afterAll(async () => rt?.close());

describe('the role permission table', () => {
  it('user/info derives menus and permissions from it, per role', async () => {
    const seller = (await lyq(rt.app, 'manage/user/info', {}, staff.seller.token)).body.data as {
      menus: string[];
      permissions: string[];
      roleId: number;
    };
    for (const p of [
      'manage/v3/turnover/refund',
      'manage/v3/turnover/refund_charge',
      'manage/ask/code',
      'manage/v3/userCard/card_status',
      'manage/v3/invoice/add',
      'manage/v3/invoice/list',
      'manage/v3/invoice/all_list',
      'manage/v3/turnover/record_list',
      'manage/v3/turnover/expense_list',
      'manage/v3/turnover/refund_list',
    ]) {
      expect(seller.permissions).not.toContain(p);
    }
    expect(seller.permissions).toEqual(
      expect.arrayContaining(['manage/v3/userCard/add', 'manage/v3/userCard/charge', 'manage/v3/userCard/expense', 'manage/v3/coupon/use']),
    );
    expect(seller.menus).not.toContain('turnover');
    expect(seller.menus).not.toContain('invoice');
    const own = (await lyq(rt.app, 'manage/user/info', {}, staff.owner.token)).body.data as { menus: string[]; permissions: string[] };
    expect(own.permissions).toEqual(
      expect.arrayContaining([
        'manage/v3/turnover/refund',
        'manage/v3/turnover/record_list',
        'manage/v3/invoice/add',
        'manage/v3/userCard/card_status',
      ]),
    );
    expect(own.menus).toEqual(expect.arrayContaining(['turnover', 'invoice']));
  });

  it('a cashier (seller) is refused a refund with 1003 on /web and 403 on /api/v1; an owner refunds', async () => {
    const phone = newPhone();
    // what a cashier may do
    expect((await lyq(rt.app, 'manage/v3/userCard/add', { phone, membershipCardId: m.valueCardId }, staff.seller.token)).body.errCode).toBe(
      0,
    );
    expect(
      (
        await lyq(
          rt.app,
          'manage/v3/userCard/charge',
          { phone, cardId: m.valueCardId, recharge: 100, send: 0, image: '' },
          staff.seller.token,
        )
      ).body.errCode,
    ).toBe(0);
    expect(
      (
        await lyq(
          rt.app,
          'manage/v3/userCard/expense',
          { phone, cardId: m.valueCardId, expense: 10, password: md5(phone.slice(-6)) },
          staff.seller.token,
        )
      ).body.errCode,
    ).toBe(0);
    const card = (await rt.services.cards.getCard(m.t.tenantId, { phone, productId: m.valueCardId }))!;
    const ledger = (await native('GET', `/cards/${card.id}/ledger`, staff.owner.token)).json().items as { kind: string; orderNo: string }[];
    const expense = ledger.find((e) => e.kind === 'expense')!.orderNo;
    const recharge = ledger.find((e) => e.kind === 'recharge')!.orderNo;

    // what a cashier may not, on /web: 1003
    const refused = await lyq(rt.app, 'manage/v3/turnover/refund', { orderNo: Number(expense), code: '123456' }, staff.seller.token);
    expect(refused.body).toMatchObject({ errCode: 1003, result: 1003 });
    expect(refused.body.msg).toMatch(/permission denied/);
    const denied: [string, Record<string, unknown>][] = [
      ['manage/ask/code', {}],
      ['manage/v3/turnover/refund_charge', { orderNo: Number(recharge), code: '123456' }],
      ['manage/v3/turnover/record_list', { pageNum: 1, pageSize: 14 }],
      ['manage/v3/turnover/expense_list', { pageNum: 1, pageSize: 14 }],
      ['manage/v3/turnover/refund_list', { pageNum: 1, pageSize: 14 }],
      ['manage/v3/invoice/list', { userId: card.userId, cardId: m.valueCardId }],
      ['manage/v3/invoice/add', { userId: card.userId, cardId: m.valueCardId, amount: 10, image: '' }],
      ['manage/v3/invoice/all_list', { pageNum: 1, pageSize: 14 }],
      ['manage/v3/userCard/card_status', { storeMemberEventId: 1 }],
    ];
    for (const [path, params] of denied) expect((await lyq(rt.app, path, params, staff.seller.token)).body.errCode, path).toBe(1003);

    // and on the native API: 403 problem, from the same service rule
    const n = await native('POST', `/card-expenses/${expense}/refund`, staff.seller.token, { code: '123456' });
    expect(n.statusCode).toBe(403);
    expect(n.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(n.json()).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await native('POST', `/card-recharges/${recharge}/refund`, staff.seller.token, { code: '123456' })).statusCode).toBe(403);
    expect((await native('POST', '/cards/refund-code', staff.seller.token)).statusCode).toBe(403);
    expect((await native('GET', '/card-records', staff.seller.token)).statusCode).toBe(403);
    expect((await native('GET', `/cards/${card.id}/ledger`, staff.seller.token)).statusCode).toBe(403);
    expect((await native('GET', `/cards/${card.id}/invoices`, staff.seller.token)).statusCode).toBe(403);
    expect((await native('POST', `/cards/${card.id}/invoices`, staff.seller.token, { amount: '1.00' })).statusCode).toBe(403);
    expect((await native('GET', '/invoices', staff.seller.token)).statusCode).toBe(403);
    // nothing moved
    expect((await rt.services.cards.getCard(m.t.tenantId, { cardId: card.id }))!.balance).toBe(9000);

    // an owner may
    const code = await codeFor(staff.owner.token, staff.owner.phone);
    const okay = await lyq(rt.app, 'manage/v3/turnover/refund', { orderNo: Number(expense), code }, staff.owner.token);
    expect(okay.body).toMatchObject({ errCode: 0, msg: '成功' });
    expect((await rt.services.cards.getCard(m.t.tenantId, { cardId: card.id }))!.balance).toBe(10000);
    expect((await lyq(rt.app, 'manage/v3/turnover/record_list', { pageNum: 1, pageSize: 14 }, staff.owner.token)).body.errCode).toBe(0);
  });

  it('a refund refused for a business reason leaves the SMS code unused', async () => {
    const phone = newPhone();
    await lyq(rt.app, 'manage/v3/userCard/add', { phone, membershipCardId: m.valueCardId }, staff.owner.token);
    await lyq(rt.app, 'manage/v3/userCard/charge', { phone, cardId: m.valueCardId, recharge: 100, send: 0, image: '' }, staff.owner.token);
    await lyq(
      rt.app,
      'manage/v3/userCard/expense',
      { phone, cardId: m.valueCardId, expense: 10, password: md5(phone.slice(-6)) },
      staff.owner.token,
    );
    const card = (await rt.services.cards.getCard(m.t.tenantId, { phone, productId: m.valueCardId }))!;
    const ledger = (await native('GET', `/cards/${card.id}/ledger`, staff.owner.token)).json().items as { kind: string; orderNo: string }[];
    const code = await codeFor(staff.owner.token, staff.owner.phone);
    // 10.00 of the recharge is spent: its refund fails, inside the transaction that would have used the code
    const spent = await lyq(
      rt.app,
      'manage/v3/turnover/refund_charge',
      { orderNo: Number(ledger.find((e) => e.kind === 'recharge')!.orderNo), code },
      staff.owner.token,
    );
    expect(spent.body.errCode).toBe(1);
    expect(spent.body.msg).toMatch(/spent/);
    // the same code still refunds the expense, once
    const r = await lyq(
      rt.app,
      'manage/v3/turnover/refund',
      { orderNo: Number(ledger.find((e) => e.kind === 'expense')!.orderNo), code },
      staff.owner.token,
    );
    expect(r.body.errCode).toBe(0);
    expect(
      (
        await lyq(
          rt.app,
          'manage/v3/turnover/refund_charge',
          { orderNo: Number(ledger.find((e) => e.kind === 'recharge')!.orderNo), code },
          staff.owner.token,
        )
      ).body.errCode,
    ).toBe(1006);
    expect(await rt.services.cards.checkLedger(m.t.tenantId)).toEqual({ cardsOff: [], bucketsOff: [] });
  });
});

describe('the store rule', () => {
  it('cards: staff bound to stores open, recharge, spend and refund only cards used in one of their stores', async () => {
    const phone = newPhone();
    const clerkA = m.token;
    // a card of store B: not for the clerk of store A (1003), fine for the clerk of B and for an owner bound to no store
    expect((await lyq(rt.app, 'manage/v3/userCard/add', { phone, membershipCardId: cardB }, clerkA)).body.errCode).toBe(1003);
    expect((await lyq(rt.app, 'manage/v3/userCard/add', { phone, membershipCardId: cardB }, staff.clerkB.token)).body.errCode).toBe(0);
    expect(
      (await lyq(rt.app, 'manage/v3/userCard/charge', { phone, cardId: cardB, recharge: 50, send: 0, image: '' }, clerkA)).body.errCode,
    ).toBe(1003);
    expect(
      (await lyq(rt.app, 'manage/v3/userCard/charge', { phone, cardId: cardB, recharge: 50, send: 0, image: '' }, staff.clerkB.token)).body
        .errCode,
    ).toBe(0);
    expect(
      (await lyq(rt.app, 'manage/v3/userCard/charge', { phone, cardId: cardB, recharge: 50, send: 0, image: '' }, staff.owner.token)).body
        .errCode,
    ).toBe(0);
    // a refused spend does not even try the password
    for (let i = 0; i < 6; i++) {
      expect(
        (await lyq(rt.app, 'manage/v3/userCard/expense', { phone, cardId: cardB, expense: 5, password: md5('000000') }, clerkA)).body
          .errCode,
      ).toBe(1003);
    }
    expect(
      (await lyq(rt.app, 'manage/v3/userCard/expense', { phone, cardId: cardB, expense: 5, password: md5(phone.slice(-6)) }, clerkA)).body
        .errCode,
    ).toBe(1003);
    expect(
      (
        await lyq(
          rt.app,
          'manage/v3/userCard/expense',
          { phone, cardId: cardB, expense: 5, password: md5(phone.slice(-6)) },
          staff.clerkB.token,
        )
      ).body.errCode,
    ).toBe(0);
    const card = (await rt.services.cards.getCard(m.t.tenantId, { phone, productId: cardB }))!;
    expect(card.balance).toBe(9500);
    const expense = (
      (await native('GET', `/cards/${card.id}/ledger`, staff.owner.token)).json().items as { kind: string; orderNo: string }[]
    ).find((e) => e.kind === 'expense')!.orderNo;
    // refunds: store A's clerk is refused before any code is looked at
    const codeA = await codeFor(clerkA, m.staffPhone);
    expect((await lyq(rt.app, 'manage/v3/turnover/refund', { orderNo: Number(expense), code: codeA }, clerkA)).body.errCode).toBe(1003);
    // the native API refuses the same, with 403
    expect((await native('POST', '/cards', clerkA, { productId: cardB, phone: newPhone() })).statusCode).toBe(403);
    expect((await native('POST', `/cards/${card.id}/recharge`, clerkA, { recharge: '1.00' })).statusCode).toBe(403);
    expect((await native('POST', `/card-expenses/${expense}/refund`, clerkA, { code: codeA })).statusCode).toBe(403);
    const codeB = await codeFor(staff.clerkB.token, staff.clerkB.phone);
    expect(
      (await lyq(rt.app, 'manage/v3/turnover/refund', { orderNo: Number(expense), code: codeB }, staff.clerkB.token)).body.errCode,
    ).toBe(0);
    // a card limited to no store: everyone's
    const p2 = newPhone();
    expect((await lyq(rt.app, 'manage/v3/userCard/add', { phone: p2, membershipCardId: cardAll }, clerkA)).body.errCode).toBe(0);
    expect(
      (await lyq(rt.app, 'manage/v3/userCard/charge', { phone: p2, cardId: cardAll, recharge: 10, send: 0, image: '' }, staff.clerkB.token))
        .body.errCode,
    ).toBe(0);
    // the store list of store B's card still shows only what clerk A may open
    const cards = (await lyq(rt.app, 'manage/v3/card/store_card', { type: 1 }, clerkA)).body.data as { id: number }[];
    expect(cards.map((c) => c.id)).not.toContain(cardB);
    expect(await rt.services.cards.checkLedger(m.t.tenantId)).toEqual({ cardsOff: [], bucketsOff: [] });
  });

  it("coupons: xcx_list and forUser only templates usable in the staff member's stores; coupon/use in a store where it is valid", async () => {
    const phone = newPhone();
    await lyq(rt.app, 'manage/v3/userCard/add', { phone, membershipCardId: cardAll }, staff.owner.token);
    const listA = (await lyq(rt.app, 'manage/v3/coupon/xcx_list', {}, m.token)).body.data as { id: number }[];
    expect(listA.map((t) => t.id)).toContain(m.templateId);
    expect(listA.map((t) => t.id)).not.toContain(tplB);
    const listB = (await lyq(rt.app, 'manage/v3/coupon/xcx_list', {}, staff.clerkB.token)).body.data as { id: number }[];
    expect(listB.map((t) => t.id)).toContain(tplB);
    expect(listB.map((t) => t.id)).not.toContain(m.templateId);

    expect((await lyq(rt.app, 'manage/v3/coupon/forUser', { phone, couponId: tplB, quantity: 1 }, m.token)).body.errCode).toBe(1003);
    expect((await lyq(rt.app, 'manage/v3/coupon/forUser', { phone, couponId: tplB, quantity: 2 }, staff.clerkB.token)).body.errCode).toBe(
      0,
    );
    expect((await lyq(rt.app, 'manage/v3/coupon/forUser', { phone, couponId: m.templateId, quantity: 1 }, m.token)).body.errCode).toBe(0);
    expect(
      (await lyq(rt.app, 'manage/v3/coupon/forUser', { phone: newPhone(), couponId: m.templateId, quantity: 1 }, m.token)).body.errCode,
    ).toBe(1005);
    expect((await lyq(rt.app, 'manage/v3/coupon/forUser', { phone, couponId: 99999999, quantity: 1 }, m.token)).body.errCode).toBe(1);

    const user = (await rt.services.users.getRow(m.t.tenantId, { mobile: phone }))!;
    const mine = await rt.services.coupons.list(m.t.tenantId, {
      ownerId: user.id,
      templateId: tplB,
      status: 'usable',
      limit: 10,
      offset: 0,
    });
    expect(mine.total).toBe(2);
    const [b1, b2] = mine.items;
    // store A's clerk: the coupon is valid in none of their stores
    expect((await lyq(rt.app, 'manage/v3/coupon/use', { num: b1!.id }, m.token)).body.errCode).toBe(1003);
    // a clerk of stores A and B writes it off in B, where it is valid (not in their first store)
    const ab = await lyq(rt.app, 'manage/v3/coupon/use', { num: b1!.id }, staff.clerkAB.token);
    expect(ab.body.errCode, JSON.stringify(ab.body)).toBe(0);
    expect(ab.body.data).toMatchObject({ num: b1!.id, storeId: storeB });
    const b = await lyq(rt.app, 'manage/v3/coupon/use', { num: b2!.id }, staff.clerkB.token);
    expect(b.body.data).toMatchObject({ storeId: storeB });
    // an owner bound to no store: the coupon's own store
    await lyq(rt.app, 'manage/v3/coupon/forUser', { phone, couponId: tplB, quantity: 1 }, staff.owner.token);
    const left = await rt.services.coupons.list(m.t.tenantId, {
      ownerId: user.id,
      templateId: tplB,
      status: 'usable',
      limit: 10,
      offset: 0,
    });
    const o = await lyq(rt.app, 'manage/v3/coupon/use', { num: left.items[0]!.id }, staff.owner.token);
    expect(o.body.data).toMatchObject({ storeId: storeB });
  });
});
