import { Type, type Static } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Nullable } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendResult } from '../problem.ts';
import type { Department, DepartmentNode } from '../../contexts/identity/index.ts';

const sec = [{ bearer: [] }];
const DepartmentOut = Type.Object({
  id: Id,
  parentId: Nullable(Type.Integer()),
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
type NodeOut = Static<typeof DepartmentOut> & { children: NodeOut[] };
const NodeSchema = Type.Object({
  ...DepartmentOut.properties,
  children: Type.Array(Type.Unknown(), { description: 'sub-departments, the same shape' }),
});

const departmentOut = (d: Department) => ({ id: d.id, parentId: d.parentId, name: d.name, createdAt: d.createdAt.toISOString() });
const nodeOut = (n: DepartmentNode): NodeOut => ({ ...departmentOut(n), children: n.children.map(nodeOut) });

export default async function departmentRoutes(app: NativeApp) {
  const { services, guard } = app;

  app.get(
    '/departments',
    {
      preHandler: guard(),
      schema: {
        tags: ['departments'],
        summary: "The merchant's departments as a tree",
        security: sec,
        response: { 200: Type.Object({ items: Type.Array(NodeSchema) }), ...errors(401) },
      },
    },
    async (req) => ({ items: (await services.departments.tree(tenantOf(req))).map(nodeOut) }),
  );

  app.post(
    '/departments',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['departments'],
        summary: 'Create a department (under parentId, or at the top)',
        security: sec,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), parentId: Type.Optional(Nullable(Id)) }),
        response: { 201: DepartmentOut, ...errors(400, 401, 403, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.departments.create(tenantOf(req), req.body, principalOf(req)), 201, departmentOut),
  );

  app.patch(
    '/departments/:id',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['departments'],
        summary: 'Rename or move a department (never under itself or its own sub-department)',
        security: sec,
        params: Type.Object({ id: Id }),
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), parentId: Type.Optional(Nullable(Id)) }),
        response: { 200: DepartmentOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.departments.update(tenantOf(req), req.params.id, req.body, principalOf(req)), 200, departmentOut),
  );

  app.delete(
    '/departments/:id',
    {
      preHandler: guard({ roles: ['owner', 'admin'] }),
      schema: {
        tags: ['departments'],
        summary: 'Delete an empty department (no sub-departments, staff or promo codes)',
        security: sec,
        params: Type.Object({ id: Id }),
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => sendResult(reply, await services.departments.remove(tenantOf(req), req.params.id, principalOf(req)), 204),
  );
}
