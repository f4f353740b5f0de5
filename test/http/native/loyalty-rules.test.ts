import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { apifm, registerUser } from '../apifm/helpers.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
});
afterAll(async () => rt?.close());

const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  rt.app.inject({ method, url: `/api/v1${url}`, headers: t.auth, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('native loyalty rules (what the apifm consumer endpoints show)', () => {
  it('sets sign-in, send and deduction rules, seen by the apifm endpoints', async () => {
    expect(
      (
        await req('PUT', '/sign-in-rules', {
          items: [
            { continuous: 1, score: 2 },
            { continuous: 1, score: 3 },
          ],
        })
      ).statusCode,
    ).toBe(400);
    const s = await req('PUT', '/sign-in-rules', {
      items: [
        { continuous: 1, score: 2 },
        { continuous: 5, score: 10 },
      ],
    });
    expect(s.statusCode).toBe(200);
    expect((await req('GET', '/sign-in-rules')).json().items).toEqual([
      { continuous: 1, score: 2 },
      { continuous: 5, score: 10 },
    ]);
    expect((await req('PUT', '/points-send-rules/register', { score: 50 })).statusCode).toBe(204);
    const d = await req('POST', '/points-deduction-rules', { score: 100, money: '1.00' });
    expect(d.statusCode).toBe(201);
    expect(d.json()).toMatchObject({ score: 100, money: '1.00', loop: true });
    const call = apifm(rt.app, t.slug);
    expect((await call('/score/sign/rules', {}, 'GET')).data).toEqual([
      { continuous: 1, score: 2 },
      { continuous: 5, score: 10 },
    ]);
    expect((await call('/score/send/rule', {})).data).toEqual([{ code: 'register', score: 50, confine: 0 }]);
    expect((await call('/score/deduction/rules', {}, 'GET')).data[0]).toMatchObject({ score: 100, money: 1 });
    const audit = await rt.db.query(`SELECT action FROM audit_log WHERE tenant_id = $1 AND action LIKE 'sign_in_rules%'`, [t.tenantId]);
    expect(audit.rowCount).toBe(1);
  });

  it('makes 积分券 numbers that consumers exchange once', async () => {
    const v = await req('POST', '/points-vouchers', { count: 3, score: 30 });
    expect(v.statusCode).toBe(201);
    const numbers = v.json().numbers as string[];
    expect(numbers).toHaveLength(3);
    expect(new Set(numbers).size).toBe(3);
    const call = apifm(rt.app, t.slug);
    const u = await registerUser(call, rt.services, t.tenantId);
    expect((await call('/score/exchange', { token: u.token, number: numbers[0]! })).data).toMatchObject({ score: 30 });
  });

  it('creates and withdraws merge rules', async () => {
    const a = await makeTemplate(rt.app, t, { name: 'A' });
    const b = await makeTemplate(rt.app, t, { name: 'B' });
    expect(
      (await req('POST', '/coupon-merge-rules', { name: 'x', targetTemplateId: 999999, items: [{ templateId: a.id, number: 2 }] }))
        .statusCode,
    ).toBe(404);
    const m = await req('POST', '/coupon-merge-rules', {
      name: '3A → B',
      targetTemplateId: b.id,
      items: [{ templateId: a.id, number: 3 }],
    });
    expect(m.statusCode).toBe(201);
    expect(m.json()).toMatchObject({
      name: '3A → B',
      target: { templateId: b.id, name: 'B' },
      items: [{ templateId: a.id, name: 'A', number: 3 }],
    });
    const call = apifm(rt.app, t.slug);
    expect((await call('/discounts/merge/list', {}, 'GET')).data.map((r: { id: number }) => r.id)).toContain(m.json().id);
    expect((await req('DELETE', `/coupon-merge-rules/${m.json().id}`)).statusCode).toBe(204);
    expect((await call('/discounts/merge/list', {}, 'GET')).code).toBe(700);
  });
});
