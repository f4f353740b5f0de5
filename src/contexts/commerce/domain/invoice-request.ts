// A consumer's request for an invoice, and its named states. Staff may set
// any state at any time (issue, refuse, or put back to pending), so there is
// no transition table: the names are the whole of the machine.
import type { Fen } from '../../../kernel/money.ts';

export const INVOICE_STATES = ['pending', 'issued', 'refused'] as const;
export type InvoiceState = (typeof INVOICE_STATES)[number];
export const isInvoiceState = (s: unknown): s is InvoiceState => (INVOICE_STATES as readonly unknown[]).includes(s);

export interface Invoice {
  id: number;
  userId: number;
  orderId: number | null;
  amount: Fen;
  comName: string | null;
  tfn: string | null;
  consumption: string | null;
  email: string | null;
  remark: string | null;
  ext: Record<string, unknown> | null;
  state: InvoiceState;
  file: string | null;
  createdAt: Date;
}

export interface InvoiceInput {
  amount: Fen;
  orderId?: number | null;
  comName?: string | null;
  tfn?: string | null;
  consumption?: string | null;
  email?: string | null;
  remark?: string | null;
  ext?: Record<string, unknown> | null;
}

/** An invoice amount: whole fen, not negative. */
export const isInvoiceAmount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
