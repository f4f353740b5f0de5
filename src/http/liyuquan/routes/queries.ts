// The 礼遇圈 dialect, seed section 4 (queries): recharge, expense and refund records, members, member cards, cash-back.
import type { CardEntry } from '../../../contexts/cards/index.ts';
import { javaTime, pageFields, paging, sendFail, yuan } from '../kit.ts';
import { BUCKET_STATUS, CARD_TYPE, CHANNEL, isEventCard } from '../wire/cards.ts';
import { actor, Body, Int, ok, OptStr, Paged, schema, tenant, TimeRange, timeRange, type RouteCtx } from './shared.ts';

export function queryRoutes({ r, services, auth }: RouteCtx) {
  const entryBase = (e: CardEntry) => ({
    id: e.id,
    membershipCardId: e.cardProductId,
    title: e.title,
    cardNo: e.cardNo,
    userId: e.userId,
    nickname: e.nickname,
    phone: e.phone,
  });

  r.post(
    '/manage/v3/turnover/record_list',
    {
      preHandler: auth,
      schema: schema('Recharge records with totals', Body({ phone: OptStr(20), keywords: OptStr(50), ...TimeRange, ...Paged })),
    },
    async (req, reply) => {
      const pg = paging(req.body);
      const r = await services.cards.records(
        tenant(req),
        ['recharge'],
        { phone: req.body.phone || undefined, keywords: req.body.keywords || undefined, ...timeRange(req.body), ...pg },
        actor(req),
      );
      if (!r.ok) return sendFail(reply, r.error);
      const out = r.value;
      return ok(reply, {
        data: {
          totalChargeMoney: yuan(out.totalCapital),
          totalSendMoney: yuan(out.totalBonus),
          chargeReVo: out.items.map((e) => ({
            ...entryBase(e),
            memberEventId: e.eventId,
            eventName: e.eventName,
            rechargeMoney: yuan(e.capitalDelta),
            sendMoney: yuan(e.bonusDelta),
            type: CHANNEL[e.channel],
            storeId: e.storeId,
            storeName: e.storeName,
            explain: e.explain,
            created: javaTime(e.createdAt),
            orderNo: e.orderNo,
            image: e.image,
            refunded: e.refunded,
          })),
        },
        page: pageFields(out.total, pg.pageNum, pg.pageSize),
      });
    },
  );

  r.post(
    '/manage/v3/turnover/expense_list',
    { preHandler: auth, schema: schema('Expense records with totals', Body({ phone: OptStr(20), ...TimeRange, ...Paged })) },
    async (req, reply) => {
      const pg = paging(req.body);
      const r = await services.cards.records(
        tenant(req),
        ['expense'],
        { phone: req.body.phone || undefined, ...timeRange(req.body), ...pg },
        actor(req),
      );
      if (!r.ok) return sendFail(reply, r.error);
      const out = r.value;
      return ok(reply, {
        data: {
          totalExpenseMoney: yuan(out.totalAmount),
          expenseReVo: out.items.map((e) => ({
            ...entryBase(e),
            expenseMoney: yuan(e.amount),
            type: CHANNEL[e.channel],
            storeId: e.storeId,
            storeName: e.storeName,
            explain: e.explain,
            created: javaTime(e.createdAt),
            orderNo: e.orderNo,
            refunded: e.refunded,
          })),
        },
        page: pageFields(out.total, pg.pageNum, pg.pageSize),
      });
    },
  );

  r.post(
    '/manage/v3/turnover/refund_list',
    {
      preHandler: auth,
      schema: schema('Refund records (expense and recharge refunds)', Body({ phone: OptStr(20), ...TimeRange, ...Paged })),
    },
    async (req, reply) => {
      const pg = paging(req.body);
      const r = await services.cards.records(
        tenant(req),
        ['refund', 'recharge_refund'],
        { phone: req.body.phone || undefined, ...timeRange(req.body), ...pg },
        actor(req),
      );
      if (!r.ok) return sendFail(reply, r.error);
      const out = r.value;
      return ok(reply, {
        data: out.items.map((e) => ({
          ...entryBase(e),
          money: yuan(e.amount),
          storeName: e.storeName,
          explain: e.explain,
          created: javaTime(e.createdAt),
          orderNo: e.orderNo,
          refundOrderNo: e.refundOfOrderNo,
        })),
        page: pageFields(out.total, pg.pageNum, pg.pageSize),
      });
    },
  );
}

/** Members, their cards and the cash-back of an event-card record. */
export function memberRoutes({ r, services, auth }: RouteCtx) {
  r.post(
    '/manage/v3/userCard/user_card',
    { preHandler: auth, schema: schema('Members (users holding a card)', Body({ phone: OptStr(20), ...Paged })) },
    async (req, reply) => {
      const pg = paging(req.body);
      const out = await services.cards.holders(tenant(req), { phone: req.body.phone || undefined, ...pg });
      return ok(reply, { data: out.items, page: pageFields(out.total, pg.pageNum, pg.pageSize) });
    },
  );

  r.post(
    '/manage/v3/userCard/user_card_detail',
    { preHandler: auth, schema: schema("A member's cards with event-card details", Body({ userId: Int })) },
    async (req, reply) => {
      const out = await services.cards.memberDetail(tenant(req), req.body.userId);
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, {
        data: out.value.map((c) => ({
          userId: c.userId,
          phone: c.phone,
          nickname: c.nickname,
          avatar: c.avatar,
          cardId: c.cardProductId,
          title: c.title,
          cardNo: c.cardNo,
          balance: yuan(c.balance),
          type: CARD_TYPE[c.kind],
          capital: isEventCard(c.kind) ? yuan(c.capital) : null,
          send: isEventCard(c.kind) ? yuan(c.bonus) : null,
          created: javaTime(c.createdAt),
          eventCards: isEventCard(c.kind)
            ? c.buckets.map((b) => ({
                storeMemberEventId: b.id,
                capitalBalance: yuan(b.capital),
                sendBalance: yuan(b.bonus),
                status: BUCKET_STATUS[b.state],
              }))
            : null,
        })),
      });
    },
  );

  r.post(
    '/manage/v3/userCard/card_status',
    { preHandler: auth, schema: schema('Cash back an event-card recharge that is due (3 → 5)', Body({ storeMemberEventId: Int })) },
    async (req, reply) => {
      const out = await services.cards.cashBack(tenant(req), req.body.storeMemberEventId, actor(req));
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '' });
    },
  );
}
