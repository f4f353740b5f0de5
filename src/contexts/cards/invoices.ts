// Invoices on a membership card: what was recharged (capital, less refunded
// recharges) can be invoiced once. One conditional UPDATE on the card row
// (invoiced + amount <= charged) decides each request, so concurrent requests
// never invoice more than is still invoiceable.
import type { Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { CardRef, Invoice } from './domain/card.ts';
import * as invoices from './repo/invoices.repo.ts';
import { likeOf } from './repo/card-ledger.repo.ts';
import { requireCardStores, requirePermission, staffIdOf, storeFor } from './access.ts';

export interface CardInvoices {
  cardId: number;
  charged: Fen;
  invoiced: Fen;
  invoiceable: Fen;
  items: Invoice[];
}

export interface InvoiceInput {
  card: CardRef;
  amount: Fen;
  image?: string | null;
  summary?: string | null;
  storeId?: number | null;
}

export function invoiceUseCases(deps: Deps) {
  /** A card's invoices with its totals: charged, invoiced, still invoiceable. */
  async function forCard(tenantId: number, ref: CardRef, by: Principal): Promise<Result<CardInvoices, 'forbidden' | 'not_found'>> {
    const may = requirePermission(by, 'card.records');
    if (!may.ok) return may;
    const card = await invoices.cardTotals(deps.db, tenantId, ref);
    if (!card) return fail(ErrorCode.not_found, 'this user has no such card', { what: 'card' });
    const items = await invoices.invoicesOfCard(deps.db, tenantId, card.id);
    return ok({ cardId: card.id, charged: card.charged, invoiced: card.invoiced, invoiceable: card.charged - card.invoiced, items });
  }

  /** Records an invoice; never more than what is still invoiceable on the card. */
  async function add(
    tenantId: number,
    input: InvoiceInput,
    by: Principal,
  ): Promise<Result<Invoice, 'forbidden' | 'invalid_input' | 'not_found' | 'conflict'>> {
    const may = requirePermission(by, 'card.invoice');
    if (!may.ok) return may;
    if (!Number.isSafeInteger(input.amount) || input.amount <= 0)
      return fail(ErrorCode.invalid_input, 'amount must be more than zero', { field: 'amount' });
    return deps.db.txResult(async (q) => {
      const store = await storeFor(q, tenantId, by, input.storeId);
      if (!store.ok) return store;
      const storeIds = await invoices.productStoresOf(q, tenantId, input.card);
      if (storeIds) {
        const inStores = requireCardStores(storeIds, by);
        if (!inStores.ok) return inStores;
      }
      const card = await invoices.addInvoiced(q, tenantId, input.card, input.amount);
      if (!card) {
        const c = await invoices.cardTotals(q, tenantId, input.card);
        if (!c) return fail(ErrorCode.not_found, 'this user has no such card', { what: 'card' });
        const left = c.charged - c.invoiced;
        return fail(ErrorCode.conflict, `more than what is still invoiceable (${(left / 100).toFixed(2)})`, { invoiceable: left });
      }
      const id = await invoices.insertInvoice(q, tenantId, {
        cardId: card.id,
        userId: card.userId,
        amount: input.amount,
        capital: card.capital,
        bonus: card.bonus,
        summary: input.summary ?? '',
        image: input.image ?? null,
        storeId: store.value,
        staffId: staffIdOf(by),
      });
      await audit(q, tenantId, by, {
        action: 'card.invoice',
        targetType: 'user_card',
        targetId: card.id,
        details: { amount: input.amount, invoiceId: id },
      });
      return ok(await invoices.invoiceById(q, id));
    });
  }

  /** All invoices of the tenant, filtered by phone (fuzzy) and time. */
  async function list(
    tenantId: number,
    f: { phone?: string; from?: Date; to?: Date; limit: number; offset: number },
    by: Principal,
  ): Promise<Result<{ items: Invoice[]; total: number }, 'forbidden'>> {
    const may = requirePermission(by, 'card.records');
    if (!may.ok) return may;
    return ok(
      await invoices.listInvoices(deps.db, tenantId, {
        phoneLike: likeOf(f.phone),
        from: f.from,
        to: f.to,
        limit: f.limit,
        offset: f.offset,
      }),
    );
  }

  return { forCard, add, list };
}
