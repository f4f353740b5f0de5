// Liveness, readiness (the store answers) and Prometheus metrics.
//
// /metrics tells route names, volumes and timings: with METRICS_TOKEN set it
// answers only `Authorization: Bearer <token>`; without one, only a caller on
// this machine that came straight to quan (loopback socket, no forwarding
// header: a reverse proxy on the same host never passes it on). A wrong or
// missing token gets 401; without a token anyone else gets 404, as if there
// were no such route.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import client from 'prom-client';
import type { Services } from '../compose.ts';
import { sendProblem } from './problem.ts';

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

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** Constant-time comparison of the bearer token with the configured one. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
  if (!given) return false;
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Who may read /metrics (see the top of this file). The socket's address, never req.ip: a forwarded address proves nothing. */
export function mayReadMetrics(req: FastifyRequest, token: string | null): boolean {
  if (token !== null) return bearerMatches(req.headers.authorization, token);
  const peer = req.raw.socket?.remoteAddress ?? '';
  return LOOPBACK.test(peer) && !FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
}

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

  const metricsToken = services.deps.config.metricsToken;
  const metricsSummary = 'Prometheus metrics: Authorization: Bearer METRICS_TOKEN, or without a token from loopback only';
  app.get('/metrics', { schema: { ...hidden, summary: metricsSummary } }, async (req, reply) => {
    if (!mayReadMetrics(req, metricsToken)) {
      if (metricsToken === null) return sendProblem(reply, 'not_found', 404, 'no route GET /metrics');
      reply.header('www-authenticate', 'Bearer realm="metrics"');
      return sendProblem(reply, 'unauthenticated', 401, 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
