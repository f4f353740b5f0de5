// The app's route table, as routes are declared: every route's request
// schema gets its bounds here (schema.ts), and the table is kept so tests
// can enumerate every route of every dialect (test/http/fuzz).
import type { FastifyInstance, RouteOptions } from 'fastify';
import { hardenSchema } from './schema.ts';

export interface RouteEntry {
  method: string;
  url: string;
  schema?: Record<string, unknown>;
}

const tables = new WeakMap<object, RouteEntry[]>();

/** Registers the onRoute hook on the root instance; call before any route is declared. */
export function edgeRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  tables.set(app, table);
  app.addHook('onRoute', (opts: RouteOptions) => {
    opts.schema = hardenSchema(opts.schema as Record<string, unknown> | undefined);
    for (const method of [opts.method].flat()) {
      table.push({ method, url: opts.url, schema: opts.schema as Record<string, unknown> | undefined });
    }
  });
}

/** Every route declared on the app (HEAD routes included), in declaration order. */
export function routeTable(app: FastifyInstance): readonly RouteEntry[] {
  const t = tables.get(app);
  if (!t) throw new Error('routeTable(): the app was not built with edgeRoutes()');
  return t;
}
