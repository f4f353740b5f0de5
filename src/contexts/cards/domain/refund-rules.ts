// When a movement can be refunded (pure). An expense is put back exactly as it
// was taken, bucket by bucket, unless a bucket it came from has since been
// cashed back or refunded. A recharge is taken back only while its capital and
// bonus are still on the card (for an event card: its bucket untouched), none
// of it has been invoiced, and none of the coupons it gave has been used.
// Either is refunded once (the unique key on card_ledger.refund_of).
import type { Fen } from '../../../kernel/money.ts';

export type RefundableKind = 'expense' | 'recharge';

/** Why a refund is refused. */
export type RefundRefusal = 'already_refunded' | 'bucket_gone' | 'bucket_touched' | 'invoiced' | 'spent' | 'coupons_used';

export const REFUND_REFUSAL_TEXT: Record<Exclude<RefundRefusal, 'already_refunded'>, string> = {
  bucket_gone: 'part of this expense came from an event recharge that has been cashed back or refunded',
  bucket_touched: 'this event recharge has already been (partly) spent, cashed back or refunded',
  invoiced: 'invoices have been issued on this money: it can no longer be refunded',
  spent: 'the recharged money has already been spent',
  coupons_used: 'coupons given with this recharge have already been used',
};

/** What "already refunded" says, for the movement named (before the lock) or any movement (under it). */
export const alreadyRefundedText = (what: RefundableKind | 'movement') => `this ${what} has already been refunded`;

/** A recharge whose money could not be taken back: invoiced beyond what would remain charged, else spent. */
export function rechargeShortfall(card: { charged: Fen; invoiced: Fen }, capital: Fen): 'invoiced' | 'spent' {
  return card.charged - capital < card.invoiced ? 'invoiced' : 'spent';
}
