// The 礼遇圈 dialect, seed section 3 (operations): stores, card products and events, opening, recharge, expense, refunds.
import { Type } from '@sinclair/typebox';
import type { CardEvent } from '../../../contexts/cards/index.ts';
import { javaTime, localTime, LYQ, lyqOf, pageFields, paging, sendCode, sendFail, yuan } from '../kit.ts';
import { CARD_TYPE, EVENT_TYPE } from '../wire/cards.ts';
import { actor, Amount, Body, Int, money, ok, OptStr, Paged, schema, storeIdsText, tenant, tz, type RouteCtx } from './shared.ts';

export function operationRoutes({ r, services, auth }: RouteCtx) {
  r.post(
    '/manage/v3/store/list',
    { preHandler: auth, schema: schema("The merchant's stores (the staff member's own when bound to stores)", Body({ ...Paged })) },
    async (req, reply) => {
      const pg = paging(req.body);
      const page = await services.counter.staffStores(tenant(req), actor(req), pg);
      return ok(reply, {
        data: page.items.map((s) => ({
          id: s.id,
          merchantId: tenant(req),
          name: s.name,
          address: s.address,
          phone: s.phone,
          area: s.area,
          linkman: s.linkman,
          adminId: null,
          merchantName: lyqOf(req).tenantName,
          password: null,
          created: javaTime(s.createdAt),
          updated: javaTime(s.updatedAt),
        })),
        page: pageFields(page.total, pg.pageNum, pg.pageSize),
      });
    },
  );

  const eventVo = (e: CardEvent) => ({
    id: e.id,
    title: e.title,
    summary: e.summary,
    rechargeMoney: yuan(e.rechargeMoney),
    sendMoney: yuan(e.sendMoney),
    targetId: e.templateId,
    adminId: e.createdBy,
    type: EVENT_TYPE[e.kind],
    status: e.status,
    created: javaTime(e.createdAt),
    targetName: e.templateName,
  });

  r.post(
    '/manage/v3/card/store_card',
    {
      preHandler: auth,
      schema: schema('Card products that can be opened here, with stores and events', Body({ type: Type.Optional(Type.Integer()) })),
    },
    async (req, reply) => {
      const products = await services.cards.listProducts(tenant(req), { activeOnly: true, storeIds: actor(req).storeIds });
      return ok(reply, {
        data: products.map((p) => ({
          id: p.id,
          cardNo: null,
          title: p.title,
          colour: p.colour,
          logo: p.logo,
          storeIds: storeIdsText(p.storeIds),
          eventIds: p.events.length ? p.events.map((e) => e.id).join(',') : null,
          adminId: p.createdBy,
          type: CARD_TYPE[p.kind],
          created: javaTime(p.createdAt),
          summary: p.summary,
          detail: p.detail,
          storeVos: p.stores.map((s) => ({ id: s.id, name: s.name, address: s.address, area: s.area, phone: s.phone, linkman: s.linkman })),
          eventVos: p.events.map(eventVo),
        })),
      });
    },
  );

  r.post(
    '/manage/v3/userCard/add',
    {
      preHandler: auth,
      schema: schema(
        'Open a card for a phone number',
        Body({ phone: Type.String({ minLength: 1, maxLength: 20 }), membershipCardId: Int, password: OptStr(64) }),
      ),
    },
    async (req, reply) => {
      const { phone, membershipCardId, password } = req.body;
      const out = await services.cards.openCard(
        tenant(req),
        { phone, productId: membershipCardId, password: password ? { md5: password } : null },
        actor(req),
      );
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '开卡成功' });
    },
  );

  r.post(
    '/manage/v3/cardEvent/all_event',
    { preHandler: auth, schema: schema("A card's events", Body({ cardId: Int })) },
    async (req, reply) => {
      const out = await services.cards.listEvents(tenant(req), req.body.cardId, true);
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { data: out.value.map(eventVo) });
    },
  );
}

/** Recharge, expense, refunds, and one event in detail. */
export function moneyRoutes({ r, services, auth }: RouteCtx) {
  r.post(
    '/manage/v3/userCard/charge',
    {
      preHandler: auth,
      schema: schema(
        'Recharge a member card',
        Body({
          phone: Type.String({ minLength: 1, maxLength: 20 }),
          cardId: Int,
          recharge: Amount,
          send: Amount,
          eventId: Type.Optional(Int),
          image: Type.String({ maxLength: 500 }),
        }),
      ),
    },
    async (req, reply) => {
      const b = req.body;
      const recharge = money(reply, 'recharge', b.recharge);
      if (recharge === null) return reply;
      const send = money(reply, 'send', b.send);
      if (send === null) return reply;
      const out = await services.cards.recharge(
        tenant(req),
        { card: { phone: b.phone, productId: b.cardId }, recharge, send, eventId: b.eventId ?? null, image: b.image || null },
        actor(req),
      );
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '充值成功' });
    },
  );

  r.post(
    '/manage/v3/userCard/expense',
    {
      preHandler: auth,
      schema: schema(
        'Spend from a member card (card password as MD5)',
        Body({
          phone: Type.String({ minLength: 1, maxLength: 20 }),
          cardId: Int,
          expense: Amount,
          password: Type.String({ minLength: 1, maxLength: 64 }),
        }),
      ),
    },
    async (req, reply) => {
      const b = req.body;
      const amount = money(reply, 'expense', b.expense);
      if (amount === null) return reply;
      const out = await services.cards.expense(
        tenant(req),
        { card: { phone: b.phone, productId: b.cardId }, amount, password: { md5: b.password } },
        actor(req),
      );
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '成功' });
    },
  );

  r.post(
    '/manage/v3/turnover/refund',
    {
      preHandler: auth,
      schema: schema(
        'Refund an expense (SMS code from manage/ask/code)',
        Body({ orderNo: Int, code: Type.String({ minLength: 1, maxLength: 10 }) }),
      ),
    },
    async (req, reply) => {
      const out = await services.cards.refundExpense(tenant(req), { orderNo: req.body.orderNo, code: req.body.code }, actor(req));
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '成功' });
    },
  );

  r.post(
    '/manage/ask/code',
    { preHandler: auth, schema: schema("Send the refund SMS code to the staff member's phone", Body({})) },
    async (req, reply) => {
      const out = await services.cards.sendRefundCode(tenant(req), actor(req));
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '成功' });
    },
  );

  r.post(
    '/manage/v3/turnover/refund_charge',
    {
      preHandler: auth,
      schema: schema(
        'Refund a recharge (SMS code from manage/ask/code)',
        Body({ orderNo: Int, code: Type.String({ minLength: 1, maxLength: 10 }) }),
      ),
    },
    async (req, reply) => {
      const out = await services.cards.refundRecharge(tenant(req), { orderNo: req.body.orderNo, code: req.body.code }, actor(req));
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '成功' });
    },
  );

  r.post(
    '/manage/v3/cardEvent/detail',
    { preHandler: auth, schema: schema('One event, with its coupon', Body({ eventId: Int })) },
    async (req, reply) => {
      const e = await services.cards.getEvent(tenant(req), req.body.eventId);
      if (!e) return sendCode(reply, LYQ.failed, 'event not found');
      return ok(reply, {
        data: {
          id: e.id,
          title: e.title,
          couponTitle: e.templateName,
          summary: e.summary,
          rechargeMoney: yuan(e.rechargeMoney),
          sendMoney: yuan(e.sendMoney),
          targetId: e.templateId,
          adminId: e.createdBy,
          type: EVENT_TYPE[e.kind],
          status: e.status,
          updated: localTime(e.updatedAt, tz(req)),
          created: localTime(e.createdAt, tz(req)),
          scale: null,
          quantity: e.quantity,
        },
      });
    },
  );
}
