// The 礼遇圈 dialect, seed section 2 (user): staff login and the logged-in staff member with menus and permissions.
import { Type } from '@sinclair/typebox';
import { roleMay } from '../../../contexts/identity/index.ts';
import { ErrorCode } from '../../../kernel/result.ts';
import type { Role } from '../../../kernel/deps.ts';
import { verifyStaffPasswordMd5 } from '../../../kernel/security.ts';
import { javaTime, LYQ, sendCode } from '../kit.ts';
import { MENU_NEEDS, PATH_NEEDS, type PathNeed } from '../wire/permissions.ts';
import { actor, Body, ok, schema, tenant, type RouteCtx } from './shared.ts';

// Menus and permissions shown by manage/user/info, by role: the ones the permission table allows (wire/permissions.ts).
const ALL_PATHS = Object.keys(PATH_NEEDS).filter((p) => p !== 'manage/user/info');
const MENUS = Object.keys(MENU_NEEDS);
const allowedFor = (role: Role, needs: Readonly<Record<string, PathNeed>>, names: string[]) =>
  names.filter((n) => {
    const p = needs[n];
    return p === 'read' || (p !== undefined && roleMay(role, p));
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
