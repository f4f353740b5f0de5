// Coupon templates: the merchant's rule, its stock and its state machine.
import crypto from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { parseTemplate, type TemplateInput, type TemplateSpec } from './domain/template.ts';
import { canEditTemplate, transitionTemplate, type TemplateAction, type TemplateState } from './domain/template-state.ts';
import type { CouponRule } from './domain/rules/types.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';

export interface Template extends Omit<TemplateSpec, 'claimPassword'> {
  id: number;
  tenantId: number;
  state: TemplateState;
  issued: number;
  hasClaimPassword: boolean;
  claimPasswordHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TemplateRow {
  id: number;
  tenant_id: number;
  name: string;
  description: string | null;
  discount_type: 'amount' | 'rate';
  amount_off: number | null;
  rate_bp: number | null;
  max_off: number | null;
  min_spend: number;
  min_quantity: number | null;
  scope_type: 'all' | 'categories' | 'goods';
  scope_ids: number[];
  store_ids: number[];
  validity_type: 'fixed' | 'relative';
  valid_from: Date | null;
  valid_to: Date | null;
  valid_days: number | null;
  start_after_days: number;
  claim_from: Date | null;
  claim_to: Date | null;
  stock: number | null;
  issued: number;
  per_user_limit: number | null;
  claim_cost_points: number;
  price: number;
  claim_password_hash: string | null;
  required_sign_in_days: number;
  audience_user_type: 'any' | 'new' | 'no_purchase';
  audience_sources: string[];
  stackable: boolean;
  state: TemplateState;
  created_at: Date;
  updated_at: Date;
}

export function toTemplate(r: TemplateRow): Template {
  const ids = (a: unknown[]) => (a ?? []).map(Number);
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    description: r.description,
    discount:
      r.discount_type === 'amount'
        ? { type: 'amount', amountOff: r.amount_off! }
        : { type: 'rate', rateBp: r.rate_bp!, maxOff: r.max_off },
    minSpend: r.min_spend,
    minQuantity: r.min_quantity,
    scope: r.scope_type === 'all' ? { type: 'all' } : { type: r.scope_type, ids: ids(r.scope_ids) },
    storeIds: ids(r.store_ids),
    validity:
      r.validity_type === 'fixed'
        ? { type: 'fixed', from: r.valid_from!, to: r.valid_to! }
        : { type: 'relative', days: r.valid_days!, startAfterDays: r.start_after_days },
    claimFrom: r.claim_from,
    claimTo: r.claim_to,
    stock: r.stock,
    issued: r.issued,
    perUserLimit: r.per_user_limit,
    claimCostPoints: r.claim_cost_points,
    price: r.price,
    hasClaimPassword: r.claim_password_hash !== null,
    claimPasswordHash: r.claim_password_hash,
    requiredSignInDays: r.required_sign_in_days,
    audience: { userType: r.audience_user_type, sources: r.audience_sources ?? [] },
    stackable: r.stackable,
    state: r.state,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The pricing rule of a template, as the pure pricing function takes it. */
export function ruleOf(t: Pick<Template, 'discount' | 'minSpend' | 'minQuantity' | 'scope' | 'storeIds' | 'stackable'>): CouponRule {
  return { discount: t.discount, minSpend: t.minSpend, minQuantity: t.minQuantity, scope: t.scope, storeIds: t.storeIds, stackable: t.stackable };
}

/** A claim password (口令) is a shared phrase, not a personal secret: a keyed digest suffices. */
export function claimPasswordDigest(templateId: number | string, password: string): string {
  return crypto.createHash('sha256').update(`quan-claim:${templateId}:${password}`).digest('hex');
}

function specParams(s: TemplateSpec) {
  return [
    s.name,
    s.description,
    s.discount.type,
    s.discount.type === 'amount' ? s.discount.amountOff : null,
    s.discount.type === 'rate' ? s.discount.rateBp : null,
    s.discount.type === 'rate' ? s.discount.maxOff : null,
    s.minSpend,
    s.minQuantity,
    s.scope.type,
    s.scope.type === 'all' ? [] : s.scope.ids,
    s.storeIds,
    s.validity.type,
    s.validity.type === 'fixed' ? s.validity.from : null,
    s.validity.type === 'fixed' ? s.validity.to : null,
    s.validity.type === 'relative' ? s.validity.days : null,
    s.validity.type === 'relative' ? s.validity.startAfterDays : 0,
    s.claimFrom,
    s.claimTo,
    s.stock,
    s.perUserLimit,
    s.claimCostPoints,
    s.price,
    s.requiredSignInDays,
    s.audience.userType,
    s.audience.sources,
    s.stackable,
  ];
}

const SPEC_COLUMNS = `name, description, discount_type, amount_off, rate_bp, max_off, min_spend, min_quantity,
  scope_type, scope_ids, store_ids, validity_type, valid_from, valid_to, valid_days, start_after_days,
  claim_from, claim_to, stock, per_user_limit, claim_cost_points, price, required_sign_in_days,
  audience_user_type, audience_sources, stackable`;

export async function loadTemplate(q: Queryable, tenantId: number, id: number, lock = false): Promise<Template | null> {
  const r = await q.query<TemplateRow>(
    `SELECT * FROM coupon_templates WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  return r.rows[0] ? toTemplate(r.rows[0]) : null;
}

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

export function templateService(deps: Deps) {
  async function approvalRequired(q: Queryable, tenantId: number): Promise<boolean> {
    const r = await q.query<{ approval_required: boolean }>('SELECT approval_required FROM tenants WHERE id = $1', [tenantId]);
    return r.rows[0]?.approval_required ?? true;
  }

  return {
    async create(tenantId: number, input: TemplateInput & { activate?: boolean }, by: Principal): Promise<Result<Template>> {
      const spec = parseTemplate(input);
      if (!spec.ok) return spec;
      return deps.db.tx(async (q) => {
        const storeCheck = await checkStores(q, tenantId, spec.value.storeIds);
        if (!storeCheck.ok) return storeCheck;
        let state: TemplateState = 'draft';
        if (input.activate) {
          if (await approvalRequired(q, tenantId)) {
            return fail(ErrorCode.invalid_state, 'this tenant requires approval: create the template, then submit it for approval');
          }
          state = 'active';
        }
        const cols = SPEC_COLUMNS.split(',').length;
        const placeholders = Array.from({ length: cols }, (_, i) => `$${i + 2}`).join(', ');
        const r = await q.query<TemplateRow>(
          `INSERT INTO coupon_templates (tenant_id, ${SPEC_COLUMNS}, state, created_by)
           VALUES ($1, ${placeholders}, $${cols + 2}, $${cols + 3}) RETURNING *`,
          [tenantId, ...specParams(spec.value), state, by.kind === 'staff' ? by.staffId : null],
        );
        let row = r.rows[0]!;
        if (spec.value.claimPassword) {
          row = (
            await q.query<TemplateRow>('UPDATE coupon_templates SET claim_password_hash = $2 WHERE id = $1 RETURNING *', [
              row.id,
              claimPasswordDigest(row.id, spec.value.claimPassword),
            ])
          ).rows[0]!;
        }
        await audit(q, tenantId, by, { action: 'template.create', targetType: 'coupon_template', targetId: row.id, details: { state } });
        return ok(toTemplate(row));
      });
    },

    async update(tenantId: number, id: number, input: TemplateInput, by: Principal): Promise<Result<Template>> {
      return deps.db.tx(async (q) => {
        const current = await loadTemplate(q, tenantId, id, true);
        if (!current) return fail(ErrorCode.not_found, 'coupon template not found');
        if (!canEditTemplate(current.state)) {
          return fail(ErrorCode.invalid_state, `a template in state ${current.state} cannot be changed; only draft or pending ones can`);
        }
        const spec = parseTemplate(input, { ...current, claimPassword: null });
        if (!spec.ok) return spec;
        const storeCheck = await checkStores(q, tenantId, spec.value.storeIds);
        if (!storeCheck.ok) return storeCheck;
        const sets = SPEC_COLUMNS.split(',').map((c, i) => `${c.trim()} = $${i + 3}`).join(', ');
        const params = specParams(spec.value);
        const pw =
          input.claimPassword === undefined ? current.claimPasswordHash : input.claimPassword ? claimPasswordDigest(id, input.claimPassword) : null;
        const r = await q.query<TemplateRow>(
          `UPDATE coupon_templates SET ${sets}, claim_password_hash = $${params.length + 3}, updated_at = now()
           WHERE tenant_id = $1 AND id = $2 RETURNING *`,
          [tenantId, id, ...params, pw],
        );
        await audit(q, tenantId, by, { action: 'template.update', targetType: 'coupon_template', targetId: id, details: { fields: Object.keys(input) } });
        return ok(toTemplate(r.rows[0]!));
      });
    },

    async get(tenantId: number, id: number): Promise<Template | null> {
      return loadTemplate(deps.db, tenantId, id);
    },

    async list(tenantId: number, f: { state?: string; name?: string; limit: number; offset: number }) {
      const r = await deps.db.query<TemplateRow & { total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM coupon_templates
         WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%')
         ORDER BY id DESC LIMIT $4 OFFSET $5`,
        [tenantId, f.state ?? null, f.name ?? null, f.limit, f.offset],
      );
      return { items: r.rows.map(toTemplate), total: r.rows[0]?.total ?? 0 };
    },

    async act(tenantId: number, id: number, action: TemplateAction, by: Principal, reason?: string): Promise<Result<Template>> {
      return deps.db.tx(async (q) => {
        const current = await loadTemplate(q, tenantId, id, true);
        if (!current) return fail(ErrorCode.not_found, 'coupon template not found');
        const next = transitionTemplate(current.state, action, { approvalRequired: await approvalRequired(q, tenantId) });
        if (!next.ok) return next;
        // The state moves only from the state we read (the row is locked, the WHERE makes sure).
        const r = await q.query<TemplateRow>(
          `UPDATE coupon_templates SET state = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = $3 RETURNING *`,
          [tenantId, id, current.state, next.value],
        );
        if (!r.rows[0]) return fail(ErrorCode.conflict, 'the template changed meanwhile; try again');
        let voidedCoupons = 0;
        if (next.value === 'voided') {
          // Voiding a campaign withdraws it: every coupon of it not yet used is voided too,
          // in the same statement that records why (ended templates keep their coupons usable).
          const v = await q.query<{ n: number }>(
            `WITH v AS (UPDATE coupons SET status = 'voided' WHERE tenant_id = $1 AND template_id = $2 AND status = 'issued' RETURNING id, owner_id),
                  e AS (INSERT INTO coupon_events (tenant_id, coupon_id, kind, from_user, staff_id, details)
                        SELECT $1, v.id, 'voided', v.owner_id, $3, $4 FROM v WHERE v.owner_id IS NOT NULL)
             SELECT count(*)::int AS n FROM v`,
            [tenantId, id, by.kind === 'staff' ? by.staffId : null, JSON.stringify({ reason: 'template voided' })],
          );
          voidedCoupons = v.rows[0]?.n ?? 0;
        }
        await audit(q, tenantId, by, {
          action: `template.${action}`,
          targetType: 'coupon_template',
          targetId: id,
          details: { from: current.state, to: next.value, ...(reason ? { reason } : {}), ...(next.value === 'voided' ? { voidedCoupons } : {}) },
        });
        return ok(toTemplate(r.rows[0]));
      });
    },

    async stats(tenantId: number, id: number): Promise<Result<TemplateStats>> {
      const t = await loadTemplate(deps.db, tenantId, id);
      if (!t) return fail(ErrorCode.not_found, 'coupon template not found');
      const bySource = await deps.db.query<{ source: string; n: number }>(
        `SELECT source, count(*)::int AS n FROM coupons WHERE template_id = $1 AND owner_id IS NOT NULL GROUP BY source`,
        [id],
      );
      const used = await deps.db.query<{ redeemed: number; rolled_back: number; discount: number }>(
        `SELECT count(*) FILTER (WHERE r.status = 'done')::int AS redeemed,
                count(*) FILTER (WHERE r.status = 'rolled_back')::int AS rolled_back,
                COALESCE(sum(ri.discount) FILTER (WHERE r.status = 'done'), 0)::bigint AS discount
         FROM redemption_items ri JOIN redemptions r ON r.id = ri.redemption_id
         JOIN coupons c ON c.id = ri.coupon_id WHERE c.template_id = $1`,
        [id],
      );
      const u = used.rows[0]!;
      return ok({
        templateId: id,
        stock: t.stock,
        issued: t.issued,
        left: t.stock === null ? null : t.stock - t.issued,
        claimedByChannel: Object.fromEntries(bySource.rows.map((r) => [r.source, r.n])),
        redeemed: u.redeemed,
        rolledBack: u.rolled_back,
        discountGiven: Number(u.discount),
      });
    },
  };
}

async function checkStores(q: Queryable, tenantId: number, storeIds: number[]): Promise<Result<void>> {
  if (!storeIds.length) return ok(undefined);
  const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM stores WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [
    tenantId,
    storeIds,
  ]);
  if (r.rows[0]!.n !== new Set(storeIds).size) return fail(ErrorCode.invalid_input, 'storeIds: names a store this tenant does not have', { field: 'storeIds' });
  return ok(undefined);
}

export type TemplateService = ReturnType<typeof templateService>;
