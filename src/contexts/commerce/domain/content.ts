// The small content a shop shows, in the core's words: banners, notices,
// config values, user levels with their prices, in-app messages and invoice
// requests. Pure types and rules; no I/O.
import type { Fen } from '../../../kernel/money.ts';

export interface Banner {
  id: number;
  type: string;
  title: string;
  picUrl: string;
  linkType: number;
  linkUrl: string | null;
  appid: string | null;
  businessId: number | null;
  sort: number;
  enabled: boolean;
  createdAt: Date;
}

export interface BannerInput {
  type?: string;
  title?: string;
  picUrl: string;
  linkType?: number;
  linkUrl?: string | null;
  appid?: string | null;
  businessId?: number | null;
  sort?: number;
  enabled?: boolean;
}

export interface Notice {
  id: number;
  type: string;
  title: string;
  content: string;
  enabled: boolean;
  createdAt: Date;
}

export interface NoticeInput {
  type?: string;
  title: string;
  content?: string;
  enabled?: boolean;
}

export interface ConfigValue {
  key: string;
  value: string;
  remark: string | null;
  updatedAt: Date;
}

/** A config key: 1-100 letters, digits, _ . - */
export const isConfigKey = (key: string): boolean => /^[\w.-]{1,100}$/.test(key);
export const MAX_CONFIG_VALUE = 10_000;

export interface Level {
  id: number;
  name: string;
  level: number;
  upgradeAmount: Fen;
  /** Basis points of the price paid (10000 = no discount). */
  rebate: number;
  remark: string | null;
  createdAt: Date;
}

export interface LevelPrice {
  id: number;
  levelId: number;
  duration: number;
  unit: number;
  price: Fen;
}

export type LevelWithPrices = Level & { prices: LevelPrice[] };

export interface LevelInput {
  name: string;
  level: number;
  upgradeAmount?: Fen;
  rebate?: number;
  remark?: string | null;
  prices?: { duration: number; unit?: number; price: Fen }[];
}

/** No discount: the whole price is paid. */
export const FULL_REBATE = 10000;
export const isRebate = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= FULL_REBATE;

export interface InboxMessage {
  id: number;
  userId: number;
  type: number;
  source: number;
  title: string;
  content: string | null;
  isRead: boolean;
  createdAt: Date;
}

export interface MessageInput {
  title: string;
  content?: string | null;
  type?: number;
}
