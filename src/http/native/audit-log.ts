// The audit trail of the caller's tenant: every staff action that changed state.
import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Nullable, PageQuery, pageOf } from './schemas.ts';
import { tenantOf } from './guard.ts';

const Time = Type.String({ format: 'date-time' });

export default async function auditLogRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.get(
    '/audit-log',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'auditor'] }),
      schema: {
        tags: ['audit'],
        summary: 'Audit log, newest first; filter by action prefix, staff, target and time',
        security: [{ bearer: [] }],
        querystring: Type.Object({
          action: Type.Optional(Type.String({ maxLength: 100 })),
          staffId: Type.Optional(Id),
          targetType: Type.Optional(Type.String({ maxLength: 100 })),
          targetId: Type.Optional(Type.String({ maxLength: 100 })),
          from: Type.Optional(Time),
          to: Type.Optional(Time),
          ...PageQuery,
        }),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                id: Id,
                staffId: Nullable(Type.Integer()),
                username: Nullable(Type.String()),
                action: Type.String(),
                targetType: Nullable(Type.String()),
                targetId: Nullable(Type.String()),
                details: Nullable(Type.Record(Type.String(), Type.Unknown())),
                createdAt: Time,
              }),
            ),
            total: Type.Integer(),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const r = await services.reports.auditLog(tenantOf(req), {
        action: q.action,
        staffId: q.staffId,
        targetType: q.targetType,
        targetId: q.targetId,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        ...pageOf(q),
      });
      return { total: r.total, items: r.items.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })) };
    },
  );
}
