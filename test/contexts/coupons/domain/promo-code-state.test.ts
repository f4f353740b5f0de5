import { describe, expect, it } from 'vitest';
import {
  PROMO_CODE_ACTIONS,
  PROMO_CODE_STATES,
  availablePromoCodeActions,
  canEditPromoCode,
  transitionPromoCode,
  type PromoCodeAction,
  type PromoCodeState,
} from '../../../../src/contexts/coupons/domain/promo-code-state.ts';

const TABLE: Record<PromoCodeState, Record<PromoCodeAction, PromoCodeState | null>> = {
  draft: { submit: 'pending', approve: null, reject: null, void: null },
  pending: { submit: null, approve: 'approved', reject: 'rejected', void: null },
  approved: { submit: null, approve: null, reject: null, void: 'voided' },
  rejected: { submit: 'pending', approve: null, reject: null, void: null },
  voided: { submit: null, approve: null, reject: null, void: null },
};

const cases = PROMO_CODE_STATES.flatMap((state) => PROMO_CODE_ACTIONS.map((action) => ({ state, action, to: TABLE[state][action] })));

describe('transitionPromoCode', () => {
  it('covers every state and action', () => expect(cases).toHaveLength(PROMO_CODE_STATES.length * PROMO_CODE_ACTIONS.length));

  it.each(cases)('$action from $state → $to', ({ state, action, to }) => {
    const r = transitionPromoCode(state, action);
    if (to === null) {
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_state', details: { state, action } } });
      if (!r.ok) expect(r.error.message).toContain(`cannot ${action} a promo code that is ${state}`);
    } else {
      expect(r).toEqual({ ok: true, value: to });
    }
  });

  it('says what is possible instead', () => {
    const r = transitionPromoCode('approved', 'approve');
    expect(r.ok || r.error.message).toBe(
      'cannot approve a promo code that is approved: approve applies to pending codes; from approved it can void',
    );
    const v = transitionPromoCode('voided', 'submit');
    expect(v.ok || v.error.message).toBe(
      'cannot submit a promo code that is voided: submit applies to draft or rejected codes; voided is final',
    );
  });

  it('voids only an approved code (seed setState: 通过, 驳回, 作废); a pending one is rejected instead', () => {
    const r = transitionPromoCode('pending', 'void');
    expect(r.ok || r.error.message).toBe(
      'cannot void a promo code that is pending: void applies to approved codes; from pending it can approve, reject',
    );
  });

  it('refuses an unknown action as invalid input', () => {
    expect(transitionPromoCode('draft', 'publish' as PromoCodeAction)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('availablePromoCodeActions', () => {
  it.each(PROMO_CODE_STATES)('lists exactly the moves that succeed from %s', (state) => {
    expect(availablePromoCodeActions(state)).toEqual(PROMO_CODE_ACTIONS.filter((a) => TABLE[state][a] !== null));
  });
});

describe('canEditPromoCode', () => {
  it.each(PROMO_CODE_STATES.map((s) => [s, s === 'draft' || s === 'pending' || s === 'rejected'] as const))(
    '%s → %s',
    (state, editable) => {
      expect(canEditPromoCode(state)).toBe(editable);
    },
  );
});
