import { describe, expect, it } from 'vitest';
import {
  TEMPLATE_ACTIONS,
  TEMPLATE_STATES,
  availableTemplateActions,
  canEditTemplate,
  transitionTemplate,
  type TemplateAction,
  type TemplateState,
} from '../../../../src/contexts/coupons/domain/template-state.ts';

// The whole table, both policies: [approval required, approval not required]; null = refused.
const TABLE: Record<TemplateState, Record<TemplateAction, [TemplateState | null, TemplateState | null]>> = {
  draft: {
    submit: ['pending', 'active'],
    approve: [null, null],
    reject: [null, null],
    activate: [null, 'active'],
    pause: [null, null],
    resume: [null, null],
    end: [null, null],
    void: ['voided', 'voided'],
  },
  pending: {
    submit: [null, null],
    approve: ['active', 'active'],
    reject: ['draft', 'draft'],
    activate: [null, null],
    pause: [null, null],
    resume: [null, null],
    end: [null, null],
    void: ['voided', 'voided'],
  },
  active: {
    submit: [null, null],
    approve: [null, null],
    reject: [null, null],
    activate: [null, null],
    pause: ['paused', 'paused'],
    resume: [null, null],
    end: ['ended', 'ended'],
    void: ['voided', 'voided'],
  },
  paused: {
    submit: [null, null],
    approve: [null, null],
    reject: [null, null],
    activate: [null, null],
    pause: [null, null],
    resume: ['active', 'active'],
    end: ['ended', 'ended'],
    void: ['voided', 'voided'],
  },
  ended: Object.fromEntries(TEMPLATE_ACTIONS.map((a) => [a, [null, null]])) as Record<TemplateAction, [null, null]>,
  voided: Object.fromEntries(TEMPLATE_ACTIONS.map((a) => [a, [null, null]])) as Record<TemplateAction, [null, null]>,
};

const cases = TEMPLATE_STATES.flatMap((state) =>
  TEMPLATE_ACTIONS.flatMap((action) =>
    ([true, false] as const).map((approvalRequired) => ({
      state,
      action,
      approvalRequired,
      to: TABLE[state][action][approvalRequired ? 0 : 1],
    })),
  ),
);

describe('transitionTemplate', () => {
  it('covers every state and action', () => {
    expect(cases).toHaveLength(TEMPLATE_STATES.length * TEMPLATE_ACTIONS.length * 2);
  });

  it.each(cases)('$action from $state (approval required: $approvalRequired) → $to', ({ state, action, approvalRequired, to }) => {
    const r = transitionTemplate(state, action, { approvalRequired });
    if (to === null) {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe('invalid_state');
      expect(r.error.message).toContain(state);
      expect(r.error.details).toEqual({ state, action });
    } else {
      expect(r).toEqual({ ok: true, value: to });
    }
  });

  it('explains what a refused move needs and what is possible instead', () => {
    const r = transitionTemplate('active', 'submit', { approvalRequired: true });
    expect(r).toMatchObject({
      ok: false,
      error: { message: 'cannot submit a template that is active: submit applies to draft templates; from active it can pause, end, void' },
    });
    const final = transitionTemplate('ended', 'resume', { approvalRequired: false });
    expect(final.ok || final.error.message).toBe(
      'cannot resume a template that is ended: resume applies to paused templates; ended is final',
    );
  });

  it('tells a tenant that requires approval how to go live', () => {
    const r = transitionTemplate('draft', 'activate', { approvalRequired: true });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_state',
        message: 'cannot activate a draft template: this tenant requires approval, so submit it, then have it approved',
      },
    });
  });

  it('refuses an unknown action as invalid input', () => {
    const r = transitionTemplate('draft', 'launch' as TemplateAction, { approvalRequired: false });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('availableTemplateActions', () => {
  it.each(TEMPLATE_STATES.flatMap((s) => [true, false].map((a) => [s, a] as const)))(
    'lists exactly the moves that succeed from %s (approval %s)',
    (state, approvalRequired) => {
      const expected = TEMPLATE_ACTIONS.filter((a) => TABLE[state][a][approvalRequired ? 0 : 1] !== null);
      expect(availableTemplateActions(state, { approvalRequired })).toEqual(expected);
    },
  );
});

describe('canEditTemplate', () => {
  it.each(TEMPLATE_STATES.map((s) => [s, s === 'draft' || s === 'pending'] as const))('%s → %s', (state, editable) => {
    expect(canEditTemplate(state)).toBe(editable);
  });
});
