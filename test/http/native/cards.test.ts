// Membership cards through the native API: products and events, opening a
// card, recharge with event coupons, the spend rule (oldest bucket first,
// capital before bonus), card passwords, refunds behind SMS codes, records,
// uploads, QR payloads (staff and consumer side), tenant isolation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, uniqueName, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;
let t: TenantFixture;
let storeId: number;
let clerk: { auth: { authorization: string }; phone: string };

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
  storeId = (await post('/stores', { name: 'Main St' })).json().id;
  const username = uniqueName('clerk');
  const phone = '13812345678';
  expect((await post('/staff', { username, password: 'clerk-pass-1', role: 'operator', storeIds: [storeId], phone })).statusCode).toBe(201);
  const login = await rt.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'clerk-pass-1' } });
  clerk = { auth: { authorization: `Bearer ${login.json().token}` }, phone };
});
afterAll(async () => rt?.close());

function post(url: string, payload: unknown, headers: Record<string, string> = t.auth) {
  return rt.app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload: payload as object });
}
const get = (url: string, headers: Record<string, string> = t.auth) => rt.app.inject({ method: 'GET', url: `/api/v1${url}`, headers });

async function product(type: 1 | 10 | 11, title = 'Card') {
  const r = await post('/card-products', { title, type, colour: '#E43B19', storeIds: [storeId], summary: 's' });
  expect(r.statusCode).toBe(201);
  return r.json().id as number;
}
let phoneN = 0;
async function open(productId: number) {
  const phone = `1590000${String(++phoneN).padStart(4, '0')}`;
  const r = await post('/cards', { productId, phone }, clerk.auth);
  expect(r.statusCode).toBe(201);
  return { id: r.json().id as number, userId: r.json().userId as number, phone, password: phone.slice(-6) };
}

describe('card products and events', () => {
  it('creates products and lists them with stores and events; checks type, colour and stores', async () => {
    const r = await post('/card-products', {
      title: 'Gold',
      type: 11,
      colour: '#34988E',
      logo: '/x.png',
      storeIds: [storeId],
      summary: '<p>x</p>',
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({
      title: 'Gold',
      type: 11,
      colour: '#34988E',
      storeIds: [storeId],
      stores: [{ id: storeId, name: 'Main St' }],
      events: [],
      status: 1,
    });
    expect((await post('/card-products', { title: 'x', type: 3 })).statusCode).toBe(400);
    expect((await post('/card-products', { title: 'x', type: 10, colour: 'red' })).statusCode).toBe(400);
    expect((await post('/card-products', { title: 'x', type: 10, storeIds: [999999] })).statusCode).toBe(400);
    expect((await post('/card-products', { title: 'x', type: 10 }, clerk.auth)).statusCode).toBe(403);
    const list = await get('/card-products');
    expect(list.json().items.map((p: { id: number }) => p.id)).toContain(r.json().id);
  });

  it('edits a product: face and stores change, type cannot, a disabled product opens no new cards', async () => {
    const id = await product(10, 'Silver');
    const patch = (body: unknown, headers: Record<string, string> = t.auth) =>
      rt.app.inject({ method: 'PATCH', url: `/api/v1/card-products/${id}`, headers, payload: body as object });
    const r = await patch({ title: 'Silver Plus', colour: '#112233', summary: null, storeIds: [] });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ id, title: 'Silver Plus', colour: '#112233', summary: null, storeIds: [], type: 10, status: 1 });
    expect((await patch({ type: 11 })).statusCode).toBe(400);
    expect((await patch({ colour: 'red' })).statusCode).toBe(400);
    expect((await patch({ storeIds: [999999] })).statusCode).toBe(400);
    expect((await patch({ title: 'x' }, clerk.auth)).statusCode).toBe(403);
    expect((await get(`/card-products/${id}`)).json().title).toBe('Silver Plus');
    expect((await patch({ status: 2 })).json().status).toBe(2);
    const refused = await post('/cards', { productId: id, phone: '15911112222' }, clerk.auth);
    expect(refused.statusCode).toBe(409);
    const audit = (await get('/audit-log?action=card_product.update')).json();
    expect(audit.items.some((a: { targetId: string }) => String(a.targetId) === String(id))).toBe(true);
  });

  it('creates events: amounts, coupons for type 2/5, status 10 on an event card and 1 elsewhere', async () => {
    const tpl = await makeTemplate(rt.app, t, { minSpend: '0.00' });
    const ev = await product(11);
    const val = await product(10);
    const ok1 = await post(`/card-products/${ev}/events`, { title: '200+200', type: 1, rechargeMoney: '200.00', sendMoney: '200.00' });
    expect(ok1.statusCode).toBe(201);
    expect(ok1.json()).toMatchObject({ type: 1, rechargeMoney: '200.00', sendMoney: '200.00', couponTemplateId: null, status: 10 });
    const ok5 = await post(`/card-products/${val}/events`, {
      title: 'both',
      type: 5,
      rechargeMoney: '100.00',
      sendMoney: '10.00',
      couponTemplateId: tpl.id,
      quantity: 3,
    });
    expect(ok5.json()).toMatchObject({ type: 5, couponTemplateId: tpl.id, couponTemplateName: '10 off 100', quantity: 3, status: 1 });
    expect(
      (await post(`/card-products/${ev}/events`, { title: 'x', type: 2, rechargeMoney: '100.00', sendMoney: '0.00' })).statusCode,
    ).toBe(400);
    expect(
      (await post(`/card-products/${ev}/events`, { title: 'x', type: 1, rechargeMoney: '100.00', sendMoney: '0.00' })).statusCode,
    ).toBe(400);
    expect((await post(`/card-products/${ev}/events`, { title: 'x', type: 1, rechargeMoney: '0.00', sendMoney: '1.00' })).statusCode).toBe(
      400,
    );
    expect((await post(`/card-products/999999/events`, { title: 'x', type: 1, rechargeMoney: '1.00', sendMoney: '1.00' })).statusCode).toBe(
      404,
    );
    const list = await get(`/card-products/${ev}/events`);
    expect(list.json()).toMatchObject({ total: 1, items: [{ id: ok1.json().id }] });
    expect((await get(`/card-events/${ok5.json().id}`)).json().title).toBe('both');
  });
});

describe('cards and money', () => {
  it('opens a card for a new phone (consumer created), once per product', async () => {
    const p = await product(10);
    const c = await open(p);
    const card = (await get(`/cards/${c.id}`)).json();
    expect(card).toMatchObject({ phone: c.phone, balance: '0.00', type: 10 });
    expect(card.cardNo).toMatch(/^79\d{11}$/);
    expect((await post('/cards', { productId: p, phone: c.phone }, clerk.auth)).statusCode).toBe(409);
    expect((await rt.services.users.getRow(t.tenantId, { mobile: c.phone }))?.id).toBe(c.userId);
    expect((await post('/cards', { productId: p, phone: 'abc' }, clerk.auth)).statusCode).toBe(400);
  });

  it('recharge through a type-5 event adds capital and bonus and issues its coupons; amounts must match', async () => {
    const tpl = await makeTemplate(rt.app, t, { minSpend: '0.00', stock: 100 });
    const p = await product(10);
    const e = (
      await post(`/card-products/${p}/events`, {
        title: 'both',
        type: 5,
        rechargeMoney: '100.00',
        sendMoney: '10.00',
        couponTemplateId: tpl.id,
        quantity: 2,
      })
    ).json();
    const c = await open(p);
    const r = await post(`/cards/${c.id}/recharge`, { recharge: '100.00', send: '10.00', eventId: e.id }, clerk.auth);
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({
      kind: 'recharge',
      amount: '100.00',
      capitalDelta: '100.00',
      bonusDelta: '10.00',
      capitalAfter: '100.00',
      bonusAfter: '10.00',
      eventId: e.id,
      storeId,
    });
    expect(r.json().couponIds).toHaveLength(2);
    expect(r.json().orderNo).toMatch(/^\d{14}$/);
    const coupons = await get(`/coupons?ownerId=${c.userId}&templateId=${tpl.id}`);
    expect(coupons.json().total).toBe(2);
    expect((await post(`/cards/${c.id}/recharge`, { recharge: '100.00', send: '20.00', eventId: e.id }, clerk.auth)).statusCode).toBe(400);
    // a sold-out template rolls the whole recharge back
    const few = await makeTemplate(rt.app, t, { minSpend: '0.00', stock: 1 });
    const e2 = (
      await post(`/card-products/${p}/events`, {
        title: 'few',
        type: 2,
        rechargeMoney: '50.00',
        sendMoney: '0.00',
        couponTemplateId: few.id,
        quantity: 2,
      })
    ).json();
    expect((await post(`/cards/${c.id}/recharge`, { recharge: '50.00', send: '0.00', eventId: e2.id }, clerk.auth)).statusCode).toBe(409);
    expect((await get(`/cards/${c.id}`)).json().balance).toBe('110.00');
  });

  it('an event card spends the oldest recharge first, capital before bonus; its bucket then falls due', async () => {
    const p = await product(11);
    const e = (await post(`/card-products/${p}/events`, { title: '100+50', type: 1, rechargeMoney: '100.00', sendMoney: '50.00' })).json();
    const c = await open(p);
    expect((await post(`/cards/${c.id}/recharge`, { recharge: '100.00', send: '0.00' }, clerk.auth)).statusCode).toBe(400);
    await post(`/cards/${c.id}/recharge`, { recharge: '100.00', send: '50.00', eventId: e.id }, clerk.auth);
    await post(`/cards/${c.id}/recharge`, { recharge: '100.00', send: '50.00', eventId: e.id }, clerk.auth);
    const x = await post(`/cards/${c.id}/expense`, { amount: '170.00', password: c.password }, clerk.auth);
    expect(x.statusCode).toBe(201);
    expect(x.json()).toMatchObject({ capitalDelta: '-120.00', bonusDelta: '-50.00', capitalAfter: '80.00', bonusAfter: '50.00' });
    const card = (await get(`/cards/${c.id}`)).json();
    expect(card.buckets.map((b: { capital: string; bonus: string; status: number }) => [b.capital, b.bonus, b.status])).toEqual([
      ['0.00', '0.00', 3],
      ['80.00', '50.00', 2],
    ]);
    const cash = await post(`/card-buckets/${card.buckets[0].id}/cash-back`, {}, clerk.auth);
    expect(cash.json()).toMatchObject({ kind: 'cash_back', amount: '100.00', capitalDelta: '0.00', bonusDelta: '0.00' });
    expect((await post(`/card-buckets/${card.buckets[1].id}/cash-back`, {}, clerk.auth)).statusCode).toBe(409);
  });

  it('a stored-value card spends capital before bonus; wrong passwords are refused, then throttled', async () => {
    const p = await product(10);
    const c = await open(p);
    await post(`/cards/${c.id}/recharge`, { recharge: '30.00', send: '20.00' }, clerk.auth);
    const x = await post(`/cards/${c.id}/expense`, { amount: '40.00', password: c.password }, clerk.auth);
    expect(x.json()).toMatchObject({ capitalDelta: '-30.00', bonusDelta: '-10.00', capitalAfter: '0.00', bonusAfter: '10.00' });
    expect((await post(`/cards/${c.id}/expense`, { amount: '10.01', password: c.password }, clerk.auth)).json().code).toBe(
      'insufficient_balance',
    );
    for (let i = 0; i < 5; i++)
      expect((await post(`/cards/${c.id}/expense`, { amount: '1.00', password: '000000' }, clerk.auth)).statusCode).toBe(422);
    expect((await post(`/cards/${c.id}/expense`, { amount: '1.00', password: c.password }, clerk.auth)).statusCode).toBe(429);
  });

  it('refunds need a code sent to the staff phone; each code works once; the owner without a phone gets none', async () => {
    const p = await product(10);
    const c = await open(p);
    await post(`/cards/${c.id}/recharge`, { recharge: '50.00' }, clerk.auth);
    const x = (await post(`/cards/${c.id}/expense`, { amount: '20.00', password: c.password }, clerk.auth)).json();
    expect((await post('/cards/refund-code', {})).statusCode).toBe(409);
    expect((await post(`/card-expenses/${x.orderNo}/refund`, { code: '123456' })).statusCode).toBe(409);
    const sent = await post('/cards/refund-code', {}, clerk.auth);
    expect(sent.json()).toMatchObject({ to: '*******5678' });
    const code = (await rt.services.messages.outbox(t.tenantId, 1))[0]!;
    expect(code).toMatchObject({ to: clerk.phone, purpose: 'card_refund' });
    expect(
      (await post(`/card-expenses/${x.orderNo}/refund`, { code: code.code === '000000' ? '000001' : '000000' }, clerk.auth)).statusCode,
    ).toBe(422);
    const ok = await post(`/card-expenses/${x.orderNo}/refund`, { code: code.code }, clerk.auth);
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ kind: 'refund', amount: '20.00', capitalAfter: '50.00', refundOfOrderNo: x.orderNo });
    expect((await post(`/card-expenses/${x.orderNo}/refund`, { code: code.code }, clerk.auth)).statusCode).toBe(409);
    const ledger = (await get(`/cards/${c.id}/ledger`)).json();
    expect(ledger.items.map((e: { kind: string; refunded: boolean }) => [e.kind, e.refunded])).toEqual([
      ['refund', false],
      ['expense', true],
      ['recharge', false],
    ]);
  });

  it('records filter by kind, phone and time, with totals', async () => {
    const r = await get('/card-records?kind=recharge&limit=2');
    expect(r.statusCode).toBe(200);
    expect(r.json().items).toHaveLength(2);
    expect(r.json().total).toBeGreaterThan(2);
    expect(Number(r.json().totalAmount)).toBeGreaterThan(0);
    const none = await get(`/card-records?kind=expense&from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    expect(none.json()).toMatchObject({ items: [], total: 0, totalAmount: '0.00' });
    const refunds = await get('/card-records?kind=refund');
    expect(refunds.json().items.every((e: { kind: string }) => e.kind === 'refund' || e.kind === 'recharge_refund')).toBe(true);
  });

  it('another merchant sees none of it', async () => {
    const other = await makeTenant(rt.services, rt.app);
    const p = await product(10);
    const c = await open(p);
    expect((await get(`/cards/${c.id}`, other.auth)).statusCode).toBe(404);
    expect((await post(`/cards/${c.id}/recharge`, { recharge: '1.00' }, other.auth)).statusCode).toBe(404);
    expect((await get(`/card-products/${p}`, other.auth)).statusCode).toBe(404);
    expect((await get('/card-records', other.auth)).json().total).toBe(0);
  });
});

describe('uploads and QR', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const form = (data: Buffer) => {
    const b = 'xyzBOUNDARY';
    return {
      headers: { 'content-type': `multipart/form-data; boundary=${b}` },
      payload: Buffer.concat([
        Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\nContent-Type: image/png\r\n\r\n`),
        data,
        Buffer.from(`\r\n--${b}--\r\n`),
      ]),
    };
  };

  it('uploads images (type from the bytes, at most 5 MiB) and serves them back', async () => {
    const f = form(PNG);
    const r = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/uploads/images',
      headers: { ...f.headers, ...clerk.auth },
      payload: f.payload,
    });
    expect(r.statusCode).toBe(201);
    expect(r.json()).toMatchObject({ mime: 'image/png', size: PNG.length });
    const back = await rt.app.inject({ method: 'GET', url: r.json().url });
    expect(back.rawPayload.equals(PNG)).toBe(true);
    const big = form(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]));
    const tooBig = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/uploads/images',
      headers: { ...big.headers, ...clerk.auth },
      payload: big.payload,
    });
    expect(tooBig.statusCode).toBe(400);
    expect(
      (await rt.app.inject({ method: 'GET', url: '/api/v1/uploads/250101/00000000-0000-0000-0000-000000000000.png' })).statusCode,
    ).toBe(404);
    expect([400, 404]).toContain((await rt.app.inject({ method: 'GET', url: '/api/v1/uploads/..%2F..%2Fetc/passwd' })).statusCode);
    const large = form(Buffer.concat([PNG, Buffer.alloc(3 * 1024 * 1024)]));
    const fits = await rt.app.inject({
      method: 'POST',
      url: '/api/v1/uploads/images',
      headers: { ...large.headers, ...clerk.auth },
      payload: large.payload,
    });
    expect(fits.statusCode).toBe(201);
  });

  it('gives a signed short-lived QR payload and PNG for a card, to staff and to the consumer', async () => {
    const p = await product(10);
    const c = await open(p);
    const r = await get(`/cards/${c.id}/qr`);
    expect(r.statusCode).toBe(200);
    expect(r.json().png).toMatch(/^data:image\/png;base64,/);
    const v = await rt.services.qr.verify(r.json().payload);
    expect(v).toEqual({ ok: true, value: { kind: 'card', tenantId: t.tenantId, cardId: c.id } });
    expect(new Date(r.json().expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(120_000);
    const png = await get(`/cards/${c.id}/qr?format=png`);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 4).toString('hex')).toBe('89504e47');
    // the consumer's own
    const s = await rt.services.consumerAuth.openSession(t.tenantId, c.userId);
    const mine = await rt.app.inject({
      method: 'GET',
      url: `/api/v1/consumer/qr?cardId=${c.id}`,
      headers: { authorization: `Bearer ${s.token}`, 'x-tenant': t.slug },
    });
    expect(mine.statusCode).toBe(200);
    expect((await rt.services.qr.verify(mine.json().payload)).ok).toBe(true);
    const other = await open(p);
    const notMine = await rt.app.inject({
      method: 'GET',
      url: `/api/v1/consumer/qr?cardId=${other.id}`,
      headers: { authorization: `Bearer ${s.token}`, 'x-tenant': t.slug },
    });
    expect(notMine.statusCode).toBe(404);
    expect(
      (
        await rt.app.inject({
          method: 'GET',
          url: `/api/v1/consumer/qr?cardId=${c.id}`,
          headers: { authorization: 'Bearer nope', 'x-tenant': t.slug },
        })
      ).statusCode,
    ).toBe(401);
  });

  it("gives the consumer their own coupon's signed QR (JSON and PNG), never another's", async () => {
    const p = await product(10);
    const c = await open(p);
    const other = await open(p);
    const tpl = await makeTemplate(rt.app, t, { minSpend: '0.00' });
    const by = (await rt.services.auth.authenticate(t.token))!;
    const granted = await rt.services.coupons.grant(t.tenantId, { templateId: tpl.id, userId: c.userId, quantity: 1 }, by);
    const theirs = await rt.services.coupons.grant(t.tenantId, { templateId: tpl.id, userId: other.userId, quantity: 1 }, by);
    expect(granted.ok && theirs.ok).toBe(true);
    const code = granted.ok ? granted.value[0]!.code : '';
    const s = await rt.services.consumerAuth.openSession(t.tenantId, c.userId);
    const as = { authorization: `Bearer ${s.token}`, 'x-tenant': t.slug };
    const r = await rt.app.inject({ method: 'GET', url: `/api/v1/consumer/qr?couponCode=${encodeURIComponent(code)}`, headers: as });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.json().png).toMatch(/^data:image\/png;base64,/);
    expect(await rt.services.qr.verify(r.json().payload)).toEqual({ ok: true, value: { kind: 'coupon', tenantId: t.tenantId, code } });
    expect(new Date(r.json().expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(120_000);
    // what the store's scanner makes of it
    const scan = await rt.services.qr.verify(r.json().payload);
    expect(scan.ok && scan.value.kind === 'coupon' && scan.value.code).toBe(code);
    const png = await rt.app.inject({
      method: 'GET',
      url: `/api/v1/consumer/qr?couponCode=${encodeURIComponent(code)}&format=png`,
      headers: as,
    });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.subarray(0, 4).toString('hex')).toBe('89504e47');
    const notMine = theirs.ok ? theirs.value[0]!.code : '';
    expect(
      (await rt.app.inject({ method: 'GET', url: `/api/v1/consumer/qr?couponCode=${encodeURIComponent(notMine)}`, headers: as }))
        .statusCode,
    ).toBe(404);
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/consumer/qr?couponCode=NO-SUCH-CODE', headers: as })).statusCode).toBe(404);
    expect((await rt.app.inject({ method: 'GET', url: '/api/v1/consumer/qr', headers: as })).statusCode).toBe(400);
    expect(
      (
        await rt.app.inject({
          method: 'GET',
          url: `/api/v1/consumer/qr?couponCode=${encodeURIComponent(code)}`,
          headers: { ...as, authorization: 'Bearer nope' },
        })
      ).statusCode,
    ).toBe(401);
  });

  it('documents the 礼遇圈 dialect and the card routes in OpenAPI', async () => {
    const doc = (await rt.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/web/manage/user/login',
        '/web/manage/v3/userCard/charge',
        '/api/v1/card-products',
        '/api/v1/card-products/{id}/events',
      ]),
    );
  });
});

describe('the ledger in the database', () => {
  it('is append-only: UPDATE and DELETE of card_ledger (and its bucket lines) are refused by a trigger', async () => {
    const p = await product(10);
    const c = await open(p);
    const r = await post(`/cards/${c.id}/recharge`, { recharge: '10.00' }, clerk.auth);
    expect(r.statusCode).toBe(201);
    const id = r.json().id as number;
    await expect(rt.db.query('UPDATE card_ledger SET amount = 1 WHERE id = $1', [id])).rejects.toThrow(/append-only/);
    await expect(rt.db.query('DELETE FROM card_ledger WHERE id = $1', [id])).rejects.toThrow(/append-only/);
    const ev = await product(11);
    const e = await post(`/card-products/${ev}/events`, { title: 'x', type: 1, rechargeMoney: '10.00', sendMoney: '1.00' });
    const ec = await open(ev);
    expect((await post(`/cards/${ec.id}/recharge`, { recharge: '10.00', send: '1.00', eventId: e.json().id }, clerk.auth)).statusCode).toBe(
      201,
    );
    await expect(rt.db.query('UPDATE card_ledger_buckets SET capital_delta = 0')).rejects.toThrow(/append-only/);
    await expect(rt.db.query('DELETE FROM card_ledger_buckets')).rejects.toThrow(/append-only/);
    expect((await get(`/cards/${c.id}`)).json().balance).toBe('10.00');
    expect(await rt.services.cards.checkLedger(t.tenantId)).toEqual({ cardsOff: [], bucketsOff: [] });
  });
});
