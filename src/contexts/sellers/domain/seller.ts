// Sellers (sales staff, role `seller`), their customers and their write-offs,
// in the sellers context's own words. Pure: no I/O.
import crypto from 'node:crypto';

export interface Seller {
  id: number;
  account: string;
  name: string | null;
  phone: string | null;
  wechat: string | null;
  pic: string | null;
  intro: string | null;
  referralCode: string | null;
  /** The seller's own consumer account (WeChat side), if linked. */
  userId: number | null;
  isDefault: boolean;
  storeIds: number[];
  disabled: boolean;
}

export interface Customer {
  id: number;
  uid: string;
  phone: string | null;
  nick: string | null;
  /** The seller the customer belongs to (its bound seller, else the default seller). */
  seller: Seller | null;
  /** Bound to a seller explicitly (false: owned by the default seller). */
  bound: boolean;
  /** The customer is itself a seller's consumer account. */
  isSeller: boolean;
  /** A regular: at least FREQUENTER_REDEMPTIONS completed redemptions (orders or write-offs). */
  frequenter: boolean;
  channel: string | null;
  boundAt: Date | null;
  createdAt: Date;
}

export interface WriteOffRecord {
  id: number;
  date: Date;
  storeId: number | null;
  discount: number;
  coupon: { id: number; code: string; createdAt: Date; validFrom: Date | null; validTo: Date | null; expired: boolean };
  template: {
    id: number;
    name: string;
    description: string | null;
    stock: number | null;
    issued: number;
    discountType: 'amount' | 'rate';
    amountOff: number | null;
    validFrom: Date | null;
    validTo: Date | null;
  };
  seller: Seller;
}

export interface SellerProfileInput {
  wechat?: string | null;
  pic?: string | null;
  intro?: string | null;
  referralCode?: string | null;
  userId?: number | null;
  isDefault?: boolean;
}

/** The profile as stored: the input's fields over the current ones, a referral code made when there is none. */
export interface SellerProfile {
  wechat: string | null;
  pic: string | null;
  intro: string | null;
  referralCode: string;
  userId: number | null;
  isDefault: boolean;
}

export const FREQUENTER_REDEMPTIONS = 2;

export const newReferralCode = () => `S${crypto.randomBytes(5).toString('hex').toUpperCase()}`;

/** The profile after `input`: a field the input leaves out (undefined) keeps its current value. */
export function mergeProfile(cur: Seller, input: SellerProfileInput): SellerProfile {
  const pick = <K extends keyof SellerProfileInput>(k: K, fallback: SellerProfileInput[K]) =>
    input[k] !== undefined ? input[k] : fallback;
  return {
    wechat: pick('wechat', cur.wechat) ?? null,
    pic: pick('pic', cur.pic) ?? null,
    intro: pick('intro', cur.intro) ?? null,
    referralCode: pick('referralCode', cur.referralCode) ?? newReferralCode(),
    userId: pick('userId', cur.userId) ?? null,
    isDefault: pick('isDefault', cur.isDefault) ?? false,
  };
}

/**
 * The store a seller writes a coupon off in when the caller names none: the
 * lowest of the seller's stores (all the merchant's when it has none) where
 * the coupon's template may be used (anywhere when it names no store).
 */
export function writeOffStore(mine: number[], allowed: number[]): number | null {
  const usable = allowed.length ? mine.filter((s) => allowed.includes(s)) : mine;
  return usable.length ? Math.min(...usable) : null;
}

/**
 * Who may write off a coupon (the rule, stated once): the seller the holder is
 * bound to, when it is bound to an active seller; any seller of the merchant
 * when the holder is bound to nobody (never bound, unbound by staff, or bound
 * to a seller since disabled). The default seller lists the unbound customers
 * as its own, but that is a listing, not a binding: it gives it no coupon of a
 * customer bound to someone else, and takes none from the other sellers.
 */
export function mayWriteOffFor(sellerId: number, holderBoundTo: number | null): boolean {
  return holderBoundTo === null || holderBoundTo === sellerId;
}

export type WriteOffStoreChoice =
  | { ok: true; storeId: number }
  /** unknown_store: the named store is not the merchant's; outside_stores: not one of the seller's or the coupon's; no_store: none to choose. */
  | { ok: false; reason: 'unknown_store' | 'outside_stores' | 'no_store' };

/**
 * The store a seller writes a coupon off in: the one it names, when the
 * merchant has it, the seller works there (a seller bound to no store works in
 * all) and the coupon may be used there (anywhere when its template names no
 * store); else, when it names none, writeOffStore's choice.
 */
export function chooseWriteOffStore(
  sellerStores: number[],
  merchantStores: number[],
  couponStores: number[],
  requested: number | null,
): WriteOffStoreChoice {
  const mine = sellerStores.length ? sellerStores : merchantStores;
  if (requested !== null) {
    if (!merchantStores.includes(requested)) return { ok: false, reason: 'unknown_store' };
    if (!mine.includes(requested) || (couponStores.length > 0 && !couponStores.includes(requested)))
      return { ok: false, reason: 'outside_stores' };
    return { ok: true, storeId: requested };
  }
  const chosen = writeOffStore(mine, couponStores);
  if (chosen !== null) return { ok: true, storeId: chosen };
  return { ok: false, reason: mine.length ? 'outside_stores' : 'no_store' };
}
