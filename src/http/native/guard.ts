// Authentication and authorisation for the native API: a bearer token (staff
// session or tenant API key) becomes request.principal; tenant-scoped routes
// also get request.tenantId, always the caller's own tenant.
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Principal, Role } from '../../kernel/deps.ts';
import type { Services } from '../../compose.ts';
import { sendProblem } from '../problem.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    tenantId: number | null;
  }
}

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : null;
}

export interface GuardOptions {
  /** Roles allowed; API keys act as `admin`. Omit for any authenticated caller. */
  roles?: Role[];
  /** The route acts inside one tenant (default true). */
  tenant?: boolean;
}

export function makeGuard(services: Services) {
  return function guard(opts: GuardOptions = {}): preHandlerAsyncHookHandler {
    const needsTenant = opts.tenant ?? true;
    return async function (req: FastifyRequest, reply: FastifyReply) {
      const token = bearerToken(req);
      if (!token) return sendProblem(reply, 'unauthenticated', 401, 'a bearer token is required (Authorization: Bearer <token>)');
      const p = await services.auth.authenticate(token);
      if (!p) return sendProblem(reply, 'unauthenticated', 401, 'the token is invalid or has expired');
      req.principal = p;
      if (opts.roles && !opts.roles.includes(p.role) && p.role !== 'platform_admin') {
        return sendProblem(reply, 'forbidden', 403, `this action needs one of the roles: ${opts.roles.join(', ')}`);
      }
      if (!needsTenant) return;
      if (p.tenantId !== null) {
        req.tenantId = p.tenantId;
        return;
      }
      // The platform admin names the tenant it acts in.
      const slug = req.headers['x-tenant'];
      if (typeof slug !== 'string' || !slug) {
        return sendProblem(reply, 'invalid_input', 400, 'the platform admin must name a tenant in the X-Tenant header');
      }
      const t = await services.tenants.getBySlug(slug);
      if (!t) return sendProblem(reply, 'not_found', 404, `tenant "${slug}" not found`);
      req.tenantId = t.id;
    };
  };
}

export type Guard = ReturnType<typeof makeGuard>;

/** The tenant of an authenticated tenant-scoped request. */
export function tenantOf(req: FastifyRequest): number {
  if (req.tenantId === null) throw new Error('tenantOf() on a route without a tenant guard');
  return req.tenantId;
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new Error('principalOf() on a route without a guard');
  return req.principal;
}
