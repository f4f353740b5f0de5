// Which dialect answers a URL, decided by its prefix in this one place, for
// the errors that fire before (or without) a route: a bad path escape
// (FST_ERR_BAD_URL), a path parameter over the length limit, and the errors
// node's HTTP parser raises on the socket (431 headers or URL too large, 400
// malformed request). The prefixes are the mounts in app.ts.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { RESERVED_SLUGS } from '../../contexts/identity/index.ts';
import { renderNativeEdge } from '../problem.ts';
import { renderApifmEdge } from '../apifm/index.ts';
import { renderLiyuquanEdge } from '../liyuquan/index.ts';
import { renderSellerEdge } from '../seller/index.ts';
import { renderPortalEdge } from '../portal/index.ts';
import { classify, sendEdge, type EdgeError, type EdgeRenderer } from './kinds.ts';

export type Dialect = 'native' | 'apifm' | 'liyuquan' | 'seller' | 'portal';

export const RENDERERS: Record<Dialect, EdgeRenderer> = {
  native: renderNativeEdge,
  apifm: renderApifmEdge,
  liyuquan: renderLiyuquanEdge,
  seller: renderSellerEdge,
  portal: renderPortalEdge,
};

const PREFIXES: Array<[RegExp, Dialect]> = [
  [/^\/api\/(cus|sell)(\/|$)/, 'seller'],
  [/^\/web(\/|$)/, 'liyuquan'],
  [/^\/portal(\/|$)/, 'portal'],
];

/** The dialect answering a request target ("/path?query"): apifm owns `/{tenant slug}/…`, the root and reserved slugs are native. */
export function dialectOf(url: string): Dialect {
  const path = url.split('?')[0] ?? '';
  for (const [re, d] of PREFIXES) if (re.test(path)) return d;
  const first = /^\/([^/]*)\/./.exec(path)?.[1];
  if (first === undefined || RESERVED_SLUGS.has(first) || first.includes('.')) return 'native';
  return 'apifm';
}

export function renderFor(url: string, e: EdgeError) {
  return RENDERERS[dialectOf(url)](e);
}

const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'the URL has a malformed %-escape',
  FST_ERR_MAX_PARAM_LENGTH: 'a path segment of the URL is too long',
};

/** Fastify's `frameworkErrors`: errors raised while routing, before any dialect's handler is known. */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const e = classify(err, req.id);
  const message = FRAMEWORK_MESSAGES[err.code] ?? e.message;
  return sendEdge(reply, renderFor(req.url, { ...e, message }));
}

/** The request target of the first line of a raw request, as far as it was read. */
function targetOf(raw: unknown): string {
  if (!Buffer.isBuffer(raw)) return '/';
  const line = raw.subarray(0, 4096).toString('latin1');
  return /^[A-Z]+ (\/\S*)/.exec(line)?.[1] ?? '/';
}

const CLIENT_ERRORS: Record<string, { status: number; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, message: 'the request line or headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, message: 'the request took too long' },
};

/** Fastify's `clientErrorHandler`: node's parser refused the request; answer on the socket in the dialect's envelope. */
export function clientErrorHandler(err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Duplex) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = CLIENT_ERRORS[err.code ?? ''] ?? { status: 400, message: 'malformed HTTP request' };
  const kind = known.status === 431 ? 'too_large' : known.status === 400 ? 'bad_input' : 'refused';
  const out = renderFor(targetOf(err.rawPacket), { kind, status: known.status, message: known.message });
  if (socket.writable) {
    const body = JSON.stringify(out.body);
    socket.write(
      `HTTP/1.1 ${out.status} ${http.STATUS_CODES[out.status] ?? ''}\r\nConnection: close\r\n` +
        `Content-Type: ${out.contentType}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
