// Voiding issued coupons: the one writer (voidIssuedIn) for card refunds,
// voided templates and merges, and who may void a template at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { historyKinds, must, ownerOf, withRole } from './helpers.ts';
import { voidIssuedIn } from '../../../src/contexts/coupons/index.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;
let staffId: number;
beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  owner = await ownerOf(rt, t);
  staffId = owner.kind === 'staff' ? owner.staffId : -1;
});
afterAll(async () => rt?.close());

const grant = async (templateId: number, userId: number, quantity = 1) =>
  must(await rt.services.coupons.grant(t.tenantId, { templateId, userId, quantity }, owner));
const stateOf = async (id: number) =>
  (await rt.db.query<{ status: string }>('SELECT status FROM coupons WHERE id = $1', [id])).rows[0]!.status;
const voidEvents = (id: number) =>
  rt.db.query<{ kind: string; from_user: number | null; staff_id: number | null; details: unknown }>(
    `SELECT kind, from_user, staff_id, details FROM coupon_events WHERE coupon_id = $1 AND kind IN ('voided', 'merged') ORDER BY id`,
    [id],
  );

describe('voidIssuedIn', () => {
  it('voids a refunded recharge’s coupons once, with the refund in their history', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const u = await makeUser(rt.services, t.tenantId);
    const cs = await grant(tpl.id, u.id, 2);
    const ids = cs.map((c) => c.id);
    const reason = { kind: 'recharge_refund', orderNo: 9001, staffId } as const;
    const voided = await rt.db.tx((q) => voidIssuedIn(q, t.tenantId, ids, reason));
    expect(voided.map((v) => v.id).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect(await stateOf(id)).toBe('voided');
      expect((await voidEvents(id)).rows).toEqual([
        { kind: 'voided', from_user: null, staff_id: staffId, details: { reason: 'recharge_refund', orderNo: 9001 } },
      ]);
    }
    expect(await rt.db.tx((q) => voidIssuedIn(q, t.tenantId, ids, reason))).toEqual([]);
    expect((await voidEvents(ids[0]!)).rows).toHaveLength(1);
    const other = await makeTenant(rt.services, rt.app);
    const still = await grant(tpl.id, u.id);
    expect(await rt.db.tx((q) => voidIssuedIn(q, other.tenantId, [still[0]!.id], reason))).toEqual([]);
    expect(await stateOf(still[0]!.id)).toBe('issued');
  });

  it('voiding a template withdraws its unused coupons; only owned ones get a history line', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const u = await makeUser(rt.services, t.tenantId);
    const [owned] = await grant(tpl.id, u.id);
    const b = must(await rt.services.codeBatches.create(t.tenantId, tpl.id, { count: 1 }, owner));
    await rt.services.codeBatches.wait(b.id);
    const loose = (await rt.db.query<{ id: number }>('SELECT id FROM coupons WHERE batch_id = $1', [b.id])).rows[0]!.id;
    const done = must(await rt.services.templates.act(t.tenantId, tpl.id, 'void', owner, 'mistake'));
    expect(done.state).toBe('voided');
    expect(await stateOf(owned!.id)).toBe('voided');
    expect(await stateOf(loose)).toBe('voided');
    expect((await voidEvents(owned!.id)).rows).toEqual([
      { kind: 'voided', from_user: u.id, staff_id: staffId, details: { reason: 'template voided' } },
    ]);
    expect((await voidEvents(loose)).rows).toEqual([]);
    const a = await rt.db.query<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_log WHERE action = 'template.void' AND target_id = $1`,
      [String(tpl.id)],
    );
    expect(a.rows[0]!.details).toMatchObject({ from: 'active', to: 'voided', reason: 'mistake', voidedCoupons: 2 });
  });

  it('a merge voids exactly the handed-in coupons and issues the target; a wrong set changes nothing', async () => {
    const a = await makeTemplate(rt.app, t);
    const target = await makeTemplate(rt.app, t);
    const rule = must(
      await rt.services.couponExtras.createMergeRule(
        t.tenantId,
        { name: '2A', targetTemplateId: target.id, items: [{ templateId: a.id, number: 2 }] },
        owner,
      ),
    );
    const u = await makeUser(rt.services, t.tenantId);
    const [c1, c2, c3] = await grant(a.id, u.id, 3);
    const short = await rt.services.couponExtras.merge(t.tenantId, u.id, rule.id, [c1!.id]);
    expect(short).toMatchObject({ ok: false, error: { code: 'coupon_not_eligible', message: 'this merge takes exactly: 2 × 10 off 100' } });
    expect(await stateOf(c1!.id)).toBe('issued');
    const made = must(await rt.services.couponExtras.merge(t.tenantId, u.id, rule.id, [c1!.id, c2!.id, c1!.id]));
    expect(made).toMatchObject({ templateId: target.id, ownerId: u.id, source: 'issue' });
    expect([await stateOf(c1!.id), await stateOf(c2!.id), await stateOf(c3!.id)]).toEqual(['voided', 'voided', 'issued']);
    expect(await historyKinds(rt, c1!.id)).toEqual(['issued', 'merged']);
    expect((await voidEvents(c2!.id)).rows).toEqual([{ kind: 'merged', from_user: u.id, staff_id: null, details: { mergeId: rule.id } }]);
    const stranger = await makeUser(rt.services, t.tenantId);
    expect(await rt.services.couponExtras.merge(t.tenantId, stranger.id, rule.id, [c3!.id, made.id])).toMatchObject({
      ok: false,
      error: { code: 'coupon_not_eligible' },
    });
  });
});

describe('template actions follow the permission table', () => {
  it('refuses an auditor voiding and an operator ending, before anything else; lets an operator pause', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const auditor = withRole(owner, 'auditor');
    const operator = withRole(owner, 'operator');
    expect(await rt.services.templates.act(t.tenantId, tpl.id, 'void', auditor)).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: 'void needs one of the roles: owner, admin' },
    });
    expect(await rt.services.templates.act(t.tenantId, 999_999, 'end', operator)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(must(await rt.services.templates.act(t.tenantId, tpl.id, 'pause', operator)).state).toBe('paused');
    expect(await rt.services.templates.act(t.tenantId, tpl.id, 'approve', auditor)).toMatchObject({
      ok: false,
      error: { code: 'invalid_state' },
    });
    expect(
      must(
        await rt.services.templates.act(t.tenantId, tpl.id, 'resume', {
          kind: 'api_key',
          apiKeyId: 1,
          tenantId: t.tenantId,
          role: 'admin',
        }),
      ).state,
    ).toBe('active');
  });

  it('answers 403 through the native API with the same message', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const clerk = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/staff',
      headers: t.auth,
      payload: { username: `aud${Date.now()}`, password: 'correct-horse-2', role: 'auditor' },
    });
    expect(clerk.statusCode).toBe(201);
    const login = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: clerk.json().username, password: 'correct-horse-2' },
    });
    const auth = { authorization: `Bearer ${login.json().token}` };
    const r = await rt.app.inject({ method: 'POST', url: `/api/v1/coupon-templates/${tpl.id}/void`, headers: auth, payload: {} });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ code: 'forbidden', detail: 'void needs one of the roles: owner, admin' });
  });
});
