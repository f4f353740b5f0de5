// The loyalty context's public face: the only module other contexts and the dialects import.
export * from './account.ts';
export * from './errors.ts';
export * from './ledgers.ts';
export * from './pay-bills.ts';
export * from './rules.ts';
export * from './signins.ts';
export * from './vouchers.ts';

import type { Deps } from '../../kernel/deps.ts';
import { accountService } from './account.ts';
import { ledgerService } from './ledgers.ts';
import { payBillService } from './pay-bills.ts';
import { loyaltyRuleService } from './rules.ts';
import { signInService } from './signins.ts';
import { voucherService } from './vouchers.ts';

/**
 * Builds the loyalty services once (compose.ts calls this). The facade keeps
 * the names the dialects call: `pointsExtras` gathers the points rules, the
 * vouchers and the points history; `account` the money view, the recharge
 * rules and pay-bills.
 */
export function buildLoyalty(deps: Deps) {
  const ledgers = ledgerService(deps);
  const rules = loyaltyRuleService(deps);
  const vouchers = voucherService(deps);
  const account = accountService(deps);
  const payBills = payBillService(deps);
  return {
    ledgers,
    signIns: signInService(deps),
    pointsExtras: {
      sendRules: rules.sendRules,
      setSendRule: rules.setSendRule,
      deductionRules: rules.deductionRules,
      addDeductionRule: rules.addDeductionRule,
      createVouchers: vouchers.createVouchers,
      redeemVoucher: vouchers.redeemVoucher,
      logs: ledgers.pointsLog,
    },
    account: {
      ...account,
      rechargeRules: rules.rechargeRules,
      addRechargeRule: rules.addRechargeRule,
      ...payBills,
    },
  };
}
export type Loyalty = ReturnType<typeof buildLoyalty>;
