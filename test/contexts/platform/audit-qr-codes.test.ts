// Platform: an audit row is written with the work (and rolled back with it);
// a verification code takes 5 wrong tries, then refuses even the right code;
// a QR payload that is forged, altered or expired is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { audit, CODE_LIMITS, QR_TTL_SEC, qrService } from '../../../src/contexts/platform/index.ts';
import { fail, ok } from '../../../src/kernel/result.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
});
afterAll(async () => rt?.close());

const auditRows = async (action: string) =>
  (
    await rt.db.query<{ staff_id: number | null; target_id: string; details: Record<string, unknown> }>(
      'SELECT staff_id, target_id, details FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY id',
      [t.tenantId, action],
    )
  ).rows;

describe('audit', () => {
  it('commits with the work and rolls back with it', async () => {
    const ownerId = (await rt.db.query<{ id: number }>("SELECT id FROM staff WHERE tenant_id = $1 AND role = 'owner'", [t.tenantId]))
      .rows[0]!.id;
    const staff: Principal = { kind: 'staff', staffId: ownerId, tenantId: t.tenantId, role: 'owner', username: 'o', storeIds: [] };
    const key: Principal = { kind: 'api_key', apiKeyId: 42, tenantId: t.tenantId, role: 'admin' };
    await rt.db.txResult(async (q) => {
      await audit(q, t.tenantId, staff, { action: 'probe.kept', targetType: 'thing', targetId: 1, details: { n: 1 } });
      await audit(q, t.tenantId, key, { action: 'probe.kept', targetId: 'x' });
      return ok(null);
    });
    const failed = await rt.db.txResult(async (q) => {
      await audit(q, t.tenantId, staff, { action: 'probe.dropped' });
      return fail('invalid_state', 'the work failed');
    });
    expect(failed.ok).toBe(false);
    expect(await auditRows('probe.dropped')).toEqual([]);
    expect(await auditRows('probe.kept')).toEqual([
      { staff_id: ownerId, target_id: '1', details: { n: 1 } },
      { staff_id: null, target_id: 'x', details: { apiKeyId: 42 } },
    ]);
  });
});

describe('verification codes', () => {
  it(`${CODE_LIMITS.attempts} wrong tries, then even the right code is refused`, async () => {
    const to = '13900000011';
    expect((await rt.services.messages.sendCode(t.tenantId, 'sms', to, 'probe')).ok).toBe(true);
    const code = (await rt.services.messages.outbox(t.tenantId, 1))[0]!.code!;
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < CODE_LIMITS.attempts; i++) {
      const r = await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'probe', wrong);
      expect(r.ok ? 'ok' : r.error.code).toBe('wrong_password');
    }
    const right = await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'probe', code);
    expect(right.ok ? 'ok' : right.error.code).toBe('rate_limited');
  });

  it('an expired code is no code; a second code within the minute is refused', async () => {
    const to = '13900000012';
    expect((await rt.services.messages.sendCode(t.tenantId, 'sms', to, 'probe')).ok).toBe(true);
    const again = await rt.services.messages.sendCode(t.tenantId, 'sms', to, 'probe');
    expect(again.ok ? 'ok' : again.error.code).toBe('rate_limited');
    const code = (await rt.services.messages.outbox(t.tenantId, 1))[0]!.code!;
    await rt.db.query("UPDATE verification_codes SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND recipient = $2", [
      t.tenantId,
      to,
    ]);
    const r = await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'probe', code);
    expect(r.ok ? 'ok' : r.error.code).toBe('invalid_input');
  });
});

describe('QR payloads', () => {
  it('verifies its own payloads', async () => {
    const card = await rt.services.qr.issue({ kind: 'card', tenantId: t.tenantId, cardId: 12 });
    expect(await rt.services.qr.verify(card.payload)).toEqual({ ok: true, value: { kind: 'card', tenantId: t.tenantId, cardId: 12 } });
    const coupon = await rt.services.qr.issue({ kind: 'coupon', tenantId: t.tenantId, code: 'AB-C/1' });
    expect(await rt.services.qr.verify(coupon.payload)).toEqual({
      ok: true,
      value: { kind: 'coupon', tenantId: t.tenantId, code: 'AB-C/1' },
    });
  });

  it('refuses a forged signature, an altered target and a payload not of its shape', async () => {
    const { payload } = await rt.services.qr.issue({ kind: 'card', tenantId: t.tenantId, cardId: 12 });
    const sig = payload.slice(-27);
    const forged = payload.slice(0, -27) + (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    const altered = payload.replace(`.${t.tenantId}.12.`, `.${t.tenantId}.13.`);
    for (const p of [forged, altered, 'hello', `${payload}x`]) {
      const r = await rt.services.qr.verify(p);
      expect(r.ok ? 'ok' : r.error.code, p).toBe('invalid_input');
    }
    const r = await rt.services.qr.verify(forged);
    expect(r.ok ? '' : r.error.message).toMatch(/forged/);
  });

  it('refuses an expired payload', async () => {
    const { payload, expiresAt } = await rt.services.qr.issue({ kind: 'card', tenantId: t.tenantId, cardId: 12 });
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(QR_TTL_SEC * 1000);
    const later = qrService({ ...rt.services.deps, now: () => new Date(expiresAt.getTime() + 1000) });
    const r = await later.verify(payload);
    expect(r.ok ? 'ok' : [r.error.code, r.error.details]).toEqual(['invalid_input', { expired: true }]);
  });
});
