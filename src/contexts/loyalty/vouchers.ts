// Points vouchers (积分券): staff make numbers worth points; a consumer redeems
// a number once, by a conditional update, with the credit in the same
// transaction. Every try is reserved per user before the number is looked up
// (platform guesses), so parallel tries get no more lookups than the limit;
// only unknown numbers count as wrong.
import crypto from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit, guessLimiter, tooManyTries } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import {
  checkVoucherBatch,
  VOUCHER_LIMITS,
  voucherNumber,
  voucherRef,
  voucherRefusal,
  type VoucherBatch,
  type VoucherRedeemed,
  type VoucherRefusal,
} from './domain/points-voucher.ts';
import type { RedeemVoucherCode, VoucherRefusalDetails } from './errors.ts';
import { moveBalance } from './ledgers.ts';
import { insertVouchers, takeVoucher, voucherByNumber } from './repo/vouchers.repo.ts';

export { VOUCHER_LIMITS } from './domain/points-voucher.ts';
export type { VoucherBatch, VoucherRedeemed, VoucherRefusal } from './domain/points-voucher.ts';

export interface VoucherLabels {
  /** The points ledger remark of a redeemed voucher (the dialect's words). */
  remark?: string;
}

const REFUSALS: Record<VoucherRefusal, { code: 'not_found' | 'coupon_used' | 'coupon_expired'; message: string }> = {
  unknown: { code: ErrorCode.not_found, message: 'no points voucher has this number' },
  used: { code: ErrorCode.coupon_used, message: 'this points voucher is already used' },
  expired: { code: ErrorCode.coupon_expired, message: 'this points voucher has expired' },
};

const refuse = (why: VoucherRefusal) => fail(REFUSALS[why].code, REFUSALS[why].message, { voucher: why } satisfies VoucherRefusalDetails);

export function voucherService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();
  const guesses = guessLimiter(deps);
  const limitOf = (tenantId: number, userId: number) => ({
    tenantId,
    key: `points-voucher:user:${userId}`,
    limit: VOUCHER_LIMITS.perUser,
    windowSec: VOUCHER_LIMITS.windowSec,
  });

  return {
    /** Makes `count` voucher numbers worth `score` points each (staff); returns the numbers once. */
    async createVouchers(tenantId: number, input: VoucherBatch, by: Principal | null): Promise<Result<string[], 'invalid_input'>> {
      const valid = checkVoucherBatch(input);
      if (!valid.ok) return valid;
      const numbers = Array.from({ length: input.count }, () => voucherNumber(crypto.randomInt));
      await deps.db.tx(async (q) => {
        await insertVouchers(q, tenantId, numbers, input.score, input.expiresAt ?? null);
        if (by)
          await audit(q, tenantId, by, {
            action: 'points_voucher.create',
            targetType: 'tenant',
            targetId: tenantId,
            details: { count: input.count, score: input.score },
          });
      });
      return ok(numbers);
    },

    /**
     * Redeems a voucher number for its points, once: the conditional update
     * marks it used, the credit follows in the same transaction.
     */
    async redeemVoucher(
      tenantId: number,
      userId: number,
      number: string,
      labels: VoucherLabels = {},
    ): Promise<Result<VoucherRedeemed, RedeemVoucherCode>> {
      const t = await guesses.reserve([limitOf(tenantId, userId)]);
      if (!t.allowed) return tooManyTries('wrong numbers', t.retryAfterSec);
      const at = now();
      const n = number.trim();
      let unknown = false;
      try {
        return await deps.db.txResult(async (q): Promise<Result<VoucherRedeemed, RedeemVoucherCode>> => {
          const v = await takeVoucher(q, tenantId, n, userId, at);
          if (!v) {
            const why = voucherRefusal(await voucherByNumber(q, tenantId, n));
            unknown = why === 'unknown';
            return refuse(why);
          }
          const m = await moveBalance(
            q,
            'points',
            tenantId,
            userId,
            v.score,
            'points_voucher',
            voucherRef(v.id),
            labels.remark ?? 'points voucher',
          );
          if (!m.ok) return m;
          return ok({ score: v.score, balanceAfter: m.value.balanceAfter });
        });
      } finally {
        // Only a number nobody made is a wrong guess; a used or expired one gives its try back.
        await (unknown ? t.wrong() : t.right());
      }
    },
  };
}

export type VoucherService = ReturnType<typeof voucherService>;
