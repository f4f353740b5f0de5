// The portal's guard (auth on every call but login), its roles, and the
// approval machine behind setState: legal moves only; only an approved code in
// its window prices at checkout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { byPath, gateway, portalLogin, SEED_PROMOTION_INFO } from './helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: string;
let operator: string;
let auditor: string;
let n = 0;

const native = async (method: string, url: string, payload?: unknown, tenant = t) => {
  const r = await rt.app.inject({ method: method as 'GET', url: `/api/v1${url}`, headers: tenant.auth, payload: payload as object });
  if (r.statusCode >= 300) throw new Error(`${url}: ${r.body}`);
  return r.json();
};

/** A fresh pending code in a window that is open now; returns its id. */
async function pending(auth = owner, extra: Record<string, unknown> = {}): Promise<number> {
  const code = `APV${++n}X`;
  const r = await gateway(rt.app, 'portal.couponCode.add', {
    auth,
    name: `code ${code}`,
    code,
    limit_date_from: '2020-01-01 00:00:00',
    limit_date_to: '2099-01-01 00:00:00',
    promotion_info: SEED_PROMOTION_INFO,
    ...extra,
  });
  expect(r.body).toEqual({ code: 20001, message: '保存成功!' });
  return (await gateway(rt.app, 'portal.couponCode.getList', { auth: owner, name: code })).body.list[0].id;
}
const setState = (id: number, state: number, auth = owner) =>
  gateway(rt.app, 'portal.couponCode.setState', { auth, id, state }).then((r) => r.body);
const stateOf = async (id: number) => (await gateway(rt.app, 'portal.couponCode.detail', { auth: owner, id })).body.info.state;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  await native('POST', '/staff', { username: 'op1', password: 'oper-pass-123', role: 'operator' });
  await native('POST', '/staff', { username: 'au1', password: 'audi-pass-123', role: 'auditor' });
  owner = await portalLogin(rt.app, t.ownerUsername, t.password);
  operator = await portalLogin(rt.app, 'op1', 'oper-pass-123');
  auditor = await portalLogin(rt.app, 'au1', 'audi-pass-123');
});
afterAll(async () => rt?.close());

describe('auth', () => {
  it('refuses every call but login without auth or with a bad one, and changes nothing', async () => {
    const id = await pending();
    const methods = [
      'portal.couponCode.getList',
      'portal.couponCode.detail',
      'portal.couponCode.add',
      'portal.couponCode.update',
      'portal.couponCode.setState',
      'portal.system.menu',
      'portal.system.department',
    ];
    for (const m of methods) {
      const none = await gateway(rt.app, m, {
        id,
        state: 1,
        name: 'hijack',
        code: 'HIJACK1',
        limit_date_from: '2020-01-01 00:00:00',
        limit_date_to: '2099-01-01 00:00:00',
        promotion_info: SEED_PROMOTION_INFO,
      });
      expect(none.body, m).toMatchObject({ code: 40001, message: expect.stringContaining('登录') });
      expect((await gateway(rt.app, m, { auth: 'forged', id, state: 1 })).body, m).toMatchObject({ code: 40001 });
    }
    for (const path of ['promotioncode/getPromotionCodeList', 'promotioncode/auditPromotionCode', 'system/menu']) {
      expect((await byPath(rt.app, path, { id, state: 1 })).body, path).toMatchObject({ code: 40001 });
    }
    expect(await stateOf(id)).toBe(0);
    expect((await native('GET', '/promo-codes?code=HIJACK1')).total).toBe(0);
  });

  it('a session ends with logout on the native API', async () => {
    const a = await portalLogin(rt.app, 'op1', 'oper-pass-123');
    await rt.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${a}` } });
    expect((await gateway(rt.app, 'portal.system.menu', { auth: a })).body).toMatchObject({ code: 40001 });
  });

  it("one merchant never sees another's codes", async () => {
    const id = await pending();
    const other = await makeTenant(rt.services, rt.app);
    const a = await portalLogin(rt.app, other.ownerUsername, other.password);
    expect((await gateway(rt.app, 'portal.couponCode.detail', { auth: a, id })).body).toMatchObject({ code: 40004 });
    expect((await gateway(rt.app, 'portal.couponCode.getList', { auth: a })).body).toMatchObject({ code: 200, total: 0, list: [] });
    expect((await gateway(rt.app, 'portal.couponCode.setState', { auth: a, id, state: 1 })).body).toMatchObject({ code: 50002 });
    expect(await stateOf(id)).toBe(0);
  });

  it('unknown methods and paths answer 40004 in the portal envelope', async () => {
    expect((await gateway(rt.app, 'portal.nothing', { auth: owner })).body).toMatchObject({ code: 40004 });
    const r = await byPath(rt.app, 'nothing/here', {});
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ code: 40004 });
  });
});

describe('roles', () => {
  it("an operator adds and resubmits but cannot approve; an auditor approves but cannot add: refused with the call's own failure code", async () => {
    const id = await pending(operator);
    // setState's failure is 50002, add/update's 5001 (seed 002); the message names the roles needed.
    expect(await setState(id, 1, operator)).toEqual({
      code: 50002,
      message: expect.stringMatching(/^设置失败: 没有权限: 需要角色 owner, admin, auditor/),
    });
    expect(await stateOf(id)).toBe(0);
    const add = await gateway(rt.app, 'portal.couponCode.add', { auth: auditor, name: 'x', code: 'AUDX1' });
    expect(add.body).toEqual({ code: 5001, message: expect.stringMatching(/^保存失败: 没有权限: 需要角色 owner, admin, operator/) });
    const upd = await gateway(rt.app, 'portal.couponCode.update', { auth: auditor, id, describe: 'x' });
    expect(upd.body).toMatchObject({ code: 5001, message: expect.stringMatching(/^保存失败: 没有权限/) });
    expect(await setState(id, 1, auditor)).toEqual({ code: 20001, message: '设置成功!' });
    expect(await setState(id, 3, auditor)).toMatchObject({ code: 50002, message: expect.stringMatching(/没有权限.*owner, admin/) });
    expect(await stateOf(id)).toBe(1);
    // Reading is open to every portal role (40003 stays for refusals the seed gives no code for).
    expect((await gateway(rt.app, 'portal.couponCode.detail', { auth: auditor, id })).body).toMatchObject({ code: 200 });
  });
});

describe('the approval machine through setState', () => {
  it('pending → rejected → (update) pending → approved → voided; every other move is refused with 50002', async () => {
    const id = await pending();
    expect(await setState(id, 2)).toEqual({ code: 20001, message: '设置成功!' });
    expect(await stateOf(id)).toBe(2);
    expect(await setState(id, 1)).toMatchObject({ code: 50002, message: expect.stringMatching(/^设置失败/) }); // rejected → approved
    expect(await setState(id, 3)).toMatchObject({ code: 50002 }); // rejected → voided
    // Fixing a rejected code sends it back to the queue.
    expect((await gateway(rt.app, 'portal.couponCode.update', { auth: owner, id, describe: 'fixed' })).body).toEqual({
      code: 20001,
      message: '保存成功!',
    });
    expect(await stateOf(id)).toBe(0);
    expect(await setState(id, 1)).toEqual({ code: 20001, message: '设置成功!' });
    expect(await setState(id, 1)).toMatchObject({ code: 50002 }); // approved → approved
    expect(await setState(id, 2)).toMatchObject({ code: 50002 }); // approved → rejected
    expect(await setState(id, 0)).toMatchObject({ code: 50002 }); // approved → pending
    expect((await gateway(rt.app, 'portal.couponCode.update', { auth: owner, id, describe: 'late' })).body).toMatchObject({
      code: 5001,
      message: expect.stringMatching(/cannot be changed/),
    });
    expect(await setState(id, 3)).toEqual({ code: 20001, message: '设置成功!' });
    for (const s of [0, 1, 2, 3]) expect(await setState(id, s)).toMatchObject({ code: 50002 }); // voided is final
    expect(await setState(id, 9)).toMatchObject({ code: 50002 });
    expect(await setState(999999, 1)).toMatchObject({ code: 50002 });
    expect(await stateOf(id)).toBe(3);
  });

  it('a pending code is edited in place and cannot be voided (setState 作废 applies to approved codes); reject it instead', async () => {
    const id = await pending();
    expect((await gateway(rt.app, 'portal.couponCode.update', { auth: owner, id, describe: 'typo fixed' })).body).toEqual({
      code: 20001,
      message: '保存成功!',
    });
    expect(await stateOf(id)).toBe(0);
    expect(await setState(id, 3)).toEqual({
      code: 50002,
      message: expect.stringMatching(/^设置失败.*cannot void a promo code that is pending/),
    });
    expect(await stateOf(id)).toBe(0);
    const nativeVoid = await rt.app.inject({ method: 'POST', url: `/api/v1/promo-codes/${id}/void`, headers: t.auth, payload: {} });
    expect(nativeVoid.statusCode).toBe(409);
    expect(await setState(id, 2)).toEqual({ code: 20001, message: '设置成功!' });
    expect(await stateOf(id)).toBe(2);
  });

  it('only an approved code in its window prices at checkout (native quote)', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const quote = (code: string) =>
      rt.app.inject({
        method: 'POST',
        url: '/api/v1/quotes',
        headers: t.auth,
        payload: { userId: u.id, items: [{ price: '200.00', quantity: 1 }], promoCodes: [code] },
      });
    const id = await pending(owner, { code: 'CHECKOUT1' });
    expect((await quote('CHECKOUT1')).statusCode).toBeGreaterThanOrEqual(400);
    await setState(id, 1);
    const ok = await quote('CHECKOUT1');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().selection).toMatchObject({ discount: '24.00', total: '176.00' });
    await setState(id, 3);
    expect((await quote('CHECKOUT1')).statusCode).toBeGreaterThanOrEqual(400);
    // Approved but its window is over: not applied.
    const old = await pending(owner, { code: 'OLDONE1', limit_date_from: '2016-01-16 00:00:00', limit_date_to: '2016-01-20 00:00:00' });
    await setState(old, 1);
    const q = await quote('OLDONE1');
    expect(q.statusCode).toBe(200);
    expect(q.json().coupons[0]).toMatchObject({ code: 'OLDONE1', eligible: false, reason: { code: 'expired' } });
    expect(q.json().selection.discount).toBe('0.00');
  });
});
