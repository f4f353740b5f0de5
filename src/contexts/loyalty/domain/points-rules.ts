// The tenant's points and wallet rules shown to consumers: points given on
// events (send rules), points taken as money at checkout (deduction rules) and
// the bonus on a wallet recharge (recharge rules).
import type { Fen } from '../../../kernel/money.ts';
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

export interface PointsSendRule {
  code: string;
  score: number;
  confine: number;
}

/** Every `score` points take `money` fen off; `loop` allows repeating. */
export interface DeductionRule {
  id: number;
  score: number;
  money: number;
  loop: boolean;
  type: number;
}

export interface DeductionRuleInput {
  score: number;
  money: number;
  loop?: boolean;
  type?: number;
}

/** A recharge of at least `confine` earns `send` on top. */
export interface RechargeRule {
  id: number;
  confine: Fen;
  send: Fen;
}

export function checkSendRule(rule: PointsSendRule): Result<void, 'invalid_input'> {
  if (!/^[\w-]{1,64}$/.test(rule.code)) return fail(ErrorCode.invalid_input, 'code must be 1-64 letters, digits, _ or -');
  if (!Number.isInteger(rule.score) || rule.score < 0) return fail(ErrorCode.invalid_input, 'score must be a whole number ≥ 0');
  return ok(undefined);
}

export function checkDeductionRule(rule: DeductionRuleInput): Result<void, 'invalid_input'> {
  if (!Number.isInteger(rule.score) || rule.score < 1) return fail(ErrorCode.invalid_input, 'score must be a whole number ≥ 1');
  if (!Number.isInteger(rule.money) || rule.money < 1) return fail(ErrorCode.invalid_input, 'money must be at least 1 fen');
  return ok(undefined);
}

export function checkRechargeRule(confine: Fen, send: Fen): Result<void, 'invalid_input'> {
  if (!(confine > 0) || !(send > 0)) return fail(ErrorCode.invalid_input, 'confine and send must be more than 0');
  return ok(undefined);
}
