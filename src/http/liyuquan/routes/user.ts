// The 礼遇圈 dialect, seed section 2 (user): staff login and the logged-in staff member with menus and permissions.
import { Type } from '@sinclair/typebox';
import { roleMay, type CardPermission } from '../../../contexts/identity/index.ts';
import { ErrorCode } from '../../../kernel/result.ts';
import type { Role } from '../../../kernel/deps.ts';
import { verifyStaffPasswordMd5 } from '../../../kernel/security.ts';
import { javaTime, LYQ, sendCode } from '../kit.ts';
import { actor, Body, ok, schema, tenant, type RouteCtx } from './shared.ts';

// Menus and permissions shown by manage/user/info, by role.
const ALL_PATHS = [
  'manage/v3/store/list',
  'manage/v3/card/store_card',
  'manage/v3/userCard/add',
  'manage/v3/cardEvent/all_event',
  'manage/v3/cardEvent/detail',
  'manage/v3/userCard/charge',
  'manage/v3/userCard/expense',
  'manage/v3/turnover/refund',
  'manage/v3/turnover/refund_charge',
  'manage/ask/code',
  'manage/v3/turnover/record_list',
  'manage/v3/turnover/expense_list',
  'manage/v3/turnover/refund_list',
  'manage/v3/userCard/user_card',
  'manage/v3/userCard/user_card_detail',
  'manage/v3/userCard/card_status',
  'manage/upload/image',
  'manage/tool/scan',
  'manage/v3/coupon/use',
  'manage/v3/coupon/forUser',
  'manage/v3/coupon/xcx_list',
  'manage/v3/invoice/list',
  'manage/v3/invoice/add',
  'manage/v3/card/card_detail',
  'manage/v3/invoice/all_list',
];
const MENUS = ['store', 'memberCard', 'recharge', 'expense', 'turnover', 'member', 'scan', 'coupon', 'invoice'];
// Which card permission (domain/permissions.ts, enforced by the services) each path and menu needs; the rest need none.
const PATH_NEEDS: Partial<Record<string, CardPermission>> = {
  'manage/v3/turnover/refund': 'card.refund',
  'manage/v3/turnover/refund_charge': 'card.refund',
  'manage/ask/code': 'card.refund',
  'manage/v3/userCard/card_status': 'card.cash_back',
  'manage/v3/invoice/add': 'card.invoice',
  'manage/v3/turnover/record_list': 'card.records',
  'manage/v3/turnover/expense_list': 'card.records',
  'manage/v3/turnover/refund_list': 'card.records',
  'manage/v3/invoice/list': 'card.records',
  'manage/v3/invoice/all_list': 'card.records',
};
const MENU_NEEDS: Partial<Record<string, CardPermission>> = { turnover: 'card.records', invoice: 'card.records' };
const allowedFor = (role: Role, needs: Partial<Record<string, CardPermission>>, names: string[]) =>
  names.filter((n) => {
    const p = needs[n];
    return !p || roleMay(role, p);
  });
const ROLE_IDS: Record<Role, number> = { platform_admin: 1, owner: 2, admin: 3, operator: 4, auditor: 5, seller: 6 };

export function userRoutes({ r, services, auth }: RouteCtx) {
  r.post(
    '/manage/user/login',
    {
      schema: schema(
        'Staff login; password is MD5(password) in hex',
        Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 1, maxLength: 64 }),
          client: Type.Optional(Type.Integer()),
        }),
      ),
    },
    async (req, reply) => {
      const v = await services.auth.verifyCredentials(req.body.username, req.body.password, req.ip, verifyStaffPasswordMd5);
      if (!v.ok) return sendCode(reply, LYQ.failed, v.error.code === ErrorCode.invalid_credentials ? '用户名或密码错误' : v.error.message);
      const s = await services.auth.openSession(v.value);
      return ok(reply, { data: s.token });
    },
  );

  r.post(
    '/manage/user/info',
    { preHandler: auth, schema: schema('The logged-in staff member, menus and permissions', Body({})) },
    async (req, reply) => {
      const p = actor(req);
      const s = await services.staff.get(tenant(req), p.staffId);
      if (!s) return sendCode(reply, LYQ.loginNeeded, '需要登录');
      return ok(reply, {
        data: {
          sysAdmin: {
            id: s.id,
            username: s.username,
            password: '',
            active: s.disabled ? 0 : 1,
            avatar: null,
            realName: s.name,
            phone: s.phone,
            idNumber: null,
            gender: null,
            email: null,
            qq: null,
            wechat: null,
            created: javaTime(s.createdAt),
            updated: javaTime(s.createdAt),
            createAdminId: null,
            updateAdminId: null,
            createIp: '',
            loginCount: null,
            lastLoginTime: null,
            lastLoginIp: null,
          },
          menus: allowedFor(s.role, MENU_NEEDS, MENUS),
          permissions: allowedFor(s.role, PATH_NEEDS, ALL_PATHS),
          permissionList: null,
          roleId: ROLE_IDS[s.role],
        },
      });
    },
  );
}
