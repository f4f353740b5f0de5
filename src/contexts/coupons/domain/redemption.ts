// A redemption: one use of coupons and promo codes, for an order (all named
// codes or none) or a cashier's write-off of one coupon; reversible once.
import type { Fen } from '../../../kernel/money.ts';

export type RedemptionKind = 'order' | 'write_off';
export type RedemptionStatus = 'done' | 'rolled_back';

export interface RedemptionItem {
  couponCode: string | null;
  promoCode: string | null;
  discount: Fen;
}

export interface Redemption {
  id: number;
  kind: RedemptionKind;
  orderRef: string | null;
  userId: number | null;
  storeId: number | null;
  staffId: number | null;
  subtotal: Fen;
  discountTotal: Fen;
  status: RedemptionStatus;
  createdAt: Date;
  rolledBackAt: Date | null;
  items: RedemptionItem[];
}
