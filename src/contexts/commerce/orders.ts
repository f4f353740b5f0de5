// Orders: price a cart with the user's coupons and points (a pure quote),
// create it for real (stock taken by conditional updates, points by the
// ledger, coupons and promo codes redeemed by the coupon core, all or nothing), pay it from
// the wallet in one transaction, close it (stock, points and coupons back
// exactly once), pickup write-off by number, delivery, reviews, after-sales.
//
// An order is created in one transaction: points, the coupon core's
// redemption (redeemIn), the order row and its lines, and stock last (the hot
// goods row is locked for the shortest time). Closing gives stock, points and
// coupons back in one transaction too (rollbackIn). Orders of earlier
// versions may still sit in status -2 ("being created"); recover() finishes or
// undoes them, closes unpaid orders past their expiry, and finishes coupon
// releases of closed orders.
import crypto from 'node:crypto';
import { formatMoney, type Fen } from '../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import { releaseStock, takeStock, type CatalogueService, type ResolvedLine } from './catalogue.ts';
import { toCoupon, type Coupon, type CouponRow, COUPON_COLUMNS } from '../coupons/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { moveBalance } from '../loyalty/index.ts';
import type { RedemptionService } from '../coupons/index.ts';
import { loadTemplate, type Template } from '../coupons/index.ts';
import { RollbackWith } from '../identity/index.ts';

export const ORDER_STATUS = { creating: -2, closed: -1, unpaid: 0, paid: 1, shipped: 2, received: 3, reviewed: 4 } as const;
export const ORDER_STATUS_TEXT: Record<number, string> = { [-2]: '创建中', [-1]: '订单关闭', 0: '待支付', 1: '待发货', 2: '待收货', 3: '待评价', 4: '已完成' };

export const MAX_ORDER_LINES = 100;
export const MAX_LINE_NUMBER = 10_000;
export const MAX_REMARK = 200;
export const MAX_PROMO_CODES = 5;

/** Why an order cannot be made (details.reason), for dialects to map to their codes. */
export type OrderRefusal =
  | 'bad_lines'
  | 'no_lines'
  | 'bad_goods'
  | 'off_sale'
  | 'sku_needed'
  | 'bad_sku'
  | 'stores'
  | 'stock'
  | 'coupon'
  | 'threshold'
  | 'points'
  | 'remark'
  | 'promo';

export interface OrderLineInput {
  goodsId: number;
  number: number;
  propertyChildIds?: string | null;
}

export interface OrderInput {
  lines: OrderLineInput[];
  /** The user's coupon ids (apifm `couponId`). */
  couponIds?: number[];
  /** Promo codes (shared codes approved in the portal) to apply beside the coupons. */
  promoCodes?: string[];
  /** Points the user offers (apifm `deductionScore`): -1 or absent none, 0 as many as help, n at most n. */
  deductionScore?: number;
  remark?: string | null;
  linkMan?: string | null;
  mobile?: string | null;
  address?: string | null;
  provinceId?: string | null;
  cityId?: string | null;
  districtId?: string | null;
  peisongType?: string | null;
  expireMinutes?: number | null;
  ext?: Record<string, unknown> | null;
  /** Only the cart's goods of this store (0 = goods of no store): apifm `filterShopId`, one order per shop. */
  filterStoreId?: number | null;
}

export interface ScoreRule {
  score: number;
  money: Fen;
  loop: boolean;
}

export interface UsableCoupon {
  coupon: Coupon;
  template: Template;
  /** What it alone would take off this cart. */
  discount: Fen;
}

export interface OrderQuote {
  lines: (ResolvedLine & { amount: Fen; amountCoupon: Fen })[];
  storeId: number | null;
  goodsNumber: number;
  amountGoods: Fen;
  amountCoupon: Fen;
  amountDeduction: Fen;
  deductionScore: number;
  amountLogistics: Fen;
  amountReal: Fen;
  /** Coupon ids applied (in the order they apply). */
  couponIds: number[];
  couponCodes: string[];
  /** Promo codes applied, and the part of amountCoupon they take off. */
  promoCodes: string[];
  amountPromo: Fen;
  /** The user's coupons usable on this cart. */
  usable: UsableCoupon[];
  scoreRules: ScoreRule[];
  isNeedLogistics: boolean;
}

export interface OrderLine {
  id: number;
  goodsId: number;
  skuId: number | null;
  goodsName: string;
  pic: string | null;
  propertyChildIds: string;
  propertyStr: string | null;
  unitPrice: Fen;
  number: number;
  amount: Fen;
  amountCoupon: Fen;
  reputation: number | null;
  reputationRemark: string | null;
}

export interface Order {
  id: number;
  tenantId: number;
  userId: number;
  orderNumber: string;
  status: number;
  storeId: number | null;
  goodsNumber: number;
  amountGoods: Fen;
  amountCoupon: Fen;
  amountDeduction: Fen;
  deductionScore: number;
  amountLogistics: Fen;
  amountReal: Fen;
  couponIds: number[];
  /** Promo codes redeemed with the order, and the part of amountCoupon they took off. */
  promoCodes: string[];
  amountPromo: Fen;
  redemptionId: number | null;
  hxNumber: string;
  hxAt: Date | null;
  isNeedLogistics: boolean;
  peisongType: string | null;
  linkMan: string | null;
  mobile: string | null;
  address: string | null;
  provinceId: string | null;
  cityId: string | null;
  districtId: string | null;
  remark: string | null;
  ext: Record<string, unknown> | null;
  expiresAt: Date | null;
  paidAt: Date | null;
  closedAt: Date | null;
  closeReason: string | null;
  hasRefund: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface OrderRow {
  id: number;
  tenant_id: number;
  user_id: number;
  order_number: string;
  status: number;
  store_id: number | null;
  goods_number: number;
  amount_goods: number;
  amount_coupon: number;
  amount_deduction: number;
  deduction_score: number;
  amount_logistics: number;
  amount_real: number;
  coupon_ids: number[];
  promo_codes: string[] | null;
  amount_promo: number | null;
  redemption_id: number | null;
  coupons_released: boolean;
  hx_number: string;
  hx_at: Date | null;
  is_need_logistics: boolean;
  peisong_type: string | null;
  link_man: string | null;
  mobile: string | null;
  address: string | null;
  province_id: string | null;
  city_id: string | null;
  district_id: string | null;
  remark: string | null;
  ext: Record<string, unknown> | null;
  expires_at: Date | null;
  paid_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  has_refund: boolean;
  created_at: Date;
  updated_at: Date;
}

interface LineRow {
  id: number;
  order_id: number;
  goods_id: number;
  sku_id: number | null;
  goods_name: string;
  pic: string | null;
  property_child_ids: string;
  property_str: string | null;
  unit_price: number;
  number: number;
  amount: number;
  amount_coupon: number;
  reputation: number | null;
  reputation_remark: string | null;
}

const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  orderNumber: r.order_number,
  status: r.status,
  storeId: r.store_id,
  goodsNumber: r.goods_number,
  amountGoods: r.amount_goods,
  amountCoupon: r.amount_coupon,
  amountDeduction: r.amount_deduction,
  deductionScore: r.deduction_score,
  amountLogistics: r.amount_logistics,
  amountReal: r.amount_real,
  couponIds: (r.coupon_ids ?? []).map(Number),
  promoCodes: r.promo_codes ?? [],
  amountPromo: Number(r.amount_promo ?? 0),
  redemptionId: r.redemption_id,
  hxNumber: r.hx_number,
  hxAt: r.hx_at,
  isNeedLogistics: r.is_need_logistics,
  peisongType: r.peisong_type,
  linkMan: r.link_man,
  mobile: r.mobile,
  address: r.address,
  provinceId: r.province_id,
  cityId: r.city_id,
  districtId: r.district_id,
  remark: r.remark,
  ext: r.ext,
  expiresAt: r.expires_at,
  paidAt: r.paid_at,
  closedAt: r.closed_at,
  closeReason: r.close_reason,
  hasRefund: r.has_refund,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toLine = (r: LineRow): OrderLine => ({
  id: r.id,
  goodsId: r.goods_id,
  skuId: r.sku_id,
  goodsName: r.goods_name,
  pic: r.pic,
  propertyChildIds: r.property_child_ids,
  propertyStr: r.property_str,
  unitPrice: r.unit_price,
  number: r.number,
  amount: r.amount,
  amountCoupon: r.amount_coupon,
  reputation: r.reputation,
  reputationRemark: r.reputation_remark,
});

export interface OrderLog {
  type: number;
  remark: string | null;
  createdAt: Date;
}

export interface Refund {
  id: number;
  orderId: number;
  userId: number;
  type: number;
  logisticsStatus: number;
  reason: string;
  remark: string | null;
  amount: Fen;
  pics: string[];
  status: number;
  createdAt: Date;
}

const refuse = (reason: OrderRefusal, message: string, code: ErrorCode = ErrorCode.invalid_input, extra: Record<string, unknown> = {}) =>
  fail(code, message, { reason, ...extra });

/** OD + UTC yyyyMMddHHmmss + the order id: sortable and unique by construction. */
function newOrderNumber(at: Date, id: number): string {
  const t = at.toISOString().replace(/[-:TZ.]/g, '').slice(0, 14);
  return `OD${t}${String(id).padStart(6, '0')}`;
}

/**
 * The pickup write-off number: 6 random digits then the order id, so unique
 * by construction and not guessable from one's own numbers.
 */
const newHxNumber = (id: number) => `${crypto.randomInt(100_000, 1_000_000)}${String(id).padStart(6, '0')}`;

/** Money the offered points buy under the first rule, capped at `cap`; the points it takes. */
export function scoreDeduction(rules: readonly ScoreRule[], offered: number, cap: Fen): { money: Fen; score: number } {
  const rule = rules[0];
  if (!rule || offered <= 0 || cap <= 0) return { money: 0, score: 0 };
  let units = rule.loop ? Math.floor(offered / rule.score) : offered >= rule.score ? 1 : 0;
  const maxUnits = Math.floor(cap / rule.money);
  if (units > maxUnits) units = maxUnits;
  return { money: units * rule.money, score: units * rule.score };
}

export interface OrderCollaborators {
  catalogue: CatalogueService;
  redemptions: RedemptionService;
}

export function orderService(deps: Deps, { catalogue, redemptions }: OrderCollaborators) {
  const now = () => deps.now?.() ?? new Date();

  const unwrap = async <T>(fn: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RollbackWith) return e.result as Result<T>;
      throw e;
    }
  };

  async function scoreRules(tenantId: number): Promise<ScoreRule[]> {
    const r = await deps.db.query<{ score: number; money: number; loop: boolean }>(
      'SELECT score, money, loop FROM points_deduction_rules WHERE tenant_id = $1 AND type = 0 ORDER BY id',
      [tenantId],
    );
    return r.rows.map((x) => ({ score: x.score, money: x.money, loop: x.loop }));
  }

  /** The price of a cart for this user, with the coupons and points asked for. Changes nothing. */
  /** `listUsable` false (a real create): without coupons asked for, the coupon core is not consulted at all. */
  async function price(tenantId: number, userId: number, input: OrderInput, listUsable = true): Promise<Result<OrderQuote>> {
    if (!Array.isArray(input.lines) || input.lines.length === 0) return refuse('no_lines', 'the order has no goods');
    if (input.lines.length > MAX_ORDER_LINES) return refuse('bad_lines', `at most ${MAX_ORDER_LINES} lines`);
    for (const [i, l] of input.lines.entries()) {
      if (!Number.isSafeInteger(l.goodsId) || l.goodsId < 1) return refuse('bad_lines', `line ${i}: goodsId must be a positive whole number`);
      if (!Number.isInteger(l.number) || l.number < 1 || l.number > MAX_LINE_NUMBER) return refuse('bad_lines', `line ${i}: number must be 1-${MAX_LINE_NUMBER}`);
    }
    if (input.remark && input.remark.length > MAX_REMARK) return refuse('remark', `the remark is longer than ${MAX_REMARK} characters`);
    const promoCodes = [...new Set((input.promoCodes ?? []).map((c) => c.trim()).filter(Boolean))];
    if (promoCodes.length > MAX_PROMO_CODES) return refuse('promo', `at most ${MAX_PROMO_CODES} promo codes`);
    const badPromo = promoCodes.find((c) => c.length > 64);
    if (badPromo !== undefined) return refuse('promo', 'a promo code is at most 64 characters');
    const asked = input.deductionScore ?? -1;
    if (!Number.isSafeInteger(asked) || asked < -1) return refuse('points', 'deductionScore must be -1 (none), 0 (automatic) or a number of points');

    const resolved = await catalogue.resolve(tenantId, input.lines);
    if (!resolved.ok) {
      const why = (resolved.error.details?.reason as OrderRefusal | undefined) ?? 'bad_goods';
      return refuse(why, resolved.error.message, resolved.error.code);
    }
    const lines = input.filterStoreId == null ? resolved.value : resolved.value.filter((l) => (l.storeId ?? 0) === input.filterStoreId);
    if (!lines.length) return refuse('no_lines', 'the order has no goods of this shop');
    // A quote already says when the stock is short (the real create decides by its conditional update).
    const wanted = new Map<string, { n: number; stock: number }>();
    for (const l of lines) {
      const key = l.skuId === null ? `g${l.goodsId}` : `s${l.skuId}`;
      const w = wanted.get(key) ?? { n: 0, stock: l.stock };
      w.n += l.number;
      wanted.set(key, w);
    }
    if ([...wanted.values()].some((w) => w.n > w.stock)) return refuse('stock', '库存不足', ErrorCode.sold_out);
    const stores = new Set(lines.map((l) => l.storeId).filter((s): s is number => s !== null));
    if (stores.size > 1) return refuse('stores', 'goods of different stores cannot be ordered together');
    const storeId = stores.size ? [...stores][0]! : null;

    // The user's coupon ids → their codes (only this user's coupons count).
    const couponIds = [...new Set(input.couponIds ?? [])];
    let codes: string[] = [];
    if (couponIds.length) {
      const r = await deps.db.query<{ id: number; code: string }>(
        'SELECT id, code FROM coupons WHERE tenant_id = $1 AND owner_id = $2 AND id = ANY($3::bigint[])',
        [tenantId, userId, couponIds],
      );
      const byId = new Map(r.rows.map((x) => [x.id, x.code]));
      const missing = couponIds.filter((id) => !byId.has(id));
      if (missing.length) return refuse('coupon', `coupon ${missing.join(', ')} is not yours or does not exist`, ErrorCode.coupon_not_eligible);
      codes = couponIds.map((id) => byId.get(id)!);
    }
    let subtotal = lines.reduce((a, l) => a + l.unitPrice * l.number, 0);
    if (!Number.isSafeInteger(subtotal)) return refuse('bad_lines', 'the order total is too large');
    let amountCoupon = 0;
    const perLine = new Map<string, Fen>();
    let appliedCodes: string[] = [];
    let appliedPromos: string[] = [];
    let amountPromo = 0;
    const idOfCode = new Map<string, number>();
    const usable: UsableCoupon[] = [];
    if (codes.length || promoCodes.length || listUsable) {
      const q = await redemptions.quote(tenantId, {
        userId,
        storeId,
        items: lines.map((l) => ({ goodsId: l.goodsId, categoryId: l.categoryId, price: formatMoney(l.unitPrice), quantity: l.number })),
        couponCodes: codes,
        promoCodes,
        // Creating an order needs only the chosen coupons priced, not every coupon the user holds.
        onlyNamed: !listUsable,
      });
      if (!q.ok) {
        // The coupon core names the promo code when it is the one refused (unknown, not approved, used up, not for this user).
        const promo = promoCodes.length > 0 && /promo code/i.test(q.error.message);
        return refuse(promo ? 'promo' : 'coupon', q.error.message, q.error.code === ErrorCode.invalid_input ? ErrorCode.invalid_input : ErrorCode.coupon_not_eligible, {
          cause: q.error.code,
        });
      }
      const pricing = q.value.pricing;
      const sel = pricing.selection;
      if (sel?.rejected.length) {
        const first = sel.rejected[0]!;
        const threshold = first.reason.code === 'below_threshold' || first.reason.code === 'below_quantity';
        const isPromo = q.value.coupons.get(first.id)?.kind === 'promo';
        const what = isPromo ? `promo code ${first.id}` : 'coupon';
        return refuse(threshold ? 'threshold' : isPromo ? 'promo' : 'coupon', `${what} cannot be used: ${first.reason.message}`, ErrorCode.coupon_not_eligible, {
          reasonCode: first.reason.code,
        });
      }
      subtotal = pricing.subtotal;
      amountCoupon = sel?.discount ?? 0;
      for (const a of sel?.adjustments ?? []) {
        perLine.set(a.lineId, (perLine.get(a.lineId) ?? 0) + a.amount);
        if (q.value.coupons.get(a.couponId)?.kind === 'promo') amountPromo += a.amount;
      }
      const kindOf = (id: string) => q.value.coupons.get(id)?.kind;
      appliedPromos = (sel?.couponIds ?? []).filter((id) => kindOf(id) === 'promo');
      appliedCodes = (sel?.couponIds ?? []).filter((id) => kindOf(id) !== 'promo');
      for (const e of pricing.evaluations) {
        const c = q.value.coupons.get(e.id);
        if (c?.kind !== 'coupon' || !c.coupon) continue;
        idOfCode.set(c.coupon.code, c.coupon.id);
        if (e.eligible && c.coupon.ownerId === userId) usable.push({ coupon: c.coupon, template: c.template!, discount: e.discount });
      }
    }

    const rules = await scoreRules(tenantId);
    const afterCoupons = subtotal - amountCoupon;
    let deduction = { money: 0, score: 0 };
    if (rules.length && asked !== -1) {
      const u = await deps.db.query<{ points: number }>('SELECT points FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
      const held = u.rows[0]?.points ?? 0;
      // 0 means "as many as help": everything the user holds, capped by the rule and the amount.
      deduction = scoreDeduction(rules, asked === 0 ? held : asked, afterCoupons);
      if (held < deduction.score) return refuse('points', '积分不足', ErrorCode.not_enough_points);
    }
    const isNeedLogistics = !!(input.address || input.provinceId) && input.peisongType !== 'zq';
    return ok({
      lines: lines.map((l, i) => ({ ...l, amount: l.unitPrice * l.number, amountCoupon: perLine.get(String(i)) ?? 0 })),
      storeId,
      goodsNumber: lines.reduce((a, l) => a + l.number, 0),
      amountGoods: subtotal,
      amountCoupon,
      amountDeduction: deduction.money,
      deductionScore: deduction.score,
      amountLogistics: 0,
      amountReal: afterCoupons - deduction.money,
      couponIds: appliedCodes.map((c) => idOfCode.get(c)!).filter((x) => x !== undefined),
      couponCodes: appliedCodes,
      promoCodes: appliedPromos,
      amountPromo,
      usable: usable.sort((a, b) => b.discount - a.discount || a.coupon.id - b.coupon.id),
      scoreRules: rules,
      isNeedLogistics,
    });
  }

  async function loadOrder(q: Queryable, tenantId: number, where: { id?: number; hxNumber?: string; orderNumber?: string }, userId?: number | null): Promise<Order | null> {
    const r = await q.query<OrderRow>(
      `SELECT * FROM orders WHERE tenant_id = $1 AND status <> -2 AND deleted_at IS NULL
         AND ($2::bigint IS NULL OR id = $2) AND ($3::text IS NULL OR hx_number = $3) AND ($4::text IS NULL OR order_number = $4)
         AND ($5::bigint IS NULL OR user_id = $5)
       LIMIT 1`,
      [tenantId, where.id ?? null, where.hxNumber ?? null, where.orderNumber ?? null, userId ?? null],
    );
    return r.rows[0] ? toOrder(r.rows[0]) : null;
  }

  async function linesOf(q: Queryable, orderIds: number[]): Promise<Map<number, OrderLine[]>> {
    const by = new Map<number, OrderLine[]>();
    if (!orderIds.length) return by;
    const r = await q.query<LineRow>('SELECT * FROM order_lines WHERE order_id = ANY($1::bigint[]) ORDER BY id', [orderIds]);
    for (const l of r.rows) {
      const list = by.get(l.order_id) ?? [];
      list.push(toLine(l));
      by.set(l.order_id, list);
    }
    return by;
  }

  const log = (q: Queryable, orderId: number, type: number, remark: string) =>
    q.query('INSERT INTO order_logs (order_id, type, remark) VALUES ($1, $2, $3)', [orderId, type, remark]);

  /** Undoes a half-made order (status -2): stock and points back, hidden. Once. */
  async function undoCreating(tenantId: number, orderId: number, why: string): Promise<void> {
    await deps.db.tx(async (q) => {
      const r = await q.query<OrderRow>(
        `UPDATE orders SET status = -1, closed_at = now(), close_reason = $3, deleted_at = now(), coupons_released = true, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND status = -2 RETURNING *`,
        [tenantId, orderId, why],
      );
      const o = r.rows[0];
      if (!o) return;
      const lines = await q.query<LineRow>('SELECT * FROM order_lines WHERE order_id = $1', [orderId]);
      await releaseStock(q, tenantId, lines.rows.map((l) => ({ goodsId: l.goods_id, skuId: l.sku_id, number: l.number })));
      if (o.deduction_score > 0) {
        const back = await moveBalance(q, 'points', tenantId, o.user_id, o.deduction_score, 'order_deduction_back', o.order_number, '订单未创建，积分退回');
        if (!back.ok) throw new Error(`points back failed: ${back.error.message}`);
      }
    });
  }

  /** Gives the coupons of a closed order back (the core's rollback happens once; repeats are harmless). */
  async function releaseCoupons(tenantId: number, orderId: number, redemptionId: number): Promise<void> {
    const r = await redemptions.rollback(tenantId, redemptionId, null);
    if (r.ok || r.error.code === ErrorCode.already_rolled_back) {
      await deps.db.query('UPDATE orders SET coupons_released = true WHERE tenant_id = $1 AND id = $2', [tenantId, orderId]);
    }
  }

  async function closeOrder(tenantId: number, orderId: number, userId: number | null, reason: string, fromStatuses: number[] = [0]): Promise<Result<Order>> {
    const closed = await deps.db.tx(async (q) => {
      const r = await q.query<OrderRow>(
        `UPDATE orders SET status = -1, closed_at = now(), close_reason = $4, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 AND ($3::bigint IS NULL OR user_id = $3) AND status = ANY($5::smallint[]) AND deleted_at IS NULL RETURNING *`,
        [tenantId, orderId, userId, reason, fromStatuses],
      );
      const o = r.rows[0];
      if (!o) return null;
      const lines = await q.query<LineRow>('SELECT * FROM order_lines WHERE order_id = $1', [orderId]);
      await releaseStock(q, tenantId, lines.rows.map((l) => ({ goodsId: l.goods_id, skuId: l.sku_id, number: l.number })));
      if (o.deduction_score > 0) {
        const back = await moveBalance(q, 'points', tenantId, o.user_id, o.deduction_score, 'order_close', o.order_number, '关闭订单，积分退回');
        if (!back.ok) throw new Error(`points back failed: ${back.error.message}`);
      }
      // Its coupons and promo codes come back in the same transaction, exactly once.
      if (o.redemption_id) {
        const back = await redemptions.rollbackIn(q, tenantId, o.redemption_id, null);
        if (!back.ok && back.error.code !== ErrorCode.already_rolled_back) throw new Error(`coupon release failed: ${back.error.message}`);
        await q.query('UPDATE orders SET coupons_released = true WHERE id = $1', [orderId]);
      }
      await log(q, orderId, -1, reason);
      return o;
    });
    if (!closed) {
      const o = await loadOrder(deps.db, tenantId, { id: orderId }, userId);
      if (!o) return fail(ErrorCode.not_found, 'order not found');
      return fail(ErrorCode.invalid_state, '当前订单无法关闭', { status: o.status });
    }
    return ok((await loadOrder(deps.db, tenantId, { id: orderId }))!);
  }

  /**
   * Finishes what a crash left half-way: orders stuck "being created" (their
   * coupons redeemed → confirmed; not → undone), closed orders whose coupons
   * were not yet given back, and unpaid orders past their expiry (closed).
   */
  async function recover(olderThanSec = 120, tenantId: number | null = null): Promise<{ finished: number; undone: number; released: number; expired: number }> {
    const out = { finished: 0, undone: 0, released: 0, expired: 0 };
    const stuck = await deps.db.query<{ id: number; tenant_id: number; order_number: string; amount_coupon: number }>(
      `SELECT id, tenant_id, order_number, amount_coupon FROM orders
       WHERE status = -2 AND created_at < now() - make_interval(secs => $1) AND ($2::bigint IS NULL OR tenant_id = $2) LIMIT 500`,
      [olderThanSec, tenantId],
    );
    for (const o of stuck.rows) {
      const red = await deps.db.query<{ id: number; status: string; discount_total: number }>(
        `SELECT id, status, discount_total FROM redemptions WHERE tenant_id = $1 AND kind = 'order' AND order_ref = $2`,
        [o.tenant_id, o.order_number],
      );
      const rd = red.rows[0];
      if (rd && rd.status === 'done' && rd.discount_total === o.amount_coupon) {
        const u = await deps.db.query('UPDATE orders SET status = 0, redemption_id = $2, updated_at = now() WHERE id = $1 AND status = -2', [o.id, rd.id]);
        out.finished += u.rowCount;
      } else {
        if (rd && rd.status === 'done') await redemptions.rollback(o.tenant_id, rd.id, null);
        await undoCreating(o.tenant_id, o.id, 'recovered');
        out.undone++;
      }
    }
    const unreleased = await deps.db.query<{ id: number; tenant_id: number; redemption_id: number }>(
      `SELECT id, tenant_id, redemption_id FROM orders WHERE status = -1 AND redemption_id IS NOT NULL AND NOT coupons_released
         AND closed_at < now() - make_interval(secs => $1) AND ($2::bigint IS NULL OR tenant_id = $2) LIMIT 500`,
      [Math.min(olderThanSec, 60), tenantId],
    );
    for (const o of unreleased.rows) {
      await releaseCoupons(o.tenant_id, o.id, o.redemption_id);
      out.released++;
    }
    const expired = await deps.db.query<{ id: number; tenant_id: number }>(
      `SELECT id, tenant_id FROM orders WHERE status = 0 AND expires_at IS NOT NULL AND expires_at < now() AND ($1::bigint IS NULL OR tenant_id = $1) LIMIT 500`,
      [tenantId],
    );
    for (const o of expired.rows) {
      const r = await closeOrder(o.tenant_id, o.id, null, 'expired');
      if (r.ok) out.expired++;
    }
    return out;
  }

  const lastRecovery = new Map<number, number>();
  async function maybeRecover(tenantId: number): Promise<void> {
    const t = Date.now();
    if ((lastRecovery.get(tenantId) ?? 0) > t - 60_000) return;
    lastRecovery.set(tenantId, t);
    try {
      await recover(120, tenantId);
    } catch (e) {
      deps.log.error({ err: e, tenantId }, 'order recovery failed');
    }
  }

  return {
    price,
    scoreRules,

    /** Creates the order for real: all or nothing. */
    async create(tenantId: number, userId: number, input: OrderInput): Promise<Result<Order>> {
      const quoted = await price(tenantId, userId, input, false);
      if (!quoted.ok) return quoted;
      const qv = quoted.value;
      const at = now();
      const withCoupons = qv.couponCodes.length > 0 || qv.promoCodes.length > 0;
      const expireMinutes = input.expireMinutes ?? null;
      const expiresAt = expireMinutes && expireMinutes > 0 ? new Date(at.getTime() + expireMinutes * 60_000) : null;
      const made = await unwrap(() =>
        deps.db.tx(async (q) => {
          const id = (await q.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('orders', 'id'))::bigint AS id`)).rows[0]!.id;
          const orderNumber = newOrderNumber(at, id);
          if (qv.deductionScore > 0) {
            const p = await moveBalance(q, 'points', tenantId, userId, -qv.deductionScore, 'order_deduction', orderNumber, '积分抵扣');
            if (!p.ok) throw new RollbackWith(p.error.code === ErrorCode.not_found ? p : refuse('points', '积分不足', ErrorCode.not_enough_points));
          }
          // Coupons and promo codes are redeemed by the coupon core in this same transaction:
          // the order, its stock, points and coupons commit together or not at all.
          let redemptionId: number | null = null;
          if (withCoupons) {
            let red: Result<{ id: number; discountTotal: number }>;
            try {
              red = await redemptions.redeemIn(
                q,
                tenantId,
                {
                  userId,
                  storeId: qv.storeId,
                  items: qv.lines.map((l) => ({ goodsId: l.goodsId, categoryId: l.categoryId, price: formatMoney(l.unitPrice), quantity: l.number })),
                  couponCodes: qv.couponCodes,
                  promoCodes: qv.promoCodes,
                  orderRef: orderNumber,
                },
                null,
              );
            } catch (e) {
              if (!(e instanceof RollbackWith)) throw e;
              red = e.result as Result<{ id: number; discountTotal: number }>;
            }
            if (!red.ok) {
              const promoCause: string[] = [ErrorCode.sold_out, ErrorCode.per_user_limit, ErrorCode.audience_mismatch];
              const promo = qv.promoCodes.length > 0 && (promoCause.includes(red.error.code) || /promo code/i.test(red.error.message));
              throw new RollbackWith(refuse(promo ? 'promo' : 'coupon', promo ? `promo code: ${red.error.message}` : red.error.message, red.error.code));
            }
            // The core re-prices under its locks; a different discount means the quote went stale.
            if (red.value.discountTotal !== qv.amountCoupon) throw new RollbackWith(refuse('coupon', 'the coupons changed while ordering; try again', ErrorCode.coupon_not_eligible));
            redemptionId = red.value.id;
          }
          // The order, its lines and its first log entry in one statement.
          await q.query(
            `WITH o AS (INSERT INTO orders (id, tenant_id, user_id, order_number, status, store_id, goods_number, amount_goods, amount_coupon, amount_deduction,
               deduction_score, amount_logistics, amount_real, coupon_ids, hx_number, is_need_logistics, peisong_type, link_man, mobile, address,
               province_id, city_id, district_id, remark, ext, expires_at, created_at, updated_at, promo_codes, amount_promo, redemption_id)
             VALUES ($27,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$26,$28,$29,$30) RETURNING id),
                  l AS (INSERT INTO order_lines (tenant_id, order_id, goods_id, sku_id, category_id, goods_name, pic, property_child_ids, property_str, unit_price, number, amount, amount_coupon)
             SELECT $1, $27, * FROM unnest($31::bigint[], $32::bigint[], $33::bigint[], $34::text[], $35::text[], $36::text[], $37::text[], $38::bigint[], $39::int[], $40::bigint[], $41::bigint[])),
                  g AS (INSERT INTO order_logs (order_id, type, remark) SELECT o.id, 0, '下单' FROM o)
             SELECT 1`,
            [
              tenantId,
              userId,
              orderNumber,
              ORDER_STATUS.unpaid,
              qv.storeId,
              qv.goodsNumber,
              qv.amountGoods,
              qv.amountCoupon,
              qv.amountDeduction,
              qv.deductionScore,
              qv.amountLogistics,
              qv.amountReal,
              qv.couponIds,
              newHxNumber(id),
              qv.isNeedLogistics,
              input.peisongType ?? null,
              input.linkMan ?? null,
              input.mobile ?? null,
              input.address ?? null,
              input.provinceId ?? null,
              input.cityId ?? null,
              input.districtId ?? null,
              input.remark ?? null,
              input.ext ? JSON.stringify(input.ext) : null,
              expiresAt,
              at,
              id,
              qv.promoCodes,
              qv.amountPromo,
              redemptionId,
              qv.lines.map((l) => l.goodsId),
              qv.lines.map((l) => l.skuId),
              qv.lines.map((l) => l.categoryId),
              qv.lines.map((l) => l.name),
              qv.lines.map((l) => l.pic),
              qv.lines.map((l) => l.propertyChildIds),
              qv.lines.map((l) => l.propertyStr),
              qv.lines.map((l) => l.unitPrice),
              qv.lines.map((l) => l.number),
              qv.lines.map((l) => l.amount),
              qv.lines.map((l) => l.amountCoupon),
            ],
          );
          // Last, so the hot goods row is locked for the shortest time.
          if (!(await takeStock(q, tenantId, qv.lines))) throw new RollbackWith(refuse('stock', '库存不足', ErrorCode.sold_out));
          return ok(id);
        }),
      );
      if (!made.ok) return made;
      const orderId = made.value;
      return ok((await loadOrder(deps.db, tenantId, { id: orderId }))!);
    },

    /** Pays an unpaid order from the user's wallet: status and balance move together or not at all. */
    async pay(tenantId: number, userId: number, orderId: number): Promise<Result<Order>> {
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const r = await q.query<OrderRow>(
            `UPDATE orders SET status = 1, paid_at = now(), updated_at = now()
             WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND status = 0 AND deleted_at IS NULL
               AND (expires_at IS NULL OR expires_at > now()) RETURNING *`,
            [tenantId, orderId, userId],
          );
          const o = r.rows[0];
          if (!o) {
            const exists = await loadOrder(q, tenantId, { id: orderId }, userId);
            if (!exists) return fail(ErrorCode.not_found, 'order not found');
            return fail(ErrorCode.invalid_state, '当前订单无需支付', { status: exists.status });
          }
          if (o.amount_real > 0) {
            const paid = await moveBalance(q, 'wallet', tenantId, userId, -o.amount_real, 'order_pay', o.order_number, '支付订单');
            if (!paid.ok) throw new RollbackWith(paid);
          }
          await q.query('UPDATE users SET has_purchased = true WHERE tenant_id = $1 AND id = $2 AND NOT has_purchased', [tenantId, userId]);
          await log(q, orderId, 1, '支付成功');
          return ok(toOrder(o));
        }),
      );
    },

    /** The user (or staff, userId null) closes an unpaid order. */
    close: (tenantId: number, orderId: number, userId: number | null, reason = 'user') => closeOrder(tenantId, orderId, userId, reason),

    /** A closed or finished order disappears from the user's list. */
    async remove(tenantId: number, userId: number, orderId: number): Promise<Result<void>> {
      const r = await deps.db.query(
        `UPDATE orders SET deleted_at = now(), updated_at = now() WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND status IN (-1, 3, 4) AND deleted_at IS NULL`,
        [tenantId, orderId, userId],
      );
      if (r.rowCount === 1) return ok(undefined);
      const o = await loadOrder(deps.db, tenantId, { id: orderId }, userId);
      return o ? fail(ErrorCode.invalid_state, '当前订单无法删除', { status: o.status }) : fail(ErrorCode.not_found, 'order not found');
    },

    /** Pickup write-off by number: a paid, not yet written-off order becomes received. */
    async writeOff(tenantId: number, hxNumber: string, by: { userId?: number; principal?: Principal }): Promise<Result<Order>> {
      return deps.db.tx(async (q) => {
        const r = await q.query<OrderRow>(
          `UPDATE orders SET hx_at = now(), status = 3, updated_at = now()
           WHERE tenant_id = $1 AND hx_number = $2 AND status IN (1, 2) AND hx_at IS NULL AND deleted_at IS NULL RETURNING *`,
          [tenantId, hxNumber.trim()],
        );
        const o = r.rows[0];
        if (!o) {
          const ex = await loadOrder(q, tenantId, { hxNumber: hxNumber.trim() });
          if (!ex) return fail(ErrorCode.not_found, '核销码不存在');
          if (ex.status === -1) return fail(ErrorCode.invalid_state, '订单已关闭', { reason: 'closed' });
          if (ex.status === 0) return fail(ErrorCode.invalid_state, '订单未付款', { reason: 'unpaid' });
          return fail(ErrorCode.invalid_state, '已核销，无需重复核销', { reason: 'done' });
        }
        await log(q, o.id, 3, by.principal ? `核销 (staff)` : `核销 (user ${by.userId ?? ''})`);
        if (by.principal) await audit(q, tenantId, by.principal, { action: 'order.hx', targetType: 'order', targetId: o.id });
        return ok(toOrder(o));
      });
    },

    /** The user confirms receipt. */
    async confirm(tenantId: number, userId: number, orderId: number): Promise<Result<void>> {
      return deps.db.tx(async (q) => {
        const r = await q.query(
          'UPDATE orders SET status = 3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND status IN (1, 2) AND deleted_at IS NULL',
          [tenantId, orderId, userId],
        );
        if (r.rowCount !== 1) return fail(ErrorCode.invalid_state, '订单状态错误');
        await log(q, orderId, 3, '确认收货');
        return ok(undefined);
      });
    },

    /** Staff ship a paid order. */
    async ship(tenantId: number, orderId: number, by: Principal): Promise<Result<Order>> {
      return deps.db.tx(async (q) => {
        const r = await q.query<OrderRow>('UPDATE orders SET status = 2, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 1 RETURNING *', [tenantId, orderId]);
        if (!r.rows[0]) return fail(ErrorCode.invalid_state, 'only a paid order can be shipped');
        await log(q, orderId, 2, '发货');
        await audit(q, tenantId, by, { action: 'order.ship', targetType: 'order', targetId: orderId });
        return ok(toOrder(r.rows[0]));
      });
    },

    /** Reviews every line of a received order; the order becomes reviewed. */
    async review(tenantId: number, userId: number, orderId: number, reviews: { id: number; reputation: number; remark?: string | null; pics?: string[] }[]): Promise<Result<void>> {
      for (const rv of reviews) {
        if (![0, 1, 2].includes(rv.reputation)) return fail(ErrorCode.invalid_input, 'reputation must be 0, 1 or 2', { reason: 'bad' });
        if (rv.remark && rv.remark.length > 200) return fail(ErrorCode.invalid_input, 'remark: at most 200 characters', { reason: 'bad' });
      }
      return unwrap(() =>
        deps.db.tx(async (q) => {
          const r = await q.query('UPDATE orders SET status = 4, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND status = 3', [tenantId, orderId, userId]);
          if (r.rowCount !== 1) return fail(ErrorCode.invalid_state, '状态错误，只有待评价状态才能评价', { reason: 'state' });
          const lines = await q.query<{ id: number }>('SELECT id FROM order_lines WHERE order_id = $1', [orderId]);
          const ids = new Set(lines.rows.map((l) => l.id));
          for (const rv of reviews) {
            if (!ids.has(rv.id)) throw new RollbackWith(fail(ErrorCode.not_found, '参数有误，评价商品记录不存在', { reason: 'line' }));
          }
          if (new Set(reviews.map((x) => x.id)).size !== ids.size) throw new RollbackWith(fail(ErrorCode.invalid_input, '每个商品都需要评价哦~', { reason: 'missing' }));
          for (const rv of reviews) {
            await q.query('UPDATE order_lines SET reputation = $2, reputation_remark = $3, reputation_pics = $4, reputation_at = now() WHERE id = $1', [
              rv.id,
              rv.reputation,
              rv.remark ?? null,
              rv.pics ?? [],
            ]);
          }
          await log(q, orderId, 4, '评价');
          return ok(undefined);
        }),
      );
    },

    get: (tenantId: number, where: { id?: number; hxNumber?: string; orderNumber?: string }, userId?: number | null) => loadOrder(deps.db, tenantId, where, userId),

    async detail(tenantId: number, where: { id?: number; hxNumber?: string }, userId?: number | null) {
      const o = await loadOrder(deps.db, tenantId, where, userId);
      if (!o) return null;
      const lines = (await linesOf(deps.db, [o.id])).get(o.id) ?? [];
      const logs = await deps.db.query<{ type: number; remark: string | null; created_at: Date }>('SELECT type, remark, created_at FROM order_logs WHERE order_id = $1 ORDER BY id', [o.id]);
      return { order: o, lines, logs: logs.rows.map((l): OrderLog => ({ type: l.type, remark: l.remark, createdAt: l.created_at })) };
    },

    async list(tenantId: number, f: { userId?: number | null; status?: number[] | null; hasRefund?: boolean | null; orderNumber?: string | null; limit: number; offset: number }) {
      await maybeRecover(tenantId);
      const r = await deps.db.query<OrderRow & { total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM orders
         WHERE tenant_id = $1 AND status <> -2 AND ($2::bigint IS NULL OR (user_id = $2 AND deleted_at IS NULL))
           AND ($3::smallint[] IS NULL OR status = ANY($3)) AND ($4::boolean IS NULL OR has_refund = $4) AND ($5::text IS NULL OR order_number = $5)
         ORDER BY id DESC LIMIT $6 OFFSET $7`,
        [tenantId, f.userId ?? null, f.status?.length ? f.status : null, f.hasRefund ?? null, f.orderNumber ?? null, f.limit, f.offset],
      );
      const lines = await linesOf(deps.db, r.rows.map((o) => o.id));
      return { items: r.rows.map((o) => ({ order: toOrder(o), lines: lines.get(o.id) ?? [] })), total: r.rows[0]?.total ?? 0 };
    },

    async statistics(tenantId: number, userId: number): Promise<Record<number, number>> {
      await maybeRecover(tenantId);
      const r = await deps.db.query<{ status: number; n: number }>(
        'SELECT status, count(*)::int AS n FROM orders WHERE tenant_id = $1 AND user_id = $2 AND deleted_at IS NULL AND status <> -2 GROUP BY status',
        [tenantId, userId],
      );
      const out: Record<number, number> = { [-1]: 0, 0: 0, 1: 0, 2: 0, 3: 0, 4: 0 };
      for (const x of r.rows) out[x.status] = x.n;
      return out;
    },

    /** After-sales request on a paid order; one open request per order. */
    async refundApply(
      tenantId: number,
      userId: number,
      input: { orderId: number; type: number; logisticsStatus: number; reason: string; amount: Fen; remark?: string | null; pics?: string[] },
    ): Promise<Result<Refund>> {
      if (![0, 1, 2].includes(input.type)) return fail(ErrorCode.invalid_input, 'type must be 0, 1 or 2');
      if (![0, 1].includes(input.logisticsStatus)) return fail(ErrorCode.invalid_input, 'logisticsStatus must be 0 or 1');
      if (!input.reason?.trim()) return fail(ErrorCode.invalid_input, 'reason is required');
      return deps.db.tx(async (q) => {
        const o = await q.query<OrderRow>('SELECT * FROM orders WHERE tenant_id = $1 AND id = $2 AND user_id = $3 AND deleted_at IS NULL FOR UPDATE', [tenantId, input.orderId, userId]);
        const order = o.rows[0];
        if (!order || order.status < 1) return fail(ErrorCode.invalid_state, '当前订单无法发起售后', { reason: 'state' });
        if (input.amount > order.amount_real) return fail(ErrorCode.invalid_input, 'amount is more than the order paid');
        const r = await q.query<{ id: number; created_at: Date }>(
          `INSERT INTO order_refunds (tenant_id, order_id, user_id, type, logistics_status, reason, remark, amount, pics)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (order_id) WHERE status = 0 DO NOTHING RETURNING id, created_at`,
          [tenantId, input.orderId, userId, input.type, input.logisticsStatus, input.reason.trim(), input.remark ?? null, input.amount, input.pics ?? []],
        );
        if (!r.rows[0]) return fail(ErrorCode.conflict, '请勿重复申请', { reason: 'open' });
        await q.query('UPDATE orders SET has_refund = true, updated_at = now() WHERE id = $1', [input.orderId]);
        await log(q, input.orderId, 5, '申请售后');
        return ok({
          id: r.rows[0].id,
          orderId: input.orderId,
          userId,
          type: input.type,
          logisticsStatus: input.logisticsStatus,
          reason: input.reason.trim(),
          remark: input.remark ?? null,
          amount: input.amount,
          pics: input.pics ?? [],
          status: 0,
          createdAt: r.rows[0].created_at,
        });
      });
    },

    async refundCancel(tenantId: number, userId: number, orderId: number): Promise<Result<void>> {
      return deps.db.tx(async (q) => {
        const r = await q.query('UPDATE order_refunds SET status = 1, updated_at = now() WHERE tenant_id = $1 AND order_id = $2 AND user_id = $3 AND status = 0', [tenantId, orderId, userId]);
        if (r.rowCount !== 1) return fail(ErrorCode.not_found, '无权查看该订单的售后信息');
        await q.query('UPDATE orders SET has_refund = false, updated_at = now() WHERE id = $1', [orderId]);
        return ok(undefined);
      });
    },

    async refunds(tenantId: number, userId: number, orderId: number): Promise<Refund[]> {
      const r = await deps.db.query<{
        id: number;
        order_id: number;
        user_id: number;
        type: number;
        logistics_status: number;
        reason: string;
        remark: string | null;
        amount: number;
        pics: string[];
        status: number;
        created_at: Date;
      }>('SELECT * FROM order_refunds WHERE tenant_id = $1 AND order_id = $2 AND user_id = $3 ORDER BY id DESC', [tenantId, orderId, userId]);
      return r.rows.map((x) => ({
        id: x.id,
        orderId: x.order_id,
        userId: x.user_id,
        type: x.type,
        logisticsStatus: x.logistics_status,
        reason: x.reason,
        remark: x.remark,
        amount: x.amount,
        pics: x.pics ?? [],
        status: x.status,
        createdAt: x.created_at,
      }));
    },

    /** What the user has spent: paid orders (and pay-bills, counted by the account service). */
    async consumed(tenantId: number, userId: number): Promise<Fen> {
      const r = await deps.db.query<{ s: number }>('SELECT COALESCE(sum(amount_real), 0)::bigint AS s FROM orders WHERE tenant_id = $1 AND user_id = $2 AND status >= 1', [tenantId, userId]);
      return Number(r.rows[0]?.s ?? 0);
    },

    recover,
    /** recover() for one tenant at most once a minute per process: called on the order paths, so no scheduler is needed. */
    maybeRecover,

    /** The user's coupons with their templates, for showing which coupons an order used. */
    async couponsOf(tenantId: number, ids: number[]): Promise<{ coupon: Coupon; template: Template | null }[]> {
      if (!ids.length) return [];
      const r = await deps.db.query<CouponRow>(`SELECT ${COUPON_COLUMNS} FROM coupons WHERE tenant_id = $1 AND id = ANY($2::bigint[]) ORDER BY id`, [tenantId, ids]);
      const at = now();
      return Promise.all(r.rows.map(async (c) => ({ coupon: toCoupon(c, at), template: await loadTemplate(deps.db, tenantId, c.template_id) })));
    },
  };
}

export type OrderService = ReturnType<typeof orderService>;
