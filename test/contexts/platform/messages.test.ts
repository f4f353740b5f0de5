// Verification codes: the wrong-try cap holds under parallel guesses (one
// conditional UPDATE reserves each try before the code is compared), and a
// code checked inside a transaction that rolls back stays unused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/kernel/result.ts';
import { CODE_LIMITS } from '../../../src/contexts/platform/messages.ts';
import { makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;
let t: TenantFixture;
beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
});
afterAll(async () => rt?.close());

async function sendTo(to: string) {
  expect((await rt.services.messages.sendCode(t.tenantId, 'sms', to, 'test')).ok).toBe(true);
  return (await rt.services.messages.outbox(t.tenantId, 1))[0]!.code!;
}

describe('verification codes', () => {
  it('20 parallel wrong guesses: exactly 5 are compared, the rest refused; then even the right code is locked', async () => {
    const to = '13900000001';
    const code = await sendTo(to);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const rs = await Promise.all(Array.from({ length: 20 }, () => rt.services.messages.checkCode(t.tenantId, 'sms', to, 'test', wrong)));
    const codes = rs.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes.filter((c) => c === ErrorCode.wrong_password)).toHaveLength(CODE_LIMITS.attempts);
    expect(codes.filter((c) => c === ErrorCode.rate_limited)).toHaveLength(20 - CODE_LIMITS.attempts);
    const row = await rt.db.query<{ attempts: number }>('SELECT attempts FROM verification_codes WHERE tenant_id = $1 AND recipient = $2', [
      t.tenantId,
      to,
    ]);
    expect(row.rows[0]!.attempts).toBe(CODE_LIMITS.attempts);
    const right = await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'test', code);
    expect(right.ok ? 'ok' : right.error.code).toBe(ErrorCode.rate_limited);
  });

  it('a right code checked without using it up gives its try back; used up, it works once', async () => {
    const to = '13900000002';
    const code = await sendTo(to);
    for (let i = 0; i < CODE_LIMITS.attempts + 2; i++)
      expect((await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'test', code, false)).ok).toBe(true);
    expect((await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'test', code)).ok).toBe(true);
    expect((await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'test', code)).ok).toBe(false);
  });

  it('checked and used inside a transaction that rolls back, the code is unused again', async () => {
    const to = '13900000003';
    const code = await sendTo(to);
    await expect(
      rt.db.tx(async (q) => {
        expect((await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'test', code, true, q)).ok).toBe(true);
        throw new Error('business failure');
      }),
    ).rejects.toThrow('business failure');
    expect((await rt.services.messages.checkCode(t.tenantId, 'sms', to, 'test', code)).ok).toBe(true);
  });
});
