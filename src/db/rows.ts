// Row types come from the schema: src/db/schema.ts is generated from the
// migrations by kysely-codegen (`npm run db:types`; CI verifies it is current).
// Repositories type what a query returns with these instead of hand-written
// interfaces: `q.query<Row<'coupons'>>('SELECT * FROM coupons …')`, or
// `Pick<Row<'coupons'>, 'id' | 'code'>` for a narrower select. Rows stay inside
// repositories; what leaves a repository is a domain type.
import type { Selectable } from 'kysely';
import type { DB } from './schema.ts';

export type Table = keyof DB;
export type Row<T extends Table> = Selectable<DB[T]>;
/** A row with some columns only. */
export type RowOf<T extends Table, K extends keyof Row<T>> = Pick<Row<T>, K>;
