// The life of a coupon template. Only the moves in the table exist; anything
// else is refused with invalid_state and a message saying what is possible.
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

export const TEMPLATE_STATES = ['draft', 'pending', 'active', 'paused', 'ended', 'voided'] as const;
export type TemplateState = (typeof TEMPLATE_STATES)[number];

export const TEMPLATE_ACTIONS = ['submit', 'approve', 'reject', 'activate', 'pause', 'resume', 'end', 'void'] as const;
export type TemplateAction = (typeof TEMPLATE_ACTIONS)[number];

export interface TemplatePolicy {
  /** The tenant has an operator approve templates before they go live. */
  approvalRequired: boolean;
}

// from-state → to-state, per action. submit and activate depend on the policy.
const MOVES: Record<TemplateAction, Partial<Record<TemplateState, TemplateState>>> = {
  submit: { draft: 'pending' },
  approve: { pending: 'active' },
  reject: { pending: 'draft' },
  activate: { draft: 'active' },
  pause: { active: 'paused' },
  resume: { paused: 'active' },
  end: { active: 'ended', paused: 'ended' },
  void: { draft: 'voided', pending: 'voided', active: 'voided', paused: 'voided' },
};

function target(state: TemplateState, action: TemplateAction, policy: TemplatePolicy): TemplateState | undefined {
  const to = MOVES[action]?.[state];
  // Without approval there is nobody to submit to: submitting goes live.
  if (action === 'submit' && to && !policy.approvalRequired) return 'active';
  // With approval, going live from a draft is submit then approve.
  if (action === 'activate' && policy.approvalRequired) return undefined;
  return to;
}

export function transitionTemplate(
  state: TemplateState,
  action: TemplateAction,
  policy: TemplatePolicy,
): Result<TemplateState, 'invalid_input' | 'invalid_state'> {
  if (!TEMPLATE_ACTIONS.includes(action)) {
    return fail(ErrorCode.invalid_input, `unknown template action "${String(action)}"; one of ${TEMPLATE_ACTIONS.join(', ')}`);
  }
  const to = target(state, action, policy);
  if (to) return ok(to);
  if (action === 'activate' && policy.approvalRequired && state === 'draft') {
    return fail(
      ErrorCode.invalid_state,
      'cannot activate a draft template: this tenant requires approval, so submit it, then have it approved',
      { state, action },
    );
  }
  const from = Object.keys(MOVES[action]) as TemplateState[];
  const allowed = availableTemplateActions(state, policy);
  return fail(
    ErrorCode.invalid_state,
    `cannot ${action} a template that is ${state}: ${action} applies to ${from.join(' or ')} templates; ` +
      (allowed.length ? `from ${state} it can ${allowed.join(', ')}` : `${state} is final`),
    { state, action },
  );
}

/** The actions that would succeed from `state` (for buttons in the console). */
export function availableTemplateActions(state: TemplateState, policy: TemplatePolicy): TemplateAction[] {
  return TEMPLATE_ACTIONS.filter((a) => target(state, a, policy) !== undefined);
}

/** A template's rule may change only before it goes live: once coupons exist, they keep the rule they were issued under. */
export function canEditTemplate(state: TemplateState): boolean {
  return state === 'draft' || state === 'pending';
}
