// The native dialect's error shape: RFC 9457 problem details with a stable
// `type` per domain error code.
import type { FastifyReply } from 'fastify';
import { ErrorCode, type DomainError, type Result } from '../kernel/result.ts';
import type { EdgeError, EdgeReply } from './edge/kinds.ts';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  already_registered: 409,
  sold_out: 409,
  per_user_limit: 409,
  coupon_used: 409,
  already_rolled_back: 409,
  payment_needed: 402,
  not_started: 422,
  ended: 422,
  wrong_password: 422,
  not_enough_points: 422,
  sign_in_days_needed: 422,
  audience_mismatch: 422,
  coupon_expired: 422,
  coupon_not_yet_valid: 422,
  coupon_voided: 422,
  coupon_not_eligible: 422,
  wrong_store: 422,
  insufficient_balance: 422,
  rate_limited: 429,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code] ?? 400;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [k: string]: unknown;
}

const MEMBERS = new Set(['type', 'title', 'status', 'detail', 'code']);

/**
 * The problem document. Extra members never replace the standard ones (a
 * domain detail named `status` must not pass for the HTTP status): clashing
 * details go under `details`.
 */
export function problemOf(code: string, status: number, detail: string, extra?: Record<string, unknown>): Problem {
  const own: Record<string, unknown> = {};
  const clashing: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra ?? {})) (MEMBERS.has(k) ? clashing : own)[k] = v;
  if (Object.keys(clashing).length) {
    const nested = own.details && typeof own.details === 'object' && !Array.isArray(own.details) ? own.details : {};
    own.details = { ...nested, ...clashing };
  }
  return { type: `urn:quan:problem:${code}`, title: code.replace(/_/g, ' '), status, detail, code, ...own };
}

const EDGE_CODES: Partial<Record<EdgeError['kind'], string>> = { not_found: 'not_found', internal: 'internal' };

/** An edge error (bad input, bad URL, too large …) as problem+json, its status the HTTP status. */
export function renderNativeEdge(e: EdgeError): EdgeReply {
  const code = EDGE_CODES[e.kind] ?? 'invalid_input';
  return {
    status: e.status,
    contentType: 'application/problem+json; charset=utf-8',
    body: problemOf(code, e.status, e.message, e.errors ? { errors: e.errors } : undefined),
  };
}

export function sendProblem(reply: FastifyReply, code: string, status: number, detail: string, extra?: Record<string, unknown>) {
  if (status === 429 && typeof extra?.retryAfterSec === 'number') reply.header('retry-after', String(extra.retryAfterSec));
  return reply
    .code(status)
    .type('application/problem+json')
    .send(problemOf(code, status, detail, extra));
}

export function sendError(reply: FastifyReply, e: DomainError) {
  return sendProblem(reply, e.code, statusOf(e.code), e.message, e.details);
}

/** Sends the value (mapped) on success or the problem on failure. */
export function sendResult<T>(reply: FastifyReply, r: Result<T>, status = 200, map: (v: T) => unknown = (v) => v) {
  if (!r.ok) return sendError(reply, r.error);
  if (status === 204) return reply.code(204).send();
  return reply.code(status).send(map(r.value));
}
