// The HTTP server: one Fastify instance, the native API and (as they land) the
// dialects, OpenAPI at /openapi.json with an interactive page at /docs.
import crypto from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from '../compose.ts';
import { createMetrics, healthRoutes, type Metrics } from './health.ts';
import { nativeApi } from './native/index.ts';
import { apifmApi } from './apifm/index.ts';
import { Problem } from './native/schemas.ts';
import { securityPlugin, trustProxyOption } from './security.ts';
import { renderNativeEdge, sendProblem } from './problem.ts';
import { edgeErrorHandler } from './edge/kinds.ts';
import { emptyBodyAsForm, refuseNul, refuseStrayMultipart } from './edge/input.ts';
import { clientErrorHandler, frameworkErrors } from './edge/registry.ts';
import { edgeRoutes } from './edge/routes.ts';

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
    // Errors before a route is known (bad %-escape, a path parameter too long, node's parser refusing the
    // request) answer in the dialect the URL names, like every other error.
    frameworkErrors,
    clientErrorHandler,
    // strictNumbers off: with it on, ajv lets a coerced "Infinity" through every type and bound check; off, the
    // bounds every numeric parameter gets (edge/schema.ts) refuse it like any other out-of-range number.
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, useDefaults: true, strictNumbers: false } },
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

  // Every route's request schema gets its integer/number/string bounds as it is declared, and the
  // route table is kept (edge/routes.ts); every request is refused a NUL anywhere and a body-less POST
  // is validated as {} (edge/input.ts). Then no stack trace or internal message ever reaches a client.
  edgeRoutes(app as unknown as FastifyInstance);
  app.addHook('preValidation', refuseNul);
  app.addHook('preValidation', refuseStrayMultipart);
  app.addHook('preValidation', emptyBodyAsForm);
  app.setErrorHandler(edgeErrorHandler(renderNativeEdge));
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
