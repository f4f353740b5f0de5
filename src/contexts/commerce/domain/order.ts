// What an order is, in the core's words (the apifm names — hxNumber,
// peisongType, linkMan, amountReal, isNeedLogistics — live in its mapper).
import type { Fen } from '../../../kernel/money.ts';
import type { Coupon, Template } from '../../coupons/index.ts';
import type { ResolvedLine } from '../catalogue.ts';
import type { OrderState } from './order-state.ts';
import type { ScoreRule } from './score-deduction.ts';

export const MAX_ORDER_LINES = 100;
export const MAX_LINE_NUMBER = 10_000;
export const MAX_REMARK = 200;
export const MAX_PROMO_CODES = 5;
export const MAX_PROMO_CODE_LENGTH = 64;

export interface OrderLineInput {
  goodsId: number;
  number: number;
  propertyChildIds?: string | null;
}

export interface OrderInput {
  lines: OrderLineInput[];
  /** The user's coupon ids. */
  couponIds?: number[];
  /** Promo codes (shared codes approved in the portal) to apply beside the coupons. */
  promoCodes?: string[];
  /** Points the user offers: -1 or absent none, 0 as many as help, n at most n. */
  deductionScore?: number;
  remark?: string | null;
  contactName?: string | null;
  mobile?: string | null;
  address?: string | null;
  provinceId?: string | null;
  cityId?: string | null;
  districtId?: string | null;
  /** How the goods reach the user ('zq': picked up in the shop). */
  deliveryType?: string | null;
  expireMinutes?: number | null;
  ext?: Record<string, unknown> | null;
  /** Only the cart's goods of this store (0 = goods of no store): one order per shop. */
  filterStoreId?: number | null;
}

export interface UsableCoupon {
  coupon: Coupon;
  template: Template;
  /** What it alone would take off this cart. */
  discount: Fen;
}

export type QuotedLine = ResolvedLine & { amount: Fen; amountCoupon: Fen };

export interface OrderQuote {
  lines: QuotedLine[];
  storeId: number | null;
  goodsNumber: number;
  amountGoods: Fen;
  amountCoupon: Fen;
  amountDeduction: Fen;
  deductionScore: number;
  amountLogistics: Fen;
  /** What is left to pay. */
  amountPayable: Fen;
  /** Coupon ids applied (in the order they apply). */
  couponIds: number[];
  couponCodes: string[];
  /** Promo codes applied, and the part of amountCoupon they take off. */
  promoCodes: string[];
  amountPromo: Fen;
  /** The user's coupons usable on this cart. */
  usable: UsableCoupon[];
  scoreRules: ScoreRule[];
  needsDelivery: boolean;
}

export interface OrderLine {
  id: number;
  goodsId: number;
  skuId: number | null;
  goodsName: string;
  pic: string | null;
  propertyChildIds: string;
  propertyStr: string | null;
  unitPrice: Fen;
  number: number;
  amount: Fen;
  amountCoupon: Fen;
  reputation: number | null;
  reputationRemark: string | null;
}

export interface Order {
  id: number;
  tenantId: number;
  userId: number;
  orderNumber: string;
  state: OrderState;
  storeId: number | null;
  goodsNumber: number;
  amountGoods: Fen;
  amountCoupon: Fen;
  amountDeduction: Fen;
  deductionScore: number;
  amountLogistics: Fen;
  amountPayable: Fen;
  couponIds: number[];
  /** Promo codes redeemed with the order, and the part of amountCoupon they took off. */
  promoCodes: string[];
  amountPromo: Fen;
  redemptionId: number | null;
  /** The number a clerk writes off at pickup. */
  pickupNumber: string;
  pickedUpAt: Date | null;
  needsDelivery: boolean;
  deliveryType: string | null;
  contactName: string | null;
  mobile: string | null;
  address: string | null;
  provinceId: string | null;
  cityId: string | null;
  districtId: string | null;
  remark: string | null;
  ext: Record<string, unknown> | null;
  expiresAt: Date | null;
  paidAt: Date | null;
  closedAt: Date | null;
  closeReason: string | null;
  hasRefund: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What happened to an order (its log). */
export const ORDER_EVENTS = ['created', 'closed', 'paid', 'shipped', 'received', 'reviewed', 'after_sales'] as const;
export type OrderEvent = (typeof ORDER_EVENTS)[number];

export interface OrderLog {
  event: OrderEvent;
  remark: string | null;
  createdAt: Date;
}

export interface OrderDetail {
  order: Order;
  lines: OrderLine[];
  logs: OrderLog[];
}

export interface OrderFilter {
  userId?: number | null;
  states?: OrderState[] | null;
  hasRefund?: boolean | null;
  orderNumber?: string | null;
  limit: number;
  offset: number;
}

/** Where to find one order: by id, by pickup number or by order number. */
export interface OrderWhere {
  id?: number;
  pickupNumber?: string;
  orderNumber?: string;
}

/** After-sales requests: kind 0 refund only, 1 refund and return, 2 exchange; goods 0 not received, 1 received. */
export const REFUND_STATES = ['open', 'cancelled', 'done', 'refused'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

export interface Refund {
  id: number;
  orderId: number;
  userId: number;
  type: number;
  logisticsStatus: number;
  reason: string;
  remark: string | null;
  amount: Fen;
  pics: string[];
  state: RefundState;
  createdAt: Date;
}

export interface RefundInput {
  orderId: number;
  type: number;
  logisticsStatus: number;
  reason: string;
  amount: Fen;
  remark?: string | null;
  pics?: string[];
}

export interface LineReview {
  id: number;
  reputation: number;
  remark?: string | null;
  pics?: string[];
}

/** Pickup clerks: the users listed in the tenant's config value `order_hx_uids` ("12,15"). */
export const PICKUP_CLERKS_KEY = 'order_hx_uids';

export function isPickupClerk(configValue: string | null | undefined, userId: number): boolean {
  if (!configValue) return false;
  return configValue
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^\d{1,15}$/.test(s))
    .map(Number)
    .includes(userId);
}
