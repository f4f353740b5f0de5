// Checkout for `npm run bench`: shoppers of the apifm dialect create an order
// with a coupon and pay it from the wallet, over and over for a fixed time.
import { fmtInt, fmtMs, log, type Api } from './http.ts';
import { CHECKOUT_COUPONS_PER_USER, CHECKOUT_SECONDS, CHECKOUT_USERS, REQUEST_TIMEOUT_S } from './params.ts';

/** POST an apifm call (form-encoded, as the mini-program SDKs send it); returns the envelope. */
async function apifmCall<T = unknown>(
  base: string,
  slug: string,
  p: string,
  params: Record<string, string | number | boolean>,
): Promise<{ code: number; msg: string; data: T }> {
  const res = await fetch(`${base}/${slug}${p}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))).toString(),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_S * 1000),
  });
  return (await res.json()) as { code: number; msg: string; data: T };
}

const percentile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : NaN;

export interface CheckoutResult {
  orders: number;
  ops: number;
  p50Ms: number;
  p99Ms: number;
  failures: Record<string, number>;
  usedCoupons: number;
  walletCheck: boolean;
}

/**
 * Checkout through the apifm dialect: each of CHECKOUT_USERS shoppers, one at a
 * time, creates an order for one item with one of their coupons and pays it
 * from the wallet. An "order" is the pair create + pay; its latency is both.
 */
export async function checkout(api: Api, base: string): Promise<CheckoutResult> {
  const cat = await api.call<{ id: number }>('POST', '/categories', { name: 'bench' }, [201]);
  const goods = await api.call<{ id: number }>(
    'POST',
    '/goods',
    { name: 'bench tea', price: '30.00', stock: 1_000_000, categoryId: cat.id },
    [201],
  );
  const tpl = await api.call<{ id: number }>('POST', '/coupon-templates', {
    name: 'bench checkout 5 off',
    discount: { type: 'amount', amount: '5.00' },
    minSpend: '20.00',
    validity: { type: 'relative', days: 30 },
    activate: true,
  });
  const shoppers: { token: string; uid: number; coupons: number[]; created: number; paid: number }[] = [];
  for (let i = 0; i < CHECKOUT_USERS; i++) {
    const reg = await apifmCall<{ token: string; uid: number }>(base, 'demo', '/user/username/register', {
      username: `benchshopper${i}`,
      pwd: 'shopper-pass-1',
      autoLogin: true,
    });
    if (reg.code !== 0) throw new Error(`register: ${JSON.stringify(reg)}`);
    await api.call('POST', `/users/${reg.data.uid}/wallet/credit`, { amount: '1000000.00', remark: 'bench' }, [201]);
    const g = await api.call<{ items: { id: number }[] }>(
      'POST',
      '/coupons/grant',
      { templateId: tpl.id, userId: reg.data.uid, quantity: CHECKOUT_COUPONS_PER_USER },
      [201],
    );
    shoppers.push({ token: reg.data.token, uid: reg.data.uid, coupons: g.items.map((c) => c.id), created: 0, paid: 0 });
  }
  const goodsJsonStr = JSON.stringify([{ goodsId: goods.id, number: 1, propertyChildIds: '' }]);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const fail = (k: string) => (failures[k] = (failures[k] ?? 0) + 1);
  const deadline = performance.now() + CHECKOUT_SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    shoppers.map(async (s) => {
      while (performance.now() < deadline && s.coupons.length) {
        const couponId = s.coupons.pop()!;
        const start = performance.now();
        const order = await apifmCall<{ id: number; amountReal: number }>(base, 'demo', '/order/create', {
          token: s.token,
          goodsJsonStr,
          couponId,
        });
        if (order.code !== 0) {
          fail(`create ${order.code}`);
          continue;
        }
        s.created++;
        if (order.data.amountReal !== 25) fail(`amountReal ${order.data.amountReal}`);
        const paid = await apifmCall(base, 'demo', '/order/pay', { token: s.token, orderId: order.data.id });
        if (paid.code !== 0) {
          fail(`pay ${paid.code}`);
          continue;
        }
        s.paid++;
        latencies.push(performance.now() - start);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  // What the shoppers see afterwards: each paid order used one coupon and took 25.00 from the wallet.
  let usedCoupons = 0;
  let walletCheck = true;
  for (const s of shoppers) {
    const amount = await apifmCall<{ balance: number }>(base, 'demo', '/user/amount', { token: s.token });
    const mine = await api.call<{ items: unknown[]; total: number }>('GET', `/coupons?ownerId=${s.uid}&status=used&limit=1`);
    usedCoupons += mine.total;
    // A created order holds its coupon; only a paid one took 25.00 from the wallet.
    if (mine.total !== s.created || amount.data.balance !== 1_000_000 - s.paid * 25) walletCheck = false;
  }
  return {
    orders: latencies.length,
    ops: latencies.length / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    failures,
    usedCoupons,
    walletCheck,
  };
}

/** The checkout scenario with its log lines. */
export async function checkoutScenario(api: Api, base: string): Promise<CheckoutResult> {
  log(`\n[checkout] ${CHECKOUT_USERS} apifm shoppers, order/create with a coupon then order/pay, ${CHECKOUT_SECONDS} s ...`);
  const co = await checkout(api, base);
  log(
    `  ${co.orders} orders paid, ${fmtInt(co.ops)} orders/s, p50 ${fmtMs(co.p50Ms)}, p99 ${fmtMs(co.p99Ms)}; coupons used ${co.usedCoupons}; failures ${JSON.stringify(co.failures)}`,
  );
  if (!co.walletCheck) log('!!!!! FAIL: a wallet balance or used-coupon count does not match the orders !!!!!');
  return co;
}
