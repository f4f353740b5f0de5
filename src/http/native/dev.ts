import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors } from './schemas.ts';
import { tenantOf } from './guard.ts';
import { sendProblem } from '../problem.ts';

export default async function devRoutes(app: NativeApp) {
  const { services, guard } = app;
  app.get(
    '/dev/outbox',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['operations'],
        summary: 'Messages "sent" by the built-in log provider, newest first (only while the tenant uses it)',
        security: [{ bearer: [] }],
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                channel: Type.String(),
                to: Type.String(),
                text: Type.String(),
                code: Type.Union([Type.String(), Type.Null()]),
                purpose: Type.Union([Type.String(), Type.Null()]),
                createdAt: Type.String({ format: 'date-time' }),
              }),
            ),
          }),
          ...errors(401, 403, 409),
        },
      },
    },
    async (req, reply) => {
      const tenant = await services.tenants.get(tenantOf(req));
      if (tenant?.smsProvider !== 'log')
        return sendProblem(reply, 'invalid_state', 409, 'the outbox exists only while the tenant uses the built-in log provider');
      const items = await services.messages.outbox(tenantOf(req), req.query.limit ?? 50);
      return { items: items.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) };
    },
  );
}
