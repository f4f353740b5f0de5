// The card use-cases, called directly on PGlite: opening, recharge through an
// event, the spend order on an event card, refunds per bucket and their
// refusals, cash-back once, invoicing once; the ledger balanced after each.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate } from '../../helpers/fixtures.ts';
import { expectLedgersBalanced, freshPhone, makeClerk, openCardWorld, refundCode, value, type CardWorld } from './setup.ts';

let w: CardWorld;
beforeAll(async () => {
  w = await openCardWorld();
});
afterEach(async () => expectLedgersBalanced(w));
afterAll(async () => w?.rt.close());

const cards = () => w.rt.services.cards;
const T = () => w.t.tenantId;

async function product(kind: 'stored_value' | 'event') {
  return value(await cards().createProduct(T(), { title: kind, kind, storeIds: [w.storeId] }, w.owner)).id;
}
async function openFor(productId: number) {
  const phone = freshPhone();
  return { phone, card: value(await cards().openCard(T(), { phone, productId }, w.clerk)) };
}
async function bonusEvent(productId: number, rechargeMoney: number, sendMoney: number) {
  return value(
    await cards().createEvent(T(), productId, { title: `${rechargeMoney}+${sendMoney}`, kind: 'bonus', rechargeMoney, sendMoney }, w.owner),
  );
}

describe('opening a card', () => {
  it('checks the phone, creates the consumer, defaults the password to the last six digits, opens once', async () => {
    const p = await product('stored_value');
    const bad = await cards().openCard(T(), { phone: 'abc', productId: p }, w.clerk);
    expect(!bad.ok && bad.error.code).toBe('invalid_input');
    expect((await cards().openCard(T(), { productId: p }, w.clerk)).ok).toBe(false);
    const { phone, card } = await openFor(p);
    expect(card).toMatchObject({ phone, kind: 'stored_value', balance: 0, storeId: w.storeId });
    expect(String(card.cardNo)).toMatch(/^79\d{11}$/);
    expect((await cards().checkPassword(T(), { cardId: card.id }, { plain: phone.slice(-6) })).ok).toBe(true);
    const again = await cards().openCard(T(), { phone, productId: p }, w.clerk);
    expect(!again.ok && again.error.code).toBe('conflict');
  });
});

describe('recharge and expense', () => {
  it('a recharge through an event adds its bonus and issues its coupons', async () => {
    const p = await product('stored_value');
    const tpl = await makeTemplate(w.rt.app, w.t);
    const e = value(
      await cards().createEvent(
        T(),
        p,
        { title: 'both', kind: 'bonus_and_coupons', rechargeMoney: 10000, sendMoney: 1000, templateId: tpl.id, quantity: 2 },
        w.owner,
      ),
    );
    const { card } = await openFor(p);
    const wrong = await cards().recharge(T(), { card: { cardId: card.id }, recharge: 10000, send: 2000, eventId: e.id }, w.clerk);
    expect(!wrong.ok && wrong.error.code).toBe('invalid_input');
    const entry = value(await cards().recharge(T(), { card: { cardId: card.id }, recharge: 10000, send: 1000, eventId: e.id }, w.clerk));
    expect(entry).toMatchObject({ kind: 'recharge', capitalAfter: 10000, bonusAfter: 1000, channel: 'store', explain: '余额充值' });
    expect(entry.couponIds).toHaveLength(2);
    const mine = await w.rt.services.coupons.list(T(), { ownerId: card.userId, templateId: tpl.id, limit: 10, offset: 0 });
    expect(mine.total).toBe(2);
    expect((await cards().getCard(T(), { cardId: card.id }))!.balance).toBe(11000);
  });

  it('an event card spends from the oldest bucket, capital then bonus, and is recharged only through an event', async () => {
    const p = await product('event');
    const e1 = await bonusEvent(p, 10000, 5000);
    const e2 = await bonusEvent(p, 20000, 1000);
    const { phone, card } = await openFor(p);
    const noEvent = await cards().recharge(T(), { card: { cardId: card.id }, recharge: 100, send: 0 }, w.clerk);
    expect(!noEvent.ok && noEvent.error.code).toBe('invalid_input');
    value(await cards().recharge(T(), { card: { cardId: card.id }, recharge: 10000, send: 5000, eventId: e1.id }, w.clerk));
    value(await cards().recharge(T(), { card: { cardId: card.id }, recharge: 20000, send: 1000, eventId: e2.id }, w.clerk));
    const x = value(
      await cards().expense(T(), { card: { cardId: card.id }, amount: 12000, password: { plain: phone.slice(-6) } }, w.clerk),
    );
    expect(x).toMatchObject({ capitalDelta: -10000, bonusDelta: -2000 });
    const b = await cards().buckets(T(), card.id);
    expect(b.map((x) => [x.capital, x.bonus, x.state])).toEqual([
      [0, 3000, 'partly_spent'],
      [20000, 1000, 'untouched'],
    ]);
    const all = value(
      await cards().expense(T(), { card: { cardId: card.id }, amount: 3000 + 20000, password: { plain: phone.slice(-6) } }, w.clerk),
    );
    expect(all).toMatchObject({ capitalDelta: -20000, bonusDelta: -3000, capitalAfter: 0, bonusAfter: 1000 });
    expect((await cards().buckets(T(), card.id)).map((x) => x.state)).toEqual(['cash_back_due', 'partly_spent']);
    const over = await cards().expense(T(), { card: { cardId: card.id }, amount: 1001, password: { plain: phone.slice(-6) } }, w.clerk);
    expect(!over.ok && over.error.code).toBe('insufficient_balance');
  });
});

describe('refunds', () => {
  it('an expense refund puts the money back bucket by bucket, once', async () => {
    const p = await product('event');
    const e = await bonusEvent(p, 10000, 5000);
    const { phone, card } = await openFor(p);
    value(await cards().recharge(T(), { card: { cardId: card.id }, recharge: 10000, send: 5000, eventId: e.id }, w.clerk));
    value(await cards().recharge(T(), { card: { cardId: card.id }, recharge: 10000, send: 5000, eventId: e.id }, w.clerk));
    const x = value(
      await cards().expense(T(), { card: { cardId: card.id }, amount: 16000, password: { plain: phone.slice(-6) } }, w.clerk),
    );
    expect((await cards().buckets(T(), card.id)).map((b) => [b.capital, b.bonus])).toEqual([
      [0, 0],
      [9000, 5000],
    ]);
    const code = await refundCode(w);
    const back = value(await cards().refundExpense(T(), { orderNo: x.orderNo, code }, w.clerk));
    expect(back).toMatchObject({ kind: 'refund', capitalDelta: 11000, bonusDelta: 5000, refundOfOrderNo: x.orderNo });
    expect((await cards().buckets(T(), card.id)).map((b) => [b.capital, b.bonus, b.state])).toEqual([
      [10000, 5000, 'untouched'],
      [10000, 5000, 'untouched'],
    ]);
    const twice = await cards().refundExpense(T(), { orderNo: x.orderNo, code }, w.clerk);
    expect(!twice.ok && twice.error.code).toBe('already_rolled_back');
  });

  it('a recharge refund is refused once spent, once invoiced, or once its coupons are used; a wrong code is counted', async () => {
    const p = await product('stored_value');
    const tpl = await makeTemplate(w.rt.app, w.t, { minSpend: '0.00' });
    const e = value(
      await cards().createEvent(
        T(),
        p,
        { title: 'c', kind: 'coupons', rechargeMoney: 5000, sendMoney: 0, templateId: tpl.id, quantity: 1 },
        w.owner,
      ),
    );
    const { phone, card } = await openFor(p);
    const ref = { cardId: card.id };
    // One code for every try: a refusal after the card's lock rolls back and leaves it unused.
    const clerk = await makeClerk(w, '13900001111', [w.storeId]);
    const code = await refundCode(w, clerk);
    const refund = (orderNo: number, c = code) => cards().refundRecharge(T(), { orderNo, code: c }, clerk);
    // spent
    const r1 = value(await cards().recharge(T(), { card: ref, recharge: 5000, send: 0 }, w.clerk));
    value(await cards().expense(T(), { card: ref, amount: 1000, password: { plain: phone.slice(-6) } }, w.clerk));
    const spent = await refund(r1.orderNo);
    expect(!spent.ok && spent.error.code).toBe('insufficient_balance');
    // invoiced
    const r2 = value(await cards().recharge(T(), { card: ref, recharge: 3000, send: 0 }, w.clerk));
    value(await w.rt.services.invoices.add(T(), { card: ref, amount: 6000 }, w.clerk));
    const invoiced = await refund(r2.orderNo);
    expect(!invoiced.ok && invoiced.error).toMatchObject({
      code: 'invalid_state',
      message: 'invoices have been issued on this money: it can no longer be refunded',
    });
    // coupon used
    const r3 = value(await cards().recharge(T(), { card: ref, recharge: 5000, send: 0, eventId: e.id }, w.clerk));
    const coupon = (await w.rt.services.coupons.list(T(), { ownerId: card.userId, templateId: tpl.id, limit: 1, offset: 0 })).items[0]!;
    value(await w.rt.services.redemptions.writeOff(T(), coupon.code, { storeId: w.storeId }, w.clerk));
    const used = await refund(r3.orderNo);
    expect(!used.ok && used.error.message).toBe('coupons given with this recharge have already been used');
    // a wrong code is answered and counted (committed); the right one then works on an untouched recharge
    const r4 = value(await cards().recharge(T(), { card: ref, recharge: 700, send: 0 }, w.clerk));
    const wrong = await refund(r4.orderNo, code === '000000' ? '000001' : '000000');
    expect(!wrong.ok && wrong.error).toMatchObject({ code: 'wrong_password', details: { field: 'code', sms: true } });
    const attempts = await w.rt.db.query<{ attempts: number }>(
      `SELECT attempts FROM verification_codes WHERE recipient = '13900001111' ORDER BY id DESC LIMIT 1`,
    );
    expect(attempts.rows[0]!.attempts).toBe(1);
    expect(value(await refund(r4.orderNo))).toMatchObject({ kind: 'recharge_refund', capitalDelta: -700 });
  });
});

describe('cash-back and invoices', () => {
  it('cashes a fully spent event recharge back once (cash-back due → cashed back)', async () => {
    const p = await product('event');
    const e = await bonusEvent(p, 1000, 500);
    const { phone, card } = await openFor(p);
    value(await cards().recharge(T(), { card: { cardId: card.id }, recharge: 1000, send: 500, eventId: e.id }, w.clerk));
    const [b] = await cards().buckets(T(), card.id);
    const early = await cards().cashBack(T(), b!.id, w.owner);
    expect(!early.ok && early.error.message).toMatch(/not due/);
    value(await cards().expense(T(), { card: { cardId: card.id }, amount: 1500, password: { plain: phone.slice(-6) } }, w.clerk));
    expect(value(await cards().cashBack(T(), b!.id, w.owner))).toMatchObject({ kind: 'cash_back', amount: 1000, bucketId: b!.id });
    const twice = await cards().cashBack(T(), b!.id, w.owner);
    expect(!twice.ok && twice.error).toMatchObject({ code: 'invalid_state', message: 'already cashed back' });
    expect((await cards().buckets(T(), card.id))[0]!.state).toBe('cashed_back');
  });

  it('invoices what was recharged once, never more', async () => {
    const p = await product('stored_value');
    const { card } = await openFor(p);
    value(await cards().recharge(T(), { card: { cardId: card.id }, recharge: 5000, send: 100 }, w.clerk));
    value(await w.rt.services.invoices.add(T(), { card: { cardId: card.id }, amount: 3000 }, w.clerk));
    const more = await w.rt.services.invoices.add(T(), { card: { cardId: card.id }, amount: 2001 }, w.clerk);
    expect(!more.ok && more.error).toMatchObject({ code: 'conflict', details: { invoiceable: 2000 } });
    const list = value(await w.rt.services.invoices.forCard(T(), { cardId: card.id }, w.owner));
    expect(list).toMatchObject({ charged: 5000, invoiced: 3000, invoiceable: 2000 });
    expect(list.items).toHaveLength(1);
  });
});
