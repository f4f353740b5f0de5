// invoices: the only SQL over consumers' invoice requests. The state is
// stored as a number (INVOICE_STATE_DB); names leave this file.
import type { Queryable } from '../../../db/store.ts';
import type { Row, RowOf } from '../../../db/rows.ts';
import type { Invoice, InvoiceInput, InvoiceState } from '../domain/invoice-request.ts';

/** The number each state is stored as in invoices.status. */
export const INVOICE_STATE_DB: Record<InvoiceState, number> = { pending: 0, issued: 1, refused: 2 };
const STATE_OF = new Map(Object.entries(INVOICE_STATE_DB).map(([k, v]) => [v, k as InvoiceState]));

const toInvoice = (r: Row<'invoices'>): Invoice => ({
  id: r.id,
  userId: r.user_id,
  orderId: r.order_id ?? null,
  amount: r.amount,
  comName: r.com_name ?? null,
  tfn: r.tfn ?? null,
  consumption: r.consumption ?? null,
  email: r.email ?? null,
  remark: r.remark ?? null,
  ext: (r.ext as Record<string, unknown> | null) ?? null,
  state: STATE_OF.get(r.status) ?? 'pending',
  file: r.file ?? null,
  createdAt: r.created_at,
});

/**
 * What an invoice may claim of one of the user's orders: the amount paid and
 * whether it is paid (order status ≥ 1: paid or further on). null: no such order.
 */
export async function orderPaid(
  q: Queryable,
  tenantId: number,
  userId: number,
  orderId: number,
): Promise<{ amountReal: number; paid: boolean } | null> {
  const o = await q.query<RowOf<'orders', 'amount_real' | 'status'>>(
    'SELECT amount_real, status FROM orders WHERE tenant_id = $1 AND id = $2 AND user_id = $3',
    [tenantId, orderId, userId],
  );
  return o.rows[0] ? { amountReal: o.rows[0].amount_real, paid: o.rows[0].status >= 1 } : null;
}

/** Writes a pending request (answered from what was written: ext keeps the caller's key order). */
export async function insertInvoice(q: Queryable, tenantId: number, userId: number, input: InvoiceInput): Promise<Invoice> {
  const r = await q.query<RowOf<'invoices', 'id' | 'created_at'>>(
    `INSERT INTO invoices (tenant_id, user_id, order_id, amount, com_name, tfn, consumption, email, remark, ext) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id, created_at`,
    [
      tenantId,
      userId,
      input.orderId ?? null,
      input.amount,
      input.comName ?? null,
      input.tfn ?? null,
      input.consumption ?? null,
      input.email ?? null,
      input.remark ?? null,
      input.ext ? JSON.stringify(input.ext) : null,
    ],
  );
  return {
    id: r.rows[0]!.id,
    userId,
    orderId: input.orderId ?? null,
    amount: input.amount,
    comName: input.comName ?? null,
    tfn: input.tfn ?? null,
    consumption: input.consumption ?? null,
    email: input.email ?? null,
    remark: input.remark ?? null,
    ext: input.ext ?? null,
    state: 'pending',
    file: null,
    createdAt: r.rows[0]!.created_at,
  };
}

export async function listInvoices(
  q: Queryable,
  tenantId: number,
  f: { userId?: number | null; limit: number; offset: number },
): Promise<{ items: Invoice[]; total: number }> {
  const r = await q.query<Row<'invoices'> & { total: number }>(
    'SELECT *, count(*) OVER ()::int AS total FROM invoices WHERE tenant_id = $1 AND ($2::bigint IS NULL OR user_id = $2) ORDER BY id DESC LIMIT $3 OFFSET $4',
    [tenantId, f.userId ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toInvoice), total: r.rows[0]?.total ?? 0 };
}

export async function findInvoice(q: Queryable, tenantId: number, userId: number, id: number): Promise<Invoice | null> {
  const r = await q.query<Row<'invoices'>>('SELECT * FROM invoices WHERE tenant_id = $1 AND user_id = $2 AND id = $3', [
    tenantId,
    userId,
    id,
  ]);
  return r.rows[0] ? toInvoice(r.rows[0]) : null;
}

/** Sets the state (and the file, when given); null: no such invoice. */
export async function setInvoiceState(
  q: Queryable,
  tenantId: number,
  id: number,
  state: InvoiceState,
  file: string | null,
): Promise<Invoice | null> {
  const r = await q.query<Row<'invoices'>>(
    'UPDATE invoices SET status = $3, file = COALESCE($4, file) WHERE tenant_id = $1 AND id = $2 RETURNING *',
    [tenantId, id, INVOICE_STATE_DB[state], file],
  );
  return r.rows[0] ? toInvoice(r.rows[0]) : null;
}
