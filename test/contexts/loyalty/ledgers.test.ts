// Balances and their ledgers: every balance equals the sum of its ledger's
// deltas after any mix of moves; a move that would go below zero is refused
// and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { buildLoyalty, moveBalance, type Book } from '../../../src/contexts/loyalty/index.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let t: TenantFixture;
let owner: Principal;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  const s = await rt.db.query<{ id: number }>('SELECT id FROM staff WHERE tenant_id = $1 AND username = $2', [t.tenantId, t.ownerUsername]);
  owner = { kind: 'staff', staffId: s.rows[0]!.id, tenantId: t.tenantId, role: 'owner', username: t.ownerUsername, storeIds: [] };
});
afterAll(async () => rt?.close());

const LEDGER: Record<Book, string> = { points: 'points_ledger', wallet: 'wallet_ledger' };

async function book(tenantId: number, userId: number, b: Book) {
  const u = await rt.db.query<{ points: number; wallet_balance: number }>(
    'SELECT points, wallet_balance FROM users WHERE tenant_id = $1 AND id = $2',
    [tenantId, userId],
  );
  const l = await rt.db.query<{ sum: number; n: number; last: number | null }>(
    `SELECT COALESCE(sum(delta), 0)::int AS sum, count(*)::int AS n, (SELECT balance_after FROM ${LEDGER[b]} WHERE tenant_id = $1 AND user_id = $2 ORDER BY id DESC LIMIT 1) AS last
     FROM ${LEDGER[b]} WHERE tenant_id = $1 AND user_id = $2`,
    [tenantId, userId],
  );
  return {
    balance: b === 'points' ? u.rows[0]!.points : u.rows[0]!.wallet_balance,
    sum: l.rows[0]!.sum,
    entries: l.rows[0]!.n,
    lastAfter: l.rows[0]!.last,
  };
}

describe('moving balances', () => {
  it('keeps each balance equal to the sum of its ledger after credits, debits and spends', async () => {
    const loyalty = buildLoyalty(rt.services.deps);
    const u = await makeUser(rt.services, t.tenantId);
    expect((await loyalty.ledgers.creditWallet(t.tenantId, u.id, 10_000, 'top-up', owner)).ok).toBe(true);
    expect((await loyalty.ledgers.creditWallet(t.tenantId, u.id, -2_500, 'correction', owner)).ok).toBe(true);
    expect((await loyalty.ledgers.creditPoints(t.tenantId, u.id, 300, null, owner)).ok).toBe(true);
    const spent = await rt.db.txResult((q) => moveBalance(q, 'points', t.tenantId, u.id, -120, 'order_deduction', 'O1'));
    expect(spent).toMatchObject({ ok: true, value: { delta: -120, balanceAfter: 180, reason: 'order_deduction', ref: 'O1' } });
    expect((await loyalty.account.payBill(t.tenantId, u.id, 1_500)).ok).toBe(true);

    const w = await book(t.tenantId, u.id, 'wallet');
    expect(w).toEqual({ balance: 6_000, sum: 6_000, entries: 3, lastAfter: 6_000 });
    const p = await book(t.tenantId, u.id, 'points');
    expect(p).toEqual({ balance: 180, sum: 180, entries: 2, lastAfter: 180 });

    const page = await loyalty.ledgers.entries('wallet', t.tenantId, u.id, 2, 0);
    expect(page.total).toBe(3);
    expect(page.items.map((e) => [e.delta, e.reason])).toEqual([
      [-1_500, 'pay_bill'],
      [-2_500, 'operator_debit'],
    ]);
    const audits = await rt.db.query(
      `SELECT 1 FROM audit_log WHERE tenant_id = $1 AND target_id = $2 AND action IN ('wallet.credit', 'points.credit')`,
      [t.tenantId, String(u.id)],
    );
    expect(audits.rowCount).toBe(3);
  });

  it('refuses a move below zero and writes nothing (no ledger entry, no audit, balance unchanged)', async () => {
    const loyalty = buildLoyalty(rt.services.deps);
    const u = await makeUser(rt.services, t.tenantId, { points: 50 });
    expect((await loyalty.ledgers.creditWallet(t.tenantId, u.id, 1_000, null, owner)).ok).toBe(true);
    const beforeW = await book(t.tenantId, u.id, 'wallet');
    const beforeP = await book(t.tenantId, u.id, 'points');

    const w = await loyalty.ledgers.creditWallet(t.tenantId, u.id, -1_001, 'too much', owner);
    expect(w.ok ? null : w.error.code).toBe('insufficient_balance');
    const p = await rt.db.txResult((q) => moveBalance(q, 'points', t.tenantId, u.id, -51, 'order_deduction'));
    expect(p.ok ? null : p.error.code).toBe('not_enough_points');
    const bill = await loyalty.account.payBill(t.tenantId, u.id, 1_001);
    expect(bill.ok ? null : bill.error.code).toBe('insufficient_balance');

    expect(await book(t.tenantId, u.id, 'wallet')).toEqual(beforeW);
    expect(await book(t.tenantId, u.id, 'points')).toEqual(beforeP);
    const bills = await rt.db.query('SELECT 1 FROM pay_bills WHERE tenant_id = $1 AND user_id = $2', [t.tenantId, u.id]);
    expect(bills.rowCount).toBe(0);
    const audits = await rt.db.query(`SELECT 1 FROM audit_log WHERE tenant_id = $1 AND target_id = $2 AND action = 'wallet.credit'`, [
      t.tenantId,
      String(u.id),
    ]);
    expect(audits.rowCount).toBe(1);
    const hp = await rt.db.query<{ has_purchased: boolean }>('SELECT has_purchased FROM users WHERE id = $1', [u.id]);
    expect(hp.rows[0]!.has_purchased).toBe(false);
  });

  it('an exact spend to zero is allowed; a zero or fractional credit and an unknown user are refused', async () => {
    const loyalty = buildLoyalty(rt.services.deps);
    const u = await makeUser(rt.services, t.tenantId, { points: 40 });
    expect(await rt.db.txResult((q) => moveBalance(q, 'points', t.tenantId, u.id, -40, 'spend'))).toMatchObject({
      ok: true,
      value: { balanceAfter: 0 },
    });
    const zero = await loyalty.ledgers.creditPoints(t.tenantId, u.id, 0, null, owner);
    expect(zero.ok ? null : zero.error.code).toBe('invalid_input');
    expect((await loyalty.ledgers.creditPoints(t.tenantId, u.id, 1.5, null, owner)).ok).toBe(false);
    const nobody = await loyalty.ledgers.creditPoints(t.tenantId, 99_999_999, 5, null, owner);
    expect(nobody.ok ? null : nobody.error.code).toBe('not_found');
    const other = await makeTenant(rt.services, rt.app);
    const cross = await rt.db.txResult((q) => moveBalance(q, 'points', other.tenantId, u.id, 5, 'x'));
    expect(cross.ok ? null : cross.error.code).toBe('not_found');
    expect(await book(t.tenantId, u.id, 'points')).toEqual({ balance: 0, sum: 0, entries: 2, lastAfter: 0 });
  });

  it('concurrent spends never overdraw: the balance stays equal to its ledger', async () => {
    const u = await makeUser(rt.services, t.tenantId, { points: 100 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => rt.db.txResult((q) => moveBalance(q, 'points', t.tenantId, u.id, -30, 'spend'))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(await book(t.tenantId, u.id, 'points')).toEqual({ balance: 10, sum: 10, entries: 4, lastAfter: 10 });
  });
});
