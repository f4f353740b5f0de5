// Liveness, readiness (the store answers) and Prometheus metrics.
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';
import type { Services } from '../compose.ts';

export function createMetrics() {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: 'quan_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return { registry, httpDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;

export async function healthRoutes(app: FastifyInstance, opts: { services: Services; metrics: Metrics }) {
  const { services, metrics } = opts;
  const hidden = { hide: false, tags: ['operations'] };

  app.get('/health/live', { schema: { ...hidden, summary: 'The process is up' } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { ...hidden, summary: 'The store answers; 503 when it does not' } }, async (_req, reply) => {
    const started = performance.now();
    try {
      await services.deps.db.query('SELECT 1');
      if (services.deps.cache.kind === 'redis') await services.deps.cache.get('ready-probe');
      return { status: 'ok', store: services.deps.db.kind, cache: services.deps.cache.kind, ms: Math.round(performance.now() - started) };
    } catch (e) {
      app.log.error({ err: e }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', store: services.deps.db.kind, cache: services.deps.cache.kind });
    }
  });

  app.get('/metrics', { schema: { ...hidden, summary: 'Prometheus metrics' } }, async (_req, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
