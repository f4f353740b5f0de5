// Moving coupons through the use-cases on PGlite: a gift to another user, and
// the exchange of a 卡密 code for a coupon.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { historyKinds, must, ownerOf } from './helpers.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;
beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  owner = await ownerOf(rt, t);
});
afterAll(async () => rt?.close());

async function grantOne(templateId: number, userId: number) {
  return must(await rt.services.coupons.grant(t.tenantId, { templateId, userId, quantity: 1 }, owner))[0]!;
}

describe('gift', () => {
  it('moves the coupon to the other user and keeps both in its history', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const [a, b] = [await makeUser(rt.services, t.tenantId), await makeUser(rt.services, t.tenantId)];
    const c = await grantOne(tpl.id, a.id);
    const moved = must(await rt.services.coupons.gift(t.tenantId, c.code, { fromUserId: a.id, toMobile: b.mobile! }, null));
    expect(moved).toMatchObject({ id: c.id, ownerId: b.id, status: 'usable' });
    expect(await historyKinds(rt, c.id)).toEqual(['issued', 'gifted']);
    const ev = await rt.db.query<{ from_user: number; to_user: number }>(
      `SELECT from_user, to_user FROM coupon_events WHERE coupon_id = $1 AND kind = 'gifted'`,
      [c.id],
    );
    expect(ev.rows[0]).toEqual({ from_user: a.id, to_user: b.id });
  });

  it('refuses someone else’s coupon, a gift to its owner, an unknown receiver and a voided coupon', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const [a, b] = [await makeUser(rt.services, t.tenantId), await makeUser(rt.services, t.tenantId)];
    const c = await grantOne(tpl.id, a.id);
    const gift = (input: { fromUserId?: number; toUserId?: number }) => rt.services.coupons.gift(t.tenantId, c.code, input, null);
    expect(await gift({ fromUserId: b.id, toUserId: b.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await gift({ toUserId: a.id })).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(await gift({ toUserId: 999_999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    must(await rt.services.templates.act(t.tenantId, tpl.id, 'void', owner));
    expect(await gift({ toUserId: b.id })).toMatchObject({ ok: false, error: { code: 'coupon_voided' } });
    expect((await rt.services.coupons.get(t.tenantId, c.code))!.coupon.ownerId).toBe(a.id);
  });
});

describe('exchange', () => {
  async function codes(templateId: number, count = 2): Promise<Array<[string, string]>> {
    const b = must(
      await rt.services.codeBatches.create(t.tenantId, templateId, { count, pattern: 'EX-####-####', withPassword: true }, owner),
    );
    await rt.services.codeBatches.wait(b.id);
    const csv = must(await rt.services.codeBatches.exportCsv(t.tenantId, b.id, owner)).csv;
    return csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',') as [string, string]);
  }

  it('gives the coupon to the user for the right password, once', async () => {
    const tpl = await makeTemplate(rt.app, t, { validity: { type: 'relative', days: 3 } });
    const [code, password] = (await codes(tpl.id))[0]!;
    const [a, b] = [await makeUser(rt.services, t.tenantId), await makeUser(rt.services, t.tenantId)];
    const c = must(await rt.services.coupons.exchange(t.tenantId, { userId: a.id, code: ` ${code} `, password }, null));
    expect(c).toMatchObject({ code, ownerId: a.id, source: 'batch', status: 'usable' });
    expect(c.receivedAt).not.toBeNull();
    expect(c.validTo!.getTime() - c.receivedAt!.getTime()).toBeLessThanOrEqual(3 * 86_400_000);
    expect(await historyKinds(rt, c.id)).toEqual(['exchanged']);
    const again = await rt.services.coupons.exchange(t.tenantId, { userId: b.id, code, password }, null);
    expect(again).toMatchObject({ ok: false, error: { code: 'coupon_used' } });
  });

  it('refuses a wrong password and an unknown code the same way, and holds the per-user limit', async () => {
    const tpl = await makeTemplate(rt.app, t, { perUserLimit: 1 });
    const [[code1, pw1], [code2, pw2]] = (await codes(tpl.id)) as [[string, string], [string, string]];
    const u = await makeUser(rt.services, t.tenantId);
    const ex = (code: string, password: string) => rt.services.coupons.exchange(t.tenantId, { userId: u.id, code, password }, null);
    expect(await ex(code1, 'wrong')).toMatchObject({
      ok: false,
      error: { code: 'wrong_password', message: 'the code or its password is wrong' },
    });
    expect(await ex('EX-NOPE-NOPE', pw1)).toMatchObject({
      ok: false,
      error: { code: 'wrong_password', message: 'the code or its password is wrong' },
    });
    expect((await ex(code1, pw1)).ok).toBe(true);
    expect(await ex(code2, pw2)).toMatchObject({ ok: false, error: { code: 'per_user_limit' } });
    expect((await rt.services.coupons.get(t.tenantId, code2))!.coupon.ownerId).toBeNull();
  });
});
