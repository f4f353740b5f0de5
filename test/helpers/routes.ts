// The route table of every dialect, as Fastify sees it: the same plugins
// app.ts mounts, registered on a bare instance with an onRoute hook, so tests
// that must cover every route are generated from the routes themselves.
import Fastify, { type RouteOptions } from 'fastify';
import formbody from '@fastify/formbody';
import type { Services } from '../../src/compose.ts';
import { nativeApi } from '../../src/http/native/index.ts';
import { apifmApi } from '../../src/http/apifm/index.ts';
import { liyuquanApi } from '../../src/http/liyuquan/index.ts';
import { sellerDialect } from '../../src/http/seller/index.ts';
import { portalDialect } from '../../src/http/portal/index.ts';
import { Problem } from '../../src/http/native/schemas.ts';

export interface CollectedRoute {
  method: string;
  url: string;
  schema: RouteOptions['schema'];
}

export async function collectRoutes(services: Services): Promise<CollectedRoute[]> {
  const f = Fastify();
  const out: CollectedRoute[] = [];
  f.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) out.push({ method, url: r.url, schema: r.schema });
  });
  f.addSchema(Problem);
  await f.register(formbody);
  await f.register(nativeApi, { prefix: '/api/v1', services });
  await f.register(liyuquanApi, { prefix: '/web', services });
  await f.register(sellerDialect, { services });
  await f.register(portalDialect, { prefix: '/portal', services });
  await f.register(apifmApi, { prefix: '/:domain', services });
  await f.ready();
  await f.close();
  return out;
}

type JsonSchema = { properties?: Record<string, JsonSchema>; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[] };

/** Every property path of a schema (`scope.ids`, `items[].templateId`). */
export function fieldPaths(s: unknown, prefix = ''): string[] {
  const js = s as JsonSchema | undefined;
  if (!js || typeof js !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(js.properties ?? {})) {
    const p = prefix + k;
    out.push(p, ...fieldPaths(v, `${p}.`));
  }
  if (js.items) out.push(...fieldPaths(js.items, prefix.replace(/\.$/, '[].')));
  for (const alt of [...(js.anyOf ?? []), ...(js.oneOf ?? [])]) out.push(...fieldPaths(alt, prefix));
  return [...new Set(out)];
}
