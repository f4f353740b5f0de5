// Shared schema pieces of the native API (TypeBox: JSON Schema + static types).
import { Type, type TSchema } from '@sinclair/typebox';

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
export const errors = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [c, ProblemRef])) as Record<number, typeof ProblemRef>;

export const Money = Type.String({ pattern: '^\\d{1,13}(\\.\\d{1,2})?$', description: 'decimal amount, e.g. "10.00"', examples: ['10.00'] });
export const Id = Type.Integer({ minimum: 1 });
export const IdParams = Type.Object({ id: Id });
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 20 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), total: Type.Integer() });

export function pageOf(q: { limit?: number; offset?: number }) {
  return { limit: q.limit ?? 20, offset: q.offset ?? 0 };
}
