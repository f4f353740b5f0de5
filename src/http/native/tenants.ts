import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendResult } from '../problem.ts';
import { TenantOut, tenantOut } from './session.ts';

export default async function tenantRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.post(
    '/tenants',
    {
      preHandler: guard({ roles: ['platform_admin'], tenant: false }),
      schema: {
        tags: ['tenants'],
        summary: 'Create a tenant (platform admin only), optionally with its owner account',
        security: [{ bearer: [] }],
        body: Type.Object({
          slug: Type.String({ minLength: 2, maxLength: 63 }),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          timezone: Type.Optional(Type.String()),
          approvalRequired: Type.Optional(Type.Boolean()),
          owner: Type.Optional(Type.Object({ username: Type.String(), password: Type.String() })),
        }),
        response: { 201: TenantOut, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) => sendResult(reply, await services.tenants.create(req.body, principalOf(req)), 201, tenantOut),
  );

  app.get(
    '/tenants',
    {
      preHandler: guard({ roles: ['platform_admin'], tenant: false }),
      schema: {
        tags: ['tenants'],
        summary: 'List tenants (platform admin only)',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ items: Type.Array(TenantOut), total: Type.Integer() }) },
      },
    },
    async () => {
      const items = (await services.tenants.list()).map(tenantOut);
      return { items, total: items.length };
    },
  );

  app.get(
    '/settings',
    {
      preHandler: guard(),
      schema: {
        tags: ['tenants'],
        summary: "The caller's tenant settings",
        security: [{ bearer: [] }],
        response: { 200: TenantOut, ...errors(401) },
      },
    },
    async (req) => tenantOut((await services.tenants.get(tenantOf(req)))!),
  );

  app.patch(
    '/settings',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['tenants'],
        summary: 'Change tenant settings: name, time zone, whether templates need approval, SMS provider, CORS origins',
        security: [{ bearer: [] }],
        body: Type.Object({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          timezone: Type.Optional(Type.String()),
          approvalRequired: Type.Optional(Type.Boolean()),
          smsProvider: Type.Optional(Type.String()),
          corsOrigins: Type.Optional(
            Type.Array(Type.String({ maxLength: 300 }), {
              maxItems: 20,
              description: 'browser origins (https://host[:port]) the H5 clients call /{slug}/… from; [] allows none but CORS_ORIGINS',
            }),
          ),
        }),
        response: { 200: TenantOut, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.tenants.updateSettings(tenantOf(req), req.body, principalOf(req)), 200, tenantOut),
  );
}
