// apifm after-sales: refund applications on an order (mounted by order.ts).
import { withText } from './wire/commerce.ts';
import { apifmDate, CODE, err, failure, ok, route, yuan, type ApifmApp } from './kit.ts';
import { REFUND_STATUS, REFUND_STATUS_TEXT, TEXT } from './wire/commerce.ts';

export function orderRefundRoutes(app: ApifmApp) {
  route(
    app,
    { method: 'GET', url: '/order/statistics', summary: '订单统计 (order counts by status)', login: true, params: {} },
    async ({ tenant, user, services }) => {
      const s = await services.orders.statistics(tenant.id, user.userId);
      return ok({
        count_id_no_pay: s.unpaid ?? 0,
        count_id_no_transfer: s.paid ?? 0,
        count_id_no_confirm: s.shipped ?? 0,
        count_id_no_reputation: s.received ?? 0,
        count_id_success: s.reviewed ?? 0,
        count_id_close: s.closed ?? 0,
      });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/order/refundApply/apply',
      summary: '申请售后 (after-sales request)',
      login: true,
      params: {
        orderId: 'int!',
        type: 'int!',
        logisticsStatus: 'int!',
        reason: 'string!',
        amount: 'money!',
        remark: 'string',
        pic: 'string',
      },
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.orders.refundApply(tenant.id, user.userId, {
        orderId: p.orderId,
        type: p.type,
        logisticsStatus: p.logisticsStatus,
        reason: p.reason,
        amount: p.amount,
        remark: p.remark ?? null,
        pics: p.pic ? p.pic.split(',').filter(Boolean) : [],
      });
      if (r.ok) return ok();
      const e =
        r.error.details.orderReason === 'after_sales_open'
          ? { ...r.error, message: TEXT.afterSalesOpen }
          : withText(r.error, 'after_sales');
      return failure(e, { invalid_state: 30000, conflict: 20000, invalid_input: 601 });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/order/refundApply/cancel',
      summary: '撤销退换货申请 (cancel the after-sales request)',
      login: true,
      params: { orderId: 'int!' },
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.orders.refundCancel(tenant.id, user.userId, p.orderId);
      return r.ok ? ok() : err(20000, TEXT.afterSalesNone);
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/order/refundApply/info',
      summary: '退换货详情 (after-sales requests of an order)',
      login: true,
      params: { orderId: 'int!' },
    },
    async ({ p, tenant, user, services }) => {
      const o = await services.orders.get(tenant.id, { id: p.orderId }, user.userId);
      if (!o) return err(20000, TEXT.afterSalesNone);
      const list = await services.orders.refunds(tenant.id, user.userId, p.orderId);
      if (!list.length) return err(CODE.noData, '暂无数据');
      return ok(
        list.map((x) => ({
          id: x.id,
          orderId: x.orderId,
          type: x.type,
          logisticsStatus: x.logisticsStatus,
          reason: x.reason,
          remark: x.remark ?? '',
          amount: yuan(x.amount),
          pics: x.pics,
          status: REFUND_STATUS[x.state],
          statusStr: REFUND_STATUS_TEXT[x.state],
          dateAdd: apifmDate(x.createdAt, tenant.timezone),
        })),
      );
    },
  );
}

/** "-1,0" → [-1, 0] (order statuses may be negative). */
