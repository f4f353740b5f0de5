// Pricing for `npm run bench`: 50 different coupons on a 20-line cart, priced
// in-process (CPU per quote) and over HTTP (POST /api/v1/quotes).
import { priceCart, type PricedCoupon } from '../src/contexts/coupons/index.ts';
import type { CartLine, CouponRule, Scope } from '../src/contexts/coupons/index.ts';
import { parseMoney, parseRate } from '../src/kernel/money.ts';
import { cannon, describeStatuses, fmtInt, fmtMs, log, rpsOf, type Result } from './http.ts';
import type { Session } from './scenarios.ts';
import { CART_COUPONS, CART_LINES, QUOTE_CONNECTIONS, QUOTE_CPU_BUDGET_MS, QUOTE_SECONDS, REQUEST_TIMEOUT_S } from './params.ts';

interface CouponSpec {
  discount: { type: 'amount'; amount: string } | { type: 'rate'; rate: string; maxOff: string | null };
  minSpend: string;
  scope: Scope;
  stackable: boolean;
}

/** 50 different coupons: amount and rate (capped or not), thresholds from none to unreachable, all/category/goods scopes, stackable or not. */
export function couponSpecs(n: number): CouponSpec[] {
  const thresholds = ['0.00', '20.00', '50.00', '100.00', '200.00', '500.00', '5000.00'];
  const rates = ['0.95', '0.9', '0.88', '0.85', '0.8'];
  return Array.from({ length: n }, (_, i) => {
    const discount: CouponSpec['discount'] =
      i % 3 === 2
        ? { type: 'rate', rate: rates[i % rates.length]!, maxOff: i % 2 ? `${10 + (i % 4) * 10}.00` : null }
        : { type: 'amount', amount: `${(i % 10) * 3 + 2}.00` };
    const scope: Scope =
      i % 4 === 0
        ? { type: 'categories', ids: [1 + (i % 5)] }
        : i % 4 === 1
          ? { type: 'goods', ids: [1 + (i % CART_LINES), 1 + ((i + 7) % CART_LINES)] }
          : { type: 'all' };
    return { discount, minSpend: thresholds[i % thresholds.length]!, scope, stackable: i % 3 === 0 };
  });
}

export function cartItems(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    goodsId: i + 1,
    categoryId: 1 + (i % 5),
    price: `${5 + ((i * 7) % 40)}.${String((i * 13) % 100).padStart(2, '0')}`,
    quantity: 1 + (i % 3),
  }));
}

function ruleOf(s: CouponSpec): CouponRule {
  const fen = (m: string) => {
    const v = parseMoney(m);
    if (v === null) throw new Error(`bad amount ${m}`);
    return v;
  };
  const discount: CouponRule['discount'] =
    s.discount.type === 'amount'
      ? { type: 'amount', amountOff: fen(s.discount.amount) }
      : { type: 'rate', rateBp: parseRate(s.discount.rate)!, maxOff: s.discount.maxOff === null ? null : fen(s.discount.maxOff) };
  return { discount, minSpend: fen(s.minSpend), minQuantity: null, scope: s.scope, storeIds: [], stackable: s.stackable };
}

/** Mean CPU time (user + system) of one priceCart call on 20 lines × 50 coupons. */
export function measureQuoteCpu(): { msPerQuote: number; calls: number; bestDiscountFen: number; eligible: number } {
  const specs = couponSpecs(CART_COUPONS);
  const now = new Date();
  const lines: CartLine[] = cartItems(CART_LINES).map((it, i) => ({
    lineId: String(i),
    goodsId: it.goodsId,
    categoryId: it.categoryId,
    unitPrice: parseMoney(it.price)!,
    quantity: it.quantity,
  }));
  const coupons: PricedCoupon[] = specs.map((s, i) => ({
    id: `C${String(i).padStart(4, '0')}`,
    kind: 'coupon',
    rule: ruleOf(s),
    groupKey: `t${i}`,
    state: 'active',
    validFrom: new Date(now.getTime() - 86_400_000),
    validTo: new Date(now.getTime() + 30 * 86_400_000),
  }));
  const input = { lines, now, coupons };
  const first = priceCart(input);
  let sink = 0;
  for (let i = 0; i < 500; i++) sink += priceCart(input).best.discount; // warm-up
  let calls = 0;
  const start = process.cpuUsage();
  let used = 0;
  while (used < QUOTE_CPU_BUDGET_MS * 1000) {
    for (let i = 0; i < 100; i++) sink += priceCart(input).best.discount;
    calls += 100;
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  if (sink < 0) console.log(sink); // keeps the calls observable
  return {
    msPerQuote: used / 1000 / calls,
    calls,
    bestDiscountFen: first.best.discount,
    eligible: first.evaluations.filter((e) => e.eligible).length,
  };
}

/**
 * The cart's goods and categories as real rows of the tenant (a template's scope may
 * only name the tenant's own), with the in-process numbering 1..n mapped onto their ids:
 * a renaming, so the HTTP quote must find the same best discount as priceCart did.
 */
async function quoteCatalogue(s: Session) {
  const items = cartItems(CART_LINES);
  const categories = new Map<number, number>();
  const goods = new Map<number, number>();
  for (const c of new Set(items.map((it) => it.categoryId))) {
    categories.set(c, (await s.api.call<{ id: number }>('POST', '/categories', { name: `bench quote ${c}` }, [201])).id);
  }
  for (const it of items) {
    const body = { name: `bench quote goods ${it.goodsId}`, price: it.price, stock: 1_000, categoryId: categories.get(it.categoryId)! };
    goods.set(it.goodsId, (await s.api.call<{ id: number }>('POST', '/goods', body, [201])).id);
  }
  const real = (m: Map<number, number>, ids: number[]) => ids.map((i) => m.get(i)!);
  return {
    items: items.map((it) => ({ ...it, goodsId: goods.get(it.goodsId)!, categoryId: categories.get(it.categoryId)! })),
    scope: (sc: Scope): Scope =>
      sc.type === 'categories'
        ? { type: 'categories', ids: real(categories, sc.ids) }
        : sc.type === 'goods'
          ? { type: 'goods', ids: real(goods, sc.ids) }
          : sc,
  };
}

export interface QuoteHttpResult {
  res: Result;
  rps: number;
}

/** Quote over HTTP: one user holding 50 different coupons, a 20-line cart; the best discount must match in-process pricing. */
export async function quoteHttp(s: Session, bestDiscountFen: number): Promise<QuoteHttpResult> {
  const { api } = s;
  log(`\n[quote HTTP] one user with ${CART_COUPONS} coupons, ${CART_LINES} lines ...`);
  const quoteUser = (await api.call<{ id: number }>('POST', '/users', { mobile: '13700000001' }, [201])).id;
  const catalogue = await quoteCatalogue(s);
  for (const [i, spec] of couponSpecs(CART_COUPONS).entries()) {
    const t = await api.call<{ id: number }>('POST', '/coupon-templates', {
      name: `bench quote ${i}`,
      discount: spec.discount,
      minSpend: spec.minSpend,
      scope: catalogue.scope(spec.scope),
      stackable: spec.stackable,
      validity: { type: 'relative', days: 30 },
      activate: true,
    });
    await api.call('POST', '/coupons/grant', { templateId: t.id, userId: quoteUser, quantity: 1 }, [201]);
  }
  const quoteBody = JSON.stringify({ userId: quoteUser, items: catalogue.items });
  const sample = await api.call<{ coupons: { eligible: boolean }[]; best: { discount: string; codes: string[] } }>(
    'POST',
    '/quotes',
    JSON.parse(quoteBody),
  );
  const httpEligible = sample.coupons.filter((c) => c.eligible).length;
  log(
    `  sample quote: ${sample.coupons.length} coupons priced, ${httpEligible} eligible, best ${sample.best.discount} off with ${sample.best.codes.length} coupons`,
  );
  if (sample.coupons.length !== CART_COUPONS)
    log(`!!!!! WARN: the quote priced ${sample.coupons.length} coupons, expected ${CART_COUPONS} !!!!!`);
  if (parseMoney(sample.best.discount) !== bestDiscountFen) {
    log(`!!!!! WARN: HTTP best discount ${sample.best.discount} differs from in-process ${bestDiscountFen} fen !!!!!`);
  }
  log(`  autocannon ${QUOTE_CONNECTIONS} connections, ${QUOTE_SECONDS} s`);
  const res = await cannon({
    url: `${s.url}/api/v1/quotes`,
    method: 'POST',
    headers: s.auth,
    body: quoteBody,
    connections: QUOTE_CONNECTIONS,
    duration: QUOTE_SECONDS,
    timeout: REQUEST_TIMEOUT_S,
  });
  const rps = rpsOf(res);
  log(`  ${fmtInt(rps)} req/s, p50 ${fmtMs(res.latency.p50)}, p99 ${fmtMs(res.latency.p99)}; ${describeStatuses(res)}`);
  return { res, rps };
}
