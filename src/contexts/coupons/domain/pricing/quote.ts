// Pricing a cart with coupons: a pure function from the cart, the coupons at
// hand and the clock to every coupon's verdict, the best combination and (when
// the user picked some) the price of their pick. Nothing is reserved or
// written; redeeming re-prices under a lock with this same function.
import { sumFen, type Fen } from '../../../../kernel/money.ts';
import {
  applyDiscount,
  firstFailure,
  inScope,
  reason,
  type ActionResult,
  type CartLine,
  type CouponFacts,
  type CouponRule,
  type EligibleLines,
  type Reason,
} from '../rules/index.ts';

export interface PricedCoupon extends CouponFacts {
  id: string;
  kind: 'coupon' | 'promo';
  rule: CouponRule;
  /**
   * Usually the template id. Coupons sharing it are interchangeable (same
   * rule), so they are priced once, and at most one of them goes into an order.
   */
  groupKey?: string | null;
}

export interface PricingInput {
  lines: readonly CartLine[];
  storeId?: number | null;
  now: Date;
  coupons: readonly PricedCoupon[];
  /** Ids the user insists on, in the order they picked them. */
  selected?: readonly string[];
}

export interface LineAmount {
  lineId: string;
  amount: Fen;
}

export interface CouponEvaluation {
  id: string;
  eligible: boolean;
  reason: Reason | null;
  /** What this coupon alone would take off the cart. */
  discount: Fen;
  /** Where that discount would sit (lines with a share only). */
  allocation: LineAmount[];
}

export interface Adjustment {
  couponId: string;
  lineId: string;
  amount: Fen;
}

export interface AppliedCoupons {
  /** In the order they apply. */
  couponIds: string[];
  discount: Fen;
  total: Fen;
  /** Per coupon and line, amounts > 0 only; they sum to `discount`. */
  adjustments: Adjustment[];
}

export interface SelectionResult extends AppliedCoupons {
  /** Picked coupons left out, with why (not_stackable names the coupon it clashes with). */
  rejected: { id: string; reason: Reason }[];
}

export interface PricingResult {
  subtotal: Fen;
  evaluations: CouponEvaluation[];
  best: AppliedCoupons;
  selection?: SelectionResult;
}

/** An eligible coupon, ready to combine. */
interface Candidate {
  id: string;
  group: string;
  rule: CouponRule;
  lines: number[];
  single: Fen;
}

interface Run {
  discount: Fen;
  applied: { candidate: Candidate; allocation: Fen[] }[];
}

function lineAmount(line: CartLine): Fen {
  const { unitPrice, quantity } = line;
  // The service checks input at the edge; a bad line here is a bug, not a user error.
  if (!Number.isSafeInteger(unitPrice) || unitPrice < 0) throw new RangeError(`line ${line.lineId}: unitPrice must be whole fen ≥ 0`);
  if (!Number.isSafeInteger(quantity) || quantity < 0) throw new RangeError(`line ${line.lineId}: quantity must be a whole number ≥ 0`);
  const amount = unitPrice * quantity;
  if (!Number.isSafeInteger(amount)) throw new RangeError(`line ${line.lineId}: amount too large`);
  return amount;
}

// Code-unit order, not locale order: the same everywhere.
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The one application order of any set: the non-stackable coupon first, then
 * the stackable ones from the largest discount alone down, then by id. The
 * order depends only on the cart, so a set always prices the same.
 */
function applyOrder(a: Candidate, b: Candidate): number {
  if (a.rule.stackable !== b.rule.stackable) return a.rule.stackable ? 1 : -1;
  return b.single - a.single || compareIds(a.id, b.id);
}

/** Applies coupons in the given order, each on what the ones before left. */
function run(order: readonly Candidate[], amounts: readonly Fen[], keepIdle: boolean): Run {
  const remaining = amounts.slice();
  const applied: Run['applied'] = [];
  let discount = 0;
  for (const c of order) {
    const current = new Array<Fen>(c.lines.length);
    for (let k = 0; k < c.lines.length; k++) current[k] = remaining[c.lines[k]!]!;
    const r = applyDiscount(c.rule.discount, current);
    // A coupon that adds nothing is left out of the best: fewer coupons win ties.
    if (r.discount === 0 && !keepIdle) continue;
    for (let k = 0; k < c.lines.length; k++) remaining[c.lines[k]!]! -= r.allocation[k]!;
    discount += r.discount;
    applied.push({ candidate: c, allocation: r.allocation });
  }
  return { discount, applied };
}

/** More discount; then fewer coupons; then the lexicographically smallest sorted ids. */
function beats(a: Run, b: Run): boolean {
  if (a.discount !== b.discount) return a.discount > b.discount;
  if (a.applied.length !== b.applied.length) return a.applied.length < b.applied.length;
  const ia = a.applied.map((x) => x.candidate.id).sort(compareIds);
  const ib = b.applied.map((x) => x.candidate.id).sort(compareIds);
  for (let i = 0; i < ia.length; i++) {
    const c = compareIds(ia[i]!, ib[i]!);
    if (c !== 0) return c < 0;
  }
  return false;
}

function shape(r: Run, lines: readonly CartLine[], subtotal: Fen): AppliedCoupons {
  const adjustments: Adjustment[] = [];
  for (const { candidate, allocation } of r.applied) {
    for (let k = 0; k < candidate.lines.length; k++) {
      const amount = allocation[k]!;
      if (amount > 0) adjustments.push({ couponId: candidate.id, lineId: lines[candidate.lines[k]!]!.lineId, amount });
    }
  }
  return { couponIds: r.applied.map((x) => x.candidate.id), discount: r.discount, total: subtotal - r.discount, adjustments };
}

const ruleKey = (r: CouponRule) => {
  const d = r.discount.type === 'amount' ? `a${r.discount.amountOff}` : `r${r.discount.rateBp}/${r.discount.maxOff ?? ''}`;
  return `${d}|${r.scope.type}:${r.scope.type === 'all' ? '' : r.scope.ids.join(',')}`;
};

/**
 * The best combination. Exact search is exponential, so: one coupon per group
 * (the one giving most alone), identical non-stackable rules tried once, and
 * for "no anchor" and each non-stackable anchor, every stackable coupon that
 * still adds something, in application order. Each anchor is tried with its
 * full discount first, so the best is never below any single coupon; anchors
 * that cannot reach the best so far are skipped.
 */
function findBest(candidates: readonly Candidate[], amounts: readonly Fen[], subtotal: Fen): Run {
  const perGroup = new Map<string, Candidate>();
  for (const c of candidates) {
    if (c.single <= 0) continue; // adds nothing anywhere
    const held = perGroup.get(c.group);
    if (!held || c.single > held.single || (c.single === held.single && c.id < held.id)) perGroup.set(c.group, c);
  }
  const reps = [...perGroup.values()].sort(applyOrder);
  const stackables = reps.filter((c) => c.rule.stackable);
  const anchors: Candidate[] = [];
  const seenRules = new Set<string>();
  for (const c of reps) {
    if (c.rule.stackable) continue;
    // Eligible coupons with the same discount and scope give the same result: try the first.
    const key = ruleKey(c.rule);
    if (!seenRules.has(key)) {
      seenRules.add(key);
      anchors.push(c);
    }
  }

  let best: Run = run(stackables, amounts, false);
  // Each action leaves every line a share that only grows with the amounts
  // it is given, so the same coupons take no more from a cart an anchor has
  // already reduced: after any anchor the stackables add at most what they
  // took alone. Rounding shares to fen can shift that by under a fen per
  // line and coupon, hence the slack.
  const slack = 2 * (stackables.length + 1) * amounts.length;
  const stackablesAdd = Math.min(subtotal, best.discount + slack);
  for (const anchor of anchors) {
    // Anchors come largest first: once one cannot reach the best, none can.
    if (Math.min(subtotal, anchor.single + stackablesAdd) < best.discount) break;
    const r = run([anchor, ...stackables], amounts, false);
    if (beats(r, best)) best = r;
  }
  return best;
}

function toLineAmounts(eligible: EligibleLines, r: ActionResult, lines: readonly CartLine[]): LineAmount[] {
  const out: LineAmount[] = [];
  for (let k = 0; k < eligible.indexes.length; k++) {
    const amount = r.allocation[k]!;
    if (amount > 0) out.push({ lineId: lines[eligible.indexes[k]!]!.lineId, amount });
  }
  return out;
}

function priceSelection(
  selected: readonly string[],
  evaluations: readonly CouponEvaluation[],
  candidates: ReadonlyMap<string, Candidate>,
  lines: readonly CartLine[],
  amounts: readonly Fen[],
  subtotal: Fen,
): SelectionResult {
  const evaluationOf = new Map<string, CouponEvaluation>();
  for (const e of evaluations) if (!evaluationOf.has(e.id)) evaluationOf.set(e.id, e);
  const chosen: Candidate[] = [];
  const rejected: SelectionResult['rejected'] = [];
  const seen = new Set<string>();
  // The user's order decides who stays when two picks clash.
  for (const id of selected) {
    if (seen.has(id)) continue;
    seen.add(id);
    const e = evaluationOf.get(id);
    if (!e) {
      rejected.push({ id, reason: reason('not_found', 'no such coupon among those priced') });
      continue;
    }
    if (!e.eligible) {
      rejected.push({ id, reason: e.reason! });
      continue;
    }
    const c = candidates.get(id)!;
    const sameGroup = chosen.find((x) => x.group === c.group);
    if (sameGroup) {
      rejected.push({
        id,
        reason: reason('not_stackable', `only one coupon of this kind per order; ${sameGroup.id} is already applied`, sameGroup.id),
      });
      continue;
    }
    const anchor = c.rule.stackable ? undefined : chosen.find((x) => !x.rule.stackable);
    if (anchor) {
      rejected.push({
        id,
        reason: reason('not_stackable', `only one non-stackable coupon per order; ${anchor.id} is already applied`, anchor.id),
      });
      continue;
    }
    chosen.push(c);
  }
  const r = run(chosen.sort(applyOrder), amounts, true);
  return { ...shape(r, lines, subtotal), rejected };
}

export function priceCart(input: PricingInput): PricingResult {
  const { lines, now } = input;
  const storeId = input.storeId ?? null;
  const amounts = lines.map(lineAmount);
  const subtotal = sumFen(amounts);

  // Coupons of one group share a rule: cover and price it once.
  const coveredByGroup = new Map<string, EligibleLines>();
  const singleByGroup = new Map<string, ActionResult>();

  const evaluations: CouponEvaluation[] = [];
  const candidates = new Map<string, Candidate>();
  for (const coupon of input.coupons) {
    const groupKey = coupon.groupKey ?? null;
    let eligible = groupKey === null ? undefined : coveredByGroup.get(groupKey);
    if (!eligible) {
      eligible = inScope.linesCovered(coupon.rule.scope, lines, amounts);
      if (groupKey !== null) coveredByGroup.set(groupKey, eligible);
    }
    const why = firstFailure({ rule: coupon.rule, coupon, storeId, now, eligible });
    if (why) {
      evaluations.push({ id: coupon.id, eligible: false, reason: why, discount: 0, allocation: [] });
      continue;
    }
    let single = groupKey === null ? undefined : singleByGroup.get(groupKey);
    if (!single) {
      single = applyDiscount(
        coupon.rule.discount,
        eligible.indexes.map((i) => amounts[i]!),
      );
      if (groupKey !== null) singleByGroup.set(groupKey, single);
    }
    evaluations.push({
      id: coupon.id,
      eligible: true,
      reason: null,
      discount: single.discount,
      allocation: toLineAmounts(eligible, single, lines),
    });
    if (!candidates.has(coupon.id)) {
      candidates.set(coupon.id, {
        id: coupon.id,
        // Prefixes keep a group key from ever equalling a coupon id.
        group: groupKey === null ? `c:${coupon.id}` : `g:${groupKey}`,
        rule: coupon.rule,
        lines: eligible.indexes,
        single: single.discount,
      });
    }
  }

  const best = shape(findBest([...candidates.values()], amounts, subtotal), lines, subtotal);
  const result: PricingResult = { subtotal, evaluations, best };
  if (input.selected) result.selection = priceSelection(input.selected, evaluations, candidates, lines, amounts, subtotal);
  return result;
}
