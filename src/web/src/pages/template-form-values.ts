// The template form's values and how they map to and from the API.
import { type Dayjs } from 'dayjs';

export interface Values {
  name: string;
  description?: string;
  discountType: 'amount' | 'rate';
  amount?: number;
  ratePct?: number;
  maxOff?: number | null;
  minSpend?: number;
  minQuantity?: number | null;
  validityType: 'fixed' | 'relative';
  validRange?: [Dayjs, Dayjs];
  days?: number;
  startAfterDays?: number;
  claimRange?: [Dayjs | null, Dayjs | null] | null;
  unlimited: boolean;
  stock?: number | null;
  perUserLimit?: number | null;
  claimCostPoints?: number;
  price?: number;
  claimPassword?: string;
  requiredSignInDays?: number;
  userType: 'any' | 'new' | 'no_purchase';
  stackable: boolean;
  storeIds: number[];
  scopeType: 'all' | 'categories' | 'goods';
  scopeIds?: string[];
  activate?: boolean;
}

export const fixed2 = (n: number | undefined | null) => (n === undefined || n === null ? undefined : n.toFixed(2));
