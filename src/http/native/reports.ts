// The console's dashboard: claims, redemptions and discount per local day,
// top templates and stock left.
import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Money } from './schemas.ts';
import { tenantOf } from './guard.ts';
import { sendResult } from '../problem.ts';
import { formatMoney } from '../../kernel/money.ts';

const LocalDay = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: "a local date in the tenant's time zone" });

export default async function reportRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.get(
    '/reports/dashboard',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator', 'auditor'] }),
      schema: {
        tags: ['reports'],
        summary: "Per local day (tenant's time zone): coupons claimed, coupons redeemed, discount given; top templates; stock left",
        security: [{ bearer: [] }],
        querystring: Type.Object({ from: LocalDay, to: LocalDay }),
        response: {
          200: Type.Object({
            from: LocalDay,
            to: LocalDay,
            timezone: Type.String(),
            days: Type.Array(Type.Object({ date: LocalDay, claims: Type.Integer(), redemptions: Type.Integer(), discount: Money })),
            totals: Type.Object({ claims: Type.Integer(), redemptions: Type.Integer(), discount: Money }),
            topTemplates: Type.Array(
              Type.Object({ templateId: Id, name: Type.String(), claims: Type.Integer(), redemptions: Type.Integer(), discount: Money }),
            ),
            stock: Type.Array(
              Type.Object({ templateId: Id, name: Type.String(), stock: Type.Integer(), issued: Type.Integer(), left: Type.Integer() }),
            ),
          }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.reports.dashboard(tenantOf(req), req.query), 200, (d) => ({
        ...d,
        days: d.days.map((x) => ({ ...x, discount: formatMoney(x.discount) })),
        totals: { ...d.totals, discount: formatMoney(d.totals.discount) },
        topTemplates: d.topTemplates.map((x) => ({ ...x, discount: formatMoney(x.discount) })),
      })),
  );
}
