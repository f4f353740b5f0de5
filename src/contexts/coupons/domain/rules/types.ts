// The vocabulary of discount rules: what a coupon promises (CouponRule), what
// it is checked against (a cart), and the shape of the pluggable conditions
// and actions collected in ./index.ts.
import type { Fen, RateBp } from '../../../../kernel/money.ts';

export type Discount = { type: 'amount'; amountOff: Fen } | { type: 'rate'; rateBp: RateBp; maxOff: Fen | null };
export type Scope = { type: 'all' } | { type: 'categories'; ids: number[] } | { type: 'goods'; ids: number[] };

export interface CouponRule {
  discount: Discount;
  minSpend: Fen; // threshold on the ELIGIBLE subtotal
  minQuantity: number | null; // eligible items needed
  scope: Scope;
  storeIds: number[]; // empty = every store
  stackable: boolean;
}

export interface CartLine {
  lineId: string;
  goodsId?: number | null;
  categoryId?: number | null;
  unitPrice: Fen;
  quantity: number;
}

/** Stable reason codes; dialects map them to their own words and numbers. */
export type ReasonCode =
  | 'below_threshold'
  | 'below_quantity'
  | 'out_of_scope'
  | 'wrong_store'
  | 'not_yet_valid'
  | 'expired'
  | 'used'
  | 'voided'
  | 'not_stackable'
  | 'not_approved'
  | 'limit_reached'
  | 'not_found';

export interface Reason {
  code: ReasonCode;
  message: string;
  /** For not_stackable: the coupon already in the combination that this one conflicts with. */
  conflictsWith?: string;
}

export const reason = (code: ReasonCode, message: string, conflictsWith?: string): Reason =>
  conflictsWith === undefined ? { code, message } : { code, message, conflictsWith };

/** The stored facts of one coupon (or promo code) that decide whether it may be used now. */
export interface CouponFacts {
  state: 'active' | 'used' | 'voided';
  validFrom: Date | null;
  /** Inclusive. */
  validTo: Date | null;
  /**
   * A refusal found outside pricing, e.g. a promo code not approved or whose
   * usage limits (counted in SQL) are spent.
   */
  unusable?: 'not_approved' | 'limit_reached' | null;
}

/** The cart lines a rule's scope covers, measured on the ORIGINAL cart. */
export interface EligibleLines {
  /** Indexes into the cart's lines, in cart order. */
  indexes: number[];
  subtotal: Fen;
  quantity: number;
}

export interface ConditionContext {
  rule: CouponRule;
  coupon: CouponFacts;
  storeId: number | null;
  now: Date;
  eligible: EligibleLines;
}

/** One check a coupon must pass; null when it passes. */
export interface RuleCondition {
  code: string;
  check(ctx: ConditionContext): Reason | null;
}

export interface ActionResult {
  /** Never more than the sum of the amounts it was given. */
  discount: Fen;
  /** Parallel to the amounts given; each part ≤ its amount; sums to discount. */
  allocation: Fen[];
}

/** Computes a discount on the CURRENT remaining amounts of the eligible lines. */
export interface RuleAction<D extends Discount = Discount> {
  type: D['type'];
  apply(discount: D, amounts: readonly Fen[]): ActionResult;
}
