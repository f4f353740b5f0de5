// Shared schema pieces of the native API (TypeBox: JSON Schema + static types).
import { Kind, Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
  },
  { $id: 'Problem', additionalProperties: true, description: 'application/problem+json' },
);

export const ProblemRef = Type.Ref('Problem');

/** Standard error responses for a route's schema. */
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, ProblemRef])) as Record<number, typeof ProblemRef>;

export const Money = Type.String({
  pattern: '^\\d{1,13}(\\.\\d{1,2})?$',
  description: 'decimal amount, e.g. "10.00"',
  examples: ['10.00'],
});
export const Id = Type.Integer({ minimum: 1 });
export const IdParams = Type.Object({ id: Id });
// With type coercion on, ajv tries anyOf branches in order and coerces to fit:
// `anyOf [string, null]` turns a JSON null into "" and `anyOf [null, string]`
// turns "" into null. A type list (`type: ["string", "null"]`) keeps a value
// that already fits either type as it is, so use it for single-typed schemas.
export const Nullable = <T extends TSchema>(t: T): TUnsafe<Static<T> | null> => {
  const { [Kind]: _kind, ...schema } = t as TSchema & { type?: unknown };
  if (typeof schema.type === 'string') return Type.Unsafe<Static<T> | null>({ ...schema, type: [schema.type, 'null'] });
  return Type.Unsafe<Static<T> | null>(Type.Union([Type.Null(), t]));
};

// Lists take limit/offset, or page/pageSize (native-api.md); page wins when given.
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
  page: Type.Optional(Type.Integer({ minimum: 1, description: '1-based page number; with pageSize instead of limit/offset' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
};

export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() });

export function pageOf(q: { limit?: number; offset?: number; page?: number; pageSize?: number }) {
  const limit = q.pageSize ?? q.limit ?? 20;
  return { limit, offset: q.page !== undefined ? (q.page - 1) * limit : (q.offset ?? 0) };
}
