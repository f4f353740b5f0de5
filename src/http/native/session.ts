import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Nullable } from './schemas.ts';
import { principalOf, bearerToken } from './guard.ts';
import { sendProblem, sendError } from '../problem.ts';
import type { Staff } from '../../contexts/identity/index.ts';
import type { Tenant } from '../../contexts/identity/index.ts';

export const TenantOut = Type.Object({
  id: Id,
  slug: Type.String(),
  name: Type.String(),
  timezone: Type.String(),
  approvalRequired: Type.Boolean(),
  smsProvider: Type.String(),
  corsOrigins: Type.Array(Type.String(), { description: "browser origins allowed to call this tenant's apifm API (CORS)" }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const StaffOut = Type.Object({
  id: Id,
  username: Type.String(),
  role: Type.String(),
  name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  storeIds: Type.Array(Type.Integer()),
  departmentId: Nullable(Type.Integer()),
  disabled: Type.Boolean(),
  tenant: Nullable(TenantOut),
  createdAt: Type.String({ format: 'date-time' }),
});

export const tenantOut = (t: Tenant) => ({ ...t, createdAt: t.createdAt.toISOString() });
export const staffOut = (s: Staff, tenant: Tenant | null = null) => ({
  id: s.id,
  username: s.username,
  role: s.role,
  name: s.name,
  phone: s.phone,
  storeIds: s.storeIds,
  departmentId: s.departmentId,
  disabled: s.disabled,
  tenant: tenant ? tenantOut(tenant) : null,
  createdAt: s.createdAt.toISOString(),
});

export default async function sessionRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['sessions'],
        summary: 'Log in as a staff member',
        body: Type.Object({
          username: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 1, maxLength: 200 }),
        }),
        response: {
          200: Type.Object({ token: Type.String(), expiresAt: Type.String({ format: 'date-time' }), staff: StaffOut }),
          ...errors(400, 401, 429),
        },
      },
    },
    async (req, reply) => {
      const r = await services.auth.login(req.body.username, req.body.password, req.ip);
      if (!r.ok) return sendError(reply, r.error);
      return { token: r.value.token, expiresAt: r.value.expiresAt.toISOString(), staff: staffOut(r.value.staff, r.value.tenant) };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['sessions'], summary: 'End this session', response: { 204: Type.Null(), ...errors(401) } } },
    async (req, reply) => {
      const token = bearerToken(req);
      if (!token) return sendProblem(reply, 'unauthenticated', 401, 'a bearer token is required');
      await services.auth.logout(token);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      preHandler: guard({ tenant: false }),
      schema: {
        tags: ['sessions'],
        summary: 'The calling staff member and tenant',
        security: [{ bearer: [] }],
        response: {
          200: Type.Object({ kind: Type.String(), staff: Nullable(StaffOut), tenant: Nullable(TenantOut) }),
          ...errors(401),
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const tenant = p.tenantId === null ? null : await services.tenants.get(p.tenantId);
      if (p.kind === 'api_key') return { kind: 'api_key', staff: null, tenant: tenant && tenantOut(tenant) };
      const staff = await services.staff.get(p.tenantId, p.staffId);
      return { kind: 'staff', staff: staff && staffOut(staff, tenant), tenant: tenant && tenantOut(tenant) };
    },
  );
}
