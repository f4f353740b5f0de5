// Request-wide input rules that no schema can state for every route:
//  - no string anywhere (query, path, body, header) holds a NUL character, or
//    its JSON escape (parameters carrying JSON text are decoded later):
//    PostgreSQL refuses NUL in text, which would be a 500;
//  - a POST/PUT/PATCH with no body, on a route that takes an object body,
//    is validated as `{}` (its parameters are then all in the query string,
//    like the dialects' forms), instead of "body must be object".
// Both run as root preValidation hooks, so every route of every dialect gets
// them; a refusal is shaped like a schema failure (kinds.ts inputError) and
// each dialect renders it as its own parameter error.
import type { FastifyRequest } from 'fastify';
import { inputError } from './kinds.ts';

const NUL = '\u0000';
/** The JSON escape of NUL inside a parameter that holds JSON text (goodsJsonStr, params …): it would decode to one. */
const NUL_ESCAPE = /\\u0000/i;

/** The path (JSON-pointer like) of the first string holding a NUL, or null. */
export function nulPath(v: unknown, path = '', depth = 0): string | null {
  if (typeof v === 'string') return v.includes(NUL) || NUL_ESCAPE.test(v) ? path : null;
  if (!v || typeof v !== 'object' || depth > 32) return null;
  if (Buffer.isBuffer(v)) return null;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (k.includes(NUL)) return `${path}/${k.replaceAll(NUL, '\\0')}`;
    const p = nulPath(x, `${path}/${k}`, depth + 1);
    if (p !== null) return p;
  }
  return null;
}

const MESSAGE = 'must not contain a NUL character (\\u0000)';

export async function refuseNul(req: FastifyRequest): Promise<void> {
  const parts: Array<[Parameters<typeof inputError>[0], unknown]> = [
    ['querystring', req.query],
    ['params', req.params],
    ['body', req.body],
    ['headers', req.headers],
  ];
  for (const [context, value] of parts) {
    const p = nulPath(value);
    if (p !== null) throw inputError(context, p, MESSAGE);
  }
}

const consumesMultipart = (req: FastifyRequest) =>
  [(req.routeOptions.schema as { consumes?: string[] } | undefined)?.consumes ?? []].flat().includes('multipart/form-data');

/** A multipart body sent to a route that takes none (the multipart plugin would leave it unread and the body empty): 415. */
export async function refuseStrayMultipart(req: FastifyRequest): Promise<void> {
  if (!/^multipart\//i.test(req.headers['content-type'] ?? '') || consumesMultipart(req)) return;
  const e = new Error('this call takes a form (application/x-www-form-urlencoded) or JSON, not multipart/form-data') as Error & {
    statusCode: number;
    code: string;
  };
  e.statusCode = 415;
  e.code = 'QUAN_EDGE_MULTIPART';
  throw e;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function takesObjectBody(req: FastifyRequest): boolean {
  const body = (req.routeOptions.schema as { body?: { type?: unknown } } | undefined)?.body;
  if (!body || typeof body !== 'object') return false;
  return body.type === undefined || body.type === 'object';
}

export async function emptyBodyAsForm(req: FastifyRequest): Promise<void> {
  if (!BODY_METHODS.has(req.method)) return;
  if (req.body !== undefined && req.body !== null && req.body !== '') return;
  if (takesObjectBody(req)) req.body = {};
}
