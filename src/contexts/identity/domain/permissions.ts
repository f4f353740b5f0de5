// What a staff member may do (pure rules, no I/O).
//
// One permission table, by role, decided here once: the use-cases enforce it
// (every dialect then refuses the same calls and only translates the refusal),
// and the 礼遇圈 dialect's `manage/user/info` derives the menus and permissions
// it shows from it. Cards, the counter's writes, coupon templates and promo
// codes are in it.
//
// And one store rule: a staff member bound to stores works only with what is
// usable in one of those stores; a thing limited to no store (empty list) is
// usable everywhere, and a staff member bound to no store (owners, admins)
// works everywhere.
import type { Role } from '../../../kernel/deps.ts';

export const CARD_PERMISSIONS = [
  /** Refund an expense or a recharge, and ask for the SMS code that allows it. */
  'card.refund',
  /** Issue an invoice on a card. */
  'card.invoice',
  /** Cash back an event-card recharge. */
  'card.cash_back',
  /** See record lists: recharges, expenses, refunds, a card's ledger, invoices. */
  'card.records',
] as const;
export type CardPermission = (typeof CARD_PERMISSIONS)[number];

const ALL: readonly CardPermission[] = CARD_PERMISSIONS;

/** The table. A cashier (seller) opens, recharges and spends cards, nothing more; an auditor only reads. */
export const CARD_PERMISSION_TABLE: Readonly<Record<Role, readonly CardPermission[]>> = {
  platform_admin: ALL,
  owner: ALL,
  admin: ALL,
  operator: ALL,
  auditor: ['card.records'],
  seller: [],
};

/**
 * The counter's writes (the till): what a store clerk changes beyond the card
 * permissions above. An auditor reads records and lists but changes nothing,
 * so it has none of these; every other role of a merchant has them all.
 */
export const COUNTER_PERMISSIONS = [
  /** Open, recharge and spend membership cards. */
  'card.operate',
  /** Write off a coupon at the counter. */
  'coupon.write_off',
  /** Give coupons to a customer. */
  'coupon.give',
  /** Upload an image (card and invoice pictures). */
  'media.upload',
] as const;
export type CounterPermission = (typeof COUNTER_PERMISSIONS)[number];

const TILL: readonly CounterPermission[] = COUNTER_PERMISSIONS;

export const COUNTER_PERMISSION_TABLE: Readonly<Record<Role, readonly CounterPermission[]>> = {
  platform_admin: TILL,
  owner: TILL,
  admin: TILL,
  operator: TILL,
  auditor: [],
  seller: TILL,
};

/** Template and promo-code state moves: who may take each action of the two approval machines. */
export const TEMPLATE_ACTIONS = ['submit', 'activate', 'approve', 'reject', 'pause', 'resume', 'end', 'void'] as const;
export const PROMO_ACTIONS = ['submit', 'approve', 'reject', 'void'] as const;
export type TemplatePermission = `template.${(typeof TEMPLATE_ACTIONS)[number]}`;
export type PromoPermission = `promo.${(typeof PROMO_ACTIONS)[number]}`;
export type Permission = CardPermission | CounterPermission | TemplatePermission | PromoPermission;

type Roles = readonly Role[];
const EDITORS: Roles = ['platform_admin', 'owner', 'admin', 'operator'];
const APPROVERS: Roles = ['platform_admin', 'owner', 'admin', 'auditor'];
const MANAGERS: Roles = ['platform_admin', 'owner', 'admin'];

/** The approval table: the roles that may take each action (formerly copied in the native and portal dialects). */
export const APPROVAL_TABLE: Readonly<Record<TemplatePermission | PromoPermission, Roles>> = {
  'template.submit': EDITORS,
  'template.activate': MANAGERS,
  'template.approve': APPROVERS,
  'template.reject': APPROVERS,
  'template.pause': EDITORS,
  'template.resume': EDITORS,
  'template.end': MANAGERS,
  'template.void': MANAGERS,
  'promo.submit': EDITORS,
  'promo.approve': APPROVERS,
  'promo.reject': APPROVERS,
  'promo.void': MANAGERS,
};

const isCardPermission = (p: Permission): p is CardPermission => (CARD_PERMISSIONS as readonly string[]).includes(p);
const isCounterPermission = (p: Permission): p is CounterPermission => (COUNTER_PERMISSIONS as readonly string[]).includes(p);

export function roleMay(role: Role, permission: Permission): boolean {
  if (isCardPermission(permission)) return CARD_PERMISSION_TABLE[role]?.includes(permission) ?? false;
  if (isCounterPermission(permission)) return COUNTER_PERMISSION_TABLE[role]?.includes(permission) ?? false;
  return APPROVAL_TABLE[permission].includes(role);
}

export function permissionsOf(role: Role): readonly CardPermission[] {
  return CARD_PERMISSION_TABLE[role] ?? [];
}

/**
 * Whether a staff member bound to `staffStoreIds` may work with something
 * usable in `targetStoreIds` (empty = every store; no staff stores = every store).
 */
export function storesOverlap(staffStoreIds: readonly number[], targetStoreIds: readonly number[]): boolean {
  return staffStoreIds.length === 0 || targetStoreIds.length === 0 || targetStoreIds.some((s) => staffStoreIds.includes(s));
}

/**
 * The store a staff member writes a coupon off in: the first of their stores
 * where it is valid; for a staff member bound to no store, the first store
 * the coupon is limited to, else `fallback` (the merchant's first store).
 * null when it is valid in none of their stores.
 */
export function writeOffStore(staffStoreIds: readonly number[], couponStoreIds: readonly number[], fallback: number | null): number | null {
  if (staffStoreIds.length === 0) return couponStoreIds[0] ?? fallback;
  if (couponStoreIds.length === 0) return staffStoreIds[0] ?? null;
  return staffStoreIds.find((s) => couponStoreIds.includes(s)) ?? null;
}
