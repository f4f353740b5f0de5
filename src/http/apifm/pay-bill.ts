// apifm 买单 (pay-bill): the discount rules, and paying an amount from the
// wallet (calculate=true only says what would be paid).
import { PAY_BILL_LABELS } from './wire/loyalty.ts';
import { err, failure, list, ok, route, yuan, type ApifmApp } from './kit.ts';

export default async function payBillRoutes(app: ApifmApp) {
  route(
    app,
    { method: 'GET', url: '/payBill/discounts', summary: '获取在线买单优惠信息 (pay-bill discount rules)', params: {} },
    async ({ tenant, services }) => {
      const rules = await services.account.payBillRules(tenant.id);
      return list(rules.map((r) => ({ id: r.id, consume: yuan(r.consume), discounts: yuan(r.discounts) })));
    },
  );

  route(
    app,
    {
      method: 'POST',
      url: '/payBill/pay',
      summary: '在线买单 (pay an amount from the wallet; calculate=true only prices it)',
      login: true,
      params: { money: 'money!', calculate: 'bool', pwd: 'string' },
      moves: true,
    },
    async ({ p, tenant, user, services }) => {
      if (p.calculate) {
        const q = await services.account.payBillQuote(tenant.id, p.money);
        return q.ok
          ? ok({ money: yuan(q.value.money), discounts: yuan(q.value.discount), realMoney: yuan(q.value.realMoney) })
          : failure(q.error);
      }
      const r = await services.account.payBill(tenant.id, user.userId, p.money, PAY_BILL_LABELS);
      if (r.ok)
        return ok({ id: r.value.id, money: yuan(r.value.money), discounts: yuan(r.value.discount), realMoney: yuan(r.value.realMoney) });
      if (r.error.code === 'insufficient_balance') {
        // Like payDeposit: not enough balance, `data` is what is still to pay.
        const amounts = await services.account.amounts(tenant.id, user.userId);
        const q = await services.account.payBillQuote(tenant.id, p.money);
        const short = q.ok ? Math.max(0, q.value.realMoney - (amounts?.balance ?? 0)) : 0;
        return err(40000, '用户可用余额不足', yuan(short));
      }
      return failure(r.error);
    },
  );
}
