// A coupon template as the merchant writes it (decimal strings, ISO times)
// → a checked specification in fen and Dates. Every field rule lives here so
// the native API, the console and every dialect refuse the same things.
import { parseMoney, parseRate, type Fen } from '../../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

import type { AudienceType } from './claim-rules.ts';
import type { Discount, Scope } from './rules/types.ts';

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

const bad = (field: string, message: string) => fail(ErrorCode.invalid_input, `${field}: ${message}`, { field });

function parseTime(field: string, s: string | null | undefined): Result<Date | null> {
  if (s === null || s === undefined || s === '') return ok(null);
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return bad(field, `"${s}" is not an ISO-8601 time`);
  return ok(d);
}

function money(field: string, s: string | undefined, def: Fen): Result<Fen> {
  if (s === undefined) return ok(def);
  const v = parseMoney(s);
  return v === null ? bad(field, `"${s}" is not an amount like "10.00"`) : ok(v);
}

/** Checks a full input; `base` supplies the fields a PATCH leaves out. */
export function parseTemplate(input: TemplateInput, base?: TemplateSpec): Result<TemplateSpec> {
  const name = input.name ?? base?.name;
  if (!name?.trim()) return bad('name', 'is required');
  if (name.length > 100) return bad('name', 'at most 100 characters');

  let discount: Discount;
  if (input.discount === undefined) {
    if (!base) return bad('discount', 'is required');
    discount = base.discount;
  } else if (input.discount.type === 'amount') {
    const a = parseMoney(input.discount.amount);
    if (a === null || a <= 0) return bad('discount.amount', 'must be an amount above 0, like "10.00"');
    discount = { type: 'amount', amountOff: a };
  } else if (input.discount.type === 'rate') {
    const r = parseRate(input.discount.rate);
    if (r === null) return bad('discount.rate', 'must be a fraction paid between 0 and 1, like "0.88"');
    let maxOff: Fen | null = null;
    if (input.discount.maxOff != null && input.discount.maxOff !== '') {
      maxOff = parseMoney(input.discount.maxOff);
      if (maxOff === null || maxOff <= 0) return bad('discount.maxOff', 'must be an amount above 0');
    }
    discount = { type: 'rate', rateBp: r, maxOff };
  } else {
    return bad('discount.type', 'must be "amount" or "rate"');
  }

  const minSpend = money('minSpend', input.minSpend, base?.minSpend ?? 0);
  if (!minSpend.ok) return minSpend;
  if (discount.type === 'amount' && minSpend.value > 0 && discount.amountOff > minSpend.value) {
    return bad('discount.amount', 'must not exceed minSpend (the threshold it applies to)');
  }
  const minQuantity = input.minQuantity !== undefined ? input.minQuantity : (base?.minQuantity ?? null);
  if (minQuantity !== null && (!Number.isInteger(minQuantity) || minQuantity < 1)) return bad('minQuantity', 'must be a whole number ≥ 1');

  const scope = input.scope ?? base?.scope ?? { type: 'all' };
  if (scope.type !== 'all') {
    if (!Array.isArray(scope.ids) || scope.ids.length === 0) return bad('scope.ids', 'must name at least one id');
    if (!scope.ids.every((i) => Number.isInteger(i) && i > 0)) return bad('scope.ids', 'must be positive whole numbers');
  }
  const storeIds = input.storeIds ?? base?.storeIds ?? [];
  if (!storeIds.every((i) => Number.isInteger(i) && i > 0)) return bad('storeIds', 'must be positive whole numbers');

  let validity: Validity;
  if (input.validity === undefined) {
    if (!base) return bad('validity', 'is required');
    validity = base.validity;
  } else if (input.validity.type === 'fixed') {
    const from = parseTime('validity.from', input.validity.from);
    const to = parseTime('validity.to', input.validity.to);
    if (!from.ok) return from;
    if (!to.ok) return to;
    if (!from.value || !to.value) return bad('validity', 'fixed validity needs from and to');
    if (from.value >= to.value) return bad('validity.to', 'must be after validity.from');
    validity = { type: 'fixed', from: from.value, to: to.value };
  } else if (input.validity.type === 'relative') {
    const { days, startAfterDays = 0 } = input.validity;
    if (!Number.isInteger(days) || days < 1 || days > 3650) return bad('validity.days', 'must be a whole number of days, 1-3650');
    if (!Number.isInteger(startAfterDays) || startAfterDays < 0 || startAfterDays > 365) {
      return bad('validity.startAfterDays', 'must be a whole number of days, 0-365');
    }
    validity = { type: 'relative', days, startAfterDays };
  } else {
    return bad('validity.type', 'must be "fixed" or "relative"');
  }

  const claimFrom = input.claimFrom !== undefined ? parseTime('claimFrom', input.claimFrom) : ok(base?.claimFrom ?? null);
  const claimTo = input.claimTo !== undefined ? parseTime('claimTo', input.claimTo) : ok(base?.claimTo ?? null);
  if (!claimFrom.ok) return claimFrom;
  if (!claimTo.ok) return claimTo;
  if (claimFrom.value && claimTo.value && claimFrom.value >= claimTo.value) return bad('claimTo', 'must be after claimFrom');
  if (validity.type === 'fixed' && claimFrom.value && claimFrom.value >= validity.to) {
    return bad('claimFrom', 'must be before the coupons expire (validity.to)');
  }

  const stock = input.stock !== undefined ? input.stock : (base?.stock ?? null);
  if (stock !== null && (!Number.isInteger(stock) || stock < 0 || stock > 100_000_000)) return bad('stock', 'must be a whole number 0-100000000, or null for unlimited');
  const perUserLimit = input.perUserLimit !== undefined ? input.perUserLimit : (base?.perUserLimit ?? null);
  if (perUserLimit !== null && (!Number.isInteger(perUserLimit) || perUserLimit < 1)) return bad('perUserLimit', 'must be a whole number ≥ 1, or null');
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
  const audience = input.audience
    ? { userType: input.audience.userType, sources: input.audience.sources ?? [] }
    : (base?.audience ?? { userType: 'any' as const, sources: [] });
  if (!['any', 'new', 'no_purchase'].includes(audience.userType)) return bad('audience.userType', 'must be any, new or no_purchase');

  return ok({
    name: name.trim(),
    description: input.description !== undefined ? input.description : (base?.description ?? null),
    discount,
    minSpend: minSpend.value,
    minQuantity,
    scope,
    storeIds,
    validity,
    claimFrom: claimFrom.value,
    claimTo: claimTo.value,
    stock,
    perUserLimit,
    claimCostPoints,
    price: price.value,
    claimPassword,
    requiredSignInDays,
    audience,
    stackable: input.stackable ?? base?.stackable ?? false,
  });
}
