// The edge's generic error kinds: what went wrong with a request before (or
// beside) any business rule, independent of the dialect that answers it.
// Each dialect renders an EdgeError in its own envelope (its `render…Edge`
// function); `classify` turns whatever Fastify, a plugin or the edge hooks
// threw into one.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export type EdgeKind =
  /** A required parameter is absent. */
  | 'missing'
  /** A parameter, the body or the URL is malformed (bad type, out of range, NUL, bad JSON, bad escape, bad multipart). */
  | 'bad_input'
  | 'not_found'
  /** Body (413), URL (414) or headers (431) over the limit. */
  | 'too_large'
  | 'unsupported_media'
  /** Any other client error the framework raised (405, 406, 408, 429 …): its status is kept. */
  | 'refused'
  | 'internal';

export interface EdgeError {
  kind: EdgeKind;
  /** The HTTP status the error means (a dialect may answer 200 with a code instead). */
  status: number;
  /** A message safe to show: never an internal error's own text. */
  message: string;
  /** The parameter concerned, when known. */
  field?: string;
  /** Every validation failure (native lists them). */
  errors?: Array<{ path: string; message: string }>;
  requestId?: string;
}

export interface EdgeReply {
  status: number;
  contentType: string;
  body: unknown;
}

export type EdgeRenderer = (e: EdgeError) => EdgeReply;

interface ValidationLike {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string };
}

function fromValidation(err: FastifyError): EdgeError {
  const list = (err.validation ?? []) as ValidationLike[];
  const context = (err as { validationContext?: string }).validationContext ?? 'request';
  const first = list[0];
  const errors = list.map((v) => ({ path: v.instancePath || v.params?.missingProperty || '', message: v.message ?? 'is invalid' }));
  if (first?.keyword === 'required') {
    const field = String(first.params?.missingProperty ?? '');
    return { kind: 'missing', status: 400, field, message: `${context} must have required property '${field}'`, errors };
  }
  const field = (first?.instancePath ?? '').replace(/^\//, '');
  return {
    kind: 'bad_input',
    status: 400,
    field,
    message: `${context}${first?.instancePath ?? ''} ${first?.message ?? 'is invalid'}`,
    errors,
  };
}

const KIND_OF_STATUS: Record<number, EdgeKind> = {
  400: 'bad_input',
  404: 'not_found',
  413: 'too_large',
  414: 'too_large',
  431: 'too_large',
  415: 'unsupported_media',
  // @fastify/multipart answers a multipart request without a boundary with 406.
  406: 'bad_input',
};

/** What an error thrown under a route (or by the framework before one) means at the edge. */
export function classify(err: FastifyError, requestId?: string): EdgeError {
  if (err.validation) return { ...fromValidation(err), requestId };
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const kind = KIND_OF_STATUS[status] ?? 'refused';
    return { kind, status: kind === 'bad_input' ? 400 : status, message: err.message, requestId };
  }
  return { kind: 'internal', status: 500, message: `internal error; quote request id ${requestId ?? '-'} when reporting it`, requestId };
}

/** An input error raised by the edge itself, shaped like a schema failure so every dialect renders it as one. */
export function inputError(context: NonNullable<FastifyError['validationContext']>, path: string, message: string): FastifyError {
  const e = new Error(`${context}${path} ${message}`) as FastifyError;
  e.statusCode = 400;
  e.code = 'QUAN_EDGE_INPUT';
  e.validation = [{ keyword: 'edge', instancePath: path, schemaPath: '#', params: {}, message }];
  e.validationContext = context;
  return e;
}

export const JSON_TYPE = 'application/json; charset=utf-8';

export function sendEdge(reply: FastifyReply, out: EdgeReply) {
  return reply.code(out.status).type(out.contentType).send(out.body);
}

/** A dialect's error handler: every error becomes an EdgeError, rendered in the dialect's envelope; only internal ones are logged. */
export function edgeErrorHandler(render: EdgeRenderer) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const e = classify(err, req.id);
    if (e.kind === 'internal') req.log.error({ err }, 'unhandled error');
    return sendEdge(reply, render(e));
  };
}
