// The HTTP server: one Fastify instance, the native API and (as they land) the
// dialects, OpenAPI at /openapi.json with an interactive page at /docs.
import crypto from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../compose.ts';
import { createMetrics, healthRoutes, type Metrics } from './health.ts';
import { nativeApi } from './native/index.ts';
import { apifmApi } from './apifm/index.ts';
import { Problem } from './native/schemas.ts';
import { sendProblem } from './problem.ts';
import { securityPlugin, trustProxyOption } from './security.ts';

export interface AppOptions {
  services: Services;
  metrics?: Metrics;
}

export async function buildApp({ services, metrics = createMetrics() }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: services.deps.log as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : crypto.randomUUID();
    },
    trustProxy: trustProxyOption(services.deps.config.trustProxy), // TRUST_PROXY: off unless configured (README)
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  // No stack trace or internal message ever reaches a client.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      return sendProblem(
        reply,
        'invalid_input',
        400,
        `${err.validationContext ?? 'request'} ${err.validation[0]?.message ?? 'is invalid'}`.trim(),
        {
          errors: err.validation.map((v) => ({ path: v.instancePath || v.params?.missingProperty || '', message: v.message })),
        },
      );
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(reply, 'invalid_input', status, err.message);
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, 'internal', 500, `internal error; quote request id ${req.id} when reporting it`);
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, 'not_found', 404, `no route ${req.method} ${req.url.split('?')[0]}`));

  app.addSchema(Problem);
  await app.register(securityPlugin, { services }); // security headers and CORS (security.ts)
  await app.register(formbody);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'quan native API',
        version: '1',
        description:
          'Coupons, promo codes, points and membership cards. Amounts are decimal strings, times ISO-8601, errors application/problem+json.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'staff session token or tenant API key' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { services, metrics });
  await app.register(nativeApi, { prefix: '/api/v1', services });
  await app.register((await import('./liyuquan/index.ts')).liyuquanApi, { prefix: '/web', services }); // seed 001 at /web/manage/...
  await app.register((await import('./seller/index.ts')).sellerDialect, { services }); // seed 000 at /api/cus, /api/sell
  await app.register((await import('./portal/index.ts')).portalDialect, { prefix: '/portal', services }); // seeds 002/003
  await app.register((await import('./web.ts')).webConsole); // the web console at /admin
  // apifm mounts `/:domain` and must stay LAST: fixed mounts above win over the parameter.
  await app.register(apifmApi, { prefix: '/:domain', services });
  return app as unknown as FastifyInstance;
}
