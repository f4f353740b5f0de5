// Issuing without a claim: internal issuing (recharge events, merges, points
// purchases) inside the caller's transaction, and a staff grant of N coupons.
// Stock applies; the claim rules do not.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import { computeValidity } from './domain/coupon-status.ts';
import type { Coupon, CouponSource } from './domain/coupon.ts';
import type { IssueCode } from './errors.ts';
import { takeStock, templateWithZone } from './repo/templates.repo.ts';
import { findUserId, issueCoupons, userInTenant } from './repo/coupons.repo.ts';

export interface GrantInput {
  templateId: number;
  userId?: number;
  mobile?: string;
  quantity: number;
}

export function issueService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();

  /** `n` coupons of an active template to a user, in the caller's transaction `q`. */
  async function issue(
    q: Queryable,
    tenantId: number,
    templateId: number,
    userId: number,
    n: number,
    source: CouponSource,
    by: Principal | null,
  ): Promise<Result<Coupon[], IssueCode>> {
    if (!Number.isInteger(n) || n < 1 || n > 1000) return fail(ErrorCode.invalid_input, 'quantity must be 1-1000');
    const found = await templateWithZone(q, tenantId, templateId);
    if (!found) return fail(ErrorCode.not_found, 'coupon template not found', { field: 'templateId' });
    const t = found.template;
    if (t.state !== 'active') return fail(ErrorCode.invalid_state, `template is ${t.state}, not active`);
    if (!(await userInTenant(q, tenantId, userId))) return fail(ErrorCode.not_found, 'user not found', { field: 'userId' });
    if (!(await takeStock(q, t, n))) return fail(ErrorCode.sold_out, `fewer than ${n} coupons left in stock`);
    const at = now();
    const window = computeValidity(t.validity, at, found.timezone);
    const coupons = await issueCoupons(q, {
      template: t,
      ownerId: userId,
      n,
      source,
      window,
      at,
      staffId: by?.kind === 'staff' ? by.staffId : null,
    });
    const couponCodes = coupons.map((c) => c.code);
    await recordEvents(q, [{ tenantId, type: 'coupon.issued', payload: { templateId, source, userId, couponCodes } }]);
    return ok(coupons);
  }

  /** Staff give N coupons to a user (by id or mobile). */
  async function grant(tenantId: number, input: GrantInput, by: Principal): Promise<Result<Coupon[], IssueCode>> {
    return deps.db.txResult(async (q) => {
      const userId = await findUserId(q, tenantId, { id: input.userId, mobile: input.mobile }, false);
      if (userId === null)
        return fail(ErrorCode.not_found, 'user not found (give userId or mobile of a user of this tenant)', { field: 'userId' });
      const r = await issue(q, tenantId, input.templateId, userId, input.quantity, 'grant', by);
      if (!r.ok) return r;
      await audit(q, tenantId, by, {
        action: 'coupon.grant',
        targetType: 'coupon_template',
        targetId: input.templateId,
        details: { userId, quantity: input.quantity, codes: r.value.map((c) => c.code) },
      });
      return r;
    });
  }

  return { issue, grant };
}

export type IssueService = ReturnType<typeof issueService>;
