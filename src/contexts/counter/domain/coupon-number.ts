// The number a store clerk types for a coupon (pure): its code, or its numeric
// id as the 礼遇圈 client shows it ("num").
export interface CouponNumber {
  code: string;
  /** The number read as a coupon id, when it is one (up to 15 digits). */
  id: number | null;
}

export function parseCouponNumber(num: string): CouponNumber {
  const code = num.trim();
  return { code, id: /^\d{1,15}$/.test(code) ? Number(code) : null };
}
