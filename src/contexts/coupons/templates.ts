// Coupon templates: the merchant's rule, its stock and its state machine.
// Who may take which state move is the permission table's (identity); the
// use-case enforces it, the dialects only translate the refusal.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import { APPROVAL_TABLE, roleMay, type TemplatePermission } from '../identity/index.ts';
import { claimPasswordDigest, parseTemplate, type Template, type TemplateInput, type TemplateSpec } from './domain/template.ts';
import { canEditTemplate, TEMPLATE_ACTIONS, transitionTemplate, type TemplateAction, type TemplateState } from './domain/template-state.ts';
import type { TemplateCode } from './errors.ts';
import * as repo from './repo/templates.repo.ts';
import { voidIssuedIn } from './repo/coupons.repo.ts';

// Kept for the modules that still read template rows themselves (redemptions, orders).
export { loadTemplate, toTemplate, type TemplateRow } from './repo/templates.repo.ts';
export { claimPasswordDigest, ruleOf, type Template } from './domain/template.ts';

export interface TemplateStats {
  templateId: number;
  stock: number | null;
  issued: number;
  left: number | null;
  claimedByChannel: Record<string, number>;
  redeemed: number;
  rolledBack: number;
  discountGiven: number;
}

const staffIdOf = (by: Principal) => (by.kind === 'staff' ? by.staffId : null);
const notFound = () => fail(ErrorCode.not_found, 'coupon template not found');

/** Commerce's answer (wired by compose.ts): the ids among `ids` that are not this tenant's goods / categories. */
export type CatalogueRefs = (q: Queryable, tenantId: number, kind: 'goods' | 'categories', ids: number[]) => Promise<number[]>;

/** A scope names only the tenant's own goods or categories; another tenant's id is refused like an unknown one. */
async function checkScope(
  q: Queryable,
  tenantId: number,
  spec: TemplateSpec,
  catalogue: CatalogueRefs,
): Promise<Result<void, 'invalid_input'>> {
  if (spec.scope.type === 'all') return ok(undefined);
  const missing = await catalogue(q, tenantId, spec.scope.type, spec.scope.ids);
  if (!missing.length) return ok(undefined);
  const what = spec.scope.type === 'goods' ? 'goods' : 'category';
  return fail(ErrorCode.invalid_input, `scope.ids: no ${what} ${missing.join(', ')} in this tenant`, { field: 'scope.ids', ids: missing });
}

async function checkStores(q: Queryable, tenantId: number, storeIds: number[]): Promise<Result<void, 'invalid_input'>> {
  if (!storeIds.length) return ok(undefined);
  if ((await repo.countStores(q, tenantId, storeIds)) !== new Set(storeIds).size) {
    return fail(ErrorCode.invalid_input, 'storeIds: names a store this tenant does not have', { field: 'storeIds' });
  }
  return ok(undefined);
}

/** The permission table's answer for a state move; the roles are named without the platform's own. */
function mayAct(by: Principal, action: TemplateAction): Result<void, 'forbidden'> {
  if (!(TEMPLATE_ACTIONS as readonly string[]).includes(action)) return ok(undefined); // refused by the state machine
  const permission: TemplatePermission = `template.${action}`;
  if (roleMay(by.role, permission)) return ok(undefined);
  const roles = APPROVAL_TABLE[permission].filter((r) => r !== 'platform_admin');
  return fail(ErrorCode.forbidden, `${action} needs one of the roles: ${roles.join(', ')}`);
}

/** The references a template stores, all checked to be the tenant's (stores, scoped goods or categories). */
async function checkRefs(
  q: Queryable,
  tenantId: number,
  spec: TemplateSpec,
  catalogue: CatalogueRefs,
): Promise<Result<void, 'invalid_input'>> {
  const stores = await checkStores(q, tenantId, spec.storeIds);
  return stores.ok ? checkScope(q, tenantId, spec, catalogue) : stores;
}

async function insert(
  q: Queryable,
  tenantId: number,
  spec: TemplateSpec,
  activate: boolean,
  by: Principal,
  catalogue: CatalogueRefs,
): Promise<Result<Template, TemplateCode>> {
  const refs = await checkRefs(q, tenantId, spec, catalogue);
  if (!refs.ok) return refs;
  let state: TemplateState = 'draft';
  if (activate) {
    if (await repo.approvalRequired(q, tenantId)) {
      return fail(ErrorCode.invalid_state, 'this tenant requires approval: create the template, then submit it for approval');
    }
    state = 'active';
  }
  let t = await repo.insertTemplate(q, tenantId, spec, state, staffIdOf(by));
  if (spec.claimPassword) t = await repo.setClaimPasswordHash(q, t.id, claimPasswordDigest(t.id, spec.claimPassword));
  await audit(q, tenantId, by, { action: 'template.create', targetType: 'coupon_template', targetId: t.id, details: { state } });
  return ok(t);
}

/** One state move, from the state read under the row lock; voiding withdraws the template's unused coupons too. */
async function move(
  q: Queryable,
  tenantId: number,
  id: number,
  action: TemplateAction,
  by: Principal,
  reason?: string,
): Promise<Result<Template, TemplateCode>> {
  const current = await repo.loadTemplate(q, tenantId, id, true);
  if (!current) return notFound();
  const next = transitionTemplate(current.state, action, { approvalRequired: await repo.approvalRequired(q, tenantId) });
  if (!next.ok) return next;
  const moved = await repo.moveTemplateState(q, tenantId, id, current.state, next.value);
  if (!moved) return fail(ErrorCode.conflict, 'the template changed meanwhile; try again');
  // Voiding a campaign withdraws it: every coupon of it not yet used is voided too,
  // in the same statement that records why (ended templates keep their coupons usable).
  const voidedCoupons =
    next.value === 'voided'
      ? (await voidIssuedIn(q, tenantId, { templateId: id }, { kind: 'template_voided', staffId: staffIdOf(by) })).length
      : 0;
  await audit(q, tenantId, by, {
    action: `template.${action}`,
    targetType: 'coupon_template',
    targetId: id,
    details: { from: current.state, to: next.value, ...(reason ? { reason } : {}), ...(next.value === 'voided' ? { voidedCoupons } : {}) },
  });
  return ok(moved);
}

export function templateService(deps: Deps, catalogue: CatalogueRefs) {
  async function create(
    tenantId: number,
    input: TemplateInput & { activate?: boolean },
    by: Principal,
  ): Promise<Result<Template, TemplateCode>> {
    const spec = parseTemplate(input);
    if (!spec.ok) return spec;
    return deps.db.txResult((q) => insert(q, tenantId, spec.value, !!input.activate, by, catalogue));
  }

  async function update(tenantId: number, id: number, input: TemplateInput, by: Principal): Promise<Result<Template, TemplateCode>> {
    return deps.db.txResult(async (q) => {
      const current = await repo.loadTemplate(q, tenantId, id, true);
      if (!current) return notFound();
      if (!canEditTemplate(current.state)) {
        return fail(ErrorCode.invalid_state, `a template in state ${current.state} cannot be changed; only draft or pending ones can`);
      }
      const spec = parseTemplate(input, { ...current, claimPassword: null });
      if (!spec.ok) return spec;
      const refs = await checkRefs(q, tenantId, spec.value, catalogue);
      if (!refs.ok) return refs;
      const pw =
        input.claimPassword === undefined
          ? current.claimPasswordHash
          : input.claimPassword
            ? claimPasswordDigest(id, input.claimPassword)
            : null;
      const t = await repo.updateTemplateSpec(q, tenantId, id, spec.value, pw);
      await audit(q, tenantId, by, {
        action: 'template.update',
        targetType: 'coupon_template',
        targetId: id,
        details: { fields: Object.keys(input) },
      });
      return ok(t);
    });
  }

  async function act(
    tenantId: number,
    id: number,
    action: TemplateAction,
    by: Principal,
    reason?: string,
  ): Promise<Result<Template, TemplateCode>> {
    const may = mayAct(by, action);
    if (!may.ok) return may;
    return deps.db.txResult((q) => move(q, tenantId, id, action, by, reason));
  }

  async function stats(tenantId: number, id: number): Promise<Result<TemplateStats, 'not_found'>> {
    const t = await repo.loadTemplate(deps.db, tenantId, id);
    if (!t) return notFound();
    const u = await repo.templateUse(deps.db, id);
    return ok({
      templateId: id,
      stock: t.stock,
      issued: t.issued,
      left: t.stock === null ? null : t.stock - t.issued,
      claimedByChannel: u.claimedBySource,
      redeemed: u.redeemed,
      rolledBack: u.rolledBack,
      discountGiven: u.discountGiven,
    });
  }

  return {
    create,
    update,
    get: (tenantId: number, id: number): Promise<Template | null> => repo.loadTemplate(deps.db, tenantId, id),
    list: (tenantId: number, f: { state?: string; name?: string; limit: number; offset: number }) =>
      repo.listTemplates(deps.db, tenantId, f),
    act,
    stats,
  };
}

export type TemplateService = ReturnType<typeof templateService>;
