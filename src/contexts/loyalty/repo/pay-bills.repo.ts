// 买单: the tenant's discount rules (pay_bill_discounts) and the paid bills
// (pay_bills).
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { PayBillQuote, PayBillRule } from '../domain/pay-bill.ts';

export async function payBillRules(q: Queryable, tenantId: number): Promise<PayBillRule[]> {
  const r = await q.query<RowOf<'pay_bill_discounts', 'id' | 'consume' | 'discounts'>>(
    'SELECT id, consume, discounts FROM pay_bill_discounts WHERE tenant_id = $1 ORDER BY consume',
    [tenantId],
  );
  return r.rows.map((x) => ({ id: x.id, consume: x.consume, discounts: x.discounts }));
}

/** Sets the discount for a threshold (one rule per threshold); the rule's id. */
export async function upsertPayBillRule(q: Queryable, tenantId: number, consume: number, discounts: number): Promise<number> {
  const r = await q.query<RowOf<'pay_bill_discounts', 'id'>>(
    'INSERT INTO pay_bill_discounts (tenant_id, consume, discounts) VALUES ($1,$2,$3) ON CONFLICT (tenant_id, consume) DO UPDATE SET discounts = EXCLUDED.discounts RETURNING id',
    [tenantId, consume, discounts],
  );
  return r.rows[0]!.id;
}

/** Records a bill; its id. */
export async function insertPayBill(q: Queryable, tenantId: number, userId: number, b: PayBillQuote): Promise<number> {
  const r = await q.query<RowOf<'pay_bills', 'id'>>(
    'INSERT INTO pay_bills (tenant_id, user_id, money, discount, real_money) VALUES ($1,$2,$3,$4,$5) RETURNING id',
    [tenantId, userId, b.money, b.discount, b.realMoney],
  );
  return r.rows[0]!.id;
}
