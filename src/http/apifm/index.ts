// The apifm consumer API dialect, mounted at `/{domain}` where {domain} is the
// tenant slug, so mini-program shops built on apifm (apifm-wxapi & co.) can
// point their client at quan unchanged. Contract: seeds/004 and
// contracts/apifm-clients.md.
//
// Conventions: parameters come form-encoded, in the query string or as JSON;
// `token` is a parameter; every reply is HTTP 200 with `{code, msg, data}`
// (0 ok, 700 no data / empty list, 2000 token missing or invalid, 600/601
// missing/bad parameter, 404 unknown path or domain, per-endpoint codes);
// amounts are yuan numbers, dates "YYYY-MM-DD HH:mm:ss" in the tenant's zone.
//
// HOW TO ADD A MODULE
//   1. Create src/http/apifm/<module>.ts exporting a default plugin:
//        import { route, ok, list, paged, pageOf, failure, yuan, apifmDate, type ApifmApp } from './kit.ts';
//        export default async function shopRoutes(app: ApifmApp) {
//          route(app, { method: 'GET', url: '/shop/goods/detail', summary: '商品详情', params: { id: 'int!' }, login: 'optional' },
//            async ({ p, tenant, user, services }) => ok({ ... }));
//        }
//      (`login: true` gives ctx.user or answers 2000; failures: `return failure(result.error, { sold_out: 20001 })`
//      or `throw new ApifmError(code, msg, data)`; empty lists: `list([])` / `paged(...)` answer 700.)
//   2. Import it below and append it to APIFM_ROUTES. Nothing else.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../compose.ts';
import { RESERVED_SLUGS } from '../../contexts/identity/index.ts';
import { sendProblem } from '../problem.ts';
import { edgeErrorHandler, JSON_TYPE, type EdgeError, type EdgeReply } from '../edge/kinds.ts';
import { ApifmError, CODE, err, type ApifmApp } from './kit.ts';
import userRoutes from './user.ts';
import verificationRoutes from './verification.ts';
import discountRoutes from './discounts.ts';
import scoreRoutes from './score.ts';
import shopRoutes from './shop.ts';
import orderRoutes from './order.ts';
import payBillRoutes from './pay-bill.ts';
import userAccountRoutes from './user-account.ts';
import cmsRoutes from './cms.ts';

export * from './kit.ts';

/** Every apifm route file; each is a plugin `(app: ApifmApp) => Promise<void>` using `route()` from kit.ts. */
export const APIFM_ROUTES: Array<(app: ApifmApp) => Promise<void>> = [
  userRoutes,
  verificationRoutes,
  discountRoutes,
  scoreRoutes,
  shopRoutes,
  orderRoutes,
  payBillRoutes,
  userAccountRoutes,
  cmsRoutes,
];

const EDGE_CODES: Record<EdgeError['kind'], number> = {
  missing: CODE.missing,
  bad_input: CODE.badFormat,
  too_large: CODE.badFormat,
  unsupported_media: CODE.badFormat,
  not_found: CODE.notFound,
  refused: CODE.restricted,
  internal: CODE.internal,
};

/** An edge error as apifm answers every error: HTTP 200 with {code, msg} (600 missing, 601 bad format). */
export function renderApifmEdge(e: EdgeError): EdgeReply {
  const msg =
    e.kind === 'missing'
      ? `缺少参数 ${e.field ?? ''}`.trim()
      : e.kind === 'internal'
        ? `服务器内部错误; ${e.message}`
        : e.kind === 'not_found'
          ? e.message
          : `参数格式错误: ${e.message}`;
  return { status: 200, contentType: JSON_TYPE, body: err(EDGE_CODES[e.kind], msg) };
}

/** A path under a reserved slug (/api/…, /docs/…) is not apifm: answer like the root does. */
const notOurs = (req: FastifyRequest) => RESERVED_SLUGS.has((req.params as { domain?: string }).domain ?? '');

export async function apifmApi(app: ApifmApp, opts: { services: Services }) {
  const { services } = opts;
  app.decorate('services', services);
  app.decorateRequest('apifmTenant', null);
  app.decorateRequest('apifmUser', undefined);

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    // /api/x/user/detail is an unknown native path, not a tenant "api": answered like the root answers it.
    if (notOurs(req)) return sendProblem(reply, 'not_found', 404, `no route ${req.method} ${req.url.split('?')[0]}`);
    const slug = (req.params as { domain?: string }).domain ?? '';
    const tenant = /^[a-z0-9][a-z0-9-]{1,62}$/.test(slug) ? await services.tenants.getBySlug(slug) : null;
    if (!tenant) return reply.send(err(CODE.notFound, `domain "${slug}" does not exist (no such tenant)`));
    req.apifmTenant = tenant;
  });

  const handle = edgeErrorHandler(renderApifmEdge);
  app.setErrorHandler((e: FastifyError | ApifmError, req, reply) => {
    if (e instanceof ApifmError) return reply.code(200).send(e.envelope);
    return handle(e as FastifyError, req, reply);
  });

  app.setNotFoundHandler((req, reply) => {
    if (notOurs(req)) return sendProblem(reply, 'not_found', 404, `no route ${req.method} ${req.url.split('?')[0]}`);
    return reply.send(err(CODE.notFound, `接口不存在: ${req.method} ${req.url.split('?')[0]}`));
  });

  for (const routes of APIFM_ROUTES) await app.register(routes);
}
