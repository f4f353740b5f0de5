// A coupon as the core speaks of it: where it came from, its stored state and
// its computed status (domain/coupon-status.ts), its window and its history.
import type { CouponState, CouponStatus } from './coupon-status.ts';
import type { Template } from './template.ts';

export const COUPON_SOURCES = ['claim', 'exchange', 'grant', 'issue', 'batch', 'gift'] as const;
export type CouponSource = (typeof COUPON_SOURCES)[number];

export interface Coupon {
  id: number;
  code: string;
  templateId: number;
  ownerId: number | null;
  source: CouponSource;
  batchId: number | null;
  state: CouponState;
  status: CouponStatus;
  validFrom: Date | null;
  validTo: Date | null;
  receivedAt: Date | null;
  usedAt: Date | null;
  redemptionId: number | null;
  createdAt: Date;
}

export interface CouponEvent {
  kind: string;
  fromUser: number | null;
  toUser: number | null;
  staffId: number | null;
  storeId: number | null;
  redemptionId: number | null;
  details: Record<string, unknown> | null;
  createdAt: Date;
}

/** Why issued coupons are voided; each reason writes its own history line (repo/coupons.repo.ts voidIssuedIn). */
export type VoidReason =
  /** A card recharge that gave these coupons was refunded. */
  | { kind: 'recharge_refund'; orderNo: number; staffId: number | null }
  /** Their template was voided (only owned coupons get a history line). */
  | { kind: 'template_voided'; staffId: number | null }
  /** Handed in by their owner for a merge; only coupons the owner holds and that are in date at `at`. */
  | { kind: 'merged'; mergeId: number; ownerId: number; at: Date };

/** One of a user's coupons with the template it was issued under. */
export interface OwnCoupon extends Coupon {
  template: Template;
}
