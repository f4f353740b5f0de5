import { Type } from '@sinclair/typebox';
import type { NativeApp } from './types.ts';
import { errors, Id, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf, tenantOf } from './guard.ts';
import { sendError, sendProblem, sendResult } from '../problem.ts';
import type { CodeBatch } from '../../contexts/coupons/index.ts';

const sec = [{ bearer: [] }];
const BatchOut = Type.Object({
  id: Id,
  templateId: Id,
  state: Type.String(),
  generated: Type.Integer(),
  count: Type.Integer(),
  withPassword: Type.Boolean(),
  passwordsExported: Type.Boolean(),
  error: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
});
const batchOut = (b: CodeBatch) => ({ ...b, createdAt: b.createdAt.toISOString(), finishedAt: b.finishedAt?.toISOString() ?? null });

export default async function codeBatchRoutes(app: NativeApp) {
  const { services, guard, idempotent } = app;

  app.post(
    '/coupon-templates/:id/code-batches',
    {
      preHandler: [guard({ roles: ['owner', 'admin', 'operator'] }), idempotent],
      schema: {
        tags: ['code batches'],
        summary: 'Generate unique codes of a template in the background (202); the codes take stock',
        description:
          "pattern: '#' is a random character, others are kept; or length random characters. Ambiguous characters (0 O 1 I L) are left out. A batch may use at most 10 % of the pattern's key space.",
        security: sec,
        params: Type.Object({ id: Id }),
        body: Type.Object({
          count: Type.Integer({ minimum: 1, maximum: 5_000_000 }),
          pattern: Type.Optional(Type.String({ maxLength: 64 })),
          prefix: Type.Optional(Type.String({ maxLength: 20 })),
          postfix: Type.Optional(Type.String({ maxLength: 20 })),
          charset: Type.Optional(Type.String({ maxLength: 100 })),
          length: Type.Optional(Type.Integer({ minimum: 4, maximum: 64 })),
          withPassword: Type.Optional(Type.Boolean()),
        }),
        response: { 202: BatchOut, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (req, reply) =>
      sendResult(reply, await services.codeBatches.create(tenantOf(req), req.params.id, req.body, principalOf(req)), 202, batchOut),
  );

  app.get(
    '/code-batches/:id',
    {
      preHandler: guard(),
      schema: {
        tags: ['code batches'],
        summary: 'Progress of a batch: state, generated, count',
        security: sec,
        params: Type.Object({ id: Id }),
        response: { 200: BatchOut, ...errors(401, 404) },
      },
    },
    async (req, reply) => {
      const b = await services.codeBatches.get(tenantOf(req), req.params.id);
      return b ? batchOut(b) : sendProblem(reply, 'not_found', 404, 'code batch not found');
    },
  );

  app.get(
    '/code-batches',
    {
      preHandler: guard(),
      schema: {
        tags: ['code batches'],
        summary: 'Batches, newest first',
        security: sec,
        querystring: Type.Object({ templateId: Type.Optional(Id), ...PageQuery }),
        response: { 200: Type.Object({ items: Type.Array(BatchOut), total: Type.Integer() }), ...errors(401) },
      },
    },
    async (req) => {
      const r = await services.codeBatches.list(tenantOf(req), { templateId: req.query.templateId, ...pageOf(req.query) });
      return { items: r.items.map(batchOut), total: r.total };
    },
  );

  app.get(
    '/code-batches/:id/codes.csv',
    {
      preHandler: guard({ roles: ['owner', 'admin', 'operator'] }),
      schema: {
        tags: ['code batches'],
        summary: 'The codes as CSV; a batch made with passwords includes them in its first export only',
        security: sec,
        params: Type.Object({ id: Id }),
        produces: ['text/csv'],
      },
    },
    async (req, reply) => {
      const r = await services.codeBatches.exportCsv(tenantOf(req), req.params.id, principalOf(req));
      if (!r.ok) return sendError(reply, r.error);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="batch-${req.params.id}${r.value.withPasswords ? '-with-passwords' : ''}.csv"`)
        .send(r.value.csv);
    },
  );
}
