import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Nullable } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendResult } from '../problem.ts';

export default async function apiKeyRoutes(app: NativeApp) {
  const { services, guard } = app;
  const KeyOut = Type.Object({
    id: Id,
    name: Type.String(),
    prefix: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
  });

  app.post(
    '/api-keys',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['api keys'],
        summary: 'Create an API key for server-to-server calls; the key is shown only in this answer',
        security: [{ bearer: [] }],
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 201: Type.Object({ id: Id, key: Type.String(), prefix: Type.String() }), ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => sendResult(reply, await services.auth.createApiKey(tenantOf(req), req.body.name, principalOf(req)), 201),
  );

  app.get(
    '/api-keys',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['api keys'],
        summary: 'List API keys (never the keys themselves)',
        security: [{ bearer: [] }],
        response: { 200: Type.Object({ items: Type.Array(KeyOut) }), ...errors(401, 403) },
      },
    },
    async (req) => ({
      items: (await services.auth.listApiKeys(tenantOf(req))).map((k) => ({
        ...k,
        createdAt: k.createdAt.toISOString(),
        revokedAt: k.revokedAt?.toISOString() ?? null,
      })),
    }),
  );

  app.delete(
    '/api-keys/:id',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['api keys'],
        summary: 'Revoke an API key',
        security: [{ bearer: [] }],
        params: Type.Object({ id: Id }),
        response: { 204: Type.Null(), ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => sendResult(reply, await services.auth.revokeApiKey(tenantOf(req), req.params.id, principalOf(req)), 204),
  );
}
