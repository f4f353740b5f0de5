// What every answer tells a browser, and whom quan believes about addresses:
//  - security headers (@fastify/helmet): a CSP that fits the /admin console
//    (its own scripts only; Ant Design injects <style> elements, so styles may
//    be inline; goods pictures come from any https URL), no framing by other
//    sites, no referrer across origins, nosniff; HSTS only when HSTS=true
//    (quan reached over HTTPS only, e.g. behind a TLS proxy);
//  - CORS (@fastify/cors): an origin in CORS_ORIGINS may call everything; an
//    origin in a tenant's `corsOrigins` setting may call that tenant's apifm
//    API (`/{slug}/…`, the H5 builds of its mini-programs). No credentials:
//    every dialect sends its token in a header or parameter, never a cookie;
//  - TRUST_PROXY: which proxies' X-Forwarded-For sets req.ip (off by default).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { Config } from '../config.ts';
import type { Services } from '../compose.ts';
import { normalizeOrigin } from '../kernel/origin.ts';
import { validateSlug } from '../contexts/identity/index.ts';

/** Fastify's trustProxy for TRUST_PROXY: a hop count trusts that many proxies in front of quan, a list those addresses. */
export function trustProxyOption(t: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (t === false) return false;
  // Fastify 5 refuses a bare number (it cannot check the peer); a hop count is only safe when quan is reachable through the proxies alone.
  if (typeof t === 'number') return (_address, hop) => hop < t;
  return t;
}

/** The Content-Security-Policy directives (helmet's names). */
export function cspDirectives(config: Pick<Config, 'hsts'>): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', 'https:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
    'script-src-attr': ["'none'"],
    // Over plain HTTP (a local trial) upgrading would break every asset.
    'upgrade-insecure-requests': config.hsts ? [] : null,
  };
}

const CORS_BASE = {
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['content-type', 'authorization', 'token', 'auth', 'x-tenant', 'idempotency-key', 'x-request-id'],
  exposedHeaders: ['x-request-id', 'idempotent-replayed', 'retry-after'],
  credentials: false,
  maxAge: 600,
} satisfies FastifyCorsOptions;

/** The slug of an apifm path (`/{slug}/…`), or null for the fixed mounts and anything that is no slug. */
function slugOf(url: string): string | null {
  const first = /^\/([^/?#]+)/.exec(url)?.[1];
  return first && validateSlug(first) === null ? first : null;
}

/** Whether `origin` may call `url`: the global list, or the tenant's own list for its apifm API. */
export async function originAllowed(services: Services, origin: string, url: string): Promise<boolean> {
  const o = normalizeOrigin(origin);
  if (services.deps.config.corsOrigins.includes(o)) return true;
  const slug = slugOf(url);
  if (!slug) return false;
  const tenant = await services.tenants.getBySlug(slug);
  return !!tenant?.corsOrigins.includes(o);
}

async function security(app: FastifyInstance, opts: { services: Services }) {
  const { config } = opts.services.deps;
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(config) },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    // Uploaded card pictures are shown by clients on other origins.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    strictTransportSecurity: config.hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  await app.register(cors, {
    hideOptionsRoute: true,
    delegator: async (req: FastifyRequest): Promise<FastifyCorsOptions> => {
      const origin = req.headers.origin;
      const allowed = typeof origin === 'string' && (await originAllowed(opts.services, origin, req.url));
      return { ...CORS_BASE, origin: allowed };
    },
  });
}

/** Security headers and CORS for the whole app (register before the routes). */
export const securityPlugin = fp(security, { name: 'quan-security' });
