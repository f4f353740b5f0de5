// The coupon core through the native API: templates, claims and their rules,
// exchange, gift, grant, quotes, redemptions, write-off, idempotency, isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;
let t: TenantFixture;
let storeId: number;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  const s = await rt.app.inject({ method: 'POST', url: '/api/v1/stores', headers: t.auth, payload: { name: 'Main St' } });
  storeId = s.json().id;
});
afterAll(async () => rt?.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = t.auth) =>
  rt.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as object });
const get = (url: string, headers: Record<string, string> = t.auth) => rt.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });
const claim = (templateId: number, body: Record<string, unknown>, headers?: Record<string, string>) =>
  post(`/coupon-templates/${templateId}/claims`, body, headers);

describe('templates', () => {
  it('refuses a discount larger than its threshold, naming the field', async () => {
    const r = await post('/coupon-templates', {
      name: 'x',
      discount: { type: 'amount', amount: '50.00' },
      minSpend: '20.00',
      validity: { type: 'relative', days: 7 },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toMatch(/discount.amount/);
  });

  it('refuses validity that ends before it starts', async () => {
    const r = await post('/coupon-templates', {
      name: 'x',
      discount: { type: 'amount', amount: '5.00' },
      validity: { type: 'fixed', from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toMatch(/validity.to/);
  });

  it('follows the approval machine when the tenant requires approval', async () => {
    const strict = await makeTenant(rt.services, rt.app, { approvalRequired: true });
    const body = { name: 'Spring', discount: { type: 'rate', rate: '0.88', maxOff: '30.00' }, validity: { type: 'relative', days: 10 } };
    expect((await post('/coupon-templates', { ...body, activate: true }, strict.auth)).statusCode).toBe(409);
    const created = await post('/coupon-templates', body, strict.auth);
    expect(created.json()).toMatchObject({ state: 'draft', discount: { type: 'rate', rate: '0.88', maxOff: '30.00' } });
    const id = created.json().id;
    expect((await post(`/coupon-templates/${id}/activate`, {}, strict.auth)).statusCode).toBe(409);
    expect((await post(`/coupon-templates/${id}/submit`, {}, strict.auth)).json().state).toBe('pending');
    const rejected = await post(`/coupon-templates/${id}/reject`, { reason: 'too generous' }, strict.auth);
    expect(rejected.json().state).toBe('draft');
    await post(`/coupon-templates/${id}/submit`, {}, strict.auth);
    expect((await post(`/coupon-templates/${id}/approve`, {}, strict.auth)).json().state).toBe('active');
    const patch = await rt.app.inject({
      method: 'PATCH',
      url: `/api/v1/coupon-templates/${id}`,
      headers: strict.auth,
      payload: { name: 'changed' },
    });
    expect(patch.statusCode).toBe(409);
    expect((await post(`/coupon-templates/${id}/pause`, {}, strict.auth)).json().state).toBe('paused');
    expect((await post(`/coupon-templates/${id}/resume`, {}, strict.auth)).json().state).toBe('active');
    expect((await post(`/coupon-templates/${id}/void`, {}, strict.auth)).json().state).toBe('voided');
    expect((await post(`/coupon-templates/${id}/resume`, {}, strict.auth)).statusCode).toBe(409);
    const audit = await rt.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE target_id = $1 AND target_type = 'coupon_template' ORDER BY id`,
      [String(id)],
    );
    expect(audit.rows.map((r) => r.action)).toEqual([
      'template.create',
      'template.submit',
      'template.reject',
      'template.submit',
      'template.approve',
      'template.pause',
      'template.resume',
      'template.void',
    ]);
  });

  it('lets staff edit a draft and lists by state and name', async () => {
    const d = await post('/coupon-templates', {
      name: 'Draft me',
      discount: { type: 'amount', amount: '3.00' },
      validity: { type: 'relative', days: 3 },
    });
    const id = d.json().id;
    const p = await rt.app.inject({
      method: 'PATCH',
      url: `/api/v1/coupon-templates/${id}`,
      headers: t.auth,
      payload: { stock: 5, minSpend: '10.00' },
    });
    expect(p.json()).toMatchObject({ stock: 5, minSpend: '10.00', left: 5, name: 'Draft me' });
    const list = await get('/coupon-templates?state=draft&name=draft');
    expect(list.json().items.map((x: { id: number }) => x.id)).toContain(id);
    // null means unlimited, not 0
    const unlimited = await rt.app.inject({
      method: 'PATCH',
      url: `/api/v1/coupon-templates/${id}`,
      headers: t.auth,
      payload: { stock: null, perUserLimit: null },
    });
    expect(unlimited.json()).toMatchObject({ stock: null, left: null, perUserLimit: null });
  });
});

describe('claims', () => {
  it('claims a coupon, with a unique code and validity from receipt', async () => {
    const tpl = await makeTemplate(rt.app, t, { validity: { type: 'relative', days: 7 } });
    const u = await makeUser(rt.services, t.tenantId);
    const r = await claim(tpl.id, { userId: u.id });
    expect(r.statusCode).toBe(201);
    const c = r.json();
    expect(c).toMatchObject({ templateId: tpl.id, ownerId: u.id, source: 'claim', status: 'usable' });
    expect(c.code).toMatch(/^[A-Z2-9]{12}$/);
    const days = (new Date(c.validTo).getTime() - new Date(c.validFrom).getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(6);
    expect(days).toBeLessThanOrEqual(7);
  });

  it('detect says whether a claim would succeed and changes nothing', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 1 });
    const u = await makeUser(rt.services, t.tenantId);
    const d = await claim(tpl.id, { userId: u.id, detect: true });
    expect(d.statusCode).toBe(200);
    expect(d.json()).toEqual({ wouldSucceed: true });
    expect((await get(`/coupon-templates/${tpl.id}`)).json().issued).toBe(0);
  });

  it('enforces stock and the per-user limit with clear codes', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 2, perUserLimit: 1 });
    const [a, b, c] = [
      await makeUser(rt.services, t.tenantId),
      await makeUser(rt.services, t.tenantId),
      await makeUser(rt.services, t.tenantId),
    ];
    expect((await claim(tpl.id, { userId: a.id })).statusCode).toBe(201);
    const again = await claim(tpl.id, { userId: a.id });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('per_user_limit');
    expect((await claim(tpl.id, { userId: b.id })).statusCode).toBe(201);
    const out = await claim(tpl.id, { userId: c.id });
    expect(out.json().code).toBe('sold_out');
    expect((await claim(tpl.id, { userId: c.id, detect: true })).json().code).toBe('sold_out');
    const stats = (await get(`/coupon-templates/${tpl.id}/stats`)).json();
    expect(stats).toMatchObject({ issued: 2, left: 0, claimedByChannel: { claim: 2 } });
  });

  it('enforces the claim window, password, points, price, sign-in days and audience', async () => {
    const u = await makeUser(rt.services, t.tenantId, { points: 50 });
    const later = await makeTemplate(rt.app, t, { claimFrom: new Date(Date.now() + 86_400_000).toISOString() });
    expect((await claim(later.id, { userId: u.id })).json().code).toBe('not_started');
    const over = await makeTemplate(rt.app, t, {
      claimFrom: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      claimTo: new Date(Date.now() - 86_400_000).toISOString(),
    });
    expect((await claim(over.id, { userId: u.id })).json().code).toBe('ended');

    const secret = await makeTemplate(rt.app, t, { claimPassword: 'OPEN SESAME' });
    expect((await claim(secret.id, { userId: u.id })).json().code).toBe('wrong_password');
    expect((await claim(secret.id, { userId: u.id, password: 'nope' })).json().code).toBe('wrong_password');
    expect((await claim(secret.id, { userId: u.id, password: 'OPEN SESAME' })).statusCode).toBe(201);

    const costly = await makeTemplate(rt.app, t, { claimCostPoints: 30 });
    expect((await claim(costly.id, { userId: u.id })).statusCode).toBe(201);
    const broke = await claim(costly.id, { userId: u.id });
    expect(broke.json().code).toBe('not_enough_points');
    const user = (await get(`/users/${u.id}`)).json();
    expect(user.points).toBe(20);
    const ledger = await rt.db.query<{ sum: number }>('SELECT sum(delta)::int AS sum FROM points_ledger WHERE user_id = $1', [u.id]);
    expect(ledger.rows[0]!.sum).toBe(20);

    const paid = await makeTemplate(rt.app, t, { price: '9.90' });
    const pay = await claim(paid.id, { userId: u.id });
    expect(pay.statusCode).toBe(402);
    expect(pay.json()).toMatchObject({ code: 'payment_needed' });
    expect(JSON.stringify(pay.json())).toContain('990');
    expect((await claim(paid.id, { userId: u.id, paid: true })).statusCode).toBe(201);

    const loyal = await makeTemplate(rt.app, t, { requiredSignInDays: 3 });
    const needs = await claim(loyal.id, { userId: u.id });
    expect(needs.json().code).toBe('sign_in_days_needed');
    const today = new Date();
    for (let i = 0; i < 3; i++) {
      const d = new Date(today.getTime() - i * 86_400_000).toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
      await rt.db.query('INSERT INTO sign_ins (tenant_id, user_id, day) VALUES ($1, $2, $3)', [t.tenantId, u.id, d]);
    }
    expect((await claim(loyal.id, { userId: u.id })).statusCode).toBe(201);

    const fresh = await makeTemplate(rt.app, t, { audience: { userType: 'no_purchase' } });
    await rt.db.query('UPDATE users SET has_purchased = true WHERE id = $1', [u.id]);
    expect((await claim(fresh.id, { userId: u.id })).json().code).toBe('audience_mismatch');
  });

  it("refuses another tenant's template and another tenant's user", async () => {
    const other = await makeTenant(rt.services, rt.app);
    const tpl = await makeTemplate(rt.app, t);
    const theirUser = await makeUser(rt.services, other.tenantId);
    expect((await claim(tpl.id, { userId: theirUser.id }, other.auth)).statusCode).toBe(404);
    expect((await claim(tpl.id, { userId: theirUser.id })).statusCode).toBe(404);
  });

  it('replays the first answer for a repeated Idempotency-Key and issues nothing more', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const u = await makeUser(rt.services, t.tenantId);
    const h = { ...t.auth, 'idempotency-key': `claim-${u.id}` };
    const first = await claim(tpl.id, { userId: u.id }, h);
    const second = await claim(tpl.id, { userId: u.id }, h);
    expect(first.statusCode).toBe(201);
    expect(second.statusCode).toBe(201);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect((await get(`/coupon-templates/${tpl.id}`)).json().issued).toBe(1);
    const misuse = await claim(tpl.id, { userId: u.id, detect: true }, h);
    expect(misuse.statusCode).toBe(422);
  });
});

describe('gift, grant, exchange', () => {
  it('gives a coupon to another user by mobile; the history keeps both', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const [from, to] = [await makeUser(rt.services, t.tenantId), await makeUser(rt.services, t.tenantId)];
    const code = (await claim(tpl.id, { userId: from.id })).json().code;
    const g = await post(`/coupons/${code}/gift`, { fromUserId: from.id, toMobile: to.mobile });
    expect(g.statusCode).toBe(200);
    expect(g.json().ownerId).toBe(to.id);
    const again = await post(`/coupons/${code}/gift`, { fromUserId: from.id, toUserId: from.id });
    expect(again.statusCode).toBe(403);
    const detail = (await get(`/coupons/${code}`)).json();
    expect(detail.history.map((e: { kind: string }) => e.kind)).toEqual(['issued', 'gifted']);
    expect(detail.history[1]).toMatchObject({ fromUser: from.id, toUser: to.id });
  });

  it('grants N coupons to a user by mobile; stock applies', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 4 });
    const u = await makeUser(rt.services, t.tenantId);
    const g = await post('/coupons/grant', { templateId: tpl.id, mobile: u.mobile, quantity: 3 });
    expect(g.statusCode).toBe(201);
    expect(g.json().items).toHaveLength(3);
    expect(new Set(g.json().items.map((c: { code: string }) => c.code)).size).toBe(3);
    expect((await post('/coupons/grant', { templateId: tpl.id, userId: u.id, quantity: 2 })).json().code).toBe('sold_out');
    const mine = await get(`/coupons?ownerId=${u.id}&status=usable`);
    expect(mine.json().total).toBe(3);
    const code = mine.json().items[0].code;
    expect((await post(`/coupons/${code}/write-off`, { storeId })).statusCode).toBe(201);
    const used = await get(`/coupons?ownerId=${u.id}&status=used`);
    expect(used.statusCode).toBe(200);
    expect(used.json().items.map((c: { code: string }) => c.code)).toEqual([code]);
    expect((await get(`/coupons?ownerId=${u.id}&status=voided`)).json().total).toBe(0);
  });

  it('generates a 卡密 batch with progress, exports passwords once, exchanges under a throttle', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 100 });
    const b = await post(`/coupon-templates/${tpl.id}/code-batches`, { count: 20, pattern: 'GIFT-####-####', withPassword: true });
    expect(b.statusCode).toBe(202);
    await rt.services.codeBatches.wait(b.json().id);
    const progress = (await get(`/code-batches/${b.json().id}`)).json();
    expect(progress).toMatchObject({ state: 'done', generated: 20, count: 20 });
    const csv1 = await get(`/code-batches/${b.json().id}/codes.csv`);
    expect(csv1.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv1.body.trim().split('\n');
    expect(lines[0]).toBe('code,password');
    expect(lines).toHaveLength(21);
    const [code, password] = lines[1]!.split(',') as [string, string];
    expect(code).toMatch(/^GIFT-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const csv2 = await get(`/code-batches/${b.json().id}/codes.csv`);
    expect(csv2.body.split('\n')[0]).toBe('code');
    expect(csv2.body).not.toContain(password);
    const stored = await rt.db.query('SELECT 1 FROM coupons WHERE password_plain IS NOT NULL AND batch_id = $1', [b.json().id]);
    expect(stored.rowCount).toBe(0);

    const u = await makeUser(rt.services, t.tenantId);
    for (let i = 0; i < 5; i++) {
      const wrong = await post('/coupons/exchange', { userId: u.id, code, password: '00000000' });
      expect(wrong.json().code).toBe('wrong_password');
    }
    expect((await post('/coupons/exchange', { userId: u.id, code, password })).json().code).toBe('rate_limited');
    const [code2, password2] = lines[2]!.split(',') as [string, string];
    const ok = await post('/coupons/exchange', { userId: u.id, code: code2, password: password2 });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ ownerId: u.id, status: 'usable' });
    const v = await makeUser(rt.services, t.tenantId);
    expect((await post('/coupons/exchange', { userId: v.id, code: code2, password: password2 })).json().code).toBe('coupon_used');
  });

  it('refuses a batch larger than 10 % of its key space', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const r = await post(`/coupon-templates/${tpl.id}/code-batches`, { count: 5000, pattern: 'A-####', charset: 'numeric' });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toMatch(/key space/i);
  });
});

describe('quotes, redemptions, write-off', () => {
  it('quotes each coupon with a reason and picks the best combination, changing nothing', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const big = await makeTemplate(rt.app, t, { name: '30 off 200', discount: { type: 'amount', amount: '30.00' }, minSpend: '200.00' });
    const small = await makeTemplate(rt.app, t, { name: '10 off 100' });
    const rate = await makeTemplate(rt.app, t, {
      name: '88%',
      discount: { type: 'rate', rate: '0.88', maxOff: '15.00' },
      minSpend: '0.00',
    });
    const cBig = (await claim(big.id, { userId: u.id })).json().code;
    const cSmall = (await claim(small.id, { userId: u.id })).json().code;
    const cRate = (await claim(rate.id, { userId: u.id })).json().code;
    const q = await post('/quotes', {
      userId: u.id,
      items: [
        { price: '60.00', quantity: 2 },
        { price: '5.50', quantity: 1 },
      ],
    });
    expect(q.statusCode).toBe(200);
    const body = q.json();
    expect(body.subtotal).toBe('125.50');
    const byCode = Object.fromEntries(body.coupons.map((c: { code: string }) => [c.code, c]));
    expect(byCode[cBig]).toMatchObject({ eligible: false, reason: { code: 'below_threshold' } });
    expect(byCode[cSmall]).toMatchObject({ eligible: true, discount: '10.00' });
    expect(byCode[cRate]).toMatchObject({ eligible: true, discount: '15.00' });
    expect(body.best.codes).toEqual([cRate]);
    expect(body.best.total).toBe('110.50');
    const still = (await get(`/coupons/${cRate}`)).json().coupon.status;
    expect(still).toBe('usable');
  });

  it('redeems all coupons of an order or none, and rolls back exactly once', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const a = await makeTemplate(rt.app, t, {
      name: 'stack A',
      discount: { type: 'amount', amount: '5.00' },
      minSpend: '0.00',
      stackable: true,
    });
    const b = await makeTemplate(rt.app, t, {
      name: 'stack B',
      discount: { type: 'amount', amount: '7.00' },
      minSpend: '0.00',
      stackable: true,
    });
    const ca = (await claim(a.id, { userId: u.id })).json().code;
    const cb = (await claim(b.id, { userId: u.id })).json().code;
    const items = [{ price: '50.00', quantity: 1 }];
    // Use B elsewhere first: the order with A+B must then take neither.
    const w = await post(`/coupons/${cb}/write-off`, { storeId });
    expect(w.statusCode).toBe(201);
    const failed = await post('/redemptions', { userId: u.id, items, couponCodes: [ca, cb], orderRef: 'ORDER-1' });
    expect(failed.statusCode).toBe(409);
    expect((await get(`/coupons/${ca}`)).json().coupon.status).toBe('usable');
    // Roll the write-off back, then redeem both.
    await post(`/redemptions/${w.json().id}/rollback`, {});
    const done = await post('/redemptions', { userId: u.id, items, couponCodes: [ca, cb], orderRef: 'ORDER-2' });
    expect(done.statusCode).toBe(201);
    expect(done.json()).toMatchObject({ discountTotal: '12.00', subtotal: '50.00', status: 'done' });
    expect((await get(`/coupons/${ca}`)).json().coupon.status).toBe('used');
    const dup = await post('/redemptions', { userId: u.id, items, couponCodes: [ca], orderRef: 'ORDER-2' });
    expect(dup.statusCode).toBe(409);
    const rb1 = await post(`/redemptions/${done.json().id}/rollback`, {});
    expect(rb1.statusCode).toBe(200);
    const rb2 = await post(`/redemptions/${done.json().id}/rollback`, {});
    expect(rb2.json().code).toBe('already_rolled_back');
    expect((await get(`/coupons/${ca}`)).json().coupon.status).toBe('usable');
    const stats = (await get(`/coupon-templates/${a.id}/stats`)).json();
    expect(stats).toMatchObject({ redeemed: 0, rolledBack: 1, discountGiven: '0.00' });
  });

  it('writes off by code in a store, once, with staff, store and amount recorded', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const tpl = await makeTemplate(rt.app, t, { storeIds: [storeId] });
    const code = (await claim(tpl.id, { userId: u.id })).json().code;
    const low = await post(`/coupons/${code}/write-off`, { storeId, amount: '50.00' });
    expect(low.json().code).toBe('coupon_not_eligible');
    const w = await post(`/coupons/${code}/write-off`, { storeId, amount: '120.00', orderRef: 'TILL-9' });
    expect(w.statusCode).toBe(201);
    expect(w.json()).toMatchObject({ kind: 'write_off', storeId, subtotal: '120.00', discountTotal: '10.00', coupon: { status: 'used' } });
    expect(w.json().staffId).toBeGreaterThan(0);
    const again = await post(`/coupons/${code}/write-off`, { storeId });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'coupon_used' });
    const other = await rt.app.inject({ method: 'POST', url: '/api/v1/stores', headers: t.auth, payload: { name: 'Elsewhere' } });
    const code2 = (await claim(tpl.id, { userId: u.id })).json().code;
    const wrong = await post(`/coupons/${code2}/write-off`, { storeId: other.json().id });
    expect(wrong.json().code).toBe('wrong_store');
  });
});

describe('promo codes', () => {
  it('need approval, then price at checkout within their limits', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const body = {
      code: 'SPRING88',
      name: 'Spring 88%',
      rule: {
        type: 'discount_market_price',
        condition: { amountAtLeast: '100.00', countAtLeast: 1 },
        action: { discount: '0.88', discountAtMost: '100.00' },
      },
      limitTimes: 1,
      userUseLimit: 1,
      validFrom: new Date(Date.now() - 1000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
    };
    const p = await post('/promo-codes', body);
    expect(p.statusCode).toBe(201);
    expect(p.json().state).toBe('pending');
    expect((await post('/promo-codes', body)).statusCode).toBe(409);
    const items = [{ price: '200.00', quantity: 1 }];
    expect((await post('/quotes', { userId: u.id, items, promoCodes: ['SPRING88'] })).json().code).toBe('coupon_not_eligible');
    expect((await post(`/promo-codes/${p.json().id}/approve`, {})).json().state).toBe('approved');
    expect((await post(`/promo-codes/${p.json().id}/submit`, {})).statusCode).toBe(409);
    const q = await post('/quotes', { userId: u.id, items, promoCodes: ['SPRING88'] });
    expect(q.json().selection).toMatchObject({ codes: ['SPRING88'], discount: '24.00', total: '176.00' });
    const r = await post('/redemptions', { userId: u.id, items, promoCodes: ['SPRING88'], orderRef: 'P-1' });
    expect(r.statusCode).toBe(201);
    const v = await makeUser(rt.services, t.tenantId);
    const out = await post('/redemptions', { userId: v.id, items, promoCodes: ['SPRING88'], orderRef: 'P-2' });
    expect(out.json().code).toBe('sold_out');
    expect((await post(`/promo-codes/${p.json().id}/void`, {})).json().state).toBe('voided');
  });
});

describe('promo codes: contract field names', () => {
  it('takes `department` and `staff` as native-api.md names them, and filters by them', async () => {
    const dept = (await post('/departments', { name: `Sales ${Date.now()}` })).json();
    const body = {
      code: `DEPT${Date.now() % 100000}`,
      name: 'Department code',
      rule: { type: 'discount_market_price', condition: { amountAtLeast: '10.00' }, action: { amountOff: '1.00' } },
      limitTimes: 10,
      userUseLimit: 1,
      validFrom: new Date(Date.now() - 1000).toISOString(),
      validTo: new Date(Date.now() + 86_400_000).toISOString(),
      department: dept.id,
    };
    const p = await post('/promo-codes', body);
    expect(p.statusCode).toBe(201);
    expect(p.json()).toMatchObject({ department: dept.id, departmentId: dept.id, staff: null });
    const listed = (await get(`/promo-codes?department=${dept.id}`)).json();
    expect(listed.items.map((x: { id: number }) => x.id)).toEqual([p.json().id]);
    // A parent department's filter takes in the codes of the departments under it.
    const child = (await post('/departments', { name: `Sales north ${Date.now()}`, parentId: dept.id })).json();
    const q = await post('/promo-codes', { ...body, code: `${body.code}N`, department: child.id });
    expect(q.statusCode).toBe(201);
    const tree = (await get(`/promo-codes?department=${dept.id}`)).json();
    expect(tree.items.map((x: { id: number }) => x.id).sort()).toEqual([p.json().id, q.json().id].sort());
    expect((await get(`/promo-codes?department=${child.id}`)).json().items.map((x: { id: number }) => x.id)).toEqual([q.json().id]);
    const cleared = await rt.app.inject({
      method: 'PATCH',
      url: `/api/v1/promo-codes/${p.json().id}`,
      headers: t.auth,
      payload: { department: null },
    });
    expect(cleared.json()).toMatchObject({ department: null });
  });
});

describe('idempotent staff actions', () => {
  it('a repeated template create with one Idempotency-Key makes one template', async () => {
    const h = { ...t.auth, 'idempotency-key': 'tpl-create-1' };
    const body = { name: 'Once', discount: { type: 'amount', amount: '1.00' }, validity: { type: 'relative', days: 1 } };
    const a = await post('/coupon-templates', body, h);
    const b = await post('/coupon-templates', body, h);
    expect(a.statusCode).toBe(201);
    expect(b.json().id).toBe(a.json().id);
    const list = await get('/coupon-templates?name=Once');
    expect(list.json().total).toBe(1);
  });
});

describe('guards around issuing and redeeming', () => {
  const batchOf = async (templateId: number, count: number, withPassword = true) => {
    const b = await post(`/coupon-templates/${templateId}/code-batches`, { count, pattern: 'G-######', withPassword });
    await rt.services.codeBatches.wait(b.json().id);
    const lines = (await get(`/code-batches/${b.json().id}/codes.csv`)).body.trim().split('\n').slice(1);
    return lines.map((l) => l.split(',') as [string, string]);
  };

  it("never exchanges a 卡密 code for another tenant's user", async () => {
    const tpl = await makeTemplate(rt.app, t);
    const [code, password] = (await batchOf(tpl.id, 1))[0]!;
    const other = await makeTenant(rt.services, rt.app);
    const stranger = await makeUser(rt.services, other.tenantId);
    const r = await post('/coupons/exchange', { userId: stranger.id, code, password });
    expect(r.statusCode).toBe(404);
    expect(r.json().code).toBe('not_found');
    const c = (await get(`/coupons/${code}`)).json();
    expect(c.coupon.ownerId).toBeNull();
  });

  it('exchanges only while the campaign is active', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const [code, password] = (await batchOf(tpl.id, 1))[0]!;
    expect((await post(`/coupon-templates/${tpl.id}/pause`, {})).json().state).toBe('paused');
    const u = await makeUser(rt.services, t.tenantId);
    const paused = await post('/coupons/exchange', { userId: u.id, code, password });
    expect(paused.statusCode).toBe(409);
    expect((await post(`/coupon-templates/${tpl.id}/resume`, {})).json().state).toBe('active');
    expect((await post('/coupons/exchange', { userId: u.id, code, password })).statusCode).toBe(201);
  });

  it('does not redeem a batch code nobody holds, nor in another tenant’s store', async () => {
    const tpl = await makeTemplate(rt.app, t, { minSpend: '0.00' });
    const [code] = (await batchOf(tpl.id, 1, false))[0]!;
    const items = [{ price: '50.00', quantity: 1 }];
    const r = await post('/redemptions', { items, couponCodes: [code], orderRef: `unowned-${code}` });
    expect(r.statusCode).toBe(404);
    expect((await get(`/coupons/${code}`)).json().coupon.status).toBe('usable');

    const u = await makeUser(rt.services, t.tenantId);
    const mine = (await claim(tpl.id, { userId: u.id })).json().code;
    const other = await makeTenant(rt.services, rt.app);
    const foreignStore = (
      await rt.app.inject({ method: 'POST', url: '/api/v1/stores', headers: other.auth, payload: { name: 'Elsewhere' } })
    ).json().id;
    const s = await post('/redemptions', { userId: u.id, items, couponCodes: [mine], storeId: foreignStore, orderRef: `foreign-${mine}` });
    expect(s.statusCode).toBe(404);
    expect((await get(`/coupons/${mine}`)).json().coupon.status).toBe('usable');
  });

  it('voiding a template voids its unused coupons; ending it keeps them usable', async () => {
    const voided = await makeTemplate(rt.app, t, { minSpend: '0.00' });
    const ended = await makeTemplate(rt.app, t, { minSpend: '0.00' });
    const u = await makeUser(rt.services, t.tenantId);
    const [a, b] = [(await claim(voided.id, { userId: u.id })).json().code, (await claim(ended.id, { userId: u.id })).json().code];
    expect((await post(`/coupon-templates/${voided.id}/void`, {})).json().state).toBe('voided');
    const c = (await get(`/coupons/${a}`)).json();
    expect(c.coupon.status).toBe('voided');
    expect(c.history.map((e: { kind: string }) => e.kind)).toEqual(['issued', 'voided']);
    const wo = await post(`/coupons/${a}/write-off`, { storeId });
    expect(wo.statusCode).toBe(422);
    expect(wo.json().code).toBe('coupon_voided');
    expect((await post(`/coupon-templates/${ended.id}/end`, {})).json().state).toBe('ended');
    expect((await get(`/coupons/${b}`)).json().coupon.status).toBe('usable');
    expect((await post(`/coupons/${b}/write-off`, { storeId })).statusCode).toBe(201);
  });

  it('a user holding more than 500 coupons can quote and redeem the newest one', async () => {
    const tpl = await makeTemplate(rt.app, t, { minSpend: '0.00', stackable: true });
    const u = await makeUser(rt.services, t.tenantId);
    const g = (await post('/coupons/grant', { templateId: tpl.id, userId: u.id, quantity: 600 })).json();
    const newest = g.items.map((c: { id: number; code: string }) => c).sort((a: { id: number }, b: { id: number }) => b.id - a.id)[0].code;
    const items = [{ price: '50.00', quantity: 1 }];
    const q = (await post('/quotes', { userId: u.id, items, couponCodes: [newest] })).json();
    expect(q.selection).toMatchObject({ codes: [newest] });
    const r = await post('/redemptions', { userId: u.id, items, couponCodes: [newest], orderRef: `many-${newest}` });
    expect(r.statusCode).toBe(201);
    expect((await get(`/coupons/${newest}`)).json().coupon.status).toBe('used');
  });

  it('a claim made by staff leaves an audit entry and an issued history entry', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 50 });
    const u = await makeUser(rt.services, t.tenantId);
    const code = (await claim(tpl.id, { userId: u.id })).json().code;
    const audit = (await get(`/audit-log?action=coupon.claim&limit=200`)).json();
    expect(
      audit.items.some((a: { targetId: string; details: { userId: number } }) => a.targetId === code && a.details.userId === u.id),
    ).toBe(true);
    expect((await get(`/coupons/${code}`)).json().history).toEqual([expect.objectContaining({ kind: 'issued', toUser: u.id })]);
  });

  it('pages lists by page/pageSize as well as limit/offset', async () => {
    const u = await makeUser(rt.services, t.tenantId);
    const tpl = await makeTemplate(rt.app, t);
    await post('/coupons/grant', { templateId: tpl.id, userId: u.id, quantity: 5 });
    const all = (await get(`/coupons?ownerId=${u.id}&limit=5`)).json().items.map((c: { code: string }) => c.code);
    const p2 = (await get(`/coupons?ownerId=${u.id}&page=2&pageSize=2`)).json();
    expect(p2.total).toBe(5);
    expect(p2.items.map((c: { code: string }) => c.code)).toEqual(all.slice(2, 4));
  });
});
