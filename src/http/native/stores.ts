import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, IdParams, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendResult } from '../problem.ts';
import type { Store } from '../../contexts/identity/index.ts';

const StoreOut = Type.Object({
  id: Id,
  name: Type.String(),
  address: Nullable(Type.String()),
  area: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  linkman: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
const storeOut = ({ tenantId: _t, ...s }: Store) => ({ ...s, createdAt: s.createdAt.toISOString(), updatedAt: s.updatedAt.toISOString() });

export default async function storeRoutes(app: NativeApp) {
  const { services, guard } = app;
  const opt = Type.Optional(Type.String({ maxLength: 200 }));

  app.post(
    '/stores',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['stores'],
        summary: 'Create a store',
        security: [{ bearer: [] }],
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), address: opt, area: opt, phone: opt, linkman: opt }),
        response: { 201: StoreOut, ...errors(400, 401, 403) },
      },
    },
    async (req, reply) => sendResult(reply, await services.stores.create(tenantOf(req), req.body, principalOf(req)), 201, storeOut),
  );

  app.get(
    '/stores',
    {
      preHandler: guard(),
      schema: {
        tags: ['stores'],
        summary: "List the tenant's stores",
        security: [{ bearer: [] }],
        querystring: Type.Object({ name: Type.Optional(Type.String()), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(StoreOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const r = await services.stores.list(tenantOf(req), { name: req.query.name, ...pageOf(req.query) });
      return { items: r.items.map(storeOut), total: r.total };
    },
  );

  const clearable = Type.Optional(Nullable(Type.String({ maxLength: 200 })));
  app.patch(
    '/stores/:id',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['stores'],
        summary: 'Change a store\'s name, address, area, phone or contact (null or "" clears the optional ones)',
        security: [{ bearer: [] }],
        params: IdParams,
        body: Type.Object({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          address: clearable,
          area: clearable,
          phone: clearable,
          linkman: clearable,
        }),
        response: { 200: StoreOut, ...errors(400, 401, 403, 404) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.stores.update(tenantOf(req), req.params.id, req.body, principalOf(req)), 200, storeOut),
  );
}
