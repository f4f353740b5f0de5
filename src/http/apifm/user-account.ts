// apifm user account: amounts, the cash log (v1 array, v2 paged), recharge
// records and bonus rules, shipping addresses, user levels, in-app messages.
import type { Address, AddressInput } from '../../contexts/commerce/index.ts';
import type { Level, LevelPrice } from '../../contexts/commerce/index.ts';
import { amountsOut, cashLogEntryOut, cashLogFilter } from './wire/loyalty.ts';
import { apifmDate, CODE, err, failure, list, ok, pageOf, paged, rawParams, route, yuan, type ApifmApp, type Envelope } from './kit.ts';

const CASH_PARAMS = {
  behavior: 'int',
  type: 'int',
  types: 'string',
  orderId: 'string',
  dateAddBegin: 'string',
  dateAddEnd: 'string',
  page: 'int',
  pageSize: 'int',
} as const;

function addressOut(a: Address, tz: string) {
  return {
    id: a.id,
    uid: a.userId,
    linkMan: a.linkMan,
    mobile: a.mobile,
    provinceId: a.provinceId,
    cityId: a.cityId,
    districtId: a.districtId ?? '',
    streetId: a.streetId ?? '',
    address: a.address,
    code: a.code ?? '',
    idcard: a.idcard ?? '',
    latitude: a.latitude,
    longitude: a.longitude,
    isDefault: a.isDefault,
    status: a.status,
    statusStr: a.status === 0 ? '正常' : '停用',
    provinceStr: '',
    cityStr: '',
    areaStr: '',
    extJson: a.ext ?? {},
    dateAdd: apifmDate(a.createdAt, tz),
    dateUpdate: apifmDate(a.updatedAt, tz),
  };
}

/** The form fields of shipping-address/add and /update. */
function addressInput(raw: Record<string, string | undefined>): AddressInput | Envelope {
  for (const f of ['linkMan', 'mobile', 'provinceId', 'cityId', 'address']) if (!raw[f]) return err(CODE.missing, `缺少参数 ${f}`);
  const num = (v: string | undefined) => (v === undefined || !Number.isFinite(Number(v)) ? null : Number(v));
  let ext: Record<string, unknown> | null = null;
  if (raw.extJsonStr) {
    try {
      ext = JSON.parse(raw.extJsonStr) as Record<string, unknown>;
    } catch {
      return err(CODE.badFormat, '参数格式错误: extJsonStr');
    }
  }
  return {
    linkMan: raw.linkMan!,
    mobile: raw.mobile!,
    provinceId: raw.provinceId!,
    cityId: raw.cityId!,
    districtId: raw.districtId ?? null,
    streetId: raw.streetId ?? null,
    address: raw.address!,
    code: raw.code ?? null,
    idcard: raw.idcard ?? null,
    latitude: num(raw.latitude),
    longitude: num(raw.longitude ?? raw['longitude\t']),
    isDefault: raw.isDefault === undefined ? undefined : /^(true|1)$/i.test(raw.isDefault),
    status: raw.status === '1' ? 1 : 0,
    ext,
  };
}

const isEnvelope = (x: unknown): x is Envelope => !!x && typeof x === 'object' && 'code' in x && 'msg' in x;

const levelOut = (l: Level, tz: string) => ({
  id: l.id,
  name: l.name,
  level: l.level,
  upgradeAmount: yuan(l.upgradeAmount),
  rebate: l.rebate / 1000,
  remark: l.remark ?? '',
  dateAdd: apifmDate(l.createdAt, tz),
});
const priceOut = (p: LevelPrice) => ({ id: p.id, levelId: p.levelId, duration: p.duration, unit: p.unit, price: yuan(p.price) });

export default async function userAccountRoutes(app: ApifmApp) {
  moneyViewRoutes(app);
  addressRoutes(app);
  levelAndMessageRoutes(app);
}

function moneyViewRoutes(app: ApifmApp) {
  route(
    app,
    { method: 'GET', url: '/user/amount', summary: '查看用户资产 (wallet balance, points, spending)', login: true, params: {} },
    async ({ tenant, user, services }) => {
      const a = await services.account.amounts(tenant.id, user.userId);
      if (!a) return err(CODE.noData, '当前账户存在异常');
      return ok(amountsOut(a));
    },
  );

  const cashLog = async (
    p: { [k in keyof typeof CASH_PARAMS]?: string | number },
    tenantId: number,
    tz: string,
    userId: number,
    services: ApifmApp['services'],
  ) => {
    const pg = pageOf({ page: p.page as number | undefined, pageSize: p.pageSize as number | undefined });
    const types =
      typeof p.types === 'string'
        ? p.types
            .split(',')
            .filter((s) => /^\d+$/.test(s))
            .map(Number)
        : null;
    const f = cashLogFilter({
      behavior: (p.behavior as number | undefined) ?? null,
      type: (p.type as number | undefined) ?? null,
      types,
      orderId: (p.orderId as string | undefined) ?? null,
      dateAddBegin: (p.dateAddBegin as string | undefined) ?? null,
      dateAddEnd: (p.dateAddEnd as string | undefined) ?? null,
      limit: pg.limit,
      offset: pg.offset,
    });
    if (!f.ok) return { error: failure(f.error) };
    if (!f.value) return { items: [], total: 0, pg };
    const r = await services.account.cashLog(tenantId, userId, f.value);
    if (!r.ok) return { error: failure(r.error) };
    const items = r.value.items.map((x) => cashLogEntryOut(x, tz));
    return { items, total: r.value.total, pg };
  };

  route(
    app,
    { method: 'POST', url: '/user/cashLog', summary: '用户资金流水 (cash log, a plain array)', login: true, params: CASH_PARAMS },
    async ({ p, tenant, user, services }) => {
      const r = await cashLog(p, tenant.id, tenant.timezone, user.userId, services);
      return 'error' in r ? r.error! : list(r.items);
    },
  );

  route(
    app,
    { method: 'POST', url: '/user/cashLog/v2', summary: '用户资金流水 v2 (cash log, paged)', login: true, params: CASH_PARAMS },
    async ({ p, tenant, user, services }) => {
      const r = await cashLog(p, tenant.id, tenant.timezone, user.userId, services);
      return 'error' in r ? r.error! : paged(r.items, r.total, r.pg);
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/user/payLogs',
      summary: '用户充值记录 (recharges; nextAction is empty: no follow-up action)',
      login: true,
      params: { page: 'int', pageSize: 'int', orderNo: 'string' },
    },
    async ({ p, tenant, user, services }) => {
      const pg = pageOf(p);
      const r = await services.account.payLogs(tenant.id, user.userId, pg.limit, pg.offset, p.orderNo ?? null);
      return list(
        r.items.map((x) => ({
          id: x.id,
          money: yuan(x.money),
          status: 1,
          statusStr: '已支付',
          payGate: x.reason === 'operator_credit' ? 'offline' : 'balance',
          remark: x.remark ?? '',
          orderNo: x.ref ?? '',
          nextAction: '',
          dateAdd: apifmDate(x.createdAt, tenant.timezone),
        })),
      );
    },
  );

  route(
    app,
    { method: 'GET', url: '/user/recharge/send/rule', summary: '充值赠送规则 (recharge bonus rules)', params: {} },
    async ({ tenant, services }) => {
      const rules = await services.account.rechargeRules(tenant.id);
      return list(rules.map((r) => ({ id: r.id, confine: yuan(r.confine), send: yuan(r.send), loop: false })));
    },
  );

  // ---------------------------------------------------------------- shipping addresses
  route(
    app,
    { method: 'POST', url: '/user/shipping-address/add', summary: '添加收货地址 (add an address)', login: true, params: {} },
    async ({ req, tenant, user, services }) => {
      const input = addressInput(rawParams(req));
      if (isEnvelope(input)) return input;
      const r = await services.addresses.add(tenant.id, user.userId, input);
      return r.ok ? ok(addressOut(r.value, tenant.timezone)) : failure(r.error, { invalid_state: 30000 });
    },
  );
}

function addressRoutes(app: ApifmApp) {
  route(
    app,
    {
      method: 'POST',
      url: '/user/shipping-address/update',
      summary: '修改收货地址 (change an address)',
      login: true,
      params: { id: 'int!' },
    },
    async ({ req, p, tenant, user, services }) => {
      const current = await services.addresses.get(tenant.id, user.userId, p.id);
      if (!current) return err(CODE.noData, '收货地址不存在');
      // Fields left out keep their values (clients often send only what changed).
      const was: Record<string, string | undefined> = {
        linkMan: current.linkMan,
        mobile: current.mobile,
        provinceId: current.provinceId,
        cityId: current.cityId,
        districtId: current.districtId ?? undefined,
        streetId: current.streetId ?? undefined,
        address: current.address,
        code: current.code ?? undefined,
        idcard: current.idcard ?? undefined,
        latitude: current.latitude === null ? undefined : String(current.latitude),
        longitude: current.longitude === null ? undefined : String(current.longitude),
        status: String(current.status),
        extJsonStr: current.ext ? JSON.stringify(current.ext) : undefined,
      };
      const input = addressInput({ ...was, ...rawParams(req) });
      if (isEnvelope(input)) return input;
      const r = await services.addresses.update(tenant.id, user.userId, p.id, input);
      return r.ok ? ok(addressOut(r.value, tenant.timezone)) : failure(r.error);
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/user/shipping-address/delete',
      summary: '删除收货地址 (delete an address)',
      login: true,
      params: { id: 'int!' },
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.addresses.remove(tenant.id, user.userId, p.id);
      return r.ok ? ok() : failure(r.error);
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/user/shipping-address/list',
      summary: '获取所有的收货地址 (all addresses, a plain array)',
      login: true,
      params: {},
    },
    async ({ tenant, user, services }) => {
      const r = await services.addresses.list(tenant.id, user.userId, { limit: 200, offset: 0 });
      return list(r.items.map((a) => addressOut(a, tenant.timezone)));
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/user/shipping-address/list/v2',
      summary: '收货地址列表 v2 (paged)',
      login: true,
      params: { page: 'int', pageSize: 'int', nameLike: 'string', mobileLike: 'string' },
    },
    async ({ p, tenant, user, services }) => {
      const pg = pageOf(p);
      const r = await services.addresses.list(tenant.id, user.userId, {
        nameLike: p.nameLike,
        mobileLike: p.mobileLike,
        limit: pg.limit,
        offset: pg.offset,
      });
      return paged(
        r.items.map((a) => addressOut(a, tenant.timezone)),
        r.total,
        pg,
      );
    },
  );

  route(
    app,
    { method: 'GET', url: '/user/shipping-address/default/v2', summary: '获取默认收货地址 (the default address)', login: true, params: {} },
    async ({ tenant, user, services }) => {
      const a = await services.addresses.defaultOf(tenant.id, user.userId);
      return a ? ok({ info: addressOut(a, tenant.timezone), extJson: a.ext ?? {} }) : err(CODE.noData, '暂无数据');
    },
  );

  route(
    app,
    { method: 'GET', url: '/user/shipping-address/detail/v2', summary: '收货地址详情 (one address)', login: true, params: { id: 'int!' } },
    async ({ p, tenant, user, services }) => {
      const a = await services.addresses.get(tenant.id, user.userId, p.id);
      return a ? ok({ info: addressOut(a, tenant.timezone), extJson: a.ext ?? {} }) : err(CODE.noData, '暂无数据');
    },
  );

  // ---------------------------------------------------------------- levels
}

function levelAndMessageRoutes(app: ApifmApp) {
  route(
    app,
    {
      method: 'POST',
      url: '/user/level/list',
      summary: '获取所有的会员等级列表 (user levels, paged)',
      params: { page: 'int', pageSize: 'int' },
    },
    async ({ p, tenant, services }) => {
      const pg = pageOf(p);
      const r = await services.shopContent.levels(tenant.id, { limit: pg.limit, offset: pg.offset });
      return paged(
        r.items.map((l) => levelOut(l, tenant.timezone)),
        r.total,
        pg,
      );
    },
  );

  route(
    app,
    { method: 'GET', url: '/user/level/info', summary: '获取会员等级详情 (one level with its prices)', params: { id: 'int!' } },
    async ({ p, tenant, services }) => {
      const l = await services.shopContent.level(tenant.id, p.id);
      return l ? ok({ info: levelOut(l, tenant.timezone), prices: l.prices.map(priceOut) }) : err(CODE.noData, '暂无数据');
    },
  );

  route(
    app,
    { method: 'GET', url: '/user/level/prices', summary: '获取指定会员等级的收费列表 (prices of a level)', params: { levelId: 'int!' } },
    async ({ p, tenant, services }) => {
      const l = await services.shopContent.level(tenant.id, p.levelId);
      return list((l?.prices ?? []).map(priceOut));
    },
  );

  // ---------------------------------------------------------------- messages
  route(
    app,
    {
      method: 'POST',
      url: '/user/message/list',
      summary: '站内信列表 (in-app messages, paged)',
      login: true,
      params: { isRead: 'string', type: 'int', page: 'int', pageSize: 'int', mod: 'int', source: 'int' },
    },
    async ({ p, tenant, user, services }) => {
      const pg = pageOf(p);
      const isRead = p.isRead === undefined ? null : /^(true|1)$/i.test(p.isRead);
      const r = await services.shopContent.messages(tenant.id, user.userId, {
        isRead,
        type: p.type ?? null,
        limit: pg.limit,
        offset: pg.offset,
      });
      return paged(
        r.items.map((m) => ({
          id: m.id,
          uid: m.userId,
          type: m.type,
          source: m.source,
          title: m.title,
          content: m.content ?? '',
          isRead: m.isRead,
          dateAdd: apifmDate(m.createdAt, tenant.timezone),
        })),
        r.total,
        pg,
      );
    },
  );

  route(
    app,
    { method: 'POST', url: '/user/message/read', summary: '设为已读 (mark a message read)', login: true, params: { id: 'int!' } },
    async ({ p, tenant, user, services }) => {
      const r = await services.shopContent.readMessage(tenant.id, user.userId, p.id);
      return r.ok ? ok() : failure(r.error);
    },
  );

  route(
    app,
    { method: 'POST', url: '/user/message/del', summary: '删除消息 (delete a message)', login: true, params: { id: 'int!' } },
    async ({ p, tenant, user, services }) => {
      const r = await services.shopContent.deleteMessage(tenant.id, user.userId, p.id);
      return r.ok ? ok() : failure(r.error);
    },
  );
}
