// Bounds for every request schema, added once when a route is declared (the
// app's onRoute hook), so a route written tomorrow gets them too: an integer
// or number without a maximum passes `9223372036854775808`, `1e40` or
// `Infinity` through ajv and fails in SQL. The bound follows the parameter's
// name when the schema sets none:
//   ids (`id`, `…Id`, `…Ids`, `…No`)   0 … 2^53−1 (bigint columns, exact in JS)
//   epoch-millisecond times (`…Time`)  1970 … 9999-12-31
//   any other integer                  ±(2^31−1) (integer columns)
//   any other number                   ±1e15
// and a string without maxLength gets MAX_TEXT. A schema's own bounds win.

export const MAX_ID = Number.MAX_SAFE_INTEGER;
/** 9999-12-31T23:59:59.999Z in epoch milliseconds. */
export const MAX_TIME_MS = 253_402_300_799_999;
export const MAX_INT = 2_147_483_647;
export const MAX_NUMBER = 1e15;
/** The longest string a schema accepts unless it says otherwise (rich texts declare their own). */
export const MAX_TEXT = 20_000;

type Json = Record<string | symbol, unknown>;

const ID_NAME = /^(id|ids)$|[a-z0-9](Id|Ids|No|Nos)$|_id$/;
const TIME_NAME = /^(time|timestamp)$|[a-z](Time|Timestamp|Ms)$/;

export type NumberRule = { minimum: number; maximum: number };

/** The bounds a numeric parameter of this name gets when its schema sets none. */
export function boundsFor(name: string, type: 'integer' | 'number'): NumberRule {
  if (ID_NAME.test(name)) return { minimum: 0, maximum: MAX_ID };
  if (TIME_NAME.test(name)) return { minimum: 0, maximum: MAX_TIME_MS };
  return type === 'integer' ? { minimum: -MAX_INT, maximum: MAX_INT } : { minimum: -MAX_NUMBER, maximum: MAX_NUMBER };
}

const typesOf = (s: Json): string[] => (Array.isArray(s.type) ? (s.type as string[]) : typeof s.type === 'string' ? [s.type] : []);

function boundNumber(s: Json, name: string, type: 'integer' | 'number') {
  const b = boundsFor(name, type);
  if (s.maximum === undefined && s.exclusiveMaximum === undefined) s.maximum = b.maximum;
  if (s.minimum === undefined && s.exclusiveMinimum === undefined) s.minimum = b.minimum;
}

/** A deep copy of plain objects and arrays (symbol keys too: TypeBox marks its schemas with them). */
function copy<T>(v: T): T {
  if (Array.isArray(v)) return v.map(copy) as T;
  if (!v || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Json = {};
  for (const k of Reflect.ownKeys(v as object)) out[k] = copy((v as Json)[k]);
  return out as T;
}

function walk(s: unknown, name: string): void {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return;
  const node = s as Json;
  if (typeof node.$ref === 'string') return;
  const types = typesOf(node);
  if (types.includes('integer')) boundNumber(node, name, 'integer');
  else if (types.includes('number')) boundNumber(node, name, 'number');
  if (types.includes('string') && node.maxLength === undefined && node.enum === undefined && node.const === undefined) {
    node.maxLength = MAX_TEXT;
  }
  const props = node.properties as Json | undefined;
  if (props && typeof props === 'object') for (const [k, p] of Object.entries(props)) walk(p, k);
  if (node.patternProperties && typeof node.patternProperties === 'object') {
    for (const p of Object.values(node.patternProperties as Json)) walk(p, name);
  }
  if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties, name);
  if (Array.isArray(node.items)) node.items.forEach((i) => walk(i, name));
  else if (node.items) walk(node.items, name);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches)) branches.forEach((b) => walk(b, name));
  }
}

/** The request parts of a route schema, copied and bounded; the response schemas are left as they are. */
export function hardenSchema<S extends Record<string, unknown> | undefined>(schema: S): S {
  if (!schema) return schema;
  const out: Record<string, unknown> = { ...schema };
  for (const part of ['querystring', 'body', 'params', 'headers'] as const) {
    if (out[part] === undefined) continue;
    const c = copy(out[part]);
    walk(c, '');
    out[part] = c;
  }
  return out as S;
}
