// The orders' typed failures. Every failure an order use-case returns carries
// `details.orderReason` (and, for a refused move, the action and the state the
// order was in): dialects switch on these, never on the message text. The
// codes stay the shared ones (invalid_input, sold_out, invalid_state …), so
// the reason lives under this context's own field (GUIDE: no details are
// declared for shared codes).
import type { ErrorCode } from '../../kernel/result.ts';
import type { OrderAction, OrderState } from './domain/order-state.ts';

/** Why an order cannot be made (create and quote), for dialects to map to their codes. */
export type OrderRefusal =
  | 'bad_lines'
  | 'no_lines'
  | 'bad_goods'
  | 'off_sale'
  | 'sku_needed'
  | 'bad_sku'
  | 'stores'
  /** Not enough stock for the cart. */
  | 'stock'
  | 'coupon'
  | 'threshold'
  /** deductionScore is not -1, 0 or a number of points. */
  | 'points'
  /** The user holds fewer points than the deduction takes. */
  | 'points_short'
  | 'remark'
  | 'promo'
  /** The user does not exist (any more). */
  | 'no_user';

/** Why any other order use-case refused. */
export type OrderFailureReason =
  | OrderRefusal
  /** No such order (for this user). */
  | 'missing'
  /** The order's state does not allow the action (details.action, details.state). */
  | 'state'
  /** A pickup number nobody has. */
  | 'unknown_pickup'
  /** Only the tenant's pickup clerks write off by number. */
  | 'not_clerk'
  /** Paying: the user has no wallet; the wallet holds too little. */
  | 'no_wallet'
  | 'wallet_short'
  /** Reviews: a bad review, a line not in the order, a line without review. */
  | 'review_bad'
  | 'review_line'
  | 'review_missing'
  /** After-sales: a bad request, one already open, none open. */
  | 'after_sales_bad'
  | 'after_sales_open'
  | 'after_sales_none';

/** What the state machine was asked (refusals with orderReason 'state'). */
export type OrderStep = OrderAction | 'remove' | 'after_sales' | 'write_off';

export type OrderFailureDetails = {
  orderReason: OrderFailureReason;
  /** The move refused, and the state the order was in (when it was read). */
  step?: OrderStep;
  state?: OrderState;
  /** The coupon core's code, when it refused a coupon or promo code. */
  cause?: ErrorCode;
  /** Pricing's reason code for a coupon that cannot apply. */
  couponReason?: string;
};

/** One order failure: the code, an English message, the typed details. */
export type OrderError<C extends ErrorCode = ErrorCode> = C extends ErrorCode
  ? { code: C; message: string; details: OrderFailureDetails }
  : never;
export type OrderFailure<C extends ErrorCode = ErrorCode> = { ok: false; error: OrderError<C> };
export type OrderResult<T, C extends ErrorCode = ErrorCode> = { ok: true; value: T } | OrderFailure<C>;

export function orderFail<C extends ErrorCode>(
  code: C,
  reason: OrderFailureReason,
  message: string,
  extra: Omit<OrderFailureDetails, 'orderReason'> = {},
): OrderFailure<C> {
  return { ok: false, error: { code, message, details: { orderReason: reason, ...extra } } as OrderError<C> };
}

/** The state machine refused `step` on an order in `state`. */
export const stateRefusal = (step: OrderStep, state: OrderState | undefined, message: string): OrderFailure<'invalid_state'> =>
  orderFail('invalid_state', 'state', message, state === undefined ? { step } : { step, state });

export const orderMissing = (message = 'order not found'): OrderFailure<'not_found'> => orderFail('not_found', 'missing', message);
