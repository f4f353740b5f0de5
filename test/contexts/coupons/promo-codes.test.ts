// Promo codes on a real store: the total and per-user limits hold at
// redemption (and come back on rollback), and who may take each approval
// action is the permission table's, enforced by the use-case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { count, ownerOf, promoCode, staffOf } from './redeem-kit.ts';
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

const items = [{ price: '100.00', quantity: 1 }];
let orders = 0;
const redeem = (userId: number, code: string) =>
  rt.services.redemptions.redeem(t.tenantId, { userId, items, promoCodes: [code], orderRef: `PC-${process.pid}-${++orders}` }, null);

describe('promo code limits', () => {
  it('limitTimes: concurrent redemptions take at most the total, the rest are sold_out about that code', async () => {
    const p = await promoCode(rt, t, owner, { limitTimes: 3 });
    const users = await Promise.all(Array.from({ length: 8 }, () => makeUser(rt.services, t.tenantId)));
    const out = await Promise.all(users.map((u) => redeem(u.id, p.code)));
    expect(out.filter((r) => r.ok)).toHaveLength(3);
    for (const r of out.filter((x) => !x.ok)) {
      expect(!r.ok && r.error.code).toBe('sold_out');
      expect(!r.ok && r.error.details?.promo).toMatchObject({ codes: [p.code], reason: 'used_up' });
    }
    expect((await rt.services.promoCodes.get(t.tenantId, p.id))!.usedTimes).toBe(3);
    expect(await count(rt, 'SELECT count(*)::int AS n FROM redemption_items WHERE promo_code_id = $1', [p.id])).toBe(3);
  });

  it('userUseLimit: a user gets at most that many; another user still can; a rollback gives one back', async () => {
    const p = await promoCode(rt, t, owner, { userUseLimit: 2 });
    const [u, v] = [await makeUser(rt.services, t.tenantId), await makeUser(rt.services, t.tenantId)];
    const first = await redeem(u.id, p.code);
    expect(first.ok).toBe(true);
    expect((await redeem(u.id, p.code)).ok).toBe(true);
    const third = await redeem(u.id, p.code);
    expect(third.ok || third.error).toMatchObject({
      code: 'per_user_limit',
      details: { promo: { codes: [p.code], reason: 'per_user_limit' } },
    });
    const quoted = await rt.services.redemptions.quote(t.tenantId, { userId: u.id, items, promoCodes: [p.code] });
    expect(quoted.ok || quoted.error.code).toBe('per_user_limit');
    expect((await redeem(v.id, p.code)).ok).toBe(true);
    if (!first.ok) throw new Error('unreachable');
    expect((await rt.services.redemptions.rollback(t.tenantId, first.value.id, null)).ok).toBe(true);
    expect((await redeem(u.id, p.code)).ok).toBe(true);
    expect((await rt.services.promoCodes.get(t.tenantId, p.id))!.usedTimes).toBe(3);
  });

  it('user restrictions: new users only, and a per-user code needs the user', async () => {
    const p = await promoCode(rt, t, owner, { userTypeLimit: 'new' });
    const u = await makeUser(rt.services, t.tenantId);
    expect((await redeem(u.id, p.code)).ok).toBe(true);
    await rt.db.query(`UPDATE users SET created_at = now() - interval '30 days' WHERE id = $1`, [u.id]);
    const old = await redeem(u.id, p.code);
    expect(old.ok || old.error).toMatchObject({ code: 'audience_mismatch', details: { promo: { reason: 'new_users_only' } } });
    const anon = await rt.services.redemptions.redeem(t.tenantId, { items, promoCodes: [p.code], orderRef: `PC-anon-${++orders}` }, null);
    expect(anon.ok || anon.error).toMatchObject({ code: 'invalid_input', details: { promo: { reason: 'user_needed' } } });
  });
});

describe('promo code approval by role', () => {
  it("only the permission table's roles take each action; a refusal is forbidden, names the roles and changes nothing", async () => {
    const [operator, auditor, seller] = [await staffOf(rt, t, 'operator'), await staffOf(rt, t, 'auditor'), await staffOf(rt, t, 'seller')];
    const p = await promoCode(rt, t, operator, {}, false);
    expect(p.state).toBe('pending');
    const byOperator = await rt.services.promoCodes.act(t.tenantId, p.id, 'approve', operator);
    expect(byOperator.ok || byOperator.error).toEqual({
      code: 'forbidden',
      message: 'approve needs one of the roles: owner, admin, auditor',
      details: { approval: { permission: 'promo.approve', roles: ['owner', 'admin', 'auditor'] } },
    });
    const bySeller = await rt.services.promoCodes.act(t.tenantId, p.id, 'reject', seller);
    expect(bySeller.ok || bySeller.error.code).toBe('forbidden');
    expect((await rt.services.promoCodes.get(t.tenantId, p.id))!.state).toBe('pending');
    const approved = await rt.services.promoCodes.act(t.tenantId, p.id, 'approve', auditor);
    expect(approved.ok && approved.value.state).toBe('approved');
    const voidByAuditor = await rt.services.promoCodes.act(t.tenantId, p.id, 'void', auditor);
    expect(voidByAuditor.ok || voidByAuditor.error).toMatchObject({
      code: 'forbidden',
      details: { approval: { roles: ['owner', 'admin'] } },
    });
    // A refusal for the role comes before the state machine's, and before not_found.
    expect((await rt.services.promoCodes.act(t.tenantId, 987654321, 'void', auditor)).ok || 'refused').toBe('refused');
    const voided = await rt.services.promoCodes.act(t.tenantId, p.id, 'void', owner, 'ended early');
    expect(voided.ok && voided.value.state).toBe('voided');
    const illegal = await rt.services.promoCodes.act(t.tenantId, p.id, 'approve', owner);
    expect(illegal.ok || illegal.error.code).toBe('invalid_state');
    const audits = await rt.db.query<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM audit_log WHERE target_type = 'promo_code' AND target_id = $1 ORDER BY id`,
      [String(p.id)],
    );
    expect(audits.rows.map((a) => a.action)).toEqual(['promo_code.create', 'promo_code.approve', 'promo_code.void']);
    expect(audits.rows[2]!.details).toEqual({ from: 'approved', to: 'voided', reason: 'ended early' });
  });

  it('an API key (admin) may approve', async () => {
    const p = await promoCode(rt, t, owner, {}, false);
    const key: Principal = { kind: 'api_key', apiKeyId: 1, tenantId: t.tenantId, role: 'admin' };
    const r = await rt.services.promoCodes.act(t.tenantId, p.id, 'approve', key);
    expect(r.ok && r.value.state).toBe('approved');
  });
});
