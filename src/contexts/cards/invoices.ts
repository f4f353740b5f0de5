// Invoices on a membership card: what was recharged (capital, less refunded
// recharges) can be invoiced once. One conditional UPDATE on the card row
// (invoiced + amount <= charged) decides each request, so concurrent requests
// never invoice more than is still invoiceable.
import type { Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import { likeOf, requireCardStores, requirePermission, type CardRef } from './cards.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { RollbackWith } from '../identity/index.ts';

export interface Invoice {
  id: number;
  userCardId: number;
  userId: number;
  amount: Fen;
  summary: string | null;
  image: string | null;
  storeId: number | null;
  storeName: string | null;
  staffId: number | null;
  phone: string | null;
  nickname: string | null;
  createdAt: Date;
}

interface InvoiceRow {
  id: number;
  user_card_id: number;
  user_id: number;
  amount: number;
  summary: string | null;
  image: string | null;
  store_id: number | null;
  store_name: string | null;
  staff_id: number | null;
  mobile: string | null;
  nick: string | null;
  created_at: Date;
}

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

function cardWhere(ref: CardRef): [string, unknown[]] {
  if ('cardId' in ref) return ['uc.id = $2', [ref.cardId]];
  if ('userId' in ref) return ['uc.user_id = $2 AND uc.card_product_id = $3', [ref.userId, ref.productId]];
  return ['uc.user_id = (SELECT id FROM users WHERE tenant_id = $1 AND mobile = $2) AND uc.card_product_id = $3', [ref.phone, ref.productId]];
}

export function invoiceService(deps: Deps) {
  return {
    /** A card's invoices with its totals: charged, invoiced, still invoiceable. */
    async forCard(tenantId: number, ref: CardRef, by: Principal): Promise<Result<{ cardId: number; charged: Fen; invoiced: Fen; invoiceable: Fen; items: Invoice[] }>> {
      const may = requirePermission(by, 'card.records');
      if (!may.ok) return may;
      const [where, params] = cardWhere(ref);
      const c = await deps.db.query<{ id: number; charged: number; invoiced: number }>(
        `SELECT uc.id, uc.charged, uc.invoiced FROM user_cards uc WHERE uc.tenant_id = $1 AND ${where}`,
        [tenantId, ...params],
      );
      const card = c.rows[0];
      if (!card) return fail(ErrorCode.not_found, 'this user has no such card', { what: 'card' });
      const r = await deps.db.query<InvoiceRow>(`${INVOICE_SQL} WHERE i.tenant_id = $1 AND i.user_card_id = $2 ORDER BY i.id DESC`, [tenantId, card.id]);
      return ok({ cardId: card.id, charged: card.charged, invoiced: card.invoiced, invoiceable: card.charged - card.invoiced, items: r.rows.map(toInvoice) });
    },

    /** Records an invoice; never more than what is still invoiceable on the card. */
    async add(
      tenantId: number,
      input: { card: CardRef; amount: Fen; image?: string | null; summary?: string | null; storeId?: number | null },
      by: Principal,
    ): Promise<Result<Invoice>> {
      const may = requirePermission(by, 'card.invoice');
      if (!may.ok) return may;
      if (!Number.isSafeInteger(input.amount) || input.amount <= 0) return fail(ErrorCode.invalid_input, 'amount must be more than zero', { field: 'amount' });
      const [where, params] = cardWhere(input.card);
      try {
        return await deps.db.tx(async (q) => {
          let storeId: number | null = input.storeId ?? null;
          if (storeId !== null) {
            const s = await q.query('SELECT 1 FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, storeId]);
            if (s.rowCount === 0) return fail(ErrorCode.not_found, 'store not found');
            if (by.kind === 'staff' && by.storeIds.length > 0 && !by.storeIds.includes(storeId)) return fail(ErrorCode.forbidden, 'you do not work in this store');
          } else if (by.kind === 'staff' && by.storeIds.length > 0) storeId = by.storeIds[0]!;
          const p = await q.query<{ store_ids: number[] }>(
            `SELECT p.store_ids FROM user_cards uc JOIN card_products p ON p.id = uc.card_product_id WHERE uc.tenant_id = $1 AND ${where}`,
            [tenantId, ...params],
          );
          if (p.rows[0]) {
            const inStores = requireCardStores(p.rows[0].store_ids, by);
            if (!inStores.ok) return inStores;
          }
          const idx = params.length + 2;
          const u = await q.query<{ id: number; user_id: number; capital: number; bonus: number }>(
            `UPDATE user_cards uc SET invoiced = invoiced + $${idx}
             WHERE uc.tenant_id = $1 AND ${where} AND uc.invoiced + $${idx} <= uc.charged
             RETURNING uc.id, uc.user_id, uc.capital, uc.bonus`,
            [tenantId, ...params, input.amount],
          );
          const card = u.rows[0];
          if (!card) {
            const c = await q.query<{ charged: number; invoiced: number }>(`SELECT uc.charged, uc.invoiced FROM user_cards uc WHERE uc.tenant_id = $1 AND ${where}`, [tenantId, ...params]);
            if (!c.rows[0]) return fail(ErrorCode.not_found, 'this user has no such card', { what: 'card' });
            const left = c.rows[0].charged - c.rows[0].invoiced;
            return fail(ErrorCode.conflict, `more than what is still invoiceable (${(left / 100).toFixed(2)})`, { invoiceable: left });
          }
          const l = await q.query<{ id: number }>(
            `INSERT INTO card_ledger (tenant_id, user_card_id, user_id, kind, amount, capital_after, bonus_after, store_id, staff_id, explain, image)
             VALUES ($1, $2, $3, 'invoice', $4, $5, $6, $7, $8, '开发票', $9) RETURNING id`,
            [tenantId, card.id, card.user_id, input.amount, card.capital, card.bonus, storeId, by.kind === 'staff' ? by.staffId : null, input.image ?? null],
          );
          const i = await q.query<{ id: number }>(
            `INSERT INTO card_invoices (tenant_id, user_card_id, user_id, amount, summary, image, store_id, staff_id, ledger_id)
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING id`,
            [tenantId, card.id, card.user_id, input.amount, input.summary ?? '', input.image ?? null, storeId, by.kind === 'staff' ? by.staffId : null, l.rows[0]!.id],
          );
          await audit(q, tenantId, by, { action: 'card.invoice', targetType: 'user_card', targetId: card.id, details: { amount: input.amount, invoiceId: i.rows[0]!.id } });
          const r = await q.query<InvoiceRow>(`${INVOICE_SQL} WHERE i.id = $1`, [i.rows[0]!.id]);
          return ok(toInvoice(r.rows[0]!));
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<Invoice>;
        throw e;
      }
    },

    /** All invoices of the tenant, filtered by phone (fuzzy) and time. */
    async list(tenantId: number, f: { phone?: string; from?: Date; to?: Date; limit: number; offset: number }, by: Principal): Promise<Result<{ items: Invoice[]; total: number }>> {
      const may = requirePermission(by, 'card.records');
      if (!may.ok) return may;
      const r = await deps.db.query<InvoiceRow & { total: number }>(
        `${INVOICE_SQL.replace('SELECT ', 'SELECT count(*) OVER ()::int AS total, ')}
         WHERE i.tenant_id = $1 AND ($2::text IS NULL OR u.mobile LIKE $2) AND ($3::timestamptz IS NULL OR i.created_at >= $3)
           AND ($4::timestamptz IS NULL OR i.created_at <= $4)
         ORDER BY i.id DESC LIMIT $5 OFFSET $6`,
        [tenantId, likeOf(f.phone), f.from ?? null, f.to ?? null, f.limit, f.offset],
      );
      return ok({ items: r.rows.map(toInvoice), total: r.rows[0]?.total ?? 0 });
    },
  };
}

export type InvoiceService = ReturnType<typeof invoiceService>;
