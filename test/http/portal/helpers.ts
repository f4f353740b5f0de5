// Calls in the portal dialect: by method name at the gateway, or by the seed's path.
import type { FastifyInstance } from 'fastify';

export type Params = Record<string, string | number | null | object>;

/** POST /portal/gateway, form-encoded (objects as JSON text) or JSON. */
export function gateway(app: FastifyInstance, method: string, params: Params = {}, form = true) {
  if (!form)
    return app
      .inject({ method: 'POST', url: '/portal/gateway', payload: { method, ...params } })
      .then((r) => ({ status: r.statusCode, body: r.json() }));
  const fields = Object.entries({ method, ...params }).map(([k, v]): [string, string] => [
    k,
    v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v ?? ''),
  ]);
  return app
    .inject({
      method: 'POST',
      url: '/portal/gateway',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    })
    .then((r) => ({ status: r.statusCode, body: r.json() }));
}

/** POST /portal/<path> with JSON. */
export function byPath(app: FastifyInstance, path: string, params: Params = {}) {
  return app.inject({ method: 'POST', url: `/portal/${path}`, payload: params }).then((r) => ({ status: r.statusCode, body: r.json() }));
}

export async function portalLogin(app: FastifyInstance, user: string, password: string): Promise<string> {
  const r = await gateway(app, 'portal.system.login', { user, password });
  if (r.body.code !== 20003) throw new Error(`portal login: ${JSON.stringify(r.body)}`);
  return r.body.data.auth;
}

export const SEED_PROMOTION_INFO = {
  type: 'discount_market_price',
  condition: { amount_at_least: 100, count_at_least: 1 },
  action: { discount: 0.88, discount_at_most: 100 },
};
