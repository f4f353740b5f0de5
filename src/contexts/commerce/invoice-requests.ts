// Use-cases of consumers' invoice requests: a consumer applies (for an
// order of theirs that is paid, for at most what it paid), staff issue or
// refuse.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { isInvoiceAmount, isInvoiceState, type Invoice, type InvoiceInput, type InvoiceState } from './domain/invoice-request.ts';
import * as repo from './repo/invoices.repo.ts';

export function invoiceRequestUseCases(deps: Deps) {
  return {
    async applyInvoice(
      tenantId: number,
      userId: number,
      input: InvoiceInput,
    ): Promise<Result<Invoice, 'invalid_input' | 'not_found' | 'invalid_state'>> {
      if (!isInvoiceAmount(input.amount)) return fail(ErrorCode.invalid_input, 'amount must be an amount ≥ 0');
      return deps.db.txResult(async (q) => {
        if (input.orderId != null) {
          const o = await repo.orderPaid(q, tenantId, userId, input.orderId);
          if (!o) return fail(ErrorCode.not_found, 'order not found');
          if (!o.paid) return fail(ErrorCode.invalid_state, 'the order is not paid');
          if (input.amount > o.amountReal) return fail(ErrorCode.invalid_input, 'amount is more than the order paid');
        }
        return ok(await repo.insertInvoice(q, tenantId, userId, input));
      });
    },

    invoices: (
      tenantId: number,
      f: { userId?: number | null; limit: number; offset: number },
    ): Promise<{ items: Invoice[]; total: number }> => repo.listInvoices(deps.db, tenantId, f),

    /** One of the user's requests. */
    invoice: (tenantId: number, userId: number, id: number): Promise<Invoice | null> => repo.findInvoice(deps.db, tenantId, userId, id),

    /** Staff set a request's state (any state from any state) and, when issuing, its file. */
    async setInvoiceStatus(
      tenantId: number,
      id: number,
      state: InvoiceState,
      file: string | null,
      by: Principal,
    ): Promise<Result<Invoice, 'invalid_input' | 'not_found'>> {
      if (!isInvoiceState(state)) return fail(ErrorCode.invalid_input, 'status must be pending, issued or refused');
      return deps.db.txResult(async (q) => {
        const i = await repo.setInvoiceState(q, tenantId, id, state, file);
        if (!i) return fail(ErrorCode.not_found, 'invoice not found');
        await audit(q, tenantId, by, {
          action: 'invoice.status',
          targetType: 'invoice',
          targetId: id,
          details: { status: repo.INVOICE_STATE_DB[state] },
        });
        return ok(i);
      });
    },
  };
}
