// The consumer's money view: amounts, the wallet ledger as a cash log with its
// filters (direction, reasons, ref, local days), and recharges.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { accountService, moveBalance } from '../../../src/contexts/loyalty/index.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app, { timezone: 'Asia/Shanghai' });
});
afterAll(async () => rt?.close());

async function wallet(userId: number, delta: number, reason: string, ref: string | null, at: string) {
  const r = await rt.db.txResult((q) => moveBalance(q, 'wallet', t.tenantId, userId, delta, reason, ref));
  if (!r.ok) throw new Error(r.error.message);
  await rt.db.query('UPDATE wallet_ledger SET created_at = $2 WHERE id = $1', [r.value.id, at]);
}

describe('account', () => {
  it('amounts: balances from the user row, nothing spent yet; null for an unknown user', async () => {
    const a = accountService(rt.services.deps);
    const u = await makeUser(rt.services, t.tenantId, { points: 7 });
    expect(await a.amounts(t.tenantId, u.id)).toEqual({ balance: 0, freeze: 0, score: 7, growth: 0, totalConsumed: 0 });
    expect(await a.amounts(t.tenantId, 99_999_999)).toBeNull();
  });

  it("cash log filters by direction, reasons, ref and the tenant's local days", async () => {
    const a = accountService(rt.services.deps);
    const u = await makeUser(rt.services, t.tenantId);
    await wallet(u.id, 10_000, 'recharge', 'R1', '2026-05-01T15:30:00Z'); // 23:30 on 1 May in Shanghai
    await wallet(u.id, -3_000, 'order_pay', 'O1', '2026-05-01T16:30:00Z'); // 00:30 on 2 May
    await wallet(u.id, 500, 'order_refund', 'O1', '2026-05-03T02:00:00Z');
    const all = { limit: 10, offset: 0 };
    const deltas = async (f: Parameters<typeof a.cashLog>[2]) => {
      const r = await a.cashLog(t.tenantId, u.id, f);
      if (!r.ok) throw new Error(r.error.message);
      return r.value.items.map((e) => e.delta);
    };
    expect(await deltas(all)).toEqual([500, -3_000, 10_000]);
    expect(await deltas({ ...all, direction: 'income' })).toEqual([500, 10_000]);
    expect(await deltas({ ...all, direction: 'expense' })).toEqual([-3_000]);
    expect(await deltas({ ...all, reasons: ['order_pay', 'order_refund'] })).toEqual([500, -3_000]);
    expect(await deltas({ ...all, reasons: [] })).toEqual([]);
    expect(await deltas({ ...all, ref: 'O1' })).toEqual([500, -3_000]);
    expect(await deltas({ ...all, fromDay: '2026-05-02', toDay: '2026-05-02' })).toEqual([-3_000]);
    expect(await deltas({ ...all, toDay: '2026-05-01' })).toEqual([10_000]);
    const page = await a.cashLog(t.tenantId, u.id, { limit: 1, offset: 1 });
    expect(page.ok && page.value).toMatchObject({
      total: 3,
      items: [{ delta: -3_000, balanceAfter: 7_000, reason: 'order_pay', ref: 'O1' }],
    });
    const bad = await a.cashLog(t.tenantId, u.id, { ...all, fromDay: '2026-02-30' });
    expect(bad.ok ? null : bad.error.code).toBe('invalid_input');
  });

  it('pay logs list only money put in (operator credits and recharges)', async () => {
    const a = accountService(rt.services.deps);
    const u = await makeUser(rt.services, t.tenantId);
    await wallet(u.id, 2_000, 'operator_credit', null, '2026-05-01T00:00:00Z');
    await wallet(u.id, 3_000, 'recharge', 'R9', '2026-05-02T00:00:00Z');
    await wallet(u.id, -1_000, 'order_pay', 'O2', '2026-05-03T00:00:00Z');
    await wallet(u.id, 100, 'order_refund', 'O2', '2026-05-04T00:00:00Z');
    const r = await a.payLogs(t.tenantId, u.id, 10, 0);
    expect(r.total).toBe(2);
    expect(r.items.map((x) => [x.money, x.reason])).toEqual([
      [3_000, 'recharge'],
      [2_000, 'operator_credit'],
    ]);
    expect((await a.payLogs(t.tenantId, u.id, 10, 0, 'R9')).items).toHaveLength(1);
  });
});
