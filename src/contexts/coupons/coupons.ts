// Reading coupons: the staff's search, one coupon with its template and
// history, a user's own coupons and their counts by status. And the `coupons`
// facade the dialects call (claim, issue, grant, gift, exchange, list, get),
// assembled from the use-case files.
import type { Deps } from '../../kernel/deps.ts';
import { couponStatus, type CouponStatus } from './domain/coupon-status.ts';
import type { Coupon, CouponEvent, OwnCoupon } from './domain/coupon.ts';
import type { Template } from './domain/template.ts';
import type { ClaimService } from './claim.ts';
import type { IssueService } from './issue.ts';
import type { GiftService } from './gift.ts';
import type { ExchangeService } from './exchange.ts';
import { templateById } from './repo/templates.repo.ts';
import { couponByCode, couponHistory, listCoupons, ownCoupons, ownCouponWindows, type CouponFilter } from './repo/coupons.repo.ts';

// Kept for the modules that still read coupon rows themselves (redemptions, orders).
export { COUPON_COLUMNS, toCoupon, type CouponRow } from './repo/coupons.repo.ts';
export { NEW_USER_DAYS } from './domain/claim-rules.ts';
export type { Coupon, CouponEvent, CouponSource } from './domain/coupon.ts';

export interface CouponStats {
  total: number;
  usable: number;
  notYetValid: number;
  used: number;
  expired: number;
  voided: number;
}

const STAT_OF: Record<CouponStatus, keyof Omit<CouponStats, 'total'>> = {
  usable: 'usable',
  not_yet_valid: 'notYetValid',
  used: 'used',
  expired: 'expired',
  voided: 'voided',
};

export function couponReader(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();

  const list = (tenantId: number, f: CouponFilter): Promise<{ items: Coupon[]; total: number }> => listCoupons(deps.db, tenantId, f, now());

  async function get(tenantId: number, code: string): Promise<{ coupon: Coupon; template: Template; history: CouponEvent[] } | null> {
    const coupon = await couponByCode(deps.db, tenantId, code.trim(), now());
    if (!coupon) return null;
    const template = (await templateById(deps.db, coupon.templateId))!;
    return { coupon, template, history: await couponHistory(deps.db, coupon.id) };
  }

  /** The user's coupons with their templates; statuses filter; minSpend ≤ amount when given. */
  async function mine(tenantId: number, userId: number, f: { statuses?: CouponStatus[]; usableAt?: number } = {}): Promise<OwnCoupon[]> {
    let out = await ownCoupons(deps.db, tenantId, userId, null, now());
    if (f.statuses?.length) out = out.filter((c) => f.statuses!.includes(c.status));
    if (f.usableAt !== undefined) out = out.filter((c) => c.status === 'usable' && c.template.minSpend <= f.usableAt!);
    return out;
  }

  /** One coupon of the user's by its id. */
  async function own(tenantId: number, userId: number, couponId: number): Promise<OwnCoupon | null> {
    return (await ownCoupons(deps.db, tenantId, userId, [couponId], now()))[0] ?? null;
  }

  async function stats(tenantId: number, userId: number): Promise<CouponStats> {
    const at = now();
    const s: CouponStats = { total: 0, usable: 0, notYetValid: 0, used: 0, expired: 0, voided: 0 };
    for (const c of await ownCouponWindows(deps.db, tenantId, userId)) {
      s.total++;
      s[STAT_OF[couponStatus(c, at)]]++;
    }
    return s;
  }

  return { list, get, mine, own, stats };
}

export type CouponReader = ReturnType<typeof couponReader>;

/** The `coupons` facade: one object over the issuing use-cases and the staff's reads. */
export function couponService(parts: {
  claims: ClaimService;
  issuing: IssueService;
  reader: CouponReader;
  gifts: GiftService;
  exchanges: ExchangeService;
}) {
  return {
    claim: parts.claims.claim,
    issue: parts.issuing.issue,
    grant: parts.issuing.grant,
    ...parts.gifts,
    ...parts.exchanges,
    list: parts.reader.list,
    get: parts.reader.get,
  };
}

export type CouponService = ReturnType<typeof couponService>;
