// Invoices on a card (card_invoices) and the card's invoiced total: one
// conditional UPDATE on the card row (invoiced + amount <= charged) decides
// each request, so concurrent requests never invoice more than is invoiceable.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Fen } from '../../../kernel/money.ts';
import type { CardRef, Invoice } from '../domain/card.ts';
import { EXPLAIN_DB } from './card-ledger.repo.ts';
import { cardWhere } from './user-cards.repo.ts';

type InvoiceRow = Row<'card_invoices'> & { store_name: string | null } & Pick<Row<'users'>, 'mobile' | 'nick'>;

const toInvoice = (r: InvoiceRow): Invoice => ({
  id: r.id,
  userCardId: r.user_card_id,
  userId: r.user_id,
  amount: r.amount,
  summary: r.summary,
  image: r.image,
  storeId: r.store_id,
  storeName: r.store_name,
  staffId: r.staff_id,
  phone: r.mobile,
  nickname: r.nick,
  createdAt: r.created_at,
});

const INVOICE_SQL = `SELECT i.*, s.name AS store_name, u.mobile, u.nick FROM card_invoices i
  JOIN users u ON u.id = i.user_id LEFT JOIN stores s ON s.id = i.store_id`;

export interface InvoiceTotals {
  id: number;
  charged: Fen;
  invoiced: Fen;
}

export async function cardTotals(q: Queryable, tenantId: number, ref: CardRef): Promise<InvoiceTotals | null> {
  const [where, params] = cardWhere(ref);
  const c = await q.query<Pick<Row<'user_cards'>, 'id' | 'charged' | 'invoiced'>>(
    `SELECT uc.id, uc.charged, uc.invoiced FROM user_cards uc WHERE uc.tenant_id = $1 AND ${where}`,
    [tenantId, ...params],
  );
  return c.rows[0] ?? null;
}

export async function invoicesOfCard(q: Queryable, tenantId: number, cardId: number): Promise<Invoice[]> {
  const r = await q.query<InvoiceRow>(`${INVOICE_SQL} WHERE i.tenant_id = $1 AND i.user_card_id = $2 ORDER BY i.id DESC`, [
    tenantId,
    cardId,
  ]);
  return r.rows.map(toInvoice);
}

export async function productStoresOf(q: Queryable, tenantId: number, ref: CardRef): Promise<number[] | null> {
  const [where, params] = cardWhere(ref);
  const p = await q.query<Pick<Row<'card_products'>, 'store_ids'>>(
    `SELECT p.store_ids FROM user_cards uc JOIN card_products p ON p.id = uc.card_product_id WHERE uc.tenant_id = $1 AND ${where}`,
    [tenantId, ...params],
  );
  return p.rows[0]?.store_ids ?? null;
}

/** Adds to the card's invoiced total; null when that would pass what is charged (or there is no card). */
export async function addInvoiced(
  q: Queryable,
  tenantId: number,
  ref: CardRef,
  amount: Fen,
): Promise<{ id: number; userId: number; capital: number; bonus: number } | null> {
  const [where, params] = cardWhere(ref);
  const idx = params.length + 2;
  const u = await q.query<Pick<Row<'user_cards'>, 'id' | 'user_id' | 'capital' | 'bonus'>>(
    `UPDATE user_cards uc SET invoiced = invoiced + $${idx}
     WHERE uc.tenant_id = $1 AND ${where} AND uc.invoiced + $${idx} <= uc.charged
     RETURNING uc.id, uc.user_id, uc.capital, uc.bonus`,
    [tenantId, ...params, amount],
  );
  const c = u.rows[0];
  return c ? { id: c.id, userId: c.user_id, capital: c.capital, bonus: c.bonus } : null;
}

export interface NewInvoice {
  cardId: number;
  userId: number;
  amount: Fen;
  capital: number;
  bonus: number;
  summary: string;
  image: string | null;
  storeId: number | null;
  staffId: number | null;
}

/** The invoice and its ledger entry; the invoice's id. */
export async function insertInvoice(q: Queryable, tenantId: number, i: NewInvoice): Promise<number> {
  const l = await q.query<{ id: number }>(
    `INSERT INTO card_ledger (tenant_id, user_card_id, user_id, kind, amount, capital_after, bonus_after, store_id, staff_id, explain, image)
     VALUES ($1, $2, $3, 'invoice', $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [tenantId, i.cardId, i.userId, i.amount, i.capital, i.bonus, i.storeId, i.staffId, EXPLAIN_DB.invoice, i.image],
  );
  const r = await q.query<{ id: number }>(
    `INSERT INTO card_invoices (tenant_id, user_card_id, user_id, amount, summary, image, store_id, staff_id, ledger_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
    [tenantId, i.cardId, i.userId, i.amount, i.summary, i.image, i.storeId, i.staffId, l.rows[0]!.id],
  );
  return r.rows[0]!.id;
}

export async function invoiceById(q: Queryable, id: number): Promise<Invoice> {
  const r = await q.query<InvoiceRow>(`${INVOICE_SQL} WHERE i.id = $1`, [id]);
  return toInvoice(r.rows[0]!);
}

export async function listInvoices(
  q: Queryable,
  tenantId: number,
  f: { phoneLike: string | null; from?: Date; to?: Date; limit: number; offset: number },
): Promise<{ items: Invoice[]; total: number }> {
  const r = await q.query<InvoiceRow & { total: number }>(
    `${INVOICE_SQL.replace('SELECT ', 'SELECT count(*) OVER ()::int AS total, ')}
     WHERE i.tenant_id = $1 AND ($2::text IS NULL OR u.mobile LIKE $2) AND ($3::timestamptz IS NULL OR i.created_at >= $3)
       AND ($4::timestamptz IS NULL OR i.created_at <= $4)
     ORDER BY i.id DESC LIMIT $5 OFFSET $6`,
    [tenantId, f.phoneLike, f.from ?? null, f.to ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toInvoice), total: r.rows[0]?.total ?? 0 };
}
