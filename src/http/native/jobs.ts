// The job queue, seen from the native API: the platform admin sees every job
// (platform-wide work and every tenant's), a tenant's owner or admin sees the
// tenant's own (its code batches ...). A failed (dead-lettered) job can be
// queued again; nothing else changes a job from outside.
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { NativeApp } from './types.ts';
import { errors, Id, Nullable, PageQuery, pageOf } from './schemas.ts';
import { principalOf } from './guard.ts';
import { sendProblem, sendResult } from '../problem.ts';
import { JOB_STATES, type Job } from '../../contexts/platform/index.ts';

const sec = [{ bearer: [] }];
const Time = Type.String({ format: 'date-time' });
const State = Type.Union(JOB_STATES.map((s) => Type.Literal(s)));
const Counts = Type.Object(
  Object.fromEntries(JOB_STATES.map((s) => [s, Type.Integer()])) as Record<(typeof JOB_STATES)[number], ReturnType<typeof Type.Integer>>,
);

const JobOut = Type.Object({
  id: Id,
  tenantId: Type.Integer({ description: '0: platform-wide work' }),
  kind: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
  state: State,
  runAt: Time,
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  lockedBy: Nullable(Type.String({ description: 'the process that ran it last' })),
  lockedUntil: Nullable(Time),
  singletonKey: Nullable(Type.String()),
  createdAt: Time,
  finishedAt: Nullable(Time),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
const jobOut = (j: Job) => ({
  ...j,
  runAt: j.runAt.toISOString(),
  lockedUntil: iso(j.lockedUntil),
  createdAt: j.createdAt.toISOString(),
  finishedAt: iso(j.finishedAt),
});

/** The jobs the caller may see: its tenant's, or all of them (null) for the platform admin. */
const scopeOf = (req: FastifyRequest): number | null => principalOf(req).tenantId;

export default async function jobRoutes(app: NativeApp) {
  const { services, guard } = app;
  const managers = guard({ roles: ['owner', 'admin'], tenant: false });

  app.get(
    '/jobs',
    {
      preHandler: managers,
      schema: {
        tags: ['jobs'],
        summary: 'Background jobs, newest first, with the count in each state',
        description: 'The platform admin sees every job (tenantId 0 is platform-wide work); a tenant sees its own.',
        security: sec,
        querystring: Type.Object({ state: Type.Optional(State), kind: Type.Optional(Type.String({ maxLength: 100 })), ...PageQuery }),
        response: {
          200: Type.Object({ items: Type.Array(JobOut), total: Type.Integer(), counts: Counts, kinds: Type.Array(Type.String()) }),
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const scope = scopeOf(req);
      const [page, counts, kinds] = await Promise.all([
        services.jobs.list(scope, { state: req.query.state, kind: req.query.kind, ...pageOf(req.query) }),
        services.jobs.counts(scope, req.query.kind),
        services.jobs.knownKinds(scope),
      ]);
      return { items: page.items.map(jobOut), total: page.total, counts, kinds };
    },
  );

  app.get(
    '/jobs/:id',
    {
      preHandler: managers,
      schema: {
        tags: ['jobs'],
        summary: 'One job: state, attempts, last error',
        security: sec,
        params: Type.Object({ id: Id }),
        response: { 200: JobOut, ...errors(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const j = await services.jobs.get(scopeOf(req), req.params.id);
      return j ? jobOut(j) : sendProblem(reply, 'not_found', 404, 'job not found');
    },
  );

  app.post(
    '/jobs/:id/retry',
    {
      preHandler: managers,
      schema: {
        tags: ['jobs'],
        summary: 'Queue a failed (dead-lettered) job again, with its attempts afresh',
        description: 'Only a failed job: any other state answers 409 invalid_state.',
        security: sec,
        params: Type.Object({ id: Id }),
        response: { 200: JobOut, ...errors(401, 403, 404, 409) },
      },
    },
    async (req, reply) => sendResult(reply, await services.jobs.retry(scopeOf(req), req.params.id, principalOf(req)), 200, jobOut),
  );
}
