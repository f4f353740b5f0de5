// The apifm dialect's toolkit: envelopes, parameter parsing, the route
// definer, the consumer behind `token`, and the edge formats (yuan numbers,
// "YYYY-MM-DD HH:mm:ss" local dates, paged lists). Route files import from
// here (not from index.ts, to keep module loading acyclic).
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { addDays, formatLocalDateTime, parseLocalDate, startOfLocalDay } from '../../kernel/local-time.ts';
import { fenToYuan, parseMoney, type Fen } from '../../kernel/money.ts';
import type { DomainError, ErrorCode, Result } from '../../kernel/result.ts';
import type { ConsumerPrincipal } from '../../contexts/identity/index.ts';
import type { Services } from '../../compose.ts';
import type { Tenant } from '../../contexts/identity/index.ts';
import { idempotent, KEY_PARAM_DOCS, recordRoute } from './idempotency.ts';
import { boundsFor } from '../edge/schema.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant named by `/:domain`, set for every apifm route. */
    apifmTenant: Tenant | null;
    /** The consumer behind `token`, once requireUser/optionalUser resolved it (undefined = not looked up). */
    apifmUser: ConsumerPrincipal | null | undefined;
  }
}

export type ApifmApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

// ---------------------------------------------------------------- envelopes

export interface Envelope {
  code: number;
  msg: string;
  data?: unknown;
}

/** apifm's global codes (every endpoint). */
export const CODE = {
  ok: 0,
  internal: -1,
  notFound: 404,
  method: 405,
  missing: 600,
  badFormat: 601,
  noData: 700,
  busy: 900,
  forbidden: 1000,
  token: 2000,
  restricted: 4000,
} as const;

export const ok = (data?: unknown, msg = 'success'): Envelope => (data === undefined ? { code: 0, msg } : { code: 0, msg, data });
/** 700: no data. An empty list is this, never `0` with `[]`. */
export const empty = (msg = '暂无数据'): Envelope => ({ code: CODE.noData, msg });
export const err = (code: number, msg: string, data?: unknown): Envelope => (data === undefined ? { code, msg } : { code, msg, data });
export const needLogin = (): Envelope => err(CODE.token, '当前登录token无效，请重新登录');

/** Thrown anywhere under an apifm route; the dialect's error handler renders it as the envelope. */
export class ApifmError extends Error {
  constructor(
    readonly code: number,
    msg: string,
    readonly data?: unknown,
  ) {
    super(msg);
  }
  get envelope(): Envelope {
    return err(this.code, this.message, this.data);
  }
}

/** Default apifm code for each domain error; endpoints override per their documented codes. */
export const DEFAULT_CODES: Record<ErrorCode, number> = {
  invalid_input: 601,
  not_found: 700,
  conflict: 900,
  forbidden: 4000,
  unauthenticated: 2000,
  rate_limited: 4000,
  invalid_state: 30000,
  invalid_credentials: 30000,
  already_registered: 10000,
  sold_out: 20001,
  not_started: 20004,
  ended: 20002,
  per_user_limit: 20003,
  wrong_password: 700,
  not_enough_points: 30001,
  payment_needed: 30002,
  sign_in_days_needed: 40000,
  audience_mismatch: 20004,
  coupon_used: 30000,
  coupon_expired: 20004,
  coupon_not_yet_valid: 30000,
  coupon_voided: 30000,
  coupon_not_eligible: 30000,
  wrong_store: 30000,
  already_rolled_back: 30000,
  insufficient_balance: 40000,
};

export type CodeMap = Partial<Record<ErrorCode, number>>;

/** A domain failure as an envelope: `codes` overrides the defaults for this endpoint. */
export function failure(e: DomainError, codes: CodeMap = {}, data?: unknown): Envelope {
  return err(codes[e.code] ?? DEFAULT_CODES[e.code] ?? 30000, e.message, data);
}

/** ok(map(value)) or the mapped failure. */
export function fromResult<T>(r: Result<T>, map: (v: T) => unknown = () => undefined, codes: CodeMap = {}): Envelope {
  return r.ok ? ok(map(r.value)) : failure(r.error, codes);
}

// ---------------------------------------------------------------- formats

/** Fen → a JSON number of yuan (exact decimal): 1050 → 10.5. */
export const yuan = (fen: Fen | null | undefined): number => (fen == null ? 0 : fenToYuan(fen));

/** Yuan text/number from a client → fen, or null when not a valid amount. */
export const toFen = (v: string | number | null | undefined): Fen | null => (v == null || v === '' ? null : parseMoney(v));

/** A Date as "YYYY-MM-DD HH:mm:ss" in the zone (the tenant's). */
export function apifmDate(d: Date | null | undefined, tz: string): string | null {
  return d ? formatLocalDateTime(d, tz) : null;
}

/**
 * apifm's `dateAddBegin` / `dateAddEnd` ("2017-11-22", inclusive local days, or
 * a full "YYYY-MM-DD HH:mm:ss" whose date part counts) as instants [from, to)
 * and as local dates. Throws 601 on a bad date.
 */
export function dateRange(
  begin: string | undefined,
  end: string | undefined,
  tz: string,
): { from?: Date; to?: Date; fromDay?: string; toDay?: string } {
  const day = (v: string | undefined, name: string) => {
    if (!v) return undefined;
    const d = v.trim().slice(0, 10);
    if (!parseLocalDate(d)) throw new ApifmError(CODE.badFormat, `参数格式错误: ${name} must be a date like 2018-08-08`);
    return d;
  };
  const fromDay = day(begin, 'dateAddBegin');
  const toDay = day(end, 'dateAddEnd');
  return {
    fromDay,
    toDay,
    from: fromDay ? startOfLocalDay(fromDay, tz) : undefined,
    to: toDay ? startOfLocalDay(addDays(toDay, 1), tz) : undefined,
  };
}

// ---------------------------------------------------------------- lists

export interface Paging {
  page: number;
  pageSize: number;
  limit: number;
  offset: number;
}

/** page (1-based, default 1) and pageSize (default 20, at most 200) from the parameters. */
export function pageOf(p: { page?: number; pageSize?: number }, defSize = 20): Paging {
  const page = Math.max(1, Math.floor(p.page ?? 1));
  const pageSize = Math.min(200, Math.max(1, Math.floor(p.pageSize ?? defSize)));
  return { page, pageSize, limit: pageSize, offset: (page - 1) * pageSize };
}

/** A plain-array list: 700 when empty. */
export const list = (items: unknown[]): Envelope => (items.length ? ok(items) : empty());

/** A paged list `{result, totalRow, totalPage}`: 700 when this page is empty. */
export function paged(items: unknown[], totalRow: number, pg: Paging, extra: Record<string, unknown> = {}): Envelope {
  if (!items.length) return empty();
  return ok({ result: items, totalRow, totalPage: Math.ceil(totalRow / pg.pageSize), ...extra });
}

// ---------------------------------------------------------------- parameters

/** Parameter kinds; a trailing "!" marks a required one (missing → 600). */
export type Kind = 'string' | 'int' | 'number' | 'bool' | 'money';
export type FieldSpec = Kind | `${Kind}!`;
export type Spec = Record<string, FieldSpec>;
type ValueOf<K> = K extends 'string' | 'string!'
  ? string
  : K extends 'bool' | 'bool!'
    ? boolean
    : K extends 'money' | 'money!'
      ? Fen
      : number;
type ReqKeys<S extends Spec> = { [k in keyof S]: S[k] extends `${string}!` ? k : never }[keyof S];
export type Params<S extends Spec> = { [k in ReqKeys<S>]: ValueOf<S[k]> } & { [k in Exclude<keyof S, ReqKeys<S>>]?: ValueOf<S[k]> };

/** Query string and body merged (body wins); every value as a string; empty strings dropped. */
export function rawParams(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const src of [req.query, req.body]) {
    if (!src || typeof src !== 'object') continue;
    for (const [k, v] of Object.entries(src as Record<string, unknown>)) {
      if (v === undefined || v === null) continue;
      const s = Array.isArray(v) ? v.map(String).join(',') : typeof v === 'object' ? JSON.stringify(v) : String(v);
      if (s !== '') out[k] = s;
    }
  }
  return out;
}

/**
 * An 'int' or 'number' parameter within its bounds (edge/schema.ts: ids up to
 * 2^53−1, other integers those of an integer column); throws 601.
 */
function numberParam(name: string, v: string, kind: 'int' | 'number'): number {
  const t = v.trim();
  const n = Number(t);
  const shape = kind === 'int' ? /^-?\d{1,16}$/.test(t) : t !== '' && Number.isFinite(n);
  if (!shape) throw new ApifmError(CODE.badFormat, `参数格式错误: ${name} must be a ${kind === 'int' ? 'whole number' : 'number'}`);
  const b = boundsFor(name, kind === 'int' ? 'integer' : 'number');
  if (n < b.minimum || n > b.maximum)
    throw new ApifmError(CODE.badFormat, `参数格式错误: ${name} must be between ${b.minimum} and ${b.maximum}`);
  return n;
}

/** Parses the merged parameters against a spec; throws ApifmError 600/601. */
export function parseParams<S extends Spec>(req: FastifyRequest, spec: S): Params<S> {
  const raw = rawParams(req);
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec)) {
    const required = f.endsWith('!');
    const kind = (required ? f.slice(0, -1) : f) as Kind;
    const v = raw[name];
    if (v === undefined) {
      if (required) throw new ApifmError(CODE.missing, `缺少参数 ${name}`);
      continue;
    }
    switch (kind) {
      case 'string':
        out[name] = v;
        break;
      case 'int':
      case 'number':
        out[name] = numberParam(name, v, kind);
        break;
      case 'money': {
        const fen = toFen(v.trim());
        if (fen === null) throw new ApifmError(CODE.badFormat, `参数格式错误: ${name} must be an amount in yuan`);
        out[name] = fen;
        break;
      }
      case 'bool':
        out[name] = /^(true|1|y|yes)$/i.test(v.trim());
        break;
    }
  }
  return out as Params<S>;
}

/** A TypeBox-compatible object schema for the docs: every field a string (ajv coerces numbers), none required, extras allowed. */
export function docSchema(spec: Spec): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec)) {
    const required = f.endsWith('!');
    const kind = required ? f.slice(0, -1) : f;
    properties[name] = { type: 'string', description: `${kind}${required ? ' (required)' : ''}` };
  }
  return { type: 'object', properties, additionalProperties: true };
}

// ---------------------------------------------------------------- tenant and consumer

export function tenantOf(req: FastifyRequest): Tenant {
  if (!req.apifmTenant) throw new ApifmError(CODE.notFound, 'unknown domain');
  return req.apifmTenant;
}

function servicesOf(req: FastifyRequest): Services {
  return (req.server as unknown as { services: Services }).services;
}

/** The consumer behind the `token` parameter, or null. */
export async function optionalUser(req: FastifyRequest): Promise<ConsumerPrincipal | null> {
  if (req.apifmUser !== undefined) return req.apifmUser;
  const token = rawParams(req).token;
  const p = token ? await servicesOf(req).consumerAuth.authenticate(tenantOf(req).id, token) : null;
  req.apifmUser = p;
  return p;
}

/** The consumer behind `token`; throws code 2000 when missing or invalid. */
export async function requireUser(req: FastifyRequest): Promise<ConsumerPrincipal> {
  const p = await optionalUser(req);
  if (!p) throw new ApifmError(CODE.token, '当前登录token无效，请重新登录');
  return p;
}

// ---------------------------------------------------------------- the route definer

export type Login = true | 'optional' | undefined;

export interface Ctx<S extends Spec, L extends Login> {
  req: FastifyRequest;
  reply: FastifyReply;
  p: Params<S>;
  tenant: Tenant;
  /** The consumer: always there for `login: true`, maybe null for 'optional', null otherwise. */
  user: L extends true ? ConsumerPrincipal : ConsumerPrincipal | null;
  services: Services;
}

export interface RouteDef<S extends Spec, L extends Login> {
  /** The documented method; the other one is accepted too (hidden from the docs). */
  method: 'GET' | 'POST';
  /** The path after `/{domain}`, e.g. '/discounts/fetch'. */
  url: string;
  summary: string;
  /** Parameters, from the query string, a form body or a JSON body. `token` is added for login routes. */
  params: S;
  /** true: needs a valid `token` (else code 2000); 'optional': resolved when given. */
  login?: L;
  tags?: string[];
  /** Moves money, points, stock or coupons: honours `Idempotency-Key` / `requestId` / `idempotencyKey` (idempotency.ts). */
  moves?: true;
}

/**
 * Defines an apifm endpoint: parses parameters, resolves the consumer, runs
 * the handler and sends its envelope (HTTP 200, like apifm). A handler that
 * sends something else itself (an image) returns `reply`.
 */
export function route<S extends Spec, L extends Login = undefined>(
  app: ApifmApp,
  def: RouteDef<S, L>,
  handler: (ctx: Ctx<S, L>) => Promise<Envelope | FastifyReply>,
): void {
  const spec: Spec = def.login ? { token: 'string', ...def.params } : def.params;
  const schema = docSchema(def.moves ? { ...spec, ...KEY_PARAM_DOCS } : spec);
  recordRoute({ url: def.url, method: def.method, login: def.login ?? false, moves: def.moves === true });
  const tag = def.tags ?? [`apifm ${def.url.split('/')[1] ?? ''}`];
  const handle = async (req: FastifyRequest, reply: FastifyReply) => {
    const p = parseParams(req, def.params);
    const user = def.login === true ? await requireUser(req) : def.login === 'optional' ? await optionalUser(req) : null;
    const services = servicesOf(req);
    const run = () => handler({ req, reply, p, tenant: tenantOf(req), user: user as Ctx<S, L>['user'], services });
    return def.moves ? idempotent({ req, reply, services, tenant: tenantOf(req), user, url: def.url, raw: rawParams(req) }, run) : run();
  };
  for (const method of ['GET', 'POST'] as const) {
    const documented = method === def.method;
    app.route({
      method,
      url: def.url,
      schema: {
        summary: def.summary,
        tags: tag,
        querystring: schema,
        ...(method === 'POST' ? { body: schema } : {}),
        ...(documented ? {} : { hide: true }),
      },
      // A POST with everything in the query string has no body; validate it as {}.
      preValidation: async (req: FastifyRequest) => {
        if (req.body === undefined || req.body === null || req.body === '') req.body = {};
      },
      handler: handle,
    });
  }
}

/** A parameter that is a comma-separated list of ids ("1,2,3"). */
export function idList(v: string | undefined): number[] {
  if (!v) return [];
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^\d{1,15}$/.test(s))
    .map(Number);
}
