// Stores of a tenant (pure, no I/O).

export interface Store {
  id: number;
  tenantId: number;
  name: string;
  address: string | null;
  area: string | null;
  phone: string | null;
  linkman: string | null;
  createdAt: Date;
  /** When it was last changed (its creation until then). */
  updatedAt: Date;
}

export interface StoreInput {
  name: string;
  address?: string | null;
  area?: string | null;
  phone?: string | null;
  linkman?: string | null;
}

/** The optional fields of a store a patch may clear. */
export const STORE_OPTIONAL_FIELDS = ['address', 'area', 'phone', 'linkman'] as const;
export type StoreOptionalField = (typeof STORE_OPTIONAL_FIELDS)[number];
