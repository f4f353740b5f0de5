// apifm score (points) module: daily sign-in, its rules and history, the
// points history, the rules shown to consumers, and 积分券 exchange.
import { directionOfBehavior, SIGN_IN_LABELS, VOUCHER_LABELS, voucherMessage } from './wire/loyalty.ts';
import { apifmDate, dateRange, empty, err, list, ok, pageOf, paged, route, yuan, type ApifmApp } from './kit.ts';

/** apifm's points types (score/logs `type`): ledger reasons grouped under each. */
export const SCORE_TYPES: Record<number, { name: string; reasons: string[] }> = {
  0: { name: '注册', reasons: ['register'] },
  1: { name: '邀请好友', reasons: ['invite'] },
  2: { name: '每日签到', reasons: ['sign_in'] },
  3: { name: '兑换优惠券', reasons: ['coupon_claim', 'coupon_exchange'] },
  4: { name: '管理员调整', reasons: ['operator_credit', 'operator_debit', 'test'] },
  5: { name: '充值送', reasons: ['recharge_send'] },
  6: { name: '消费返', reasons: ['consume_send', 'order_reward'] },
  7: { name: '积分券兑换', reasons: ['points_voucher'] },
  8: { name: '积分抵扣', reasons: ['order_deduction', 'order_deduction_back', 'order_close', 'paybill_deduction'] },
};

export function scoreTypeOf(reason: string): { type: number; typeStr: string } {
  for (const [k, v] of Object.entries(SCORE_TYPES)) if (v.reasons.includes(reason)) return { type: Number(k), typeStr: v.name };
  return { type: 99, typeStr: '其他' };
}

export default async function scoreRoutes(app: ApifmApp) {
  route(
    app,
    {
      method: 'POST',
      url: '/score/sign',
      summary: '签到: 0 signed (data {continuous, score}), 10000 already signed today',
      params: {},
      login: true,
      moves: true,
    },
    async ({ tenant, user, services }) => {
      const r = await services.signIns.sign(tenant.id, user.userId, SIGN_IN_LABELS);
      if (!r.ok) return r.error.code === 'conflict' ? err(10000, '今日已签到') : err(30000, r.error.message);
      return ok({ continuous: r.value.continuous, score: r.value.score, dateAdd: apifmDate(r.value.createdAt, tenant.timezone) });
    },
  );

  route(
    app,
    { method: 'GET', url: '/score/today-signed', summary: '今日签到记录: 0 signed today, 700 not yet', params: {}, login: true },
    async ({ tenant, user, services }) => {
      const s = await services.signIns.today(tenant.id, user.userId);
      if (!s) return empty('今日未签到');
      return ok({ uid: user.userId, continuous: s.continuous, score: s.score, dateAdd: apifmDate(s.createdAt, tenant.timezone) });
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/score/sign/logs',
      summary: '签到记录: paged {result[{dateAdd, continuous, score}], totalRow, totalPage}',
      params: { page: 'int', pageSize: 'int', dateAddBegin: 'string', dateAddEnd: 'string' },
      login: true,
    },
    async ({ p, tenant, user, services }) => {
      const pg = pageOf(p);
      const range = dateRange(p.dateAddBegin, p.dateAddEnd, tenant.timezone);
      const r = await services.signIns.logs(tenant.id, user.userId, {
        from: range.fromDay,
        to: range.toDay,
        limit: pg.limit,
        offset: pg.offset,
      });
      return paged(
        r.items.map((s) => ({
          uid: user.userId,
          dateAdd: apifmDate(s.createdAt, tenant.timezone),
          continuous: s.continuous,
          score: s.score,
        })),
        r.total,
        pg,
      );
    },
  );

  route(
    app,
    { method: 'GET', url: '/score/sign/rules', summary: '签到赠送积分规则: [{continuous, score}], 700 none', params: {} },
    async ({ tenant, services }) =>
      list((await services.signIns.rules(tenant.id)).map((r) => ({ continuous: r.continuous, score: r.score }))),
  );

  route(
    app,
    {
      method: 'POST',
      url: '/score/logs',
      summary: '积分明细: paged {result[{behavior, score, type, typeStr, remark, dateAdd, scoreLeft}]}',
      params: {
        behavior: 'int',
        type: 'int',
        remark: 'string',
        page: 'int',
        pageSize: 'int',
        dateAddBegin: 'string',
        dateAddEnd: 'string',
      },
      login: true,
    },
    async ({ p, tenant, user, services }) => {
      const pg = pageOf(p);
      const range = dateRange(p.dateAddBegin, p.dateAddEnd, tenant.timezone);
      if (p.behavior !== undefined && p.behavior !== 0 && p.behavior !== 1) return err(601, '参数格式错误: behavior is 0 or 1');
      const reasons = p.type === undefined ? undefined : (SCORE_TYPES[p.type]?.reasons ?? ['-none-']);
      const r = await services.pointsExtras.logs(tenant.id, user.userId, {
        direction: directionOfBehavior(p.behavior),
        reasons,
        remark: p.remark,
        from: range.from,
        to: range.to,
        limit: pg.limit,
        offset: pg.offset,
      });
      return paged(
        r.items.map((e) => ({
          id: e.id,
          uid: user.userId,
          behavior: e.delta >= 0 ? 0 : 1,
          behaviorStr: e.delta >= 0 ? '收入' : '支出',
          score: Math.abs(e.delta),
          scoreLeft: e.balanceAfter,
          ...scoreTypeOf(e.reason),
          remark: e.remark ?? '',
          dateAdd: apifmDate(e.createdAt, tenant.timezone),
        })),
        r.total,
        pg,
      );
    },
  );

  route(
    app,
    { method: 'POST', url: '/score/send/rule', summary: '积分赠送规则: [{code, score, confine}], 700 none', params: { code: 'string' } },
    async ({ p, tenant, services }) =>
      list((await services.pointsExtras.sendRules(tenant.id, p.code)).map((r) => ({ code: r.code, score: r.score, confine: r.confine }))),
  );

  route(
    app,
    {
      method: 'GET',
      url: '/score/deduction/rules',
      summary: '积分抵扣规则: [{score, money (yuan), loop}], 700 none',
      params: { type: 'int' },
    },
    async ({ p, tenant, services }) =>
      list(
        (await services.pointsExtras.deductionRules(tenant.id, p.type)).map((r) => ({
          id: r.id,
          score: r.score,
          money: yuan(r.money),
          loop: r.loop,
          type: r.type,
        })),
      ),
  );

  route(
    app,
    {
      method: 'POST',
      url: '/score/exchange',
      summary: '积分券兑换积分: data.score; 700 bad number (data.msg carries the reason)',
      params: { number: 'string!' },
      login: true,
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      const r = await services.pointsExtras.redeemVoucher(tenant.id, user.userId, p.number, VOUCHER_LABELS);
      if (r.ok) return ok({ score: r.value.score, scoreLeft: r.value.balanceAfter });
      // EW score-excharge shows res.data.msg on failure.
      const code =
        r.error.code === 'rate_limited' ? 4000 : r.error.code === 'not_found' ? 700 : r.error.code === 'coupon_used' ? 20000 : 20004;
      const msg = voucherMessage(r.error);
      return err(code, msg, { msg });
    },
  );
}
