// A coupon template as the merchant writes it (decimal strings, ISO times)
// → a checked specification in fen and Dates. Every field rule lives here so
// the native API, the console and every dialect refuse the same things.
import { createHash } from 'node:crypto';
import { parseMoney, parseRate, type Fen } from '../../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

import { AUDIENCE_TYPES, type AudienceType } from './claim-rules.ts';
import type { CouponRule, Discount, Scope } from './rules/types.ts';
import type { TemplateState } from './template-state.ts';

export type { AudienceType, Discount, Scope };
export type Validity = { type: 'fixed'; from: Date; to: Date } | { type: 'relative'; days: number; startAfterDays: number };

export interface TemplateSpec {
  name: string;
  description: string | null;
  discount: Discount;
  minSpend: Fen;
  minQuantity: number | null;
  scope: Scope;
  storeIds: number[];
  validity: Validity;
  claimFrom: Date | null;
  claimTo: Date | null;
  stock: number | null;
  perUserLimit: number | null;
  claimCostPoints: number;
  price: Fen;
  /** The 口令 in clear as typed by the merchant; the service stores only its digest. */
  claimPassword: string | null;
  requiredSignInDays: number;
  audience: { userType: AudienceType; sources: string[] };
  stackable: boolean;
}

/** The body of POST/PATCH /coupon-templates (all optional for PATCH). */
export interface TemplateInput {
  name?: string;
  description?: string | null;
  discount?: { type: 'amount'; amount: string } | { type: 'rate'; rate: string; maxOff?: string | null };
  minSpend?: string;
  minQuantity?: number | null;
  scope?: { type: 'all' } | { type: 'categories'; ids: number[] } | { type: 'goods'; ids: number[] };
  storeIds?: number[];
  validity?: { type: 'fixed'; from: string; to: string } | { type: 'relative'; days: number; startAfterDays?: number };
  claimFrom?: string | null;
  claimTo?: string | null;
  stock?: number | null;
  perUserLimit?: number | null;
  claimCostPoints?: number;
  price?: string;
  claimPassword?: string | null;
  requiredSignInDays?: number;
  audience?: { userType: AudienceType; sources?: string[] };
  stackable?: boolean;
}

/** A stored template: its checked rule plus stock, state and the digest of its 口令. */
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

/** The pricing rule of a template, as the pure pricing function takes it. */
export function ruleOf(t: Pick<Template, 'discount' | 'minSpend' | 'minQuantity' | 'scope' | 'storeIds' | 'stackable'>): CouponRule {
  return {
    discount: t.discount,
    minSpend: t.minSpend,
    minQuantity: t.minQuantity,
    scope: t.scope,
    storeIds: t.storeIds,
    stackable: t.stackable,
  };
}

/** A claim password (口令) is a shared phrase, not a personal secret: a keyed digest suffices. */
export function claimPasswordDigest(templateId: number | string, password: string): string {
  return createHash('sha256').update(`quan-claim:${templateId}:${password}`).digest('hex');
}

type Parsed<T> = Result<T, 'invalid_input'>;

const bad = (field: string, message: string) => fail(ErrorCode.invalid_input, `${field}: ${message}`, { field });

function parseTime(field: string, s: string | null | undefined): Parsed<Date | null> {
  if (s === null || s === undefined || s === '') return ok(null);
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return bad(field, `"${s}" is not an ISO-8601 time`);
  return ok(d);
}

function money(field: string, s: string | undefined, def: Fen): Parsed<Fen> {
  if (s === undefined) return ok(def);
  const v = parseMoney(s);
  return v === null ? bad(field, `"${s}" is not an amount like "10.00"`) : ok(v);
}

/** The value a PATCH gives, else the base's, else the default. */
const pick = <T>(given: T | undefined, base: T | undefined, def: T): T => (given !== undefined ? given : base !== undefined ? base : def);

function parseName(input: TemplateInput, base?: TemplateSpec): Parsed<string> {
  const name = input.name ?? base?.name;
  if (!name?.trim()) return bad('name', 'is required');
  if (name.length > 100) return bad('name', 'at most 100 characters');
  return ok(name.trim());
}

function parseDiscount(input: TemplateInput, base?: TemplateSpec): Parsed<Discount> {
  const d = input.discount;
  if (d === undefined) return base ? ok(base.discount) : bad('discount', 'is required');
  if (d.type === 'amount') {
    const a = parseMoney(d.amount);
    if (a === null || a <= 0) return bad('discount.amount', 'must be an amount above 0, like "10.00"');
    return ok({ type: 'amount', amountOff: a });
  }
  if (d.type === 'rate') {
    const r = parseRate(d.rate);
    if (r === null) return bad('discount.rate', 'must be a fraction paid between 0 and 1, like "0.88"');
    let maxOff: Fen | null = null;
    if (d.maxOff != null && d.maxOff !== '') {
      maxOff = parseMoney(d.maxOff);
      if (maxOff === null || maxOff <= 0) return bad('discount.maxOff', 'must be an amount above 0');
    }
    return ok({ type: 'rate', rateBp: r, maxOff });
  }
  return bad('discount.type', 'must be "amount" or "rate"');
}

function parseThresholds(
  input: TemplateInput,
  discount: Discount,
  base?: TemplateSpec,
): Parsed<{ minSpend: Fen; minQuantity: number | null }> {
  const minSpend = money('minSpend', input.minSpend, base?.minSpend ?? 0);
  if (!minSpend.ok) return minSpend;
  if (discount.type === 'amount' && minSpend.value > 0 && discount.amountOff > minSpend.value) {
    return bad('discount.amount', 'must not exceed minSpend (the threshold it applies to)');
  }
  const minQuantity = pick(input.minQuantity, base?.minQuantity, null);
  if (minQuantity !== null && (!Number.isInteger(minQuantity) || minQuantity < 1)) return bad('minQuantity', 'must be a whole number ≥ 1');
  return ok({ minSpend: minSpend.value, minQuantity });
}

function parseScope(input: TemplateInput, base?: TemplateSpec): Parsed<{ scope: Scope; storeIds: number[] }> {
  const scope = input.scope ?? base?.scope ?? { type: 'all' };
  if (scope.type !== 'all') {
    if (!Array.isArray(scope.ids) || scope.ids.length === 0) return bad('scope.ids', 'must name at least one id');
    if (!scope.ids.every((i) => Number.isInteger(i) && i > 0)) return bad('scope.ids', 'must be positive whole numbers');
  }
  const storeIds = input.storeIds ?? base?.storeIds ?? [];
  if (!storeIds.every((i) => Number.isInteger(i) && i > 0)) return bad('storeIds', 'must be positive whole numbers');
  return ok({ scope, storeIds });
}

function parseValidity(input: TemplateInput, base?: TemplateSpec): Parsed<Validity> {
  const v = input.validity;
  if (v === undefined) return base ? ok(base.validity) : bad('validity', 'is required');
  if (v.type === 'fixed') {
    const from = parseTime('validity.from', v.from);
    const to = parseTime('validity.to', v.to);
    if (!from.ok) return from;
    if (!to.ok) return to;
    if (!from.value || !to.value) return bad('validity', 'fixed validity needs from and to');
    if (from.value >= to.value) return bad('validity.to', 'must be after validity.from');
    return ok({ type: 'fixed', from: from.value, to: to.value });
  }
  if (v.type === 'relative') {
    const { days, startAfterDays = 0 } = v;
    if (!Number.isInteger(days) || days < 1 || days > 3650) return bad('validity.days', 'must be a whole number of days, 1-3650');
    if (!Number.isInteger(startAfterDays) || startAfterDays < 0 || startAfterDays > 365) {
      return bad('validity.startAfterDays', 'must be a whole number of days, 0-365');
    }
    return ok({ type: 'relative', days, startAfterDays });
  }
  return bad('validity.type', 'must be "fixed" or "relative"');
}

function parseClaimWindow(
  input: TemplateInput,
  validity: Validity,
  base?: TemplateSpec,
): Parsed<{ claimFrom: Date | null; claimTo: Date | null }> {
  const claimFrom = input.claimFrom !== undefined ? parseTime('claimFrom', input.claimFrom) : ok(base?.claimFrom ?? null);
  const claimTo = input.claimTo !== undefined ? parseTime('claimTo', input.claimTo) : ok(base?.claimTo ?? null);
  if (!claimFrom.ok) return claimFrom;
  if (!claimTo.ok) return claimTo;
  if (claimFrom.value && claimTo.value && claimFrom.value >= claimTo.value) return bad('claimTo', 'must be after claimFrom');
  if (validity.type === 'fixed' && claimFrom.value && claimFrom.value >= validity.to) {
    return bad('claimFrom', 'must be before the coupons expire (validity.to)');
  }
  return ok({ claimFrom: claimFrom.value, claimTo: claimTo.value });
}

function parseLimits(input: TemplateInput, base?: TemplateSpec): Parsed<{ stock: number | null; perUserLimit: number | null }> {
  const stock = pick(input.stock, base?.stock, null);
  if (stock !== null && (!Number.isInteger(stock) || stock < 0 || stock > 100_000_000))
    return bad('stock', 'must be a whole number 0-100000000, or null for unlimited');
  const perUserLimit = pick(input.perUserLimit, base?.perUserLimit, null);
  if (perUserLimit !== null && (!Number.isInteger(perUserLimit) || perUserLimit < 1))
    return bad('perUserLimit', 'must be a whole number ≥ 1, or null');
  return ok({ stock, perUserLimit });
}

type ClaimCosts = Pick<TemplateSpec, 'claimCostPoints' | 'price' | 'claimPassword' | 'requiredSignInDays'>;

function parseClaimCosts(input: TemplateInput, base?: TemplateSpec): Parsed<ClaimCosts> {
  const claimCostPoints = input.claimCostPoints ?? base?.claimCostPoints ?? 0;
  if (!Number.isInteger(claimCostPoints) || claimCostPoints < 0) return bad('claimCostPoints', 'must be a whole number ≥ 0');
  const price = money('price', input.price, base?.price ?? 0);
  if (!price.ok) return price;
  const claimPassword = input.claimPassword !== undefined ? input.claimPassword || null : (base?.claimPassword ?? null);
  if (claimPassword !== null && (claimPassword.length < 1 || claimPassword.length > 64)) return bad('claimPassword', '1-64 characters');
  const requiredSignInDays = input.requiredSignInDays ?? base?.requiredSignInDays ?? 0;
  if (!Number.isInteger(requiredSignInDays) || requiredSignInDays < 0 || requiredSignInDays > 365) {
    return bad('requiredSignInDays', 'must be a whole number 0-365');
  }
  return ok({ claimCostPoints, price: price.value, claimPassword, requiredSignInDays });
}

function parseAudience(input: TemplateInput, base?: TemplateSpec): Parsed<TemplateSpec['audience']> {
  const audience = input.audience
    ? { userType: input.audience.userType, sources: input.audience.sources ?? [] }
    : (base?.audience ?? { userType: 'any' as const, sources: [] });
  if (!AUDIENCE_TYPES.includes(audience.userType)) return bad('audience.userType', 'must be any, new or no_purchase');
  return ok(audience);
}

/** Checks a full input; `base` supplies the fields a PATCH leaves out. Refuses with the first failing field, in field order. */
export function parseTemplate(input: TemplateInput, base?: TemplateSpec): Parsed<TemplateSpec> {
  const name = parseName(input, base);
  if (!name.ok) return name;
  const discount = parseDiscount(input, base);
  if (!discount.ok) return discount;
  const thresholds = parseThresholds(input, discount.value, base);
  if (!thresholds.ok) return thresholds;
  const scope = parseScope(input, base);
  if (!scope.ok) return scope;
  const validity = parseValidity(input, base);
  if (!validity.ok) return validity;
  const window = parseClaimWindow(input, validity.value, base);
  if (!window.ok) return window;
  const limits = parseLimits(input, base);
  if (!limits.ok) return limits;
  const costs = parseClaimCosts(input, base);
  if (!costs.ok) return costs;
  const audience = parseAudience(input, base);
  if (!audience.ok) return audience;
  return ok({
    name: name.value,
    description: pick(input.description, base?.description, null),
    discount: discount.value,
    ...thresholds.value,
    ...scope.value,
    validity: validity.value,
    ...window.value,
    ...limits.value,
    ...costs.value,
    audience: audience.value,
    stackable: input.stackable ?? base?.stackable ?? false,
  });
}
