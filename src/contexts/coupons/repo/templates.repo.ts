// coupon_templates: the only SQL of the templates' rows. Returns domain
// Templates; the stored words (state, discount/scope/validity types) are the
// domain's own names, checked here at the edge.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import { TEMPLATE_STATES, type TemplateState } from '../domain/template-state.ts';
import type { Template, TemplateSpec } from '../domain/template.ts';
import type { AudienceType } from '../domain/claim-rules.ts';

/** A template row as the schema has it (kept under this name for the modules that still read rows). */
export type TemplateRow = Row<'coupon_templates'>;

function stateOf(s: string): TemplateState {
  if (!(TEMPLATE_STATES as readonly string[]).includes(s)) throw new Error(`unknown template state "${s}" in coupon_templates`);
  return s as TemplateState;
}

export function toTemplate(r: TemplateRow): Template {
  const ids = (a: unknown[]) => (a ?? []).map(Number);
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    description: r.description,
    discount:
      r.discount_type === 'amount' ? { type: 'amount', amountOff: r.amount_off! } : { type: 'rate', rateBp: r.rate_bp!, maxOff: r.max_off },
    minSpend: r.min_spend,
    minQuantity: r.min_quantity,
    scope: r.scope_type === 'all' ? { type: 'all' } : { type: r.scope_type as 'categories' | 'goods', ids: ids(r.scope_ids) },
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
    audience: { userType: r.audience_user_type as AudienceType, sources: r.audience_sources ?? [] },
    stackable: r.stackable,
    state: stateOf(r.state),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A template row read through to_jsonb (timestamps become strings, bigints numbers or strings): back to a row. */
export function templateFromJson(t: TemplateRow): Template {
  const d = (v: unknown) => (v == null ? null : new Date(v as string));
  return toTemplate({
    ...t,
    valid_from: d(t.valid_from),
    valid_to: d(t.valid_to),
    claim_from: d(t.claim_from),
    claim_to: d(t.claim_to),
    created_at: d(t.created_at)!,
    updated_at: d(t.updated_at)!,
    amount_off: t.amount_off == null ? null : Number(t.amount_off),
    max_off: t.max_off == null ? null : Number(t.max_off),
    min_spend: Number(t.min_spend),
    price: Number(t.price),
    id: Number(t.id),
    tenant_id: Number(t.tenant_id),
  });
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
  const r = await q.query<TemplateRow>(`SELECT * FROM coupon_templates WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [
    tenantId,
    id,
  ]);
  return r.rows[0] ? toTemplate(r.rows[0]) : null;
}

/** A template by id alone (the coupon it belongs to was already found in the tenant). */
export async function templateById(q: Queryable, id: number): Promise<Template | null> {
  const r = await q.query<TemplateRow>('SELECT * FROM coupon_templates WHERE id = $1', [id]);
  return r.rows[0] ? toTemplate(r.rows[0]) : null;
}

/** A template with its tenant's time zone (relative validity is counted in local days). */
export async function templateWithZone(
  q: Queryable,
  tenantId: number,
  templateId: number,
): Promise<{ template: Template; timezone: string } | null> {
  const r = await q.query<TemplateRow & { timezone: string }>(
    `SELECT t.*, tn.timezone FROM coupon_templates t JOIN tenants tn ON tn.id = t.tenant_id WHERE t.tenant_id = $1 AND t.id = $2`,
    [tenantId, templateId],
  );
  const row = r.rows[0];
  return row ? { template: toTemplate(row), timezone: row.timezone } : null;
}

export async function approvalRequired(q: Queryable, tenantId: number): Promise<boolean> {
  const r = await q.query<{ approval_required: boolean }>('SELECT approval_required FROM tenants WHERE id = $1', [tenantId]);
  return r.rows[0]?.approval_required ?? true;
}

/** How many of these stores the tenant has. */
export async function countStores(q: Queryable, tenantId: number, storeIds: number[]): Promise<number> {
  const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM stores WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [
    tenantId,
    storeIds,
  ]);
  return r.rows[0]!.n;
}

export async function insertTemplate(
  q: Queryable,
  tenantId: number,
  spec: TemplateSpec,
  state: TemplateState,
  staffId: number | null,
): Promise<Template> {
  const cols = SPEC_COLUMNS.split(',').length;
  const placeholders = Array.from({ length: cols }, (_, i) => `$${i + 2}`).join(', ');
  const r = await q.query<TemplateRow>(
    `INSERT INTO coupon_templates (tenant_id, ${SPEC_COLUMNS}, state, created_by)
     VALUES ($1, ${placeholders}, $${cols + 2}, $${cols + 3}) RETURNING *`,
    [tenantId, ...specParams(spec), state, staffId],
  );
  return toTemplate(r.rows[0]!);
}

/** The digest is keyed by the template's id, so it is set once the row exists. */
export async function setClaimPasswordHash(q: Queryable, id: number, hash: string): Promise<Template> {
  const r = await q.query<TemplateRow>('UPDATE coupon_templates SET claim_password_hash = $2 WHERE id = $1 RETURNING *', [id, hash]);
  return toTemplate(r.rows[0]!);
}

export async function updateTemplateSpec(
  q: Queryable,
  tenantId: number,
  id: number,
  spec: TemplateSpec,
  passwordHash: string | null,
): Promise<Template> {
  const sets = SPEC_COLUMNS.split(',')
    .map((c, i) => `${c.trim()} = $${i + 3}`)
    .join(', ');
  const params = specParams(spec);
  const r = await q.query<TemplateRow>(
    `UPDATE coupon_templates SET ${sets}, claim_password_hash = $${params.length + 3}, updated_at = now()
     WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, id, ...params, passwordHash],
  );
  return toTemplate(r.rows[0]!);
}

export async function listTemplates(q: Queryable, tenantId: number, f: { state?: string; name?: string; limit: number; offset: number }) {
  const r = await q.query<TemplateRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM coupon_templates
     WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2) AND ($3::text IS NULL OR name ILIKE '%' || $3 || '%')
     ORDER BY id DESC LIMIT $4 OFFSET $5`,
    [tenantId, f.state ?? null, f.name ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toTemplate), total: r.rows[0]?.total ?? 0 };
}

/** Moves the state only from the state read (the caller holds the row lock; the WHERE makes sure). null: it changed meanwhile. */
export async function moveTemplateState(
  q: Queryable,
  tenantId: number,
  id: number,
  from: TemplateState,
  to: TemplateState,
): Promise<Template | null> {
  const r = await q.query<TemplateRow>(
    `UPDATE coupon_templates SET state = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = $3 RETURNING *`,
    [tenantId, id, from, to],
  );
  return r.rows[0] ? toTemplate(r.rows[0]) : null;
}

/** Takes `n` from the stock of an active template; false when not enough is left. */
export async function takeStock(q: Queryable, t: Pick<Template, 'tenantId' | 'id'>, n: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE coupon_templates SET issued = issued + $3
     WHERE tenant_id = $1 AND id = $2 AND state = 'active' AND (stock IS NULL OR issued + $3 <= stock)`,
    [t.tenantId, t.id, n],
  );
  return r.rowCount === 1;
}

/**
 * Takes a code batch's count from a template's stock (any state but ended or
 * voided). On refusal, what the template is: missing, finished, or the stock left.
 */
export async function takeBatchStock(
  q: Queryable,
  tenantId: number,
  templateId: number,
  count: number,
): Promise<{ taken: true } | { taken: false; found: null | { state: string; left: number | null } }> {
  const t = await q.query<{ state: string }>(
    `UPDATE coupon_templates SET issued = issued + $3
     WHERE tenant_id = $1 AND id = $2 AND state NOT IN ('ended', 'voided') AND (stock IS NULL OR issued + $3 <= stock)
     RETURNING state`,
    [tenantId, templateId, count],
  );
  if (t.rows[0]) return { taken: true };
  const exists = await q.query<{ state: string; left: number | null }>(
    'SELECT state, stock - issued AS left FROM coupon_templates WHERE tenant_id = $1 AND id = $2',
    [tenantId, templateId],
  );
  return { taken: false, found: exists.rows[0] ?? null };
}

/** The validity window a batch's codes are written with. */
export async function templateWindow(q: Queryable, templateId: number): Promise<{ validFrom: Date | null; validTo: Date | null }> {
  const tv = await q.query<{ valid_from: Date | null; valid_to: Date | null }>(
    'SELECT valid_from, valid_to FROM coupon_templates WHERE id = $1',
    [templateId],
  );
  const { valid_from: validFrom, valid_to: validTo } = tv.rows[0]!;
  return { validFrom, validTo };
}

export interface TemplateUse {
  claimedBySource: Record<string, number>;
  redeemed: number;
  rolledBack: number;
  discountGiven: number;
}

/** Claimed coupons by channel, and what the template's coupons did at the till. */
export async function templateUse(q: Queryable, templateId: number): Promise<TemplateUse> {
  const bySource = await q.query<{ source: string; n: number }>(
    `SELECT source, count(*)::int AS n FROM coupons WHERE template_id = $1 AND owner_id IS NOT NULL GROUP BY source`,
    [templateId],
  );
  const used = await q.query<{ redeemed: number; rolled_back: number; discount: number }>(
    `SELECT count(*) FILTER (WHERE r.status = 'done')::int AS redeemed,
            count(*) FILTER (WHERE r.status = 'rolled_back')::int AS rolled_back,
            COALESCE(sum(ri.discount) FILTER (WHERE r.status = 'done'), 0)::bigint AS discount
     FROM redemption_items ri JOIN redemptions r ON r.id = ri.redemption_id
     JOIN coupons c ON c.id = ri.coupon_id WHERE c.template_id = $1`,
    [templateId],
  );
  const u = used.rows[0]!;
  return {
    claimedBySource: Object.fromEntries(bySource.rows.map((r) => [r.source, r.n])),
    redeemed: u.redeemed,
    rolledBack: u.rolled_back,
    discountGiven: Number(u.discount),
  };
}

/**
 * Active templates whose claim window is open and stock not gone; with a
 * user, without those whose per-person limit the user has reached.
 */
export async function claimableTemplates(
  q: Queryable,
  tenantId: number,
  at: Date,
  userId: number | null,
  f: { ids?: number[]; refId?: number },
): Promise<Template[]> {
  const r = await q.query<TemplateRow>(
    `SELECT t.* FROM coupon_templates t
     WHERE t.tenant_id = $1 AND t.state = 'active'
       AND (t.claim_from IS NULL OR t.claim_from <= $2) AND (t.claim_to IS NULL OR t.claim_to >= $2)
       AND (t.stock IS NULL OR t.issued < t.stock)
       AND (t.validity_type <> 'fixed' OR t.valid_to >= $2)
       AND ($3::bigint[] IS NULL OR t.id = ANY($3))
       AND ($4::bigint IS NULL OR t.scope_type = 'all' OR $4 = ANY(t.scope_ids))
       AND ($5::bigint IS NULL OR t.per_user_limit IS NULL OR NOT EXISTS (
             SELECT 1 FROM template_user_claims c WHERE c.template_id = t.id AND c.user_id = $5 AND c.claimed >= t.per_user_limit))
     ORDER BY t.id DESC LIMIT 200`,
    [tenantId, at, f.ids?.length ? f.ids : null, f.refId ?? null, userId],
  );
  return r.rows.map(toTemplate);
}

/** The active templates that have a 口令 (id and digest only). */
export async function passwordTemplates(q: Queryable, tenantId: number): Promise<Array<{ id: number; claimPasswordHash: string }>> {
  const r = await q.query<{ id: number; claim_password_hash: string }>(
    `SELECT id, claim_password_hash FROM coupon_templates WHERE tenant_id = $1 AND state = 'active' AND claim_password_hash IS NOT NULL`,
    [tenantId],
  );
  return r.rows.map((t) => ({ id: t.id, claimPasswordHash: t.claim_password_hash }));
}
