// apifm's words for the loyalty context: its field names (the typo
// `totleConsumed` included), its cash-log type and behavior numbers, and the
// Chinese texts its clients show (ledger remarks, voucher refusals). The core
// speaks its own names; these map them, so the apifm answers stay as they were.
import {
  voucherRefusalOf,
  type Amounts,
  type CashLogEntry,
  type CashLogFilter,
  type LedgerDirection,
  type SignInLabels,
  type VoucherRefusal,
} from '../../../contexts/loyalty/index.ts';
import { parseLocalDate } from '../../../kernel/local-time.ts';
import { ErrorCode, fail, ok, type DomainError, type Result } from '../../../kernel/result.ts';
import { apifmDate, yuan } from '../kit.ts';

// ---------------------------------------------------------------- amounts

/** user/amount's data. */
export function amountsOut(a: Amounts) {
  return {
    balance: yuan(a.balance),
    freeze: yuan(a.freeze),
    score: a.score,
    scoreLastRound: 0,
    growth: a.growth,
    totleConsumed: yuan(a.totalConsumed),
    totalPayAmount: yuan(a.totalConsumed),
    totalPayNumber: 0,
    fxCommisionPaying: 0,
    totalScore: a.score,
  };
}

// ---------------------------------------------------------------- behavior (income / expense)

/** apifm's `behavior`: 0 income, 1 expense. */
const BEHAVIOR_DIRECTION: Record<number, LedgerDirection> = { 0: 'income', 1: 'expense' };

/** The direction a `behavior` of 0 or 1 filters for (undefined: no filter). */
export const directionOfBehavior = (behavior: number | undefined): LedgerDirection | undefined =>
  behavior === undefined ? undefined : BEHAVIOR_DIRECTION[behavior];

export const behaviorOf = (delta: number): 0 | 1 => (delta >= 0 ? 0 : 1);
export const behaviorStrOf = (behavior: 0 | 1): string => (behavior === 0 ? '收入' : '支出');

// ---------------------------------------------------------------- cash log

/** Wallet ledger reasons → apifm cash-log types (0 recharge, 2 pay order, 3 refund, 5 pay-bill (知识付费 slot unused), 99 other). */
const CASH_TYPES: Record<string, { type: number; str: string }> = {
  operator_credit: { type: 0, str: '充值' },
  recharge: { type: 0, str: '充值' },
  recharge_bonus: { type: 0, str: '充值赠送' },
  order_pay: { type: 2, str: '支付订单' },
  order_refund: { type: 3, str: '退款' },
  pay_bill: { type: 2, str: '在线买单' },
  operator_debit: { type: 99, str: '扣款' },
};
const cashTypeOf = (reason: string) => CASH_TYPES[reason] ?? { type: 99, str: reason };
const reasonsOfCashType = (t: number) =>
  Object.entries(CASH_TYPES)
    .filter(([, v]) => v.type === t)
    .map(([k]) => k);

export interface CashLogParams {
  behavior: number | null;
  type: number | null;
  types: number[] | null;
  orderId: string | null;
  dateAddBegin: string | null;
  dateAddEnd: string | null;
  limit: number;
  offset: number;
}

const apifmDay = (s: string | null, field: string): Result<string | null, 'invalid_input'> => {
  if (!s) return ok(null);
  const d = s.trim().slice(0, 10);
  return parseLocalDate(d) ? ok(d) : fail(ErrorCode.invalid_input, `${field}: not a date like 2018-05-16`);
};

/** The core's cash-log filter for apifm's parameters; null when no entry can match (a behavior other than 0 or 1). */
export function cashLogFilter(p: CashLogParams): Result<CashLogFilter | null, 'invalid_input'> {
  const from = apifmDay(p.dateAddBegin, 'dateAddBegin');
  if (!from.ok) return from;
  const to = apifmDay(p.dateAddEnd, 'dateAddEnd');
  if (!to.ok) return to;
  const direction = p.behavior === null ? null : BEHAVIOR_DIRECTION[p.behavior];
  if (direction === undefined) return ok(null);
  const types = [...(p.types ?? []), ...(p.type != null ? [p.type] : [])];
  const reasons = types.length ? types.flatMap(reasonsOfCashType) : null;
  return ok({ direction, reasons, ref: p.orderId, fromDay: from.value, toDay: to.value, limit: p.limit, offset: p.offset });
}

/** One cash-log row as apifm shows it. */
export function cashLogEntryOut(x: CashLogEntry, tz: string) {
  const t = cashTypeOf(x.reason);
  const behavior = behaviorOf(x.delta);
  return {
    id: x.id,
    type: t.type,
    typeStr: t.str,
    behavior,
    behaviorStr: behaviorStrOf(behavior),
    amount: yuan(Math.abs(x.delta)),
    balance: yuan(x.balanceAfter),
    orderId: x.ref ?? '',
    remark: x.remark ?? '',
    dateAdd: apifmDate(x.createdAt, tz),
  };
}

// ---------------------------------------------------------------- ledger remarks (stored with the entries)

export const SIGN_IN_LABELS: SignInLabels = { remark: (continuous) => `签到第${continuous}天` };
export const VOUCHER_LABELS = { remark: '积分券兑换' };
export const PAY_BILL_LABELS = { remark: '在线买单' };

// ---------------------------------------------------------------- points vouchers

const VOUCHER_MESSAGES: Record<VoucherRefusal, string> = {
  unknown: '积分券号码不存在',
  used: '积分券已被使用',
  expired: '积分券已过期',
};

/** The message apifm shows for a refused exchange. */
export function voucherMessage(e: DomainError): string {
  const why = voucherRefusalOf(e);
  return why ? VOUCHER_MESSAGES[why] : e.message;
}
