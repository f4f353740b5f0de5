// Idempotency on the apifm calls that move money, points, stock or coupons
// (the routes declared with `moves: true` in kit.ts route()). A client names
// its request with the `Idempotency-Key` header or, since mini-program
// clients set parameters more easily than headers, a `requestId` or
// `idempotencyKey` parameter. The same key from the same consumer in the same
// tenant replays the stored reply and changes nothing; the key with different
// parameters is refused (601). The core is the native API's
// (contexts/platform/idempotency.ts): the key is claimed by one insert, marked
// committed inside the work's own transactions, and its answer stored.
//
// A duplicate that arrives while the first is still running (a double tap),
// or between its commit and its stored answer, waits for the first one's
// answer, up to IN_FLIGHT_WAIT_MS, and then gets that same answer; only past
// that wait is it told 900.
//
// This file imports only types from kit.ts (kit.ts imports it), so module
// loading stays acyclic.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requestHash, withCommitScope, type IdempotencyBegin } from '../../contexts/platform/index.ts';
import type { ConsumerPrincipal, Tenant } from '../../contexts/identity/index.ts';
import type { Services } from '../../compose.ts';
import type { Envelope } from './kit.ts';

/** The parameters that carry a key, beside the header; never part of the request's fingerprint. */
export const KEY_PARAMS = ['requestId', 'idempotencyKey'] as const;
const NOT_FINGERPRINTED = new Set<string>(['token', ...KEY_PARAMS]);
const MAX_KEY = 200;

/** How long a duplicate waits for the answer of the request still running with its key. */
export const IN_FLIGHT_WAIT_MS = 10_000;

/** What every apifm route declared, for the docs and for the tests generated from the route table. */
export interface ApifmRouteFacts {
  url: string;
  method: 'GET' | 'POST';
  login: boolean | 'optional';
  /** Moves money, points, stock or coupons: honours the key. */
  moves: boolean;
}
const TABLE = new Map<string, ApifmRouteFacts>();

/** Records a route's declaration (kit.ts route() calls this for each route). */
export function recordRoute(f: ApifmRouteFacts): void {
  TABLE.set(f.url, f);
}

/** Every apifm route declared so far (all of them once an app is built), by path. */
export function apifmRouteTable(): ApifmRouteFacts[] {
  return [...TABLE.values()].sort((a, b) => a.url.localeCompare(b.url));
}

/** The documentation of the key parameters, added to a moving route's parameters. */
export const KEY_PARAM_DOCS = Object.fromEntries(KEY_PARAMS.map((k) => [k, 'string'] as const)) as Record<
  (typeof KEY_PARAMS)[number],
  'string'
>;

type KeyFound = { key: string } | { bad: string } | null;

function keyOf(req: FastifyRequest, raw: Record<string, string>): KeyFound {
  const h = req.headers['idempotency-key'];
  const v = h ?? raw.requestId ?? raw.idempotencyKey;
  if (v === undefined) return null;
  if (typeof v !== 'string' || v.length < 1 || v.length > MAX_KEY)
    return { bad: `参数格式错误: Idempotency-Key / requestId must be 1-${MAX_KEY} characters` };
  return { key: v };
}

/** The request as a retry must repeat it: the path and the parameters (sorted), without the token and the key. */
function fingerprint(url: string, raw: Record<string, string>): string {
  const params = Object.fromEntries(
    Object.entries(raw)
      .filter(([k]) => !NOT_FINGERPRINTED.has(k))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return requestHash('APIFM', url, params);
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * begin(), waiting while another request holds the key without an answer yet:
 * still running, or its work committed and its answer about to be stored (a
 * crashed first request leaves the key so; past the wait that is reported).
 */
async function beginWaiting(services: Services, tenantId: number, principal: string, key: string, hash: string): Promise<IdempotencyBegin> {
  const until = Date.now() + IN_FLIGHT_WAIT_MS;
  for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
    const begun = await services.idempotency.begin(tenantId, principal, key, hash);
    const unanswered = begun.state === 'in_flight' || begun.state === 'committed_unanswered';
    if (!unanswered || Date.now() + wait > until) return begun;
    await pause(wait);
  }
}

export interface MovingCall {
  req: FastifyRequest;
  reply: FastifyReply;
  services: Services;
  tenant: Tenant;
  user: ConsumerPrincipal | null;
  url: string;
  raw: Record<string, string>;
}

/**
 * Runs a moving route's handler under its key, if the client gave one: the
 * first request with the key runs it (its transactions mark the key
 * committed) and stores its reply; a repeat gets that reply.
 */
export async function idempotent(call: MovingCall, run: () => Promise<Envelope | FastifyReply>): Promise<Envelope | FastifyReply> {
  const found = keyOf(call.req, call.raw);
  if (found === null) return run();
  if ('bad' in found) return { code: 601, msg: found.bad };
  const { services, tenant } = call;
  const principal = call.user ? `consumer:${call.user.userId}` : `ip:${call.req.ip}`;
  const begun = await beginWaiting(services, tenant.id, principal, found.key, fingerprint(call.url, call.raw));
  switch (begun.state) {
    case 'replay':
      call.reply.header('idempotent-replayed', 'true');
      return begun.body as Envelope;
    case 'mismatch':
      return { code: 601, msg: '参数格式错误: this Idempotency-Key / requestId was used with a different request' };
    case 'in_flight':
      return { code: 900, msg: '并发异常，请重试: a request with this key is still being processed' };
    case 'committed_unanswered':
      return {
        code: 900,
        msg: '并发异常: a request with this key was carried out, but its answer was lost; read the current state instead of retrying',
      };
    case 'new':
      return withCommitScope(() => runFirst(call, principal, found.key, begun.attempt, run));
  }
}

async function runFirst(
  { services, tenant }: MovingCall,
  principal: string,
  key: string,
  attempt: string,
  run: () => Promise<Envelope | FastifyReply>,
): Promise<Envelope | FastifyReply> {
  const scope = services.idempotency.currentScope();
  services.idempotency.arm(scope, tenant.id, principal, key, attempt);
  try {
    const out = await run();
    // Work the handler left running in the background is not part of its answer.
    if (scope) scope.beforeCommit = null;
    if (isEnvelope(out)) await services.idempotency.complete(tenant.id, principal, key, attempt, 200, out);
    else await services.idempotency.abort(tenant.id, principal, key, attempt);
    return out;
  } catch (e) {
    // A refusal thrown by the handler or an unexpected failure: free the key
    // unless its work committed (then a retry is told so, never runs it twice).
    if (scope) scope.beforeCommit = null;
    await services.idempotency.abort(tenant.id, principal, key, attempt);
    throw e;
  }
}

const isEnvelope = (v: unknown): v is Envelope => !!v && typeof v === 'object' && typeof (v as { code?: unknown }).code === 'number';
