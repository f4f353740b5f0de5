// The life of a promo code (a shared multi-use code): always approved by an
// operator before use. Only the moves in the table exist: the portal's
// setState (seeds 002/003: 通过, 驳回, 作废) approves or rejects a pending code
// and voids an approved one; a pending code that should not run is rejected.
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

export const PROMO_CODE_STATES = ['draft', 'pending', 'approved', 'rejected', 'voided'] as const;
export type PromoCodeState = (typeof PROMO_CODE_STATES)[number];

export const PROMO_CODE_ACTIONS = ['submit', 'approve', 'reject', 'void'] as const;
export type PromoCodeAction = (typeof PROMO_CODE_ACTIONS)[number];

const MOVES: Record<PromoCodeAction, Partial<Record<PromoCodeState, PromoCodeState>>> = {
  submit: { draft: 'pending', rejected: 'pending' },
  approve: { pending: 'approved' },
  reject: { pending: 'rejected' },
  void: { approved: 'voided' },
};

export function transitionPromoCode(
  state: PromoCodeState,
  action: PromoCodeAction,
): Result<PromoCodeState, 'invalid_input' | 'invalid_state'> {
  if (!PROMO_CODE_ACTIONS.includes(action)) {
    return fail(ErrorCode.invalid_input, `unknown promo code action "${String(action)}"; one of ${PROMO_CODE_ACTIONS.join(', ')}`);
  }
  const to = MOVES[action][state];
  if (to) return ok(to);
  const from = Object.keys(MOVES[action]) as PromoCodeState[];
  const allowed = availablePromoCodeActions(state);
  return fail(
    ErrorCode.invalid_state,
    `cannot ${action} a promo code that is ${state}: ${action} applies to ${from.join(' or ')} codes; ` +
      (allowed.length ? `from ${state} it can ${allowed.join(', ')}` : `${state} is final`),
    { state, action },
  );
}

export function availablePromoCodeActions(state: PromoCodeState): PromoCodeAction[] {
  return PROMO_CODE_ACTIONS.filter((a) => MOVES[a][state] !== undefined);
}

/**
 * Editable until approved: a draft, a pending code (the portal's add puts a
 * code straight into the queue and its update changes it there, seeds
 * 002/003), or a rejected code being fixed for resubmission. An approved or
 * voided code never changes.
 */
export function canEditPromoCode(state: PromoCodeState): boolean {
  return state === 'draft' || state === 'pending' || state === 'rejected';
}
