// The fuzz cases, generated from the app's route table (src/http/edge/routes.ts):
// per route, per parameter of its schema (query, path, body, one level into
// body objects), a set of values that no route may accept (out-of-range and
// non-finite numbers where a number is meant, NUL, its JSON escape, 100 kB,
// two values for one, an object for a scalar), plus per-route cases (a wrong
// content type, malformed JSON, broken multipart, bad %-escapes, NUL in a
// header). Every case must be refused in the route's dialect.
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import type { RouteEntry } from '../../../src/http/edge/routes.ts';
import { dialectOf, type Dialect } from '../../../src/http/edge/registry.ts';

type Schema = Record<string, unknown>;
export type Where = 'query' | 'params' | 'body';
export type Kind = 'integer' | 'number' | 'string' | 'boolean' | 'array' | 'object' | 'any';

export interface Param {
  where: Where;
  /** Property path: ['points'] or ['discount', 'amount']. */
  path: string[];
  kind: Kind;
  required: boolean;
  schema: Schema;
}

export interface World {
  slug: string;
  /** An owner's session (native, 礼遇圈, portal), a seller's (seller dialect), an apifm consumer's. */
  staffToken: string;
  sellerToken: string;
  consumerToken: string;
}

export interface Case {
  route: string;
  dialect: Dialect;
  label: string;
  request: InjectOptions;
}

/** A value to send: a text, several texts (one parameter given twice), or a JSON value (JSON bodies only). */
type Value = { text: string } | { texts: string[] } | { json: unknown };

const LONG = 'x'.repeat(100_000);
const STRUCTURAL: Array<[string, Value]> = [
  ['NUL', { text: 'a\u0000b' }],
  ['NUL escape', { text: 'a\\u0000b' }],
  ['100 kB', { text: LONG }],
  ['two values', { texts: ['1', '2'] }],
  ['object', { json: { a: { b: 1 } } }],
];
const NUMERIC: Array<[string, Value]> = [
  ['2^63', { text: '9223372036854775808' }],
  ['2^64', { text: '18446744073709551616' }],
  ['1e40', { text: '1e40' }],
  ['-1e40', { text: '-1e40' }],
  ['Infinity', { text: 'Infinity' }],
  ['-Infinity', { text: '-Infinity' }],
  ['NaN', { text: 'NaN' }],
  ['abc', { text: 'abc' }],
];
const INTEGER_ONLY: Array<[string, Value]> = [
  ['2^53', { text: '9007199254740992' }],
  ['1.5', { text: '1.5' }],
];
const TIME_ONLY: Array<[string, Value]> = [
  ['year 10000', { text: '253402300800000' }],
  ['before 1970', { text: '-1' }],
];

const typesOf = (s: Schema): string[] => [s.type].flat().filter((t): t is string => typeof t === 'string');
const TIME_NAME = /^(time|timestamp)$|[a-z](Time|Timestamp|Ms)$/;

/** What a parameter holds: its JSON type, or for text parameters a declared number (apifm 'int', a digits-only pattern). */
export function kindOf(s: Schema): Kind {
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (branches) {
    const kinds = new Set(branches.map(kindOf).filter((k) => k !== 'any'));
    return kinds.size === 1 ? [...kinds][0]! : 'any';
  }
  const types = typesOf(s).filter((t) => t !== 'null');
  if (types.length !== 1) return 'any';
  const t = types[0]!;
  if (t === 'string') {
    const described = /^(int|number|money)\b/.test(String(s.description ?? ''));
    const digits = typeof s.pattern === 'string' && /^\^-?\??\\d/.test(s.pattern);
    return described || digits ? 'number' : 'string';
  }
  return (['integer', 'number', 'boolean', 'array', 'object'] as const).find((k) => k === t) ?? 'any';
}

function propsOf(s: Schema | undefined): Array<[string, Schema, boolean]> {
  if (!s || typeof s !== 'object') return [];
  const props = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const described = (p: Schema) => String(p.description ?? '').includes('(required)');
  return Object.entries(props).map(([k, p]) => [k, p, required.has(k) || described(p)]);
}

/** Every parameter of a route, from its schema; a body without properties takes the query's (portal: form or query alike). */
export function paramsOf(r: RouteEntry): Param[] {
  const s = (r.schema ?? {}) as Record<string, Schema | undefined>;
  const out: Param[] = [];
  const add = (where: Where, schema: Schema | undefined) => {
    for (const [name, p, required] of propsOf(schema)) {
      out.push({ where, path: [name], kind: kindOf(p), required, schema: p });
      if (where === 'body' && kindOf(p) === 'object')
        for (const [sub, q, subReq] of propsOf(p)) out.push({ where, path: [name, sub], kind: kindOf(q), required: subReq, schema: q });
    }
  };
  add('params', s.params);
  add('query', s.querystring);
  const body = s.body;
  if (body && r.method !== 'GET') add('body', propsOf(body).length ? body : s.querystring);
  return out;
}

/** The values a parameter must refuse. */
export function badValues(p: Param): Array<[string, Value]> {
  const name = p.path[p.path.length - 1]!;
  const numeric = p.kind === 'integer' || p.kind === 'number';
  const items = p.kind === 'array' ? kindOf((p.schema.items ?? {}) as Schema) : null;
  const out: Array<[string, Value]> = STRUCTURAL.filter(([label]) => {
    if (label === 'two values') return p.where !== 'params' && p.kind !== 'array' && p.kind !== 'any';
    if (label === 'object') return p.where === 'body' && p.kind !== 'object' && p.kind !== 'any';
    if (label === '100 kB') return !(typeof p.schema.maxLength === 'number' && p.schema.maxLength >= LONG.length); // rich texts may be long
    return true;
  });
  if (numeric) out.push(...NUMERIC);
  if (p.kind === 'integer') out.push(...INTEGER_ONLY);
  if (numeric && TIME_NAME.test(name)) out.push(...TIME_ONLY);
  if (items === 'integer' || items === 'number') out.push(['[2^63]', { json: ['9223372036854775808'] }], ['[1e40]', { texts: ['1e40'] }]);
  if (p.kind === 'object') out.push(['text for an object', { text: 'abc' }]);
  return out;
}

const ID_NAME = /^(id|ids)$|[a-z0-9](Id|Ids|No|Nos)$|_id$/;

/** A plausible value for a required parameter that is not being fuzzed (it names nothing that exists: ids are unknown). */
function plausible(p: Param, w: World): Value {
  const name = p.path[p.path.length - 1]!;
  const s = p.schema;
  const json = (v: unknown): Value => ({ json: v });
  if (name === 'domain') return json(w.slug);
  if (Array.isArray(s.enum)) return json(s.enum[0]);
  if (s.const !== undefined) return json(s.const);
  if (p.kind === 'integer' || p.kind === 'number') {
    if (ID_NAME.test(name)) return json(987654321);
    return json(typeof s.minimum === 'number' && s.minimum > 1 ? s.minimum : 1);
  }
  if (p.kind === 'boolean') return json(false);
  if (p.kind === 'array') return json([]);
  if (p.kind === 'object') return json({});
  if (s.format === 'date-time') return json('2030-01-01T00:00:00Z');
  if (s.format === 'date') return json('2030-01-01');
  if (typeof s.pattern === 'string' && /\\d/.test(s.pattern)) return json('1.00');
  return json(/mobile|phone/i.test(name) ? '13800000000' : 'fuzz');
}

const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const textsOf = (v: Value): string[] => ('texts' in v ? v.texts : 'text' in v ? [v.text] : [text(v.json)]);
const bodyValue = (v: Value): unknown => ('texts' in v ? v.texts : 'text' in v ? v.text : v.json);

function setPath(target: Record<string, unknown>, path: string[], v: unknown) {
  let o = target;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]!] = v;
}

export type Encoding = 'json' | 'form';

/** The request for a route with these parameter values, the dialect's token in its place (apifm: the `token` parameter). */
function requestOf(r: RouteEntry, w: World, values: Map<Param, Value>, encoding: Encoding): InjectOptions {
  const pathValues: Record<string, string> = { domain: w.slug, '*': 'x' };
  const query = new URLSearchParams();
  const body: Record<string, unknown> = {};
  for (const [p, v] of values) {
    if (p.where === 'params') pathValues[p.path[0]!] = encodeURIComponent(textsOf(v)[0]!);
    else if (p.where === 'query') for (const t of textsOf(v)) query.append(p.path[0]!, t);
    else setPath(body, p.path, bodyValue(v));
  }
  const dialect = dialectOf(r.url);
  const headers: Record<string, string> = {};
  const hasBody = r.method !== 'GET' && r.method !== 'DELETE';
  if (dialect !== 'apifm') headers.authorization = `Bearer ${dialect === 'seller' ? w.sellerToken : w.staffToken}`;
  else if (hasBody) body.token ??= w.consumerToken;
  else if (!query.has('token')) query.set('token', w.consumerToken);
  const url = r.url.replace(/:(\w+)|\*/g, (_m, name: string | undefined) => pathValues[name ?? '*'] ?? '987654321');
  const qs = query.toString();
  const request: InjectOptions = { method: r.method as InjectOptions['method'], url: qs ? `${url}?${qs}` : url, headers };
  if (!hasBody) return request;
  if (encoding === 'json') return { ...request, payload: body };
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) for (const t of Array.isArray(v) ? v : [v]) form.append(k, text(t));
  return { ...request, payload: form.toString(), headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } };
}

/** The route with every required parameter plausible (so hand-parsed routes reach the fuzzed one) and `p` bad. */
function paramCase(r: RouteEntry, params: Param[], w: World, p: Param, label: string, v: Value, encoding: Encoding): Case {
  const values = new Map<Param, Value>();
  const nested = p.path.length > 1;
  for (const q of params) {
    if (!q.required || q === p) continue;
    if (q.path.length === 1 && q.path[0] === p.path[0] && q.where !== p.where) continue; // the same name elsewhere (apifm: the body wins)
    if (q.path.length > 1 && (!nested || q.path[0] !== p.path[0])) continue; // nested ones only beside the fuzzed one
    if (nested && q.path.length === 1 && q.path[0] === p.path[0]) continue; // the parent is built around the fuzzed value
    values.set(q, plausible(q, w));
  }
  values.set(p, v);
  const enc: Encoding = 'json' in v && p.where === 'body' ? 'json' : encoding;
  return {
    route: `${r.method} ${r.url}`,
    dialect: dialectOf(r.url),
    label: `${p.where}.${p.path.join('.')} = ${label}${p.where === 'body' ? ` (${enc})` : ''}`,
    request: requestOf(r, w, values, enc),
  };
}

const BOUNDARY = 'fuzzBoundary7MA4YWxkTrZu0gW';
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d605a10000000049454e44ae426082',
  'hex',
);

/** A multipart/form-data body with these text fields and, optionally, one PNG file. */
export function multipartBody(fields: Record<string, string>, file = true): { payload: Buffer; headers: Record<string, string> } {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file)
    parts.push(
      Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
      PNG,
      Buffer.from('\r\n'),
    );
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

/** Bodies no route may accept: [label, content-type, payload]. */
export function brokenBodies(): Array<[string, string, string | Buffer]> {
  const good = multipartBody({ module: '1' }).payload;
  return [
    ['wrong content type', 'application/xml', '<a/>'],
    ['malformed JSON', 'application/json', '{"a":'],
    ['JSON with NUL', 'application/json', '{"a":"\\u0000"}'],
    ['multipart without boundary', 'multipart/form-data', good],
    ['multipart, wrong boundary', 'multipart/form-data; boundary=notTheOne', good],
    ['multipart, truncated', `multipart/form-data; boundary=${BOUNDARY}`, good.subarray(0, Math.floor(good.length * 0.7))],
    ['multipart, garbage', `multipart/form-data; boundary=${BOUNDARY}`, 'no parts here at all'],
    ['body over 1 MiB', 'application/json', `{"a":"${'x'.repeat(1_100_000)}"}`],
  ];
}

/** A URL whose first parameter (or last segment) carries a bad %-escape. */
function badEscape(url: string, esc: string): string {
  const [path, qs] = url.split('?') as [string, string | undefined];
  const segments = path.split('/');
  const i = segments.length - 1;
  segments[i] = `${segments[i]}${esc}`;
  return `${segments.join('/')}${qs ? `?${qs}` : ''}`;
}

/** Per-route cases: broken bodies, bad %-escapes, a NUL in a header the dialects read. */
function routeCases(r: RouteEntry, params: Param[], w: World): Case[] {
  const base = new Map<Param, Value>();
  for (const q of params) if (q.required && q.path.length === 1) base.set(q, plausible(q, w));
  const ok = requestOf(r, w, base, 'json');
  const route = `${r.method} ${r.url}`;
  const dialect = dialectOf(r.url);
  const out: Case[] = [];
  const add = (label: string, request: InjectOptions) => out.push({ route, dialect, label, request });
  if (r.method !== 'GET' && r.method !== 'DELETE')
    for (const [label, type, payload] of brokenBodies()) add(label, { ...ok, payload, headers: { ...ok.headers, 'content-type': type } });
  for (const esc of ['%zz', '%E0%A4%A', '%']) add(`bad escape ${esc}`, { ...ok, url: badEscape(ok.url as string, esc) });
  for (const h of ['authorization', 'token', 'auth', 'x-tenant'])
    add(`NUL in header ${h}`, { ...ok, headers: { ...ok.headers, [h]: h === 'authorization' ? 'Bearer a\u0000b' : 'a\u0000b' } });
  return out;
}

/** The multipart form fields an upload route declares (its querystring schema: they may come either way), fuzzed. */
function uploadCases(r: RouteEntry, w: World): Case[] {
  const route = `${r.method} ${r.url}`;
  const dialect = dialectOf(r.url);
  const auth = { authorization: `Bearer ${w.staffToken}` };
  const fields = paramsOf(r).filter((p) => p.where === 'query');
  if (!fields.length) return []; // a file-only upload: the broken bodies of routeCases cover it
  const good = Object.fromEntries(fields.filter((p) => p.required).map((p) => [p.path[0]!, textsOf(plausible(p, w))[0]!]));
  const cases: Array<[string, Record<string, string>]> = [['field name with NUL', { ...good, 'a\u0000b': 'x' }]];
  for (const p of fields)
    for (const [label, v] of badValues(p)) if ('text' in v) cases.push([`${p.path[0]} = ${label}`, { ...good, [p.path[0]!]: v.text }]);
  return cases.map(([label, f]) => {
    const m = multipartBody(f);
    return {
      route,
      dialect,
      label: `multipart ${label}`,
      request: { method: 'POST', url: r.url, payload: m.payload, headers: { ...m.headers, ...auth } },
    };
  });
}

/** Routes the fuzz leaves out: HEAD (the GET's twin) and the console's static files (no parameters, not an API). */
const skipped = (r: RouteEntry) => r.method === 'HEAD' || /^\/(docs|admin)(\/|$)/.test(r.url);

export interface Options {
  /** Bad values per parameter (all of them when undefined). */
  perParam?: number;
  seed: number;
}

/** Every case for every route of the table. */
export function buildCases(table: readonly RouteEntry[], w: World, opts: Options): Case[] {
  const out: Case[] = [];
  let n = 0;
  for (const r of table) {
    if (skipped(r)) continue;
    const params = paramsOf(r);
    for (const p of params) {
      if (p.path[0] === 'domain' && p.where === 'params') continue; // the tenant slug: covered by bad escapes and apifm's 404
      let values = badValues(p);
      if (opts.perParam !== undefined && values.length > opts.perParam) {
        const pick = fc.sample(fc.shuffledSubarray(values, { minLength: opts.perParam, maxLength: opts.perParam }), {
          seed: opts.seed + n,
          numRuns: 1,
        })[0]!;
        values = pick;
      }
      for (const [label, v] of values) {
        const encodings: Encoding[] = opts.perParam === undefined ? ['json', 'form'] : [n % 2 ? 'form' : 'json'];
        for (const enc of p.where === 'body' ? encodings : ['json' as const]) out.push(paramCase(r, params, w, p, label, v, enc));
        n++;
      }
    }
    out.push(...routeCases(r, params, w));
    if ([(r.schema as { consumes?: string[] } | undefined)?.consumes ?? []].flat().includes('multipart/form-data'))
      out.push(...uploadCases(r, w));
  }
  return out;
}
