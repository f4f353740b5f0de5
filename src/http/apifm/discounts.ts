// apifm discounts (coupons) module: the rules a user can fetch, fetching,
// the user's coupons, 卡密 exchange, gifts, statistics, merging, share links,
// and write-off from a seller's account.
import { couponRefs, couponRuleView, statusesOf, userCouponView } from './coupon-views.ts';
import { err, failure, idList, list, ok, route, yuan, type ApifmApp, type CodeMap } from './kit.ts';

/** discounts/fetch codes (seed 004 + apifm-clients.md). */
export const FETCH_CODES: CodeMap = {
  not_found: 700,
  wrong_password: 20000,
  sold_out: 20001,
  ended: 20002,
  per_user_limit: 20003,
  not_started: 20004,
  invalid_state: 20004,
  audience_mismatch: 20004,
  coupon_expired: 20004,
  not_enough_points: 30001,
  payment_needed: 30002,
  sign_in_days_needed: 40000,
};

const EXCHANGE_CODES: CodeMap = { wrong_password: 20000, coupon_used: 20001, ended: 20002, per_user_limit: 20003, rate_limited: 4000 };

export default async function discountRoutes(app: ApifmApp) {
  couponRoutes(app);
  mergeShareRoutes(app);
}

function couponRoutes(app: ApifmApp) {
  route(
    app,
    {
      method: 'GET',
      url: '/discounts/coupons',
      summary: '可领取优惠券列表 (with token: only what this user can still fetch); [] → 700',
      params: { ids: 'string', refId: 'int', type: 'string' },
      login: 'optional',
    },
    async ({ p, tenant, user, services }) => {
      const ts = await services.couponExtras.available(tenant.id, user?.userId ?? null, { ids: idList(p.ids), refId: p.refId });
      return list(ts.map((t) => couponRuleView(t, tenant.timezone)));
    },
  );

  route(
    app,
    { method: 'GET', url: '/discounts/detail', summary: '优惠券规格详情 (couponRefs: type 0 category, 1 goods)', params: { id: 'int!' } },
    async ({ p, tenant, services }) => {
      const t = await services.couponExtras.template(tenant.id, p.id);
      if (!t || t.state === 'draft' || t.state === 'pending') return err(700, '优惠券不存在');
      return ok({ info: couponRuleView(t, tenant.timezone), ...couponRuleView(t, tenant.timezone), couponRefs: couponRefs(t) });
    },
  );

  route(
    app,
    {
      method: 'GET',
      url: '/discounts/my',
      summary: '我的优惠券: status 0 usable / "1,2,3" invalid, expired, used; consumAmount filters usable at that amount; [] → 700',
      params: { status: 'string', consumAmount: 'money' },
      login: true,
    },
    async ({ p, tenant, user, services }) => {
      const statuses = p.status === undefined ? undefined : statusesOf(idList(p.status));
      const mine = await services.couponExtras.mine(tenant.id, user.userId, { statuses, usableAt: p.consumAmount });
      return list(mine.map((c) => userCouponView(c, tenant.timezone)));
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/discounts/fetch',
      summary:
        '领取优惠券 by id (+ pwd) or by pwd alone; detect=true only checks. 20001/20002 gone, 20003 per-person limit, 20004 expired/not claimable, 30001 points, 30002 pay (data = amount)',
      params: { id: 'int', pwd: 'string', detect: 'bool' },
      login: true,
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.couponExtras.fetch(tenant.id, user.userId, { id: p.id, pwd: p.pwd, detect: p.detect });
      if (r.ok) return ok(r.value.detect ? undefined : { id: r.value.coupon.id, code: r.value.coupon.code });
      if (r.error.code === 'payment_needed') return err(30002, r.error.message, yuan(Number(r.error.details?.priceFen ?? 0)));
      if (r.error.code === 'not_found' && p.pwd && p.id === undefined) return err(700, '口令输入有误');
      return failure(r.error, FETCH_CODES);
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/discounts/exchange',
      summary: '卡密兑换优惠券 (number + pwd); 20000 wrong number/password',
      params: { number: 'string!', pwd: 'string', extJsonStr: 'string' },
      login: true,
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.coupons.exchange(tenant.id, { userId: user.userId, code: p.number, password: p.pwd ?? '' }, null);
      return r.ok ? ok({ id: r.value.id, code: r.value.code }) : failure(r.error, EXCHANGE_CODES);
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/discounts/send',
      summary: '赠送优惠券 (id = my coupon id; to mobile or uid); 20000 no such coupon, 30000 no such user',
      params: { id: 'int!', mobile: 'string', uid: 'int' },
      login: true,
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      if (!p.mobile && p.uid === undefined) return err(600, '缺少参数 mobile 或 uid');
      const own = await services.couponExtras.own(tenant.id, user.userId, p.id);
      if (!own) return err(20000, '该优惠券不存在');
      const r = await services.coupons.gift(tenant.id, own.code, { fromUserId: user.userId, toUserId: p.uid, toMobile: p.mobile }, null);
      return r.ok
        ? ok()
        : failure(r.error, { not_found: 30000, invalid_input: 30000, coupon_used: 20000, coupon_voided: 20000, coupon_expired: 20004 });
    },
  );

  route(
    app,
    { method: 'GET', url: '/discounts/statistics', summary: '优惠券统计: counts by status', params: {}, login: true },
    async ({ tenant, user, services }) => {
      const s = await services.couponExtras.stats(tenant.id, user.userId);
      return ok({ total: s.total, canUse: s.usable, notStart: s.notYetValid, used: s.used, expired: s.expired, invalid: s.voided });
    },
  );
}

function mergeShareRoutes(app: ApifmApp) {
  route(
    app,
    {
      method: 'GET',
      url: '/discounts/merge/list',
      summary: '优惠券合成规则: [{id, name, couponId, couponName, rules[{type 0, typeStr, couponId, couponName, number}]}]; [] → 700',
      params: {},
    },
    async ({ tenant, services }) => {
      const rules = await services.couponExtras.mergeRules(tenant.id);
      return list(
        rules.map((m) => ({
          id: m.id,
          name: m.name,
          couponId: m.target.templateId,
          couponName: m.target.name,
          rules: m.items.map((i) => ({ type: 0, typeStr: '消耗', couponId: i.templateId, couponName: i.name, number: i.number })),
        })),
      );
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/discounts/merge',
      summary: '合成优惠券: hand in couponIds ("1,2") per rule mergeId, get its coupon',
      params: { mergeId: 'int!', couponIds: 'string!' },
      login: true,
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.couponExtras.merge(tenant.id, user.userId, p.mergeId, idList(p.couponIds));
      return r.ok ? ok({ id: r.value.id, code: r.value.code }) : failure(r.error, { coupon_not_eligible: 30000, sold_out: 20001 });
    },
  );

  route(
    app,
    { method: 'POST', url: '/discounts/share/open', summary: '开启优惠券分享: data.shareToken', params: { id: 'int!' }, login: true },
    async ({ p, tenant, user, services }) => {
      const r = await services.couponExtras.shareOpen(tenant.id, user.userId, p.id);
      return r.ok ? ok({ id: p.id, shareToken: r.value.shareToken }) : failure(r.error, { coupon_not_eligible: 30000 });
    },
  );
  route(
    app,
    { method: 'POST', url: '/discounts/share/close', summary: '关闭优惠券分享', params: { id: 'int!' }, login: true },
    async ({ p, tenant, user, services }) => {
      const r = await services.couponExtras.shareClose(tenant.id, user.userId, p.id);
      return r.ok ? ok() : failure(r.error);
    },
  );
  route(
    app,
    {
      method: 'POST',
      url: '/discounts/share/fetch',
      summary: '领取别人分享的优惠券 (id + shareToken), once',
      params: { id: 'int!', shareToken: 'string!' },
      login: true,
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.couponExtras.shareFetch(tenant.id, user.userId, p.id, p.shareToken);
      return r.ok ? ok({ id: r.value.id, code: r.value.code }) : failure(r.error, { coupon_not_eligible: 20002 });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/discounts/hx',
      summary:
        "核销优惠券 from a seller's own WeChat account (PUT /api/v1/sellers/{id} userId): code (or hxNumber), shopId, amount; 1000 not a seller",
      params: { code: 'string', hxNumber: 'string', shopId: 'int!', amount: 'string' },
      login: true,
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const seller = await services.sellers.asSellerAccount(tenant.id, user.userId);
      if (!seller.ok) return err(1000, `您未获得该接口权限: ${seller.error.message}`);
      const code = p.code ?? p.hxNumber;
      if (!code) return err(600, '缺少参数 code');
      const r = await services.sellers.writeOff(seller.value.principal, code, { storeId: p.shopId, amount: p.amount ?? null });
      if (!r.ok) return failure(r.error, { not_found: 700, forbidden: 30000, wrong_store: 30000 });
      return ok({ code, discount: yuan(r.value.discount) });
    },
  );
}
