// The life of an event-card bucket (one per recharge through an event on an
// event card). Only the moves in the table exist. Spending takes from a bucket
// that is untouched or partly spent and leaves it partly spent or, when empty,
// cash-back due; an expense refund puts money back (untouched again when whole);
// a recharge refund takes an untouched bucket away; a due bucket is cashed back
// once. The repository writes these as conditional UPDATEs whose `status IN (…)`
// is `fromStates(action)`.
export const BUCKET_STATES = ['untouched', 'partly_spent', 'cash_back_due', 'recharge_refunded', 'cashed_back'] as const;
export type BucketState = (typeof BUCKET_STATES)[number];

export const BUCKET_ACTIONS = ['spend', 'put_back', 'refund_recharge', 'cash_back'] as const;
export type BucketAction = (typeof BUCKET_ACTIONS)[number];

// action → from-state → the states it may lead to.
const MOVES: Record<BucketAction, Partial<Record<BucketState, readonly BucketState[]>>> = {
  spend: { untouched: ['partly_spent', 'cash_back_due'], partly_spent: ['partly_spent', 'cash_back_due'] },
  put_back: {
    untouched: ['untouched', 'partly_spent'],
    partly_spent: ['untouched', 'partly_spent'],
    cash_back_due: ['untouched', 'partly_spent'],
  },
  refund_recharge: { untouched: ['recharge_refunded'] },
  cash_back: { cash_back_due: ['cashed_back'] },
};

/** The states an action applies to. */
export function fromStates(action: BucketAction): BucketState[] {
  return BUCKET_STATES.filter((s) => MOVES[action][s] !== undefined);
}

/** Why a cash-back is refused from `state`. */
export const cashBackRefusal = (state: BucketState) =>
  state === 'cashed_back' ? 'already cashed back' : 'cash-back is not due: the recharge has not been fully spent';
