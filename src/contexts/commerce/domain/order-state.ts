// The life of a shop order. Only the moves in the table exist; the
// conditional writes in the repository take their from-states from here, and
// a refused move says what state the order was in.
//
//   creating ──finish──▶ unpaid ──pay──▶ paid ──ship──▶ shipped
//      │                   │              │                │
//      └──undo──▶ closed ◀─close          └──receive───────┴──▶ received ──review──▶ reviewed
//
// (`receive` is the user's confirmation or a pickup write-off.) Only orders
// of earlier versions can still be `creating`: today an order is created in
// one transaction, so recovery finishes or undoes them.

export const ORDER_STATES = ['creating', 'closed', 'unpaid', 'paid', 'shipped', 'received', 'reviewed'] as const;
export type OrderState = (typeof ORDER_STATES)[number];

export const ORDER_ACTIONS = ['finish', 'undo', 'pay', 'close', 'ship', 'receive', 'review'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** from-state → to-state, per action. */
const MOVES: Record<OrderAction, Partial<Record<OrderState, OrderState>>> = {
  finish: { creating: 'unpaid' },
  undo: { creating: 'closed' },
  pay: { unpaid: 'paid' },
  close: { unpaid: 'closed' },
  ship: { paid: 'shipped' },
  receive: { paid: 'received', shipped: 'received' },
  review: { received: 'reviewed' },
};

/** The state `action` leads to from `state`, or null when the move does not exist. */
export function nextOrderState(state: OrderState, action: OrderAction): OrderState | null {
  return MOVES[action][state] ?? null;
}

/** The states an action applies to (the repository's conditional writes use these). */
export function orderStatesFor(action: OrderAction): OrderState[] {
  return Object.keys(MOVES[action]) as OrderState[];
}

/** The actions possible from a state. */
export function orderActionsFrom(state: OrderState): OrderAction[] {
  return ORDER_ACTIONS.filter((a) => nextOrderState(state, a) !== null);
}

/** Orders the user may remove from their list: closed or finished ones. */
export const REMOVABLE_STATES: readonly OrderState[] = ['closed', 'received', 'reviewed'];

/** Orders that were paid (they count as spending, and may get an after-sales request). */
export const PAID_STATES: readonly OrderState[] = ['paid', 'shipped', 'received', 'reviewed'];

/** The states a user's order list counts (a half-made order is nobody's yet). */
export const VISIBLE_STATES: readonly OrderState[] = ['closed', 'unpaid', 'paid', 'shipped', 'received', 'reviewed'];

/** A state that ends the order's life. */
export const isFinalOrderState = (s: OrderState) => s === 'closed' || s === 'reviewed';
