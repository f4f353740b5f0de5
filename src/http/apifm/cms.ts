// apifm shop content: banners, notices, config values and invoice requests.
import type { Invoice } from '../../contexts/commerce/index.ts';
import { apifmDate, CODE, err, failure, list, ok, pageOf, paged, route, yuan, type ApifmApp } from './kit.ts';
import { BANNER_SHOWN, INVOICE_WIRE } from './wire/shop.ts';

const invoiceOut = (i: Invoice, tz: string) => ({
  id: i.id,
  uid: i.userId,
  orderId: i.orderId ?? 0,
  amount: yuan(i.amount),
  comName: i.comName ?? '',
  tfn: i.tfn ?? '',
  consumption: i.consumption ?? '',
  email: i.email ?? '',
  remark: i.remark ?? '',
  extJson: i.ext ?? {},
  status: INVOICE_WIRE[i.state].status,
  statusStr: INVOICE_WIRE[i.state].label,
  file: i.file ?? '',
  dateAdd: apifmDate(i.createdAt, tz),
});

export default async function cmsRoutes(app: ApifmApp) {
  route(
    app,
    { method: 'GET', url: '/banner/list', summary: 'Banner列表 (banners, a plain array)', params: { type: 'string' } },
    async ({ p, tenant, services }) => {
      const items = await services.shopContent.banners(tenant.id, { type: p.type ?? null, enabledOnly: true });
      return list(
        items.map((b) => ({
          id: b.id,
          type: b.type,
          title: b.title,
          picUrl: b.picUrl,
          linkType: b.linkType,
          linkUrl: b.linkUrl ?? '',
          appid: b.appid ?? '',
          businessId: b.businessId ?? 0,
          paixu: b.sort,
          status: BANNER_SHOWN.status,
          statusStr: BANNER_SHOWN.statusStr,
          dateAdd: apifmDate(b.createdAt, tenant.timezone),
        })),
      );
    },
  );

  const noticeItem = (n: { id: number; type: string; title: string; createdAt: Date }, tz: string) => ({
    id: n.id,
    type: n.type,
    title: n.title,
    isShow: true,
    dateAdd: apifmDate(n.createdAt, tz),
  });

  route(
    app,
    {
      method: 'POST',
      url: '/notice/list',
      summary: '获取公告列表 (notices: data.dataList)',
      params: { type: 'string', page: 'int', pageSize: 'int' },
    },
    async ({ p, tenant, services }) => {
      const pg = pageOf(p);
      const r = await services.shopContent.notices(tenant.id, {
        type: p.type ?? null,
        enabledOnly: true,
        limit: pg.limit,
        offset: pg.offset,
      });
      if (!r.items.length) return err(CODE.noData, '暂无数据');
      return ok({
        dataList: r.items.map((n) => noticeItem(n, tenant.timezone)),
        totalRow: r.total,
        totalPage: Math.ceil(r.total / pg.pageSize),
      });
    },
  );

  route(
    app,
    { method: 'GET', url: '/notice/detail', summary: '获取公告详情 (one notice)', params: { id: 'int!' } },
    async ({ p, tenant, services }) => {
      const n = await services.shopContent.notice(tenant.id, p.id);
      return n ? ok({ ...noticeItem(n, tenant.timezone), content: n.content }) : err(404, '暂无数据');
    },
  );

  route(
    app,
    { method: 'GET', url: '/notice/last-one', summary: '获取最新的一个公告 (the newest notice)', params: { type: 'string' } },
    async ({ p, tenant, services }) => {
      const r = await services.shopContent.notices(tenant.id, { type: p.type ?? null, enabledOnly: true, limit: 1, offset: 0 });
      const n = r.items[0];
      return n ? ok({ ...noticeItem(n, tenant.timezone), content: n.content }) : err(CODE.noData, '暂无数据');
    },
  );

  route(
    app,
    { method: 'GET', url: '/config/value', summary: '读取系统参数 (one config value)', params: { key: 'string!' } },
    async ({ p, tenant, services }) => {
      const v = await services.shopContent.configValues(tenant.id, [p.key]);
      return v[0] ? ok(v[0].value) : err(CODE.noData, '暂无数据');
    },
  );

  route(
    app,
    { method: 'GET', url: '/config/values', summary: '批量读取系统参数 (config values: [{key, value}])', params: { keys: 'string!' } },
    async ({ p, tenant, services }) => {
      const keys = p.keys
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean)
        .slice(0, 100);
      const v = await services.shopContent.configValues(tenant.id, keys);
      return list(
        v.map((c) => ({ key: c.key, value: c.value, remark: c.remark ?? '', dateUpdate: apifmDate(c.updatedAt, tenant.timezone) })),
      );
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/invoice/list',
      summary: '我的申请开发票记录 (invoice requests, paged)',
      login: true,
      params: { page: 'int', pageSize: 'int' },
    },
    async ({ p, tenant, user, services }) => {
      const pg = pageOf(p);
      const r = await services.shopContent.invoices(tenant.id, { userId: user.userId, limit: pg.limit, offset: pg.offset });
      return paged(
        r.items.map((i) => invoiceOut(i, tenant.timezone)),
        r.total,
        pg,
      );
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/invoice/apply',
      summary: '申请开发票 (request an invoice)',
      login: true,
      params: {
        amount: 'money',
        orderId: 'int',
        comName: 'string',
        tfn: 'string',
        consumption: 'string',
        email: 'string',
        remark: 'string',
        extJsonStr: 'string',
      },
    },
    async ({ p, tenant, user, services }) => {
      let ext: Record<string, unknown> | null = null;
      if (p.extJsonStr) {
        try {
          ext = JSON.parse(p.extJsonStr) as Record<string, unknown>;
        } catch {
          return err(CODE.badFormat, '参数格式错误: extJsonStr');
        }
      }
      const r = await services.shopContent.applyInvoice(tenant.id, user.userId, {
        amount: p.amount ?? 0,
        orderId: p.orderId ?? null,
        comName: p.comName ?? null,
        tfn: p.tfn ?? null,
        consumption: p.consumption ?? null,
        email: p.email ?? null,
        remark: p.remark ?? null,
        ext,
      });
      return r.ok ? ok(invoiceOut(r.value, tenant.timezone)) : failure(r.error);
    },
  );

  route(
    app,
    { method: 'GET', url: '/invoice/info', summary: '申请开发票详情 (one invoice request)', login: true, params: { id: 'int!' } },
    async ({ p, tenant, user, services }) => {
      const i = await services.shopContent.invoice(tenant.id, user.userId, p.id);
      return i ? ok(invoiceOut(i, tenant.timezone)) : err(CODE.noData, '暂无数据');
    },
  );
}
