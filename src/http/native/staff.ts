import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, IdParams, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendResult } from '../problem.ts';
import { StaffOut, staffOut } from './session.ts';
import { STAFF_ROLES } from '../../kernel/deps.ts';

export default async function staffRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.post(
    '/staff',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['staff'],
        summary: "Create a staff member of the caller's tenant",
        security: [{ bearer: [] }],
        body: Type.Object({
          username: Type.String(),
          password: Type.String(),
          role: Type.Union(STAFF_ROLES.map((r) => Type.Literal(r))),
          storeIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }))),
          phone: Type.Optional(Type.String({ maxLength: 20 })),
          name: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 201: StaffOut, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.staff.create(tenantOf(req), req.body, principalOf(req)), 201, (s) => staffOut(s)),
  );

  app.get(
    '/staff',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'auditor'] }),
      schema: {
        tags: ['staff'],
        summary: "List the tenant's staff",
        security: [{ bearer: [] }],
        querystring: Type.Object({ role: Type.Optional(Type.String()), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(StaffOut), total: Type.Integer() }), ...errors(401, 403) },
      },
    },
    async (req) => {
      const r = await services.staff.list(tenantOf(req), { role: req.query.role, ...pageOf(req.query) });
      return { items: r.items.map((s) => staffOut(s)), total: r.total };
    },
  );

  app.patch(
    '/staff/:id',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['staff'],
        summary:
          'Change a staff member: role, stores, department, name, phone, disabled, or set a new password (which, like disabling, ends their sessions)',
        description:
          'Only an owner changes owners and admins or makes someone one; nobody changes their own role or disables themselves; the tenant keeps one active owner.',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object({
          role: Type.Optional(Type.Union(STAFF_ROLES.map((r) => Type.Literal(r)))),
          storeIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 })),
          departmentId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
          name: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
          phone: Type.Optional(Nullable(Type.String({ maxLength: 20 }))),
          disabled: Type.Optional(Type.Boolean()),
          password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
        }),
        response: { 200: StaffOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) => {
      const r = await services.staff.update(tenantOf(req), req.params.id, req.body, principalOf(req));
      if (r.ok) services.auth.forgetPrincipals();
      return sendResult(reply, r, 200, (s) => staffOut(s));
    },
  );
}
