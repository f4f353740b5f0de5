// Seeds 002/003 replayed: every call of the promo-code portal document, by
// method name at the gateway and by the seed's path, field for field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { byPath, gateway, portalLogin, SEED_PROMOTION_INFO } from './helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;
let auth: string;
let retail: number;
let ops: number;

const native = async (method: string, url: string, payload?: unknown, tenant = t) => {
  const r = await rt.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: tenant.auth, payload: payload as object });
  if (r.statusCode >= 300) throw new Error(`${url}: ${r.body}`);
  return r.json();
};

// The seed's add form (limit_date_to from its list example: the add example's from = to is refused below).
const SEED_ADD = {
  name: '50元优惠券',
  code: 'VA32434',
  req_department: '零售部/运营部',
  limit_date_from: '2016-01-16 00:00:00',
  limit_date_to: '2016-01-20 00:00:00',
  promotion_info: SEED_PROMOTION_INFO,
  user_use_limit: 10,
  user_source_limit: 'iSO',
  user_type_limit: 'new_reg',
  describe: 'xxxxxxx',
  staff: '李四',
  limit_times: 10,
};

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  retail = (await native('POST', '/departments', { name: '零售部' })).id;
  ops = (await native('POST', '/departments', { name: '运营部', parentId: retail })).id;
  await native('POST', '/staff', { username: 'lisi', password: 'lisi-pass-123', role: 'admin', name: '李四' });
  auth = await portalLogin(rt.app, t.ownerUsername, t.password);
});
afterAll(async () => rt?.close());

describe('登陆 portal.system.login', () => {
  it('answers {code:20003, data:{auth}} for a real staff account, by method and by path', async () => {
    const r = await gateway(rt.app, 'portal.system.login', { user: 'lisi', password: 'lisi-pass-123' });
    expect(r.body).toStrictEqual({ code: 20003, data: { auth: expect.any(String) } });
    const p = await byPath(rt.app, 'system/login', { user: 'lisi', password: 'lisi-pass-123' });
    expect(p.body).toStrictEqual({ code: 20003, data: { auth: expect.any(String) } });
    expect(p.body.data.auth).not.toBe(r.body.data.auth);
  });

  it('answers {code:50003, message:"登录失败!"} otherwise', async () => {
    expect((await gateway(rt.app, 'portal.system.login', { user: 'lisi', password: 'nope-nope' })).body).toStrictEqual({
      code: 50003,
      message: '登录失败!',
    });
    expect((await gateway(rt.app, 'portal.system.login', { user: 'nobody', password: '123321' })).body).toStrictEqual({
      code: 50003,
      message: '登录失败!',
    });
  });
});

describe('新增 / 修改 portal.couponCode.add / update', () => {
  it('add answers {code:20001, message:"保存成功!"} (form, promotion_info as JSON text)', async () => {
    const r = await gateway(rt.app, 'portal.couponCode.add', { auth, ...SEED_ADD });
    expect(r.status).toBe(200);
    expect(r.body).toStrictEqual({ code: 20001, message: '保存成功!' });
  });

  it('add answers {code:5001, message:"保存失败…"} with the reason', async () => {
    const same = await gateway(rt.app, 'portal.couponCode.add', {
      auth,
      ...SEED_ADD,
      code: 'OTHER1',
      limit_date_to: '2016-01-16 00:00:00',
    });
    expect(same.body).toStrictEqual({ code: 5001, message: expect.stringMatching(/^保存失败.*validTo: must be after validFrom/) });
    const dup = await byPath(rt.app, 'promotioncode/addPromotionCode', { auth, ...SEED_ADD });
    expect(dup.body).toStrictEqual({ code: 5001, message: expect.stringMatching(/^保存失败.*already exists/) });
    const dept = await gateway(rt.app, 'portal.couponCode.add', { auth, ...SEED_ADD, code: 'OTHER2', req_department: '不存在部' });
    expect(dept.body.code).toBe(5001);
    expect(dept.body.message).toMatch(/req_department/);
  });

  it('update by path answers {code:20001, message:"保存成功!"} and changes the code', async () => {
    const list = await gateway(rt.app, 'portal.couponCode.getList', { auth, name: '50元' });
    const id = list.body.list[0].id;
    const r = await byPath(rt.app, 'promotioncode/updatePromotionCode', { auth, id, describe: 'changed', user_type_limit: 'no_buy' });
    expect(r.body).toStrictEqual({ code: 20001, message: '保存成功!' });
    const d = await gateway(rt.app, 'portal.couponCode.detail', { auth, id });
    expect(d.body.info).toMatchObject({ describe: 'changed', user_type_limit: 'no_buy' });
    const back = await gateway(rt.app, 'portal.couponCode.update', { auth, id, describe: 'xxxxxxx', user_type_limit: 'new_reg' }, false);
    expect(back.body).toStrictEqual({ code: 20001, message: '保存成功!' });
    expect((await gateway(rt.app, 'portal.couponCode.update', { auth, id: 999999, name: 'x' })).body).toStrictEqual({
      code: 5001,
      message: expect.stringMatching(/^保存失败/),
    });
  });
});

describe('查询优惠码列表 portal.couponCode.getList', () => {
  it('answers as the seed, by method and by path', async () => {
    const r = await gateway(rt.app, 'portal.couponCode.getList', {
      auth,
      name: '50元优惠',
      req_department: '零售部/运营部',
      state: 0,
      limit: 20,
      offset: 0,
    });
    const id = r.body.list[0]?.id;
    const expected = {
      code: 200,
      list: [
        {
          id,
          name: '50元优惠券',
          limit_times: 10,
          req_department: '零售部/运营部',
          limit_date_from: '2016-01-16 00:00:00',
          limit_date_to: '2016-01-20 00:00:00',
          describe: 'xxxxxxx',
          staff: '李四',
          state: 0,
        },
      ],
      total: 1,
      limit: 20,
      offset: 0,
    };
    expect(r.body).toStrictEqual(expected);
    expect(Object.keys(r.body.list[0])).toEqual([
      'id',
      'name',
      'limit_times',
      'req_department',
      'limit_date_from',
      'limit_date_to',
      'describe',
      'staff',
      'state',
    ]);
    expect((await byPath(rt.app, 'promotioncode/getPromotionCodeList', { auth, id })).body).toStrictEqual(expected);
    expect((await gateway(rt.app, 'portal.couponCode.getList', { auth, state: 1 })).body).toStrictEqual({
      code: 200,
      list: [],
      total: 0,
      limit: 20,
      offset: 0,
    });
    expect((await gateway(rt.app, 'portal.couponCode.getList', { auth, req_department: ops })).body.total).toBe(1);
  });
});

describe('查询优惠码详情 portal.couponCode.detail', () => {
  it('answers as the seed (promotion_info in snake_case, user_type_limit new_reg), by method and by path', async () => {
    const id = (await gateway(rt.app, 'portal.couponCode.getList', { auth })).body.list[0].id;
    const r = await gateway(rt.app, 'portal.couponCode.detail', { auth, id });
    const expected = {
      code: 200,
      info: {
        id,
        name: '50元优惠券',
        limit_times: 10,
        code: 'VA32434',
        req_department: '零售部/运营部',
        limit_date_from: '2016-01-16 00:00:00',
        limit_date_to: '2016-01-20 00:00:00',
        promotion_info: {
          type: 'discount_market_price',
          condition: { amount_at_least: 100, count_at_least: 1 },
          action: { discount: 0.88, discount_at_most: 100 },
        },
        user_use_limit: 10,
        user_source_limit: 'iSO',
        user_type_limit: 'new_reg',
        describe: 'xxxxxxx',
        staff: '李四',
        state: 0,
      },
    };
    expect(r.body).toStrictEqual(expected);
    expect((await byPath(rt.app, 'promotioncode/getPromotionCode', { auth, id })).body).toStrictEqual(expected);
    // Stored on the native model under native names.
    const n = await native('GET', `/promo-codes/${id}`);
    expect(n).toMatchObject({
      userTypeLimit: 'new',
      userSourceLimit: ['iSO'],
      userUseLimit: 10,
      limitTimes: 10,
      departmentId: ops,
      state: 'pending',
      validFrom: '2016-01-15T16:00:00.000Z',
    });
    expect(n.rule).toMatchObject({
      type: 'discount_market_price',
      condition: { amountAtLeast: 100, countAtLeast: 1 },
      action: { discount: 0.88, discountAtMost: 100 },
    });
    expect((await gateway(rt.app, 'portal.couponCode.detail', { auth, id: 999999 })).body).toMatchObject({ code: 40004 });
  });

  it('an amount-off rule and no_buy round-trip', async () => {
    const add = await gateway(rt.app, 'portal.couponCode.add', {
      auth,
      ...SEED_ADD,
      code: 'MINUS20',
      name: '满100减20',
      user_type_limit: 'no_buy',
      promotion_info: JSON.stringify({ type: 'amount_off', condition: { amount_at_least: 100 }, action: { amount_off: 20 } }),
    });
    expect(add.body).toStrictEqual({ code: 20001, message: '保存成功!' });
    const id = (await gateway(rt.app, 'portal.couponCode.getList', { auth, name: '满100减20' })).body.list[0].id;
    const info = (await gateway(rt.app, 'portal.couponCode.detail', { auth, id })).body.info;
    expect(info).toMatchObject({
      promotion_info: { type: 'amount_off', condition: { amount_at_least: 100 }, action: { amount_off: 20 } },
      user_type_limit: 'no_buy',
    });
    expect((await native('GET', `/promo-codes/${id}`)).userTypeLimit).toBe('no_purchase');
  });
});

describe('审核优惠码 portal.couponCode.setState', () => {
  it('answers {code:20001, message:"设置成功!"} / {code:50002, message:"设置失败…"}', async () => {
    const id = (await gateway(rt.app, 'portal.couponCode.getList', { auth, name: '50元优惠' })).body.list[0].id;
    expect((await gateway(rt.app, 'portal.couponCode.setState', { auth, id, state: 1 })).body).toStrictEqual({
      code: 20001,
      message: '设置成功!',
    });
    expect((await gateway(rt.app, 'portal.couponCode.getList', { auth, id })).body.list[0].state).toBe(1);
    const again = await byPath(rt.app, 'promotioncode/auditPromotionCode', { auth, id, state: 2 });
    expect(again.body).toStrictEqual({
      code: 50002,
      message: expect.stringMatching(/^设置失败.*cannot reject a promo code that is approved/),
    });
  });
});

describe('获取权限菜单 portal.system.menu', () => {
  it('answers {list:[{title, href, icon}, {title, parent:true, list:[...]}]} from the role', async () => {
    const r = await gateway(rt.app, 'portal.system.menu', { auth });
    expect(r.body).toStrictEqual({
      code: 200,
      list: [
        { title: '首页', href: '/', icon: 'home' },
        {
          title: '优惠码',
          parent: true,
          list: [
            { title: '优惠码列表', href: '/promotioncode', icon: 'list' },
            { title: '新增优惠码', href: '/promotioncode/add', icon: 'plus' },
            { title: '优惠码审核', href: '/promotioncode/audit', icon: 'check' },
          ],
        },
        {
          title: '系统',
          parent: true,
          list: [
            { title: '部门', href: '/department', icon: 'sitemap' },
            { title: '个人资料', href: '/profile', icon: 'user' },
          ],
        },
      ],
    });
    await native('POST', '/staff', { username: 'auditor1', password: 'audit-pass-123', role: 'auditor' });
    const a = await portalLogin(rt.app, 'auditor1', 'audit-pass-123');
    const m = (await byPath(rt.app, 'system/menu', { auth: a })).body.list;
    expect(m[1].list.map((x: { href: string }) => x.href)).toEqual(['/promotioncode', '/promotioncode/audit']);
  });
});

describe('获取部门信息', () => {
  it('answers {list:[{name, id, sub:[{name, id}]}]} from the tree managed in the native API', async () => {
    const other = await makeTenant(rt.services, rt.app);
    const r1 = (await native('POST', '/departments', { name: '零售部' }, other)).id;
    const r11 = (await native('POST', '/departments', { name: '商品部', parentId: r1 }, other)).id;
    const a = await portalLogin(rt.app, other.ownerUsername, other.password);
    const expected = { code: 200, list: [{ name: '零售部', id: r1, sub: [{ name: '商品部', id: r11 }] }] };
    expect((await gateway(rt.app, 'portal.system.department', { auth: a })).body).toStrictEqual(expected);
    expect((await byPath(rt.app, 'system/department', { auth: a })).body).toStrictEqual(expected);
  });
});
