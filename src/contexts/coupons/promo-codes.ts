// Promo codes: shared multi-use codes with a promotion rule, usage limits,
// user restrictions and an approval machine. Who may take each approval action
// is the one permission table's (identity: `promo.<action>`), enforced here;
// the dialects only translate the refusal.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import { APPROVAL_TABLE, roleMay, type PromoPermission } from '../identity/index.ts';
import { canEditPromoCode, PROMO_CODE_ACTIONS, transitionPromoCode, type PromoCodeAction } from './domain/promo-code-state.ts';
import { checkPromoCodeInput, type PromoCode, type PromoCodeFields, type PromoCodeInput } from './domain/promo-code.ts';
import {
  findPromoCode,
  insertPromoCode,
  listPromoCodes,
  loadPromoCode,
  missingRefs,
  movePromoCode,
  updatePromoCode,
  type PromoCodeFilter,
} from './repo/promo-codes.repo.ts';
import type { PromoActResult } from './redemption-errors.ts';

export type { PromoCodeFilter } from './repo/promo-codes.repo.ts';

export type PromoSaveCode = 'invalid_input' | 'not_found' | 'invalid_state' | 'conflict';

const taken = (code: string) => fail(ErrorCode.conflict, `promo code ${code} already exists`);

async function checkRefs(q: Queryable, tenantId: number, c: PromoCodeFields): Promise<Result<void, 'invalid_input'>> {
  const missing = await missingRefs(q, tenantId, c);
  if (missing === 'department')
    return fail(ErrorCode.invalid_input, 'departmentId: no such department in this tenant', { field: 'departmentId' });
  if (missing === 'staff') return fail(ErrorCode.invalid_input, 'staffId: no such staff member in this tenant', { field: 'staffId' });
  return ok(undefined);
}

/** A unique violation racing past ON CONFLICT (code changed by an update) answers conflict like a taken code. */
async function orTaken<T, C extends PromoSaveCode>(code: string, run: () => Promise<Result<T, C>>): Promise<Result<T, C | 'conflict'>> {
  try {
    return await run();
  } catch (e) {
    if (pgErrorCode(e) === PgCode.uniqueViolation) return taken(code);
    throw e;
  }
}

/** The approval table's verdict on `by` taking `action`: null when allowed. */
function refusal(action: PromoCodeAction, by: Principal) {
  if (!PROMO_CODE_ACTIONS.includes(action)) return null; // the state machine names the unknown action
  const permission: PromoPermission = `promo.${action}`;
  if (roleMay(by.role, permission)) return null;
  // platform_admin may do everything; the refusal names the tenant roles that may.
  const roles = APPROVAL_TABLE[permission].filter((r) => r !== 'platform_admin');
  return {
    ok: false as const,
    error: {
      code: 'forbidden' as const,
      message: `${action} needs one of the roles: ${roles.join(', ')}`,
      details: { approval: { permission, roles } },
    },
  };
}

export function promoCodeService(deps: Deps) {
  async function create(tenantId: number, input: PromoCodeInput, by: Principal): Promise<Result<PromoCode, PromoSaveCode>> {
    const c = checkPromoCodeInput(input);
    if (!c.ok) return c;
    return orTaken(c.value.code, () =>
      deps.db.txResult(async (q): Promise<Result<PromoCode, PromoSaveCode>> => {
        const refs = await checkRefs(q, tenantId, c.value);
        if (!refs.ok) return refs;
        const p = await insertPromoCode(q, tenantId, c.value, by.kind === 'staff' ? by.staffId : null);
        if (!p) return taken(c.value.code);
        await audit(q, tenantId, by, {
          action: 'promo_code.create',
          targetType: 'promo_code',
          targetId: p.id,
          details: { code: c.value.code },
        });
        return ok(p);
      }),
    );
  }

  async function update(tenantId: number, id: number, input: PromoCodeInput, by: Principal): Promise<Result<PromoCode, PromoSaveCode>> {
    return orTaken(input.code ?? '', () =>
      deps.db.txResult(async (q): Promise<Result<PromoCode, PromoSaveCode>> => {
        const cur = await loadPromoCode(q, tenantId, id, true);
        if (!cur) return fail(ErrorCode.not_found, 'promo code not found');
        if (!canEditPromoCode(cur.state))
          return fail(ErrorCode.invalid_state, `a promo code in state ${cur.state} cannot be changed`, { state: cur.state });
        const c = checkPromoCodeInput(input, cur);
        if (!c.ok) return c;
        const refs = await checkRefs(q, tenantId, c.value);
        if (!refs.ok) return refs;
        const p = await updatePromoCode(q, tenantId, id, c.value);
        await audit(q, tenantId, by, {
          action: 'promo_code.update',
          targetType: 'promo_code',
          targetId: id,
          details: { fields: Object.keys(input) },
        });
        return ok(p);
      }),
    );
  }

  /** An approval action: the role first (the permission table), then the state machine. */
  async function act(
    tenantId: number,
    id: number,
    action: PromoCodeAction,
    by: Principal,
    reason?: string,
  ): Promise<PromoActResult<PromoCode>> {
    const no = refusal(action, by);
    if (no) return no;
    return deps.db.txResult(async (q): Promise<Result<PromoCode, 'not_found' | 'invalid_input' | 'invalid_state' | 'conflict'>> => {
      const cur = await loadPromoCode(q, tenantId, id, true);
      if (!cur) return fail(ErrorCode.not_found, 'promo code not found');
      const next = transitionPromoCode(cur.state, action);
      if (!next.ok) return next;
      const moved = await movePromoCode(q, tenantId, id, cur.state, next.value);
      if (!moved) return fail(ErrorCode.conflict, 'the promo code changed meanwhile; try again');
      if (next.value === 'approved') {
        await recordEvents(q, [{ tenantId, type: 'promo_code.approved', payload: { promoCodeId: id, code: moved.code } }]);
      }
      await audit(q, tenantId, by, {
        action: `promo_code.${action}`,
        targetType: 'promo_code',
        targetId: id,
        details: { from: cur.state, to: next.value, ...(reason ? { reason } : {}) },
      });
      return ok(moved);
    });
  }

  return {
    create,
    update,
    act,
    get: (tenantId: number, id: number) => loadPromoCode(deps.db, tenantId, id),
    getByCode: (tenantId: number, code: string): Promise<PromoCode | null> => findPromoCode(deps.db, tenantId, code),
    list: (tenantId: number, f: PromoCodeFilter) => listPromoCodes(deps.db, tenantId, f),
  };
}

export type PromoCodeService = ReturnType<typeof promoCodeService>;
