// A consumer's shipping address and its rules. No I/O.
export interface Address {
  id: number;
  userId: number;
  linkMan: string;
  mobile: string;
  provinceId: string;
  cityId: string;
  districtId: string | null;
  streetId: string | null;
  address: string;
  code: string | null;
  idcard: string | null;
  latitude: number | null;
  longitude: number | null;
  isDefault: boolean;
  status: number;
  ext: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AddressInput {
  linkMan: string;
  mobile: string;
  provinceId: string;
  cityId: string;
  districtId?: string | null;
  streetId?: string | null;
  address: string;
  code?: string | null;
  idcard?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  isDefault?: boolean;
  status?: number;
  ext?: Record<string, unknown> | null;
}

export const MAX_ADDRESSES = 50;

/** What is wrong with an address, or null when it can be written. */
export function addressProblem(input: AddressInput): string | null {
  for (const f of ['linkMan', 'mobile', 'provinceId', 'cityId', 'address'] as const) {
    if (!input[f] || !String(input[f]).trim()) return `${f} is required`;
  }
  if (!/^\+?[\d-]{5,20}$/.test(input.mobile.trim())) return 'mobile is not a phone number';
  if (input.address.length > 500 || input.linkMan.length > 100) return 'address or linkMan too long';
  return null;
}

/** A new address is the default when asked, and always when it is the user's first. */
export const becomesDefault = (input: AddressInput, existing: number): boolean => input.isDefault === true || existing === 0;
