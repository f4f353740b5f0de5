// Seed 001 (礼遇圈 store-staff API), replayed example by example: each reply
// carries the envelope {errCode, result, msg?, data?, time} (+ page fields)
// and every field of the seed's example with the same JSON type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/http/app.ts';
import { createServices } from '../../../src/compose.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { expectShape, lyq, lyqForm, makeMerchant, md5, refundCode, type Merchant } from './helpers.ts';

let rt: TestRuntime;
let m: Merchant;
const phone = '15752400657';
let userId = 0;

beforeAll(async () => {
  rt = await openTestRuntime();
  m = await makeMerchant(rt);
});
afterAll(async () => rt?.close());

const call = (path: string, params: Record<string, unknown> = {}) => lyq(rt.app, path, params, m.token);

const PAGE = { total: 1, pages: 1, pageNum: 1, pageSize: 14 };
const ENVELOPE = { errCode: 0, result: 0, time: 1576822926326 };

/** The envelope of a success, then the example's data shape. */
function expectOk(body: Record<string, unknown>, example: Record<string, unknown>, nullable: string[] = []) {
  expect(body, JSON.stringify(body)).toMatchObject({ errCode: 0, result: 0 });
  expect(typeof body.time).toBe('number');
  expect(Math.abs((body.time as number) - Date.now())).toBeLessThan(60_000);
  expectShape(body, example, nullable);
}

describe('2 user', () => {
  it('2.1 login takes MD5(password) in either case and answers the token', async () => {
    const r = await lyq(rt.app, 'manage/user/login', {
      username: m.staffUsername,
      password: md5(m.staffPassword).toUpperCase(),
      client: 1,
    });
    expectOk(r.body, { ...ENVELOPE, data: '7171d718-0c30-4fd0-9a6b-53a865be71a5' });
    const form = await lyqForm(rt.app, 'manage/user/login', { username: m.staffUsername, password: md5(m.staffPassword), client: '1' });
    expect(form.body.errCode).toBe(0);
    // the plain password is not the MD5 form this client sends
    const plain = await lyq(rt.app, 'manage/user/login', { username: m.staffUsername, password: m.staffPassword, client: 1 });
    expect(plain.body).toMatchObject({ errCode: 1, result: 1 });
    expect(typeof plain.body.msg).toBe('string');
    // the same account still signs in to the console with the plain password
    const console = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: m.staffUsername, password: m.staffPassword },
    });
    expect(console.statusCode).toBe(200);
  });

  it('2.1 an unknown user answers like a wrong password: errCode 1 (请求操作失败), the same message', async () => {
    const wrong = await lyq(rt.app, 'manage/user/login', { username: m.staffUsername, password: md5('not-the-password'), client: 1 });
    const unknown = await lyq(rt.app, 'manage/user/login', { username: 'nobody-here-at-all', password: md5('whatever'), client: 1 });
    expect(wrong.body).toMatchObject({ errCode: 1, result: 1, msg: '用户名或密码错误' });
    expect(unknown.body).toMatchObject({ errCode: 1, result: 1, msg: '用户名或密码错误' });
    expect(unknown.body.data).toBeUndefined();
  });

  it('2.1 a missing parameter is errCode 4; a missing token is 1002', async () => {
    expect((await lyq(rt.app, 'manage/user/login', { username: m.staffUsername })).body).toMatchObject({ errCode: 4, result: 4 });
    expect((await lyq(rt.app, 'manage/user/info', {})).body).toMatchObject({ errCode: 1002 });
    expect((await lyq(rt.app, 'manage/user/info', {}, 'not-a-token')).body).toMatchObject({ errCode: 1002 });
    const unknown = await rt.app.inject({ method: 'POST', url: '/web/manage/nothing/here' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ errCode: 404 });
  });

  it('2.2 user info', async () => {
    const r = await call('manage/user/info');
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: {
          sysAdmin: {
            id: 2,
            username: 'test',
            password: '149ABFAC83C72B88C1538833655102F3',
            active: 1,
            avatar: '/item/190411/bb.jpg',
            realName: 'yy',
            phone: '13925568955',
            idNumber: '123213afssfd',
            gender: 3,
            email: '123456',
            qq: '1234567',
            wechat: '123456',
            created: '2017-11-15T06:05:50.000+0000',
            updated: '2019-04-11T03:06:34.000+0000',
            createAdminId: 1,
            updateAdminId: 2,
            createIp: '',
            loginCount: 850,
            lastLoginTime: '2018-06-21T07:37:25.000+0000',
            lastLoginIp: '106.58.234.219',
          },
          menus: ['permission', 'appUser'],
          permissions: ['manage/permission/allRole:1129', 'manage/user/list'],
          permissionList: null,
          roleId: 2,
        },
      },
      [
        'avatar',
        'idNumber',
        'gender',
        'email',
        'qq',
        'wechat',
        'createAdminId',
        'updateAdminId',
        'loginCount',
        'lastLoginTime',
        'lastLoginIp',
      ],
    );
    const d = r.body.data as { sysAdmin: Record<string, unknown>; permissions: string[] };
    expect(d.sysAdmin).toMatchObject({ username: m.staffUsername, phone: m.staffPhone, realName: 'yy', active: 1, password: '' });
    expect(d.sysAdmin.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(d.permissions).toContain('manage/v3/userCard/charge');
  });
});

describe('3 operations', () => {
  it('3.1 store list', async () => {
    const r = await call('manage/v3/store/list');
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: [
          {
            id: 3,
            merchantId: 12,
            name: '外婆味道南屏店',
            address: '南屏街',
            phone: '123456666666',
            area: '云南,昆明市,五华区',
            linkman: '小明',
            adminId: 21,
            merchantName: '外婆味道',
            password: null,
            created: '2019-12-13T03:07:27.000+0000',
            updated: '2019-12-13T09:57:32.000+0000',
          },
        ],
        ...PAGE,
      },
      ['adminId'],
    );
    expect(r.body).toMatchObject({ total: 1, pages: 1, pageNum: 1, pageSize: 14 });
    expect((r.body.data as { id: number; merchantId: number }[])[0]).toMatchObject({
      id: m.storeId,
      merchantId: m.t.tenantId,
      name: '外婆味道南屏店',
    });
  });

  it('3.2 card products with stores and events', async () => {
    const r = await call('manage/v3/card/store_card', { type: 1 });
    expectOk(r.body, {
      ...ENVELOPE,
      data: [
        {
          id: 4,
          cardNo: null,
          title: '外婆味道活动卡',
          colour: '#E43B19',
          logo: '/item/191213/a.jpeg',
          storeIds: '3,4',
          eventIds: null,
          adminId: 19,
          type: 11,
          created: '2019-12-13T06:34:46.000+0000',
          summary: '<p>活动卡活动卡</p>',
          detail: null,
          storeVos: [
            { id: 3, name: '外婆味道南屏店', address: '南屏街', area: '云南,昆明市,五华区', phone: '123456666666', linkman: '小明' },
          ],
        },
      ],
    });
    const cards = r.body.data as { id: number; type: number; storeIds: string; eventVos: unknown[] }[];
    const ev = cards.find((c) => c.id === m.eventCardId)!;
    expect(ev).toMatchObject({ type: 11, storeIds: String(m.storeId) });
    expectShape(ev.eventVos, [
      {
        id: 9,
        title: '充200 送200 返200',
        summary: '充200 送200 返200',
        rechargeMoney: 200.0,
        sendMoney: 200.0,
        targetId: null,
        adminId: 19,
        type: 1,
        status: 10,
        created: '2019-12-13T06:34:24.000+0000',
        targetName: null,
      },
    ]);
    expect(ev.eventVos).toContainEqual(
      expect.objectContaining({ id: m.moneyEventId, rechargeMoney: 200, sendMoney: 200, type: 1, status: 10 }),
    );
    expect(cards.find((c) => c.id === m.valueCardId)).toMatchObject({ type: 10 });
  });

  it('3.3 open a card (consumer created for a new phone; password defaults to the last 6 digits)', async () => {
    const r = await call('manage/v3/userCard/add', { phone, membershipCardId: m.eventCardId });
    expectOk(r.body, { ...ENVELOPE, msg: '开卡成功' });
    expect(r.body.msg).toBe('开卡成功');
    expect((await call('manage/v3/userCard/add', { phone, membershipCardId: m.eventCardId })).body.errCode).toBe(1);
    const own = await call('manage/v3/userCard/add', { phone, membershipCardId: m.valueCardId, password: md5('135790') });
    expect(own.body.errCode).toBe(0);
    userId = (await rt.services.users.getRow(m.t.tenantId, { mobile: phone }))!.id;
    expect(userId).toBeGreaterThan(0);
  });

  it('3.4 events of a card', async () => {
    const r = await call('manage/v3/cardEvent/all_event', { cardId: m.eventCardId });
    expectOk(r.body, {
      ...ENVELOPE,
      data: [
        {
          id: 9,
          title: '充200 送200 返200',
          summary: '充200 送200 返200',
          rechargeMoney: 200.0,
          sendMoney: 200.0,
          targetId: null,
          adminId: 19,
          type: 1,
          status: 10,
          created: '2019-12-13T06:34:24.000+0000',
          targetName: null,
        },
      ],
    });
    const evs = r.body.data as { id: number; targetId: number | null; targetName: string | null }[];
    expect(evs.find((e) => e.id === m.couponEventId)).toMatchObject({ targetId: m.templateId, targetName: '50 元优惠券' });
  });

  it("3.5 recharge: through an event the amounts must be the event's; an event card needs an event", async () => {
    const r = await call('manage/v3/userCard/charge', {
      phone,
      cardId: m.eventCardId,
      recharge: 200.0,
      send: 200.0,
      eventId: m.moneyEventId,
      image: 'https://liyuquan.cn/static/avatar',
    });
    expectOk(r.body, { ...ENVELOPE, msg: '充值成功' });
    expect(r.body.msg).toBe('充值成功');
    expect(
      (
        await call('manage/v3/userCard/charge', {
          phone,
          cardId: m.eventCardId,
          recharge: 200,
          send: 300,
          eventId: m.moneyEventId,
          image: '',
        })
      ).body.errCode,
    ).toBe(1);
    expect(
      (await call('manage/v3/userCard/charge', { phone, cardId: m.eventCardId, recharge: 200, send: 0, image: '' })).body.errCode,
    ).toBe(1);
    expect((await call('manage/v3/userCard/charge', { phone, cardId: m.eventCardId, recharge: 200, send: 200 })).body.errCode).toBe(4);
    expect(
      (
        await call('manage/v3/userCard/charge', {
          phone: '13000000001',
          cardId: m.eventCardId,
          recharge: 200,
          send: 200,
          eventId: m.moneyEventId,
          image: '',
        })
      ).body.errCode,
    ).toBe(1005);
    // the coupon event issues its coupons in the same transaction
    const c = await call('manage/v3/userCard/charge', {
      phone,
      cardId: m.eventCardId,
      recharge: '100.00',
      send: '0.00',
      eventId: m.couponEventId,
      image: '',
    });
    expect(c.body.errCode).toBe(0);
    const coupons = await rt.services.coupons.list(m.t.tenantId, { ownerId: userId, templateId: m.templateId, limit: 10, offset: 0 });
    expect(coupons.total).toBe(2);
    const plain = await call('manage/v3/userCard/charge', { phone, cardId: m.valueCardId, recharge: '100.50', send: '10', image: '' });
    expect(plain.body.errCode).toBe(0);
  });

  it('3.6 expense with the card password (MD5)', async () => {
    const r = await call('manage/v3/userCard/expense', { phone, cardId: m.eventCardId, expense: 50, password: md5(phone.slice(-6)) });
    expectOk(r.body, { ...ENVELOPE, msg: '成功' });
    expect(
      (await call('manage/v3/userCard/expense', { phone, cardId: m.eventCardId, expense: 1, password: md5('000000') })).body.errCode,
    ).toBe(1);
    expect(
      (await call('manage/v3/userCard/expense', { phone, cardId: m.eventCardId, expense: 100000, password: md5(phone.slice(-6)) })).body
        .errCode,
    ).toBe(1);
    expect(
      (await call('manage/v3/userCard/expense', { phone, cardId: m.valueCardId, expense: 10, password: md5('135790') })).body.errCode,
    ).toBe(0);
  });

  it('3.8 + 3.7 the SMS code goes to the staff phone; refund needs it, once', async () => {
    const list = await call('manage/v3/turnover/expense_list', { pageNum: 1, pageSize: 14 });
    const orderNo = (list.body.data as { expenseReVo: { orderNo: number }[] }).expenseReVo.at(-1)!.orderNo;
    expect((await call('manage/v3/turnover/refund', { orderNo })).body.errCode).toBe(4);
    const code = await refundCode(rt, m);
    const wrong = await call('manage/v3/turnover/refund', { orderNo, code: code === '000000' ? '111111' : '000000' });
    expect(wrong.body.errCode).toBe(1006);
    const r = await call('manage/v3/turnover/refund', { orderNo, code });
    expectOk(r.body, { ...ENVELOPE, msg: '成功' });
    // the same code cannot be used again; a fresh code cannot refund twice
    expect((await call('manage/v3/turnover/refund', { orderNo, code })).body.errCode).not.toBe(0);
    const again = await refundCode(rt, m);
    expect((await call('manage/v3/turnover/refund', { orderNo, code: again })).body.errCode).toBe(1);
  });

  it('3.9 recharge refund', async () => {
    const list = await call('manage/v3/turnover/record_list', { phone: '2400', pageNum: 1, pageSize: 14 });
    const rows = (list.body.data as { chargeReVo: { orderNo: number; membershipCardId: number; rechargeMoney: number }[] }).chargeReVo;
    const valueRecharge = rows.find((x) => x.membershipCardId === m.valueCardId)!;
    const code = await refundCode(rt, m);
    const r = await call('manage/v3/turnover/refund_charge', { orderNo: valueRecharge.orderNo, code });
    // 10.00 of the 110.50 was spent: the recharge is no longer all on the card
    expect(r.body.errCode).toBe(1);
    const couponRecharge = rows.find((x) => x.rechargeMoney === 100)!;
    const code2 = await refundCode(rt, m);
    const ok = await call('manage/v3/turnover/refund_charge', { orderNo: couponRecharge.orderNo, code: code2 });
    expectOk(ok.body, { ...ENVELOPE, msg: '成功' });
    const coupons = await rt.services.coupons.list(m.t.tenantId, { ownerId: userId, templateId: m.templateId, limit: 10, offset: 0 });
    expect(coupons.items.map((c) => c.state)).toEqual(['voided', 'voided']);
  });

  it('3.10 event detail', async () => {
    const r = await call('manage/v3/cardEvent/detail', { eventId: m.couponEventId });
    expectOk(r.body, {
      ...ENVELOPE,
      data: {
        id: 43,
        title: '充100 送2 张50元优惠券',
        couponTitle: '啤酒券',
        summary: '充100 送2 张50元优惠券',
        rechargeMoney: 100.0,
        sendMoney: 0.0,
        targetId: 2,
        adminId: 19,
        type: 2,
        status: 1,
        updated: '2020-02-13 13:38:53',
        created: '2020-02-13 13:38:53',
        scale: null,
        quantity: 2,
      },
    });
    expect(r.body.data).toMatchObject({
      couponTitle: '50 元优惠券',
      rechargeMoney: 100,
      sendMoney: 0,
      quantity: 2,
      targetId: m.templateId,
    });
    expect((r.body.data as { created: string }).created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});

describe('4 queries', () => {
  const entry = {
    id: 50,
    membershipCardId: 4,
    title: '外婆味道活动卡',
    cardNo: 7919121420122,
    userId: 7,
    nickname: '哈哈',
    phone: '15752400657',
  };
  it('4.1 recharge records with totals', async () => {
    const r = await call('manage/v3/turnover/record_list', {
      phone: '2400657',
      startTime: Date.now() - 3600_000,
      endTime: Date.now() + 60_000,
      pageNum: 1,
      pageSize: 14,
    });
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: {
          totalChargeMoney: 800.0,
          totalSendMoney: 800.0,
          chargeReVo: [
            {
              ...entry,
              memberEventId: 1,
              eventName: '小二老坛子酸菜鱼开业活动卡',
              rechargeMoney: 200.0,
              sendMoney: 200.0,
              type: 2,
              storeId: 3,
              storeName: '外婆味道南屏店',
              explain: '余额充值',
              created: '2019-12-20T08:43:19.000+0000',
              orderNo: 71019122016110,
              image: 'https://liyuquan.cn/static/avatar',
            },
          ],
        },
        total: 4,
        pages: 1,
        pageNum: 1,
        pageSize: 14,
      },
      ['nickname', 'memberEventId', 'eventName', 'image'],
    );
    expect(r.body).toMatchObject({ total: 3, pages: 1 });
    expect(r.body.data).toMatchObject({ totalChargeMoney: 400.5, totalSendMoney: 210 });
    const none = await call('manage/v3/turnover/record_list', { phone: '99999999', pageNum: 1, pageSize: 14 });
    expect(none.body).toMatchObject({ total: 0, data: { totalChargeMoney: 0, chargeReVo: [] } });
  });

  it('4.1 keywords find records by phone, nickname or card number; totals follow the filter', async () => {
    await rt.db.query('UPDATE users SET nick = $2 WHERE id = $1', [userId, '哈哈']);
    const page = (p: Record<string, unknown>) => call('manage/v3/turnover/record_list', { ...p, pageNum: 1, pageSize: 14 });
    const byNick = await page({ keywords: '哈' });
    expect(byNick.body).toMatchObject({ total: 3, data: { totalChargeMoney: 400.5, totalSendMoney: 210 } });
    expect((byNick.body.data as { chargeReVo: { nickname: string }[] }).chargeReVo.every((r) => r.nickname === '哈哈')).toBe(true);
    expect((await page({ keywords: '0065' })).body).toMatchObject({ total: 3 });
    const valueCard = (await rt.services.cards.getCard(m.t.tenantId, { phone, productId: m.valueCardId }))!;
    const byCardNo = await page({ keywords: String(valueCard.cardNo) });
    expect(byCardNo.body).toMatchObject({
      total: 1,
      data: { totalChargeMoney: 100.5, totalSendMoney: 10, chargeReVo: [{ cardNo: valueCard.cardNo, membershipCardId: m.valueCardId }] },
    });
    expect((await page({ keywords: '嘿嘿' })).body).toMatchObject({ total: 0, data: { totalChargeMoney: 0, chargeReVo: [] } });
    // LIKE wildcards in keywords are literal
    expect((await page({ keywords: '%' })).body).toMatchObject({ total: 0 });
    // keywords and phone together narrow both ways
    expect((await page({ keywords: '哈', phone: '99999' })).body).toMatchObject({ total: 0 });
  });

  it('4.2 expense records', async () => {
    const r = await call('manage/v3/turnover/expense_list', { pageNum: 1, pageSize: 1 });
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: {
          totalExpenseMoney: 222.0,
          expenseReVo: [
            {
              ...entry,
              expenseMoney: 200.0,
              type: 2,
              storeId: 3,
              storeName: '外婆味道南屏店',
              explain: '线下消费',
              created: '2019-12-20T08:54:10.000+0000',
              orderNo: 71119122016113,
            },
          ],
        },
        total: 3,
        pages: 1,
        pageNum: 1,
        pageSize: 14,
      },
      ['nickname'],
    );
    expect(r.body).toMatchObject({ total: 2, pages: 2, pageNum: 1, pageSize: 1, data: { totalExpenseMoney: 60 } });
  });

  it('4.3 refund records', async () => {
    const r = await call('manage/v3/turnover/refund_list', { pageNum: 1, pageSize: 14 });
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: [{ ...entry, money: 200.0, storeName: '外婆味道南屏店', explain: '发', created: '2019-12-20T09:27:33.000+0000' }],
        ...PAGE,
      },
      ['nickname'],
    );
    expect(r.body.total).toBe(2);
  });

  it('4.4 members', async () => {
    const r = await call('manage/v3/userCard/user_card', { phone: '157', pageNum: 1, pageSize: 14 });
    expectOk(
      r.body,
      { ...ENVELOPE, data: [{ userId: 2, phone: '15368224942', nickname: '淡水鱼', avatar: 'https://liyuquan.cn/a.jpg' }], ...PAGE },
      ['nickname', 'avatar'],
    );
    expect(r.body.data).toEqual([expect.objectContaining({ userId, phone })]);
  });

  it('4.5 member detail with event-card buckets; 4.6 cash-back once when due', async () => {
    // spend the whole 200+200 event recharge: its bucket becomes "cash-back due"
    expect(
      (await call('manage/v3/userCard/expense', { phone, cardId: m.eventCardId, expense: 400, password: md5(phone.slice(-6)) })).body
        .errCode,
    ).toBe(0);
    const r = await call('manage/v3/userCard/user_card_detail', { userId });
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: [
          {
            userId: 7,
            phone: '15752400657',
            nickname: '哈哈',
            avatar: 'https://liyuquan.cn/a.jpg',
            cardId: 4,
            title: '外婆味道活动卡',
            cardNo: 7919121420122,
            balance: 3878.0,
            type: 11,
            capital: 1582.4,
            send: 1895.6,
            created: '2019-12-14T12:57:08.000+0000',
            eventCards: [{ storeMemberEventId: 10, capitalBalance: 0.0, sendBalance: 95.6, status: 2 }],
          },
        ],
      },
      ['nickname', 'avatar', 'capital', 'send', 'eventCards'],
    );
    const cards = r.body.data as {
      cardId: number;
      type: number;
      balance: number;
      capital: number | null;
      eventCards: { storeMemberEventId: number; status: number; capitalBalance: number; sendBalance: number }[] | null;
    }[];
    const value = cards.find((c) => c.cardId === m.valueCardId)!;
    expect(value).toMatchObject({ type: 10, balance: 100.5, capital: null, send: null, eventCards: null });
    const event = cards.find((c) => c.cardId === m.eventCardId)!;
    expect(event).toMatchObject({ type: 11, balance: 0, capital: 0, send: 0 });
    expect(event.eventCards).toEqual([
      { storeMemberEventId: expect.any(Number), capitalBalance: 0, sendBalance: 0, status: 3 },
      { storeMemberEventId: expect.any(Number), capitalBalance: 0, sendBalance: 0, status: 4 },
    ]);
    const due = event.eventCards![0]!.storeMemberEventId;
    const cash = await call('manage/v3/userCard/card_status', { storeMemberEventId: due });
    expectOk(cash.body, { ...ENVELOPE, msg: '' });
    expect((await call('manage/v3/userCard/card_status', { storeMemberEventId: due })).body.errCode).toBe(1);
    expect(
      (await call('manage/v3/userCard/card_status', { storeMemberEventId: event.eventCards![1]!.storeMemberEventId })).body.errCode,
    ).toBe(1);
    const after = await call('manage/v3/userCard/user_card_detail', { userId });
    const buckets = (after.body.data as typeof cards).find((c) => c.cardId === m.eventCardId)!.eventCards!;
    expect(buckets[0]!.status).toBe(5);
  });
});

describe('5 upload', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  /** A multipart form like the client sends: every parameter (the token too) a form field, then the file. */
  const multipart = (fields: Record<string, string>, file: { name: string; data: Buffer; type: string } | null) => {
    const b = '----quanboundary';
    const parts: Buffer[] = Object.entries(fields).map(([k, v]) =>
      Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
    );
    if (file) {
      parts.push(
        Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`),
        file.data,
        Buffer.from('\r\n'),
      );
    }
    parts.push(Buffer.from(`--${b}--\r\n`));
    return { headers: { 'content-type': `multipart/form-data; boundary=${b}` }, payload: Buffer.concat(parts) };
  };
  const png = { name: 'a.png', data: PNG, type: 'image/png' };
  const upload = (form: ReturnType<typeof multipart>, query = '') =>
    rt.app.inject({ method: 'POST', url: `/web/manage/upload/image${query}`, ...form });

  it('5.1 takes the token and module as form fields, stores the image and answers its absolute URL', async () => {
    const r = await upload(multipart({ token: m.token, module: '1' }, png));
    expect(r.json()).toMatchObject({ errCode: 0, result: 0 });
    const url = r.json().data as string;
    // inject's Host is localhost:80; no PUBLIC_URL configured: the request's own origin
    expect(url).toMatch(/^http:\/\/localhost:80\/api\/v1\/uploads\/\d{6}\/[0-9a-f-]{36}\.png$/);
    const back = await rt.app.inject({ method: 'GET', url: new URL(url).pathname });
    expect(back.statusCode).toBe(200);
    expect(back.headers['content-type']).toBe('image/png');
    expect(back.rawPayload.equals(PNG)).toBe(true);
    // the file before the fields works as well; so do the token and module in the query
    const fileFirst = Buffer.concat([
      multipart({}, png).payload.subarray(0, -'------quanboundary--\r\n'.length),
      multipart({ token: m.token, module: '1' }, null).payload,
    ]);
    expect((await upload({ headers: multipart({}, null).headers, payload: fileFirst })).json()).toMatchObject({ errCode: 0 });
    expect((await upload(multipart({}, png), `?module=1&token=${m.token}`)).json()).toMatchObject({ errCode: 0 });
    // X-Forwarded-* is believed only from proxies named in TRUST_PROXY (off here): a client cannot choose the URL's origin
    const proxied = await rt.app.inject({
      method: 'POST',
      url: '/web/manage/upload/image',
      ...multipart({ token: m.token, module: '1' }, png),
      headers: { ...multipart({}, null).headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'liyuquan.example' },
    });
    expect(proxied.json().data).toMatch(/^http:\/\/localhost(:\d+)?\/api\/v1\/uploads\//);
  });

  it('5.1 needs a staff token; module is a required int (errCode 4); only images', async () => {
    expect((await upload(multipart({ module: '1' }, png))).json()).toMatchObject({ errCode: 1002 });
    expect((await upload(multipart({ module: '1', token: 'not-a-token' }, png))).json()).toMatchObject({ errCode: 1002 });
    expect((await upload(multipart({ token: m.token }, png))).json()).toMatchObject({ errCode: 4, result: 4 });
    expect((await upload(multipart({ token: m.token, module: 'abc' }, png))).json()).toMatchObject({ errCode: 4 });
    expect((await upload(multipart({ token: m.token, module: '1.5' }, png))).json()).toMatchObject({ errCode: 4 });
    expect((await upload(multipart({}, png), `?module=abc&token=${m.token}`)).json()).toMatchObject({ errCode: 4 });
    expect((await upload(multipart({ token: m.token, module: '1' }, null))).json()).toMatchObject({ errCode: 1 });
    const bad = await upload(
      multipart({ token: m.token, module: '1' }, { name: 'evil.png', data: Buffer.from('<script>alert(1)</script>'), type: 'image/png' }),
    );
    expect(bad.json()).toMatchObject({ errCode: 1 });
  });

  it('5.1 answers a URL under PUBLIC_URL when it is configured', async () => {
    // the same store, served by an app configured with PUBLIC_URL
    const services = createServices({ ...rt.services.deps, config: { ...rt.services.deps.config, publicUrl: 'https://quan.example.com' } });
    const app = await buildApp({ services });
    try {
      const r = await app.inject({ method: 'POST', url: '/web/manage/upload/image', ...multipart({ token: m.token, module: '1' }, png) });
      expect(r.json().data).toMatch(/^https:\/\/quan\.example\.com\/api\/v1\/uploads\/\d{6}\/[0-9a-f-]{36}\.png$/);
    } finally {
      await app.close();
    }
  });
});

describe('6 scan and 7 coupons', () => {
  it('7.1 give coupons to a phone; 7.2 the coupons staff may hand out', async () => {
    const r = await call('manage/v3/coupon/forUser', { phone, couponId: m.templateId, quantity: 2 });
    expectOk(r.body, { ...ENVELOPE, msg: '赠送成功' });
    expect((await call('manage/v3/coupon/forUser', { phone: '13000000009', couponId: m.templateId, quantity: 1 })).body.errCode).toBe(1005);
    const l = await call('manage/v3/coupon/xcx_list');
    expectOk(
      l.body,
      {
        ...ENVELOPE,
        data: [
          {
            id: 2,
            title: '50 元优惠券',
            summary: '使用',
            logo: null,
            storeIds: '4,3',
            adminId: 19,
            type: 1,
            status: 1,
            date: '2020-04-30 00:00:00',
            updated: '2020-02-12 22:46:37',
            created: '2020-02-11 17:52:50',
            storeVos: [
              { id: 4, name: '外婆味道吾悦店', address: '吾悦广场', area: '云南,昆明市,西山区', phone: '15368224942', linkman: '吴家' },
            ],
          },
        ],
      },
      ['adminId'],
    );
    expect(l.body.data).toEqual([
      expect.objectContaining({ id: m.templateId, title: '50 元优惠券', storeIds: String(m.storeId), date: '2099-04-30 08:00:00' }),
    ]);
  });

  it('6.1 scans a coupon QR; 6.2 writes the coupon off by its number', async () => {
    const mine = await rt.services.coupons.list(m.t.tenantId, {
      ownerId: userId,
      templateId: m.templateId,
      status: 'usable',
      limit: 10,
      offset: 0,
    });
    const coupon = mine.items[0]!;
    const qr = await rt.services.qr.issue({ kind: 'coupon', tenantId: m.t.tenantId, code: coupon.code });
    const r = await call('manage/tool/scan', { qrcode: qr.payload });
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: {
          num: 1,
          qrcodeType: 2,
          couponId: 1,
          userId: 7,
          quantity: 4,
          code: '',
          created: '2020-02-10 14:16:51',
          title: '20 元优惠券',
          summary: '使用说明，简介',
          logo: '/item/200212/a.png',
          storeIds: '5,4,3',
          date: '2020-02-29 00:00:00',
          storeName: '外婆味道大观店/外婆味道吾悦店/外婆味道南屏店/',
          status: null,
        },
      },
      ['logo'],
    );
    expect(r.body.data).toMatchObject({
      num: coupon.id,
      qrcodeType: 2,
      couponId: m.templateId,
      userId,
      quantity: 2,
      code: coupon.code,
      storeName: '外婆味道南屏店/',
    });
    const use = await call('manage/v3/coupon/use', { num: coupon.id });
    expectOk(use.body, {
      ...ENVELOPE,
      data: {
        id: null,
        num: 1,
        couponId: 1,
        userId: 7,
        storeId: 3,
        detail: '{"code":""}',
        adminId: 21,
        quantity: 1,
        created: null,
        nickname: null,
        phone: null,
        storeName: null,
        title: null,
      },
    });
    const d = use.body.data as { detail: string; storeId: number; num: number };
    expect(d).toMatchObject({ num: coupon.id, storeId: m.storeId });
    expect(JSON.parse(d.detail)).toMatchObject({ couponId: m.templateId, num: coupon.id, userId, title: '50 元优惠券' });
    expect((await call('manage/v3/coupon/use', { num: coupon.id })).body.errCode).toBe(1);
  });

  it('6.1 scans a member card QR', async () => {
    const card = (await rt.services.cards.getCard(m.t.tenantId, { phone, productId: m.valueCardId }))!;
    const qr = await rt.services.qr.issue({ kind: 'card', tenantId: m.t.tenantId, cardId: card.id });
    const r = await call('manage/tool/scan', { qrcode: qr.payload });
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: {
          id: 8,
          membershipCardId: 3,
          userId: 7,
          qrcodeType: 1,
          phone: '15752400657',
          balance: 810.0,
          created: '2019-12-14 21:04:41',
          cardNo: 7919121421128,
          title: '外婆味道储值卡',
          summary: 'null3',
          colour: '#34988E',
          logo: '/item/191213/b.jpeg',
          type: 10,
          storeIds: '3,4',
          grade: '黄金会员',
          summaryGrade: '1',
          capital: 0,
          send: 0,
          code: null,
          avatar: 'https://wx.qlogo.cn/a.jpg',
          nickname: '路遥',
        },
      },
      ['grade', 'summaryGrade', 'avatar', 'nickname'],
    );
    expect(r.body.data).toMatchObject({
      id: card.id,
      membershipCardId: m.valueCardId,
      userId,
      qrcodeType: 1,
      phone,
      balance: 100.5,
      cardNo: card.cardNo,
      type: 10,
    });
  });

  it("6.1 refuses a forged, an expired or another merchant's QR", async () => {
    const card = (await rt.services.cards.getCard(m.t.tenantId, { phone, productId: m.valueCardId }))!;
    const qr = await rt.services.qr.issue({ kind: 'card', tenantId: m.t.tenantId, cardId: card.id });
    const parts = qr.payload.split('.');
    const forged = [...parts.slice(0, 3), String(card.id + 1), ...parts.slice(4)].join('.');
    expect((await call('manage/tool/scan', { qrcode: forged })).body.errCode).toBe(1);
    expect((await call('manage/tool/scan', { qrcode: 'member:' + card.id })).body.errCode).toBe(1);
    const { qrService } = await import('../../../src/contexts/platform/qr.ts');
    const past = qrService({ ...rt.services.deps, now: () => new Date(Date.now() - 10 * 60_000) });
    const old = await past.issue({ kind: 'card', tenantId: m.t.tenantId, cardId: card.id });
    const expired = await call('manage/tool/scan', { qrcode: old.payload });
    expect(expired.body.errCode).toBe(1);
    expect(expired.body.msg).toMatch(/expired/);
    const other = await rt.services.qr.issue({ kind: 'card', tenantId: m.t.tenantId + 999, cardId: card.id });
    expect((await call('manage/tool/scan', { qrcode: other.payload })).body.errCode).toBe(1);
  });
});

describe('8 invoices', () => {
  it('8.2 adds invoices up to what is invoiceable; 8.1 lists them with totals', async () => {
    const add = await call('manage/v3/invoice/add', { userId, cardId: m.valueCardId, amount: 90, image: '' });
    expectOk(add.body, { ...ENVELOPE, msg: '添加成功' });
    expect((await call('manage/v3/invoice/add', { userId, cardId: m.valueCardId, amount: '10.51', image: '' })).body.errCode).toBe(1);
    expect(
      (await call('manage/v3/invoice/add', { userId, cardId: m.valueCardId, amount: '10.50', image: 'https://x/i.png' })).body.errCode,
    ).toBe(0);
    const r = await call('manage/v3/invoice/list', { userId, cardId: m.valueCardId });
    expectOk(r.body, {
      ...ENVELOPE,
      data: {
        totalCharge: 100.0,
        totalInvoice: 100.0,
        amount: 0.0,
        invoiceVos: [
          { id: 2, amount: 90.0, summary: '', storeId: 3, storeName: '外婆味道南屏店', created: '2020-02-25 12:46:31', image: null },
        ],
      },
    });
    expect(r.body.data).toMatchObject({ totalCharge: 100.5, totalInvoice: 100.5, amount: 0 });
  });

  it('8.3 card detail shows what is still invoiceable', async () => {
    const r = await call('manage/v3/card/card_detail', { userId, cardId: m.eventCardId });
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: {
          id: 7,
          membershipCardId: 4,
          userId: 7,
          qrcodeType: null,
          phone: '15752400657',
          balance: 3748.0,
          created: '2019-12-14 20:57:08',
          cardNo: 7919121420122,
          title: '外婆味道活动卡',
          summary: '<p>活动卡活动卡</p>',
          colour: '#E43B19',
          logo: '/item/191213/a.jpeg',
          type: 11,
          storeIds: '3,4',
          grade: null,
          summaryGrade: null,
          capital: null,
          send: null,
          code: null,
          avatar: 'https://wx.qlogo.cn/a.jpg',
          nickname: '路遥',
          storeName: '外婆味道南屏店',
        },
      },
      ['avatar', 'nickname'],
    );
    // 200 recharged through the event (the refunded 100 no longer counts)
    expect(r.body.data).toMatchObject({ balance: 200, type: 11, storeName: '外婆味道南屏店' });
  });

  it('8.4 all invoices, by phone and time', async () => {
    const r = await call('manage/v3/invoice/all_list', { phone: '0657', startTime: Date.now() - 3600_000, pageNum: 1, pageSize: 14 });
    expectOk(
      r.body,
      {
        ...ENVELOPE,
        data: [
          {
            id: 2,
            amount: 90.0,
            summary: '',
            storeId: 3,
            storeName: '外婆味道南屏店',
            created: '2020-02-25 12:46:31',
            image: null,
            userId: 7,
            phone: '15752400657',
            nickname: '路遥',
          },
        ],
        total: 3,
        pages: 1,
        pageNum: 1,
        pageSize: 14,
      },
      ['nickname'],
    );
    expect(r.body).toMatchObject({ total: 2 });
    expect(
      (await call('manage/v3/invoice/all_list', { phone: '0657', endTime: Date.now() - 3600_000, pageNum: 1, pageSize: 14 })).body.total,
    ).toBe(0);
  });
});
