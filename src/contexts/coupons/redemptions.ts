// Using coupons: quotes (pure pricing, no writes), order redemptions (all
// coupons of an order or none), staff write-off by code, and rollback (once).
import { parseMoney, type Fen } from '../../kernel/money.ts';
import { priceCart, type PricedCoupon, type PricingResult } from './domain/pricing/quote.ts';
import type { CartLine } from './domain/rules/types.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import { COUPON_COLUMNS, toCoupon, type Coupon, type CouponRow } from './coupons.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { PromoCodeLoader } from './promo-pricing.ts';
import { ruleOf, toTemplate, type Template, type TemplateRow } from './templates.ts';
import { RollbackWith } from '../identity/index.ts';

export interface CartItemInput {
  goodsId?: number | null;
  categoryId?: number | null;
  price: string;
  quantity: number;
}

export interface QuoteInput {
  userId?: number | null;
  storeId?: number | null;
  items: CartItemInput[];
  couponCodes?: string[];
  promoCodes?: string[];
  /** Price only the named coupons, not every open coupon of the user (redeeming, creating an order). */
  onlyNamed?: boolean;
}

export interface Quote {
  pricing: PricingResult;
  /** code → the coupon (or promo code) behind each evaluated id. */
  coupons: Map<string, { kind: 'coupon' | 'promo'; coupon?: Coupon; template?: Template; promoCodeId?: number; name: string }>;
}

export interface Redemption {
  id: number;
  kind: 'order' | 'write_off';
  orderRef: string | null;
  userId: number | null;
  storeId: number | null;
  staffId: number | null;
  subtotal: Fen;
  discountTotal: Fen;
  status: 'done' | 'rolled_back';
  createdAt: Date;
  rolledBackAt: Date | null;
  items: { couponCode: string | null; promoCode: string | null; discount: Fen }[];
}

interface RedemptionRow {
  id: number;
  kind: 'order' | 'write_off';
  order_ref: string | null;
  user_id: number | null;
  store_id: number | null;
  staff_id: number | null;
  subtotal: number;
  discount_total: number;
  status: 'done' | 'rolled_back';
  created_at: Date;
  rolled_back_at: Date | null;
}

const MAX_LINES = 200;
const MAX_CODES = 100;

export function parseCart(items: CartItemInput[]): Result<CartLine[]> {
  if (!Array.isArray(items) || items.length === 0) return fail(ErrorCode.invalid_input, 'items: at least one line is needed');
  if (items.length > MAX_LINES) return fail(ErrorCode.invalid_input, `items: at most ${MAX_LINES} lines`);
  const lines: CartLine[] = [];
  for (const [i, it] of items.entries()) {
    const price = parseMoney(it.price);
    if (price === null) return fail(ErrorCode.invalid_input, `items[${i}].price: "${it.price}" is not an amount like "12.50"`);
    if (!Number.isInteger(it.quantity) || it.quantity < 1 || it.quantity > 100_000) {
      return fail(ErrorCode.invalid_input, `items[${i}].quantity: must be a whole number 1-100000`);
    }
    lines.push({ lineId: String(i), goodsId: it.goodsId ?? null, categoryId: it.categoryId ?? null, unitPrice: price, quantity: it.quantity });
  }
  return ok(lines);
}

export function redemptionService(deps: Deps, promos: PromoCodeLoader) {
  const now = () => deps.now?.() ?? new Date();

  /** Everything pricing needs, read in one go (inside a transaction when redeeming). */
  async function gather(q: Queryable, tenantId: number, input: QuoteInput, at: Date): Promise<Result<{ lines: CartLine[]; quote: Quote }>> {
    const lines = parseCart(input.items);
    if (!lines.ok) return lines;
    const codes = [...new Set(input.couponCodes ?? [])];
    const promoCodes = [...new Set(input.promoCodes ?? [])];
    if (codes.length + promoCodes.length > MAX_CODES) return fail(ErrorCode.invalid_input, `at most ${MAX_CODES} codes`);
    if (input.userId != null) {
      const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, input.userId]);
      if (u.rowCount === 0) return fail(ErrorCode.not_found, 'user not found');
    }
    if (input.storeId != null) {
      const st = await q.query('SELECT 1 FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, input.storeId]);
      if (st.rowCount === 0) return fail(ErrorCode.not_found, 'store not found');
    }
    // The user's open coupons, plus any named ones.
    const rows = await q.query<CouponRow & { t: TemplateRow }>(
      `SELECT ${COUPON_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}, to_jsonb(t.*) AS t
       FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
       WHERE c.tenant_id = $1 AND (
         ($2::bigint IS NOT NULL AND NOT $5 AND c.owner_id = $2 AND c.status = 'issued' AND (c.valid_to IS NULL OR c.valid_to >= $4))
         OR c.code = ANY($3::text[]))
       ORDER BY c.code = ANY($3::text[]) DESC, c.id LIMIT 500`,
      // The named coupons first: a user holding more than the limit can still use their newest.
      [tenantId, input.userId ?? null, codes, at, input.onlyNamed === true],
    );
    const found = new Set(rows.rows.map((r) => r.code));
    const missing = codes.filter((c) => !found.has(c));
    if (missing.length) return fail(ErrorCode.not_found, `unknown coupon code(s): ${missing.join(', ')}`, { codes: missing });
    const coupons: Quote['coupons'] = new Map();
    const priced: PricedCoupon[] = [];
    for (const r of rows.rows) {
      const template = toTemplate(fixJsonTemplate(r.t));
      const coupon = toCoupon(r, at);
      // A batch code nobody has exchanged yet is not a coupon anyone holds.
      if (coupon.ownerId === null) return fail(ErrorCode.not_found, `coupon ${coupon.code} has not been issued to anyone yet`, { codes: [coupon.code] });
      if (input.userId != null && coupon.ownerId !== input.userId) {
        return fail(ErrorCode.forbidden, `coupon ${coupon.code} belongs to another user`);
      }
      coupons.set(coupon.code, { kind: 'coupon', coupon, template, name: template.name });
      priced.push({
        id: coupon.code,
        kind: 'coupon',
        rule: ruleOf(template),
        state: coupon.state === 'issued' ? 'active' : coupon.state,
        validFrom: coupon.validFrom,
        validTo: coupon.validTo,
        groupKey: `t${template.id}`,
      });
    }
    const promoPriced = await promos.load(q, tenantId, promoCodes, input.userId ?? null, at);
    if (!promoPriced.ok) return promoPriced;
    for (const p of promoPriced.value) {
      coupons.set(p.priced.id, { kind: 'promo', promoCodeId: p.promoCodeId, name: p.name });
      priced.push(p.priced);
    }
    const selected = codes.length || promoCodes.length ? [...codes, ...promoCodes] : undefined;
    const pricing = priceCart({ lines: lines.value, storeId: input.storeId ?? null, now: at, coupons: priced, selected });
    return ok({ lines: lines.value, quote: { pricing, coupons } });
  }

  async function loadRedemption(q: Queryable, tenantId: number, id: number): Promise<Redemption | null> {
    const r = await q.query<RedemptionRow>('SELECT * FROM redemptions WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
    const row = r.rows[0];
    if (!row) return null;
    const items = await q.query<{ code: string | null; promo: string | null; discount: number }>(
      `SELECT c.code, p.code AS promo, ri.discount FROM redemption_items ri
       LEFT JOIN coupons c ON c.id = ri.coupon_id LEFT JOIN promo_codes p ON p.id = ri.promo_code_id
       WHERE ri.redemption_id = $1 ORDER BY ri.coupon_id NULLS LAST`,
      [id],
    );
    return {
      id: row.id,
      kind: row.kind,
      orderRef: row.order_ref,
      userId: row.user_id,
      storeId: row.store_id,
      staffId: row.staff_id,
      subtotal: row.subtotal,
      discountTotal: row.discount_total,
      status: row.status,
      createdAt: row.created_at,
      rolledBackAt: row.rolled_back_at,
      items: items.rows.map((i) => ({ couponCode: i.code, promoCode: i.promo, discount: i.discount })),
    };
  }

  async function redeemIn(q: Queryable, tenantId: number, input: QuoteInput & { orderRef: string }, by: Principal | null): Promise<Result<Redemption>> {
    if (!input.orderRef?.trim()) return fail(ErrorCode.invalid_input, 'orderRef is required');
    if (!input.couponCodes?.length && !input.promoCodes?.length) return fail(ErrorCode.invalid_input, 'name at least one coupon or promo code');
    const at = now();
    // Redeeming decides on the named codes only; the user's other coupons do not matter here.
    const g = await gather(q, tenantId, { ...input, onlyNamed: true }, at);
    if (!g.ok) return g;
    const sel = g.value.quote.pricing.selection!;
    if (sel.rejected.length) {
      const first = sel.rejected[0]!;
      return fail(refusalCode(first.reason.code), `${first.id} cannot be used: ${first.reason.message}`, {
        reasons: sel.rejected.map((r) => ({ code: r.id, reason: r.reason })),
      });
    }
    const staffId = by?.kind === 'staff' ? by.staffId : null;
    const red = await q.query<{ id: number; created_at: Date }>(
      `INSERT INTO redemptions (tenant_id, kind, order_ref, user_id, store_id, staff_id, subtotal, discount_total)
       VALUES ($1, 'order', $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING id, created_at`,
      [tenantId, input.orderRef.trim(), input.userId ?? null, input.storeId ?? null, staffId, g.value.quote.pricing.subtotal, sel.discount],
    );
    if (!red.rows[0]) return fail(ErrorCode.conflict, `order ${input.orderRef} has already redeemed coupons`);
    const redemptionId = red.rows[0].id;
    const perCoupon = new Map<string, Fen>();
    for (const a of sel.adjustments) perCoupon.set(a.couponId, (perCoupon.get(a.couponId) ?? 0) + a.amount);
    const couponItems: { id: number; code: string; discount: Fen }[] = [];
    const promoItems: { code: string; discount: Fen }[] = [];
    for (const id of sel.couponIds) {
      const c = g.value.quote.coupons.get(id)!;
      const discount = perCoupon.get(id) ?? 0;
      if (c.kind === 'coupon') {
        // The one write that decides: only an issued, in-date coupon flips to used; its
        // redemption item and history entry are written by the same statement.
        const u = await q.query<{ n: number }>(
          `WITH c AS (UPDATE coupons SET status = 'used', used_at = $2, redemption_id = $3
                      WHERE id = $1 AND status = 'issued' AND owner_id IS NOT NULL AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2)
                      RETURNING id),
                i AS (INSERT INTO redemption_items (redemption_id, coupon_id, discount) SELECT $3, c.id, $4 FROM c),
                e AS (INSERT INTO coupon_events (tenant_id, coupon_id, kind, redemption_id, store_id, staff_id, details)
                      SELECT $5, c.id, 'redeemed', $3, $6, $7, $8::jsonb FROM c)
           SELECT count(*)::int AS n FROM c`,
          [c.coupon!.id, at, redemptionId, discount, tenantId, input.storeId ?? null, staffId, JSON.stringify({ orderRef: input.orderRef, discount })],
        );
        if (u.rows[0]?.n !== 1) throw new RollbackWith(fail(ErrorCode.coupon_used, `coupon ${id} has already been used`));
        couponItems.push({ id: c.coupon!.id, code: c.coupon!.code, discount });
      } else {
        const used = await promos.use(q, c.promoCodeId!, input.userId ?? null);
        if (!used.ok) throw new RollbackWith(used);
        await q.query('INSERT INTO redemption_items (redemption_id, promo_code_id, discount) VALUES ($1, $2, $3)', [redemptionId, c.promoCodeId, discount]);
        promoItems.push({ code: id, discount });
      }
    }
    if (by) await audit(q, tenantId, by, { action: 'redemption.create', targetType: 'redemption', targetId: redemptionId, details: { orderRef: input.orderRef } });
    // Everything the redemption holds was just written: no need to read it back.
    return ok({
      id: redemptionId,
      kind: 'order',
      orderRef: input.orderRef.trim(),
      userId: input.userId ?? null,
      storeId: input.storeId ?? null,
      staffId,
      subtotal: g.value.quote.pricing.subtotal,
      discountTotal: sel.discount,
      status: 'done',
      createdAt: red.rows[0].created_at,
      rolledBackAt: null,
      items: [
        ...couponItems.sort((a, b) => a.id - b.id).map((x) => ({ couponCode: x.code, promoCode: null, discount: x.discount })),
        ...promoItems.map((x) => ({ couponCode: null, promoCode: x.code, discount: x.discount })),
      ],
    });
  }

  async function rollbackIn(q: Queryable, tenantId: number, id: number, by: Principal | null): Promise<Result<Redemption>> {
    const r = await q.query<{ id: number }>(
      `UPDATE redemptions SET status = 'rolled_back', rolled_back_at = now() WHERE tenant_id = $1 AND id = $2 AND status = 'done' RETURNING id`,
      [tenantId, id],
    );
    if (!r.rows[0]) {
      const exists = await q.query('SELECT 1 FROM redemptions WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return exists.rowCount ? fail(ErrorCode.already_rolled_back, 'this redemption has already been rolled back') : fail(ErrorCode.not_found, 'redemption not found');
    }
    const back = await q.query<{ id: number }>(
      `UPDATE coupons SET status = 'issued', used_at = NULL, redemption_id = NULL WHERE redemption_id = $1 AND status = 'used' RETURNING id`,
      [id],
    );
    if (back.rows.length) {
      await q.query(
        `INSERT INTO coupon_events (tenant_id, coupon_id, kind, redemption_id, staff_id) SELECT $1, cid, 'rolled_back', $2, $3 FROM unnest($4::bigint[]) AS cid`,
        [tenantId, id, by?.kind === 'staff' ? by.staffId : null, back.rows.map((x) => x.id)],
      );
    }
    const promoItems = await q.query<{ promo_code_id: number; user_id: number | null }>(
      `SELECT ri.promo_code_id, r.user_id FROM redemption_items ri JOIN redemptions r ON r.id = ri.redemption_id WHERE ri.redemption_id = $1 AND ri.promo_code_id IS NOT NULL`,
      [id],
    );
    for (const p of promoItems.rows) await promos.release(q, p.promo_code_id, p.user_id);
    if (by) await audit(q, tenantId, by, { action: 'redemption.rollback', targetType: 'redemption', targetId: id });
    return ok((await loadRedemption(q, tenantId, id))!);
  }

  const unwrap = async <T>(fn: () => Promise<Result<T>>): Promise<Result<T>> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RollbackWith) return e.result as Result<T>;
      throw e;
    }
  };

  return {
    async quote(tenantId: number, input: QuoteInput): Promise<Result<Quote>> {
      const g = await gather(deps.db, tenantId, input, now());
      return g.ok ? ok(g.value.quote) : g;
    },

    async redeem(tenantId: number, input: QuoteInput & { orderRef: string }, by: Principal | null): Promise<Result<Redemption>> {
      return unwrap(() => deps.db.tx((q) => redeemIn(q, tenantId, input, by)));
    },

    /**
     * Redeems inside the caller's transaction (an order's creation): all or
     * nothing with the caller's own writes. A refusal may be thrown as
     * RollbackWith; the caller rolls back.
     */
    redeemIn,

    async rollback(tenantId: number, id: number, by: Principal | null): Promise<Result<Redemption>> {
      return deps.db.tx((q) => rollbackIn(q, tenantId, id, by));
    },

    /** rollback() inside the caller's transaction (closing an order). */
    rollbackIn,

    /**
     * A cashier writes off one coupon by its code in a store. One read, then
     * one statement that flips the coupon from issued to used and, only if it
     * did, records the redemption, its item, the history and the audit row:
     * of any number of concurrent write-offs exactly one finds it issued.
     */
    async writeOff(
      tenantId: number,
      code: string,
      input: { storeId: number; orderRef?: string | null; amount?: string | null },
      by: Principal,
    ): Promise<Result<Redemption & { coupon: Coupon }>> {
      const at = now();
      let amount: Fen | null = null;
      if (input.amount != null && input.amount !== '') {
        amount = parseMoney(input.amount);
        if (amount === null) return fail(ErrorCode.invalid_input, `amount: "${input.amount}" is not an amount like "88.00"`);
      }
      if (by.kind === 'staff' && by.storeIds.length > 0 && !by.storeIds.includes(input.storeId)) {
        return fail(ErrorCode.forbidden, 'you do not work in this store');
      }
      const row = (
        await deps.db.query<CouponRow & { t: TemplateRow; store_ok: boolean }>(
          `SELECT ${COUPON_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}, to_jsonb(t.*) AS t,
             EXISTS (SELECT 1 FROM stores s WHERE s.tenant_id = $1 AND s.id = $3) AS store_ok
           FROM coupons c JOIN coupon_templates t ON t.id = c.template_id WHERE c.tenant_id = $1 AND c.code = $2`,
          [tenantId, code.trim(), input.storeId],
        )
      ).rows[0];
      if (!row) {
        const store = await deps.db.query('SELECT 1 FROM stores WHERE tenant_id = $1 AND id = $2', [tenantId, input.storeId]);
        return store.rowCount ? fail(ErrorCode.not_found, `no coupon with code ${code}`) : fail(ErrorCode.not_found, 'store not found');
      }
      if (!row.store_ok) return fail(ErrorCode.not_found, 'store not found');
      const coupon = toCoupon(row, at);
      const template = toTemplate(fixJsonTemplate(row.t));
      if (coupon.ownerId === null) return fail(ErrorCode.coupon_not_eligible, 'this code has not been given to anyone yet');
      // Price it as the cashier's amount in this store; scope is the cashier's call at the till.
      const pricing = priceCart({
        lines: [{ lineId: '0', unitPrice: amount ?? Math.max(template.minSpend, 1_000_000_00), quantity: 1 }],
        storeId: input.storeId,
        now: at,
        coupons: [
          {
            id: coupon.code,
            kind: 'coupon',
            rule: { ...ruleOf(template), scope: { type: 'all' }, minQuantity: null },
            state: coupon.state === 'issued' ? 'active' : coupon.state,
            validFrom: coupon.validFrom,
            validTo: coupon.validTo,
          },
        ],
        selected: [coupon.code],
      });
      const ev = pricing.evaluations[0]!;
      if (!ev.eligible) return fail(refusalCode(ev.reason?.code), ev.reason?.message ?? 'this coupon cannot be used here', { reason: ev.reason });
      const discount = amount === null && template.discount.type === 'rate' ? 0 : ev.discount;
      const staffId = by.kind === 'staff' ? by.staffId : null;
      const done = await deps.db.query<CouponRow & { rid: number; redeemed_at: Date }>(
        `WITH rid AS (SELECT nextval(pg_get_serial_sequence('redemptions', 'id')) AS id),
         c AS (UPDATE coupons SET status = 'used', used_at = $2, redemption_id = (SELECT id FROM rid)
               WHERE id = $1 AND status = 'issued' AND (valid_from IS NULL OR valid_from <= $2) AND (valid_to IS NULL OR valid_to >= $2)
               RETURNING ${COUPON_COLUMNS}),
         r AS (INSERT INTO redemptions (id, tenant_id, kind, order_ref, user_id, store_id, staff_id, subtotal, discount_total, created_at)
               SELECT rid.id, $3, 'write_off', $4, c.owner_id, $5, $6, $7, $8, $2 FROM rid, c RETURNING id, created_at),
         i AS (INSERT INTO redemption_items (redemption_id, coupon_id, discount) SELECT r.id, c.id, $8 FROM r, c),
         e AS (INSERT INTO coupon_events (tenant_id, coupon_id, kind, redemption_id, store_id, staff_id, details)
               SELECT $3, c.id, 'written_off', r.id, $5, $6, $9::jsonb FROM r, c),
         a AS (INSERT INTO audit_log (tenant_id, staff_id, action, target_type, target_id, details)
               SELECT $3, $6, 'coupon.write_off', 'coupon', c.code, jsonb_build_object('storeId', $5::bigint, 'redemptionId', r.id, 'apiKeyId', $10::bigint) FROM r, c)
         SELECT c.*, r.id AS rid, r.created_at AS redeemed_at FROM c, r`,
        [coupon.id, at, tenantId, input.orderRef ?? null, input.storeId, staffId, amount ?? 0, discount, JSON.stringify({ amount, discount }), by.kind === 'api_key' ? by.apiKeyId : null],
      );
      const used = done.rows[0];
      if (!used) return fail(ErrorCode.coupon_used, `coupon ${coupon.code} has already been used`);
      return ok({
        id: used.rid,
        kind: 'write_off',
        orderRef: input.orderRef ?? null,
        userId: coupon.ownerId,
        storeId: input.storeId,
        staffId,
        subtotal: amount ?? 0,
        discountTotal: discount,
        status: 'done',
        createdAt: used.redeemed_at,
        rolledBackAt: null,
        items: [{ couponCode: coupon.code, promoCode: null, discount }],
        coupon: toCoupon(used, at),
      });
    },

    get: (tenantId: number, id: number) => loadRedemption(deps.db, tenantId, id),

    async list(tenantId: number, f: { storeId?: number; staffId?: number; kind?: string; from?: Date; to?: Date; limit: number; offset: number }) {
      const r = await deps.db.query<{ id: number; total: number }>(
        `SELECT id, count(*) OVER ()::int AS total FROM redemptions
         WHERE tenant_id = $1 AND ($2::bigint IS NULL OR store_id = $2) AND ($3::bigint IS NULL OR staff_id = $3)
           AND ($4::text IS NULL OR kind = $4) AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
         ORDER BY id DESC LIMIT $7 OFFSET $8`,
        [tenantId, f.storeId ?? null, f.staffId ?? null, f.kind ?? null, f.from ?? null, f.to ?? null, f.limit, f.offset],
      );
      const items = await Promise.all(r.rows.map((x) => loadRedemption(deps.db, tenantId, x.id)));
      return { items: items.filter((x): x is Redemption => x !== null), total: r.rows[0]?.total ?? 0 };
    },
  };
}

/** to_jsonb turns timestamptz into strings and bigint[] into numbers: put the Dates back. */
function fixJsonTemplate(t: TemplateRow): TemplateRow {
  const d = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
  return {
    ...t,
    valid_from: d(t.valid_from),
    valid_to: d(t.valid_to),
    claim_from: d(t.claim_from),
    claim_to: d(t.claim_to),
    created_at: d(t.created_at)!,
    updated_at: d(t.updated_at)!,
  };
}

/** Pricing's reason codes → the domain error a caller gets when it insists on that coupon. */
function refusalCode(reason: string | undefined) {
  switch (reason) {
    case 'used':
      return ErrorCode.coupon_used;
    case 'expired':
      return ErrorCode.coupon_expired;
    case 'not_yet_valid':
      return ErrorCode.coupon_not_yet_valid;
    case 'voided':
      return ErrorCode.coupon_voided;
    case 'wrong_store':
      return ErrorCode.wrong_store;
    default:
      return ErrorCode.coupon_not_eligible;
  }
}

export type RedemptionService = ReturnType<typeof redemptionService>;
