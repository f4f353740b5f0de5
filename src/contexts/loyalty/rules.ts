// The tenant's loyalty rules: points given on events (send rules), points as
// money at checkout (deduction rules), and the bonus on a wallet recharge.
import type { Fen } from '../../kernel/money.ts';
import { ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import {
  checkDeductionRule,
  checkRechargeRule,
  checkSendRule,
  type DeductionRule,
  type DeductionRuleInput,
  type PointsSendRule,
  type RechargeRule,
} from './domain/points-rules.ts';
import * as repo from './repo/rules.repo.ts';

export type { DeductionRule, DeductionRuleInput, PointsSendRule, RechargeRule } from './domain/points-rules.ts';

export function loyaltyRuleService(deps: Deps) {
  return {
    sendRules(tenantId: number, code?: string): Promise<PointsSendRule[]> {
      return repo.sendRules(deps.db, tenantId, code ?? null);
    },

    async setSendRule(tenantId: number, rule: PointsSendRule, by: Principal | null): Promise<Result<void, 'invalid_input'>> {
      const valid = checkSendRule(rule);
      if (!valid.ok) return valid;
      await deps.db.tx(async (q) => {
        await repo.upsertSendRule(q, tenantId, rule);
        if (by)
          await audit(q, tenantId, by, { action: 'points_send_rule.set', targetType: 'tenant', targetId: tenantId, details: { ...rule } });
      });
      return ok(undefined);
    },

    deductionRules(tenantId: number, type?: number): Promise<DeductionRule[]> {
      return repo.deductionRules(deps.db, tenantId, type ?? null);
    },

    async addDeductionRule(
      tenantId: number,
      rule: DeductionRuleInput,
      by: Principal | null,
    ): Promise<Result<DeductionRule, 'invalid_input'>> {
      const valid = checkDeductionRule(rule);
      if (!valid.ok) return valid;
      return deps.db.tx(async (q) => {
        const r = await repo.insertDeductionRule(q, tenantId, rule);
        if (by) await audit(q, tenantId, by, { action: 'points_deduction_rule.add', targetType: 'points_deduction_rule', targetId: r.id });
        return ok(r);
      });
    },

    rechargeRules(tenantId: number): Promise<RechargeRule[]> {
      return repo.rechargeRules(deps.db, tenantId);
    },

    async addRechargeRule(tenantId: number, confine: Fen, send: Fen, by: Principal): Promise<Result<RechargeRule, 'invalid_input'>> {
      const valid = checkRechargeRule(confine, send);
      if (!valid.ok) return valid;
      return deps.db.tx(async (q) => {
        const id = await repo.upsertRechargeRule(q, tenantId, confine, send);
        await audit(q, tenantId, by, {
          action: 'recharge_rule.set',
          targetType: 'recharge_rule',
          targetId: id,
          details: { confine, send },
        });
        return ok({ id, confine, send });
      });
    },
  };
}

export type LoyaltyRuleService = ReturnType<typeof loyaltyRuleService>;
