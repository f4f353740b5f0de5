// Which permission of the table (identity/domain/permissions.ts) each 礼遇圈
// call needs: 'read' for the calls that change nothing (every staff member of
// the merchant, auditors included, may make them), else the permission that
// allows the write. Every route of the dialect is here (a test compares this
// with the route table); staffCheck refuses a call the role may not make with
// errCode 1003, and manage/user/info derives the permissions it shows from it.
import type { CardPermission, CounterPermission } from '../../../contexts/identity/index.ts';

export type PathNeed = 'read' | CardPermission | CounterPermission;

/** By path after /web/, in the seed's order. */
export const PATH_NEEDS: Readonly<Record<string, PathNeed>> = {
  'manage/user/info': 'read',
  'manage/v3/store/list': 'read',
  'manage/v3/card/store_card': 'read',
  'manage/v3/userCard/add': 'card.operate',
  'manage/v3/cardEvent/all_event': 'read',
  'manage/v3/cardEvent/detail': 'read',
  'manage/v3/userCard/charge': 'card.operate',
  'manage/v3/userCard/expense': 'card.operate',
  'manage/v3/turnover/refund': 'card.refund',
  'manage/v3/turnover/refund_charge': 'card.refund',
  'manage/ask/code': 'card.refund',
  'manage/v3/turnover/record_list': 'card.records',
  'manage/v3/turnover/expense_list': 'card.records',
  'manage/v3/turnover/refund_list': 'card.records',
  'manage/v3/userCard/user_card': 'read',
  'manage/v3/userCard/user_card_detail': 'read',
  'manage/v3/userCard/card_status': 'card.cash_back',
  'manage/upload/image': 'media.upload',
  'manage/tool/scan': 'read',
  'manage/v3/coupon/use': 'coupon.write_off',
  'manage/v3/coupon/forUser': 'coupon.give',
  'manage/v3/coupon/xcx_list': 'read',
  'manage/v3/invoice/list': 'card.records',
  'manage/v3/invoice/add': 'card.invoice',
  'manage/v3/card/card_detail': 'read',
  'manage/v3/invoice/all_list': 'card.records',
};

/** The menus manage/user/info shows, and the permission each needs beyond reading. */
export const MENU_NEEDS: Readonly<Record<string, PathNeed>> = {
  store: 'read',
  memberCard: 'read',
  recharge: 'card.operate',
  expense: 'card.operate',
  turnover: 'card.records',
  member: 'read',
  scan: 'read',
  coupon: 'read',
  invoice: 'card.records',
};

/** The path after /web/ of a route URL ('/web/manage/v3/store/list' → 'manage/v3/store/list'). */
export const pathOf = (routeUrl: string | undefined) => (routeUrl ?? '').replace(/^.*?\/(?=manage\/)/, '');
