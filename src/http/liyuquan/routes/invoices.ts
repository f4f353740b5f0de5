// The 礼遇圈 dialect, seed section 8 (invoices).
import { Type } from '@sinclair/typebox';
import type { Invoice } from '../../../contexts/cards/index.ts';
import { localTime, LYQ, pageFields, paging, sendCode, sendFail, yuan } from '../kit.ts';
import {
  actor,
  Amount,
  Body,
  Int,
  money,
  ok,
  OptStr,
  Paged,
  schema,
  tenant,
  TimeRange,
  timeRange,
  tz,
  cardView,
  type RouteCtx,
} from './shared.ts';

export function invoiceRoutes({ r, services, auth }: RouteCtx) {
  const invoiceVo = (i: Invoice, tzone: string) => ({
    id: i.id,
    amount: yuan(i.amount),
    summary: i.summary ?? '',
    storeId: i.storeId,
    storeName: i.storeName,
    created: localTime(i.createdAt, tzone),
    image: i.image,
  });

  r.post(
    '/manage/v3/invoice/list',
    { preHandler: auth, schema: schema("A member card's invoices and totals", Body({ userId: Int, cardId: Int })) },
    async (req, reply) => {
      const out = await services.invoices.forCard(tenant(req), { userId: req.body.userId, productId: req.body.cardId }, actor(req));
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, {
        data: {
          totalCharge: yuan(out.value.charged),
          totalInvoice: yuan(out.value.invoiced),
          amount: yuan(out.value.invoiceable),
          invoiceVos: out.value.items.map((i) => invoiceVo(i, tz(req))),
        },
      });
    },
  );

  r.post(
    '/manage/v3/invoice/add',
    {
      preHandler: auth,
      schema: schema(
        'Record an invoice (never more than still invoiceable)',
        Body({ userId: Int, cardId: Int, amount: Amount, image: Type.String({ maxLength: 500 }), summary: OptStr(500) }),
      ),
    },
    async (req, reply) => {
      const amount = money(reply, 'amount', req.body.amount);
      if (amount === null) return reply;
      const out = await services.invoices.add(
        tenant(req),
        { card: { userId: req.body.userId, productId: req.body.cardId }, amount, image: req.body.image || null, summary: req.body.summary },
        actor(req),
      );
      if (!out.ok) return sendFail(reply, out.error);
      return ok(reply, { msg: '添加成功' });
    },
  );

  r.post(
    '/manage/v3/card/card_detail',
    { preHandler: auth, schema: schema("A member's card, with what is still invoiceable", Body({ userId: Int, cardId: Int })) },
    async (req, reply) => {
      const c = await services.cards.getCard(tenant(req), { userId: req.body.userId, productId: req.body.cardId });
      if (!c) return sendCode(reply, LYQ.failed, 'this user has no such card');
      return ok(reply, {
        data: {
          ...cardView(c, tz(req)),
          qrcodeType: null,
          balance: yuan(c.invoiceable),
          capital: null,
          send: null,
          storeName: c.storeName,
        },
      });
    },
  );

  r.post(
    '/manage/v3/invoice/all_list',
    { preHandler: auth, schema: schema('All invoices, by phone (fuzzy) and time', Body({ phone: OptStr(20), ...TimeRange, ...Paged })) },
    async (req, reply) => {
      const pg = paging(req.body);
      const r = await services.invoices.list(
        tenant(req),
        { phone: req.body.phone || undefined, ...timeRange(req.body), ...pg },
        actor(req),
      );
      if (!r.ok) return sendFail(reply, r.error);
      const out = r.value;
      return ok(reply, {
        data: out.items.map((i) => ({ ...invoiceVo(i, tz(req)), userId: i.userId, phone: i.phone, nickname: i.nickname })),
        page: pageFields(out.total, pg.pageNum, pg.pageSize),
      });
    },
  );
}
