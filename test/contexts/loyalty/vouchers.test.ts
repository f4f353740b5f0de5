// Points vouchers: a number is redeemed once, for its points; used, expired
// and unknown numbers are refused with their reason and credit nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { VOUCHER_LIMITS, voucherRefusalOf, voucherService } from '../../../src/contexts/loyalty/index.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
});
afterAll(async () => rt?.close());

const points = async (userId: number) => (await rt.services.users.get(t.tenantId, userId))!.points;
const ledgerOf = async (userId: number) =>
  (
    await rt.db.query<{ delta: number; ref: string; remark: string }>(
      `SELECT delta, ref, remark FROM points_ledger WHERE tenant_id = $1 AND user_id = $2 ORDER BY id`,
      [t.tenantId, userId],
    )
  ).rows;

describe('points vouchers', () => {
  it('makes distinct 16-digit numbers; refuses a bad batch', async () => {
    const v = voucherService(rt.services.deps);
    const made = await v.createVouchers(t.tenantId, { count: 5, score: 10 }, null);
    expect(made.ok).toBe(true);
    const numbers = made.ok ? made.value : [];
    expect(numbers).toHaveLength(5);
    expect(new Set(numbers).size).toBe(5);
    for (const n of numbers) expect(n).toMatch(/^\d{16}$/);
    const bad = await v.createVouchers(t.tenantId, { count: 0, score: 10 }, null);
    expect(bad.ok ? null : bad.error.code).toBe('invalid_input');
    expect((await v.createVouchers(t.tenantId, { count: 1, score: 0 }, null)).ok).toBe(false);
  });

  it('redeems a number once: the first user gets the points, a second try (anyone) is refused as used', async () => {
    const v = voucherService(rt.services.deps);
    const made = await v.createVouchers(t.tenantId, { count: 1, score: 120 }, null);
    const n = made.ok ? made.value[0]! : '';
    const a = await makeUser(rt.services, t.tenantId);
    const b = await makeUser(rt.services, t.tenantId);
    expect(await v.redeemVoucher(t.tenantId, a.id, ` ${n} `, { remark: 'voucher!' })).toEqual({
      ok: true,
      value: { score: 120, balanceAfter: 120 },
    });
    for (const who of [a, b]) {
      const again = await v.redeemVoucher(t.tenantId, who.id, n);
      expect(again.ok ? null : again.error.code).toBe('coupon_used');
      expect(again.ok ? null : voucherRefusalOf(again.error)).toBe('used');
    }
    expect(await points(a.id)).toBe(120);
    expect(await points(b.id)).toBe(0);
    const entries = await ledgerOf(a.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ delta: 120, remark: 'voucher!' });
    expect(entries[0]!.ref).toMatch(/^voucher:\d+$/);
  });

  it('concurrent redemptions of one number credit it exactly once', async () => {
    const v = voucherService(rt.services.deps);
    const made = await v.createVouchers(t.tenantId, { count: 1, score: 40 }, null);
    const n = made.ok ? made.value[0]! : '';
    const u = await makeUser(rt.services, t.tenantId);
    const rs = await Promise.all(Array.from({ length: 5 }, () => v.redeemVoucher(t.tenantId, u.id, n)));
    expect(rs.filter((r) => r.ok)).toHaveLength(1);
    expect(await points(u.id)).toBe(40);
    expect(await ledgerOf(u.id)).toHaveLength(1);
  });

  it('refuses an expired number and an unknown one; too many unknown numbers are rate-limited', async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const v = voucherService({ ...rt.services.deps, now: () => now });
    const made = await v.createVouchers(t.tenantId, { count: 1, score: 5, expiresAt: new Date('2030-01-02T00:00:00Z') }, null);
    const n = made.ok ? made.value[0]! : '';
    const u = await makeUser(rt.services, t.tenantId);
    now = new Date('2030-01-03T00:00:00Z');
    const late = await v.redeemVoucher(t.tenantId, u.id, n);
    expect(late.ok ? null : [late.error.code, voucherRefusalOf(late.error)]).toEqual(['coupon_expired', 'expired']);
    const used = await rt.db.query<{ used_by: number | null }>('SELECT used_by FROM points_vouchers WHERE tenant_id = $1 AND number = $2', [
      t.tenantId,
      n,
    ]);
    expect(used.rows[0]!.used_by).toBeNull();

    for (let i = 0; i < VOUCHER_LIMITS.perUser; i++) {
      const r = await v.redeemVoucher(t.tenantId, u.id, `000${i}`);
      expect(r.ok ? null : [r.error.code, voucherRefusalOf(r.error)]).toEqual(['not_found', 'unknown']);
    }
    const limited = await v.redeemVoucher(t.tenantId, u.id, n);
    expect(limited.ok ? null : [limited.error.code, voucherRefusalOf(limited.error)]).toEqual(['rate_limited', null]);
    expect(await points(u.id)).toBe(0);
  });
});
