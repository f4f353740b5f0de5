// 买单: the discount rule (pure) and paying from the wallet (PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { bestPayBillDiscount, checkPayBillRule, quotePayBill } from '../../../src/contexts/loyalty/domain/pay-bill.ts';
import { moveBalance, payBillService } from '../../../src/contexts/loyalty/index.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

describe('pay-bill discount rule (pure)', () => {
  const rules = [
    { consume: 5_000, discounts: 500 },
    { consume: 20_000, discounts: 3_000 },
    { consume: 10_000, discounts: 1_000 },
  ];

  it('takes the largest discount among the thresholds met, none below the lowest', () => {
    expect(bestPayBillDiscount(rules, 4_999)).toBe(0);
    expect(bestPayBillDiscount(rules, 5_000)).toBe(500);
    expect(bestPayBillDiscount(rules, 19_999)).toBe(1_000);
    expect(bestPayBillDiscount(rules, 20_000)).toBe(3_000);
    expect(bestPayBillDiscount([], 20_000)).toBe(0);
  });

  it('a bigger discount on a lower threshold still wins, and never exceeds the bill', () => {
    expect(
      bestPayBillDiscount(
        [
          { consume: 100, discounts: 900 },
          { consume: 500, discounts: 50 },
        ],
        600,
      ),
    ).toBe(600);
    expect(
      bestPayBillDiscount(
        [
          { consume: 100, discounts: 90 },
          { consume: 500, discounts: 50 },
        ],
        600,
      ),
    ).toBe(90);
  });

  it('quotes money − discount; refuses a non-positive or fractional amount', () => {
    expect(quotePayBill(rules, 12_000)).toEqual({ ok: true, value: { money: 12_000, discount: 1_000, realMoney: 11_000 } });
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(quotePayBill(rules, bad).ok).toBe(false);
  });

  it('a rule needs a positive threshold and a discount no larger than it', () => {
    expect(checkPayBillRule(5_000, 500).ok).toBe(true);
    expect(checkPayBillRule(5_000, 5_000).ok).toBe(true);
    expect(checkPayBillRule(5_000, 5_001).ok).toBe(false);
    expect(checkPayBillRule(0, 1).ok).toBe(false);
    expect(checkPayBillRule(100, 0).ok).toBe(false);
  });
});

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

describe('paying a bill', () => {
  it('debits the wallet by the discounted amount, records the bill and marks the user as a buyer', async () => {
    const pb = payBillService(rt.services.deps);
    expect((await pb.addPayBillRule(t.tenantId, 5_000, 500, owner)).ok).toBe(true);
    expect((await pb.addPayBillRule(t.tenantId, 5_000, 800, owner)).ok).toBe(true); // same threshold: replaces
    expect((await pb.payBillRules(t.tenantId)).map((r) => [r.consume, r.discounts])).toEqual([[5_000, 800]]);
    const u = await makeUser(rt.services, t.tenantId);
    await rt.db.txResult((q) => moveBalance(q, 'wallet', t.tenantId, u.id, 10_000, 'test'));

    const paid = await pb.payBill(t.tenantId, u.id, 6_000, { remark: 'till 3' });
    expect(paid).toMatchObject({ ok: true, value: { money: 6_000, discount: 800, realMoney: 5_200 } });
    const id = paid.ok ? paid.value.id : 0;
    const bill = await rt.db.query('SELECT money, discount, real_money FROM pay_bills WHERE id = $1', [id]);
    expect(bill.rows[0]).toEqual({ money: 6_000, discount: 800, real_money: 5_200 });
    const entry = await rt.db.query(
      `SELECT delta, balance_after, ref, remark FROM wallet_ledger WHERE tenant_id = $1 AND user_id = $2 AND reason = 'pay_bill'`,
      [t.tenantId, u.id],
    );
    expect(entry.rows).toEqual([{ delta: -5_200, balance_after: 4_800, ref: `PB${id}`, remark: 'till 3' }]);
    const user = await rt.db.query<{ wallet_balance: number; has_purchased: boolean }>(
      'SELECT wallet_balance, has_purchased FROM users WHERE id = $1',
      [u.id],
    );
    expect(user.rows[0]).toEqual({ wallet_balance: 4_800, has_purchased: true });
    expect(await rt.services.account.amounts(t.tenantId, u.id)).toMatchObject({ balance: 4_800, totalConsumed: 5_200, growth: 52 });
  });

  it('refuses when the wallet is short and writes no bill', async () => {
    const pb = payBillService(rt.services.deps);
    const u = await makeUser(rt.services, t.tenantId);
    await rt.db.txResult((q) => moveBalance(q, 'wallet', t.tenantId, u.id, 1_000, 'test'));
    const short = await pb.payBill(t.tenantId, u.id, 1_001);
    expect(short.ok ? null : short.error.code).toBe('insufficient_balance');
    const bad = await pb.payBill(t.tenantId, u.id, 0);
    expect(bad.ok ? null : bad.error.code).toBe('invalid_input');
    expect((await rt.db.query('SELECT 1 FROM pay_bills WHERE user_id = $1', [u.id])).rowCount).toBe(0);
    expect((await rt.db.query('SELECT 1 FROM wallet_ledger WHERE user_id = $1', [u.id])).rowCount).toBe(1);
    expect((await rt.services.account.amounts(t.tenantId, u.id))!.balance).toBe(1_000);
  });
});
