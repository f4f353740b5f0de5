// Refunds, each behind a single-use SMS code sent to the staff member: an
// expense is put back exactly as it was taken (per bucket); a recharge is
// taken back while unspent, uninvoiced and its coupons unused (those are
// voided). Once each (domain/refund-rules.ts).
//
// Locking order, always: the SMS code's row, then the card, then its buckets.
import { voidIssuedIn } from '../coupons/index.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit, type MessageService } from '../platform/index.ts';
import { recordEvents, type DomainEvent } from '../events/index.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { maskPhone, REFUND_CODE_PURPOSE, type CardEntry, type LockedCard } from './domain/card.ts';
import { alreadyRefundedText, rechargeShortfall, REFUND_REFUSAL_TEXT, type RefundableKind } from './domain/refund-rules.ts';
import { cardStoreIds, staffPhone, undoRecharge, undoSpend } from './repo/user-cards.repo.ts';
import { putBackBucket, refundBucket } from './repo/buckets.repo.ts';
import * as ledger from './repo/card-ledger.repo.ts';
import { lockCardFor, requireCardStores, requirePermission, staffIdOf, storeFor } from './access.ts';
import type { RefundCode } from './errors.ts';

export interface RefundInput {
  orderNo: number;
  code: string;
  storeId?: number | null;
  explain?: string | null;
}

type Refusal = Result<never, 'invalid_state' | 'insufficient_balance'>;
const refused = (why: keyof typeof REFUND_REFUSAL_TEXT): Refusal =>
  fail(why === 'spent' ? ErrorCode.insufficient_balance : ErrorCode.invalid_state, REFUND_REFUSAL_TEXT[why]);

/** already_rolled_back when the movement has a refund entry already. */
async function refusedIfRefunded(
  q: Queryable,
  tenantId: number,
  entryId: number,
  what: RefundableKind | 'movement',
): Promise<Result<void, 'already_rolled_back'>> {
  if (await ledger.isRefunded(q, tenantId, entryId)) return fail(ErrorCode.already_rolled_back, alreadyRefundedText(what));
  return ok(undefined);
}

/** The card.refunded event of a refund entry `orderNo` undoing entry `of`. */
const refunded = (
  tenantId: number,
  card: LockedCard,
  orderNo: number,
  of: number,
  kind: RefundableKind,
  amountFen: number,
): DomainEvent => ({
  tenantId,
  type: 'card.refunded',
  payload: { cardId: card.id, userId: card.userId, orderNo, refundOfOrderNo: of, of: kind, amountFen },
});

export function refundUseCases(deps: Deps, { messages }: { messages: MessageService }) {
  async function phoneOf(tenantId: number, by: Principal, q: Queryable = deps.db): Promise<Result<string, 'forbidden' | 'invalid_state'>> {
    if (by.kind !== 'staff') return fail(ErrorCode.forbidden, 'refunds need a staff member (the SMS code goes to their phone)');
    const phone = await staffPhone(q, tenantId, by.staffId);
    if (!phone) return fail(ErrorCode.invalid_state, 'your staff account has no phone number for the SMS code');
    return ok(phone);
  }

  /**
   * Checks and uses up the refund SMS code inside the refund's own
   * transaction `q`: used up only if the refund commits.
   */
  async function checkRefundCode(
    q: Queryable,
    tenantId: number,
    by: Principal,
    code: string | undefined | null,
  ): Promise<Result<void, RefundCode>> {
    if (!code) return fail(ErrorCode.invalid_input, 'code: the SMS code is required', { field: 'code' });
    const phone = await phoneOf(tenantId, by, q);
    if (!phone.ok) return phone;
    const c = await messages.checkCode(tenantId, 'sms', phone.value, REFUND_CODE_PURPOSE, code, true, q);
    if (!c.ok)
      return fail(c.error.code === ErrorCode.rate_limited ? ErrorCode.rate_limited : ErrorCode.wrong_password, c.error.message, {
        field: 'code',
        sms: true,
      });
    return ok(undefined);
  }

  /** Before both refunds: the caller may refund, the movement exists and is not refunded yet, a code was given. */
  async function findRefundable(
    tenantId: number,
    kind: RefundableKind,
    input: RefundInput,
    by: Principal,
  ): Promise<Result<{ id: number; userCardId: number }, RefundCode>> {
    const may = requirePermission(by, 'card.refund');
    if (!may.ok) return may;
    const orig = await ledger.findMovement(deps.db, tenantId, input.orderNo, kind);
    if (!orig) return fail(ErrorCode.not_found, `no ${kind} with order number ${input.orderNo}`);
    const done = await refusedIfRefunded(deps.db, tenantId, orig.id, kind);
    if (!done.ok) return done;
    if (!input.code) return fail(ErrorCode.invalid_input, 'code: the SMS code is required', { field: 'code' });
    return ok(orig);
  }

  /**
   * Inside both refunds' transaction, before the card's lock: the store and the
   * card's stores, then the SMS code (its row lock before the card's, always in
   * that order; used up only if the refund commits).
   */
  async function checkBeforeLock(
    q: Queryable,
    tenantId: number,
    orig: { userCardId: number },
    input: RefundInput,
    by: Principal,
  ): Promise<Result<number | null, RefundCode>> {
    const store = await storeFor(q, tenantId, by, input.storeId);
    if (!store.ok) return store;
    const inStores = requireCardStores(await cardStoreIds(q, tenantId, orig.userCardId), by);
    if (!inStores.ok) return inStores;
    const code = await checkRefundCode(q, tenantId, by, input.code);
    if (!code.ok) return code;
    return ok(store.value);
  }

  /** The card's lock, and the "not refunded yet" check again under it (refunds of one card take turns: the one that waited sees the other's refund here). */
  async function lockUnrefunded(
    q: Queryable,
    tenantId: number,
    orig: { id: number; userCardId: number },
  ): Promise<Result<LockedCard, RefundCode>> {
    const c = await lockCardFor(q, tenantId, { cardId: orig.userCardId });
    if (!c.ok) return c;
    const again = await refusedIfRefunded(q, tenantId, orig.id, 'movement');
    if (!again.ok) return again;
    return c;
  }

  /**
   * One refund transaction. A failure before the card's lock is an answer that
   * commits (a wrong SMS code try is counted); the callback's own failures, after
   * the lock, roll everything back and leave the code unused.
   */
  async function inRefundTx(
    tenantId: number,
    orig: { id: number; userCardId: number },
    input: RefundInput,
    by: Principal,
    work: (q: Queryable, card: LockedCard, store: number | null) => Promise<Result<CardEntry, RefundCode>>,
  ): Promise<Result<CardEntry, RefundCode>> {
    const out = await deps.db.txResult(async (q): Promise<Result<Result<CardEntry, RefundCode>, RefundCode>> => {
      const store = await checkBeforeLock(q, tenantId, orig, input, by);
      if (!store.ok) return ok(store);
      const card = await lockUnrefunded(q, tenantId, orig);
      if (!card.ok) return card;
      const done = await work(q, card.value, store.value);
      return done.ok ? ok(done) : done;
    });
    return out.ok ? out.value : out;
  }

  /** Sends the refund SMS code to the staff member's own phone. */
  async function sendRefundCode(tenantId: number, by: Principal): Promise<Result<{ expiresInSec: number; to: string }>> {
    const may = requirePermission(by, 'card.refund');
    if (!may.ok) return may;
    const phone = await phoneOf(tenantId, by);
    if (!phone.ok) return phone;
    const r = await messages.sendCode(tenantId, 'sms', phone.value, REFUND_CODE_PURPOSE, '礼遇圈');
    if (!r.ok) return r;
    return ok({ ...r.value, to: maskPhone(phone.value) });
  }

  /** Puts an expense back on the card, exactly as it was taken; once, and only with a fresh SMS code. */
  async function refundExpense(tenantId: number, input: RefundInput, by: Principal): Promise<Result<CardEntry, RefundCode>> {
    const pre = await findRefundable(tenantId, 'expense', input, by);
    if (!pre.ok) return pre;
    return inRefundTx(tenantId, pre.value, input, by, async (q, card, store) => {
      const o = await ledger.movement(q, tenantId, pre.value.id);
      const lines = await ledger.movementLines(q, tenantId, o.id);
      for (const l of lines) if (!(await putBackBucket(q, tenantId, l.bucketId, l.capital, l.bonus))) return refused('bucket_gone');
      const after = await undoSpend(q, tenantId, card.id, o.capitalDelta, o.bonusDelta);
      const entry = await ledger.appendEntry(q, {
        tenantId,
        card,
        kind: 'refund',
        amount: o.amount,
        capitalDelta: -o.capitalDelta,
        bonusDelta: -o.bonusDelta,
        after,
        refundOf: o.id,
        storeId: store,
        staffId: staffIdOf(by),
        explain: input.explain,
        lines: lines.map((l) => ({ bucketId: l.bucketId, capital: -l.capital, bonus: -l.bonus })),
      });
      if (!entry) return fail(ErrorCode.already_rolled_back, alreadyRefundedText('expense'));
      await recordEvents(q, [refunded(tenantId, card, entry.orderNo, input.orderNo, 'expense', o.amount)]);
      await audit(q, tenantId, by, {
        action: 'card.refund',
        targetType: 'user_card',
        targetId: card.id,
        details: { orderNo: entry.orderNo, of: input.orderNo },
      });
      return ok((await ledger.entryById(q, tenantId, entry.id))!);
    });
  }

  /**
   * Takes a recharge back off the card (the money goes back to the payer):
   * only while its capital and bonus are still on the card (for an event
   * card: its bucket untouched), nothing of it has been invoiced, and none of
   * the coupons it gave has been used; those coupons are voided. Once, with
   * a fresh SMS code.
   */
  async function refundRecharge(tenantId: number, input: RefundInput, by: Principal): Promise<Result<CardEntry, RefundCode>> {
    const pre = await findRefundable(tenantId, 'recharge', input, by);
    if (!pre.ok) return pre;
    return inRefundTx(tenantId, pre.value, input, by, async (q, card, store) => {
      const o = await ledger.movement(q, tenantId, pre.value.id);
      if (o.bucketId !== null && !(await refundBucket(q, tenantId, o.bucketId))) return refused('bucket_touched');
      const after = await undoRecharge(q, tenantId, card.id, o.capitalDelta, o.bonusDelta);
      if (!after) return refused(rechargeShortfall(card, o.capitalDelta));
      if (
        o.couponIds.length > 0 &&
        (await voidIssuedIn(q, tenantId, o.couponIds, { kind: 'recharge_refund', orderNo: input.orderNo, staffId: staffIdOf(by) }))
          .length !== o.couponIds.length
      )
        return refused('coupons_used');
      const entry = await ledger.appendEntry(q, {
        tenantId,
        card,
        kind: 'recharge_refund',
        amount: o.amount,
        capitalDelta: -o.capitalDelta,
        bonusDelta: -o.bonusDelta,
        after,
        refundOf: o.id,
        bucketId: o.bucketId,
        storeId: store,
        staffId: staffIdOf(by),
        explain: input.explain,
        couponIds: o.couponIds,
        lines: o.bucketId ? [{ bucketId: o.bucketId, capital: -o.capitalDelta, bonus: -o.bonusDelta }] : [],
      });
      if (!entry) return fail(ErrorCode.already_rolled_back, alreadyRefundedText('recharge'));
      await recordEvents(q, [refunded(tenantId, card, entry.orderNo, input.orderNo, 'recharge', o.amount)]);
      await audit(q, tenantId, by, {
        action: 'card.recharge_refund',
        targetType: 'user_card',
        targetId: card.id,
        details: { orderNo: entry.orderNo, of: input.orderNo },
      });
      return ok((await ledger.entryById(q, tenantId, entry.id))!);
    });
  }

  return { sendRefundCode, refundExpense, refundRecharge };
}
