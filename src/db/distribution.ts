// The rules that keep the schema distributable by tenant (Citus: every tenant
// table distributed by tenant_id, a short list of reference tables), read from
// the live catalog after migrations. The CI test fails on any violation, and
// `npm run citus:ddl` prints the statements that distribute this schema.
import type { Queryable } from './store.ts';

/** At most this many tables may be platform-wide (issue 13). */
export const MAX_REFERENCE_TABLES = 6;

export interface CatalogTable {
  name: string;
  /** The table's comment; reference tables say `reference: <why>`. */
  comment: string | null;
  tenantColumn: { nullable: boolean } | null;
  keys: { name: string; kind: 'primary' | 'unique'; columns: string[] }[];
  /** Unique indexes that back no constraint (expression or partial ones). */
  uniqueIndexes: { name: string; columns: string[]; definition: string }[];
  foreignKeys: { name: string; columns: string[]; references: string; referencedColumns: string[] }[];
}

const TENANT = 'tenant_id';

/** Every base table of the current schema with its keys. */
export async function readCatalog(q: Queryable): Promise<CatalogTable[]> {
  const tables = await q.query<{ name: string; comment: string | null }>(
    `SELECT c.relname AS name, obj_description(c.oid, 'pg_class') AS comment
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname`,
  );
  const cols = await q.query<{ tbl: string; nullable: boolean }>(
    `SELECT c.relname AS tbl, NOT a.attnotnull AS nullable
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND a.attname = $1 AND NOT a.attisdropped`,
    [TENANT],
  );
  const cons = await q.query<{
    tbl: string;
    name: string;
    type: string;
    columns: string[];
    ref: string | null;
    ref_columns: string[] | null;
  }>(
    `SELECT c.relname AS tbl, k.conname AS name, k.contype AS type,
            ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS columns,
            r.relname AS ref,
            CASE WHEN k.contype = 'f' THEN ARRAY(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o)
                    JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) END AS ref_columns
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class r ON r.oid = k.confrelid
      WHERE n.nspname = current_schema() AND k.contype IN ('p', 'u', 'f') ORDER BY k.conname`,
  );
  const idx = await q.query<{ tbl: string; name: string; columns: string[]; definition: string }>(
    `SELECT c.relname AS tbl, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition,
            ARRAY(SELECT CASE WHEN u.n = 0 THEN '(expression)' ELSE a.attname::text END
                    FROM unnest(x.indkey::int2[]) WITH ORDINALITY u(n, o)
                    LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = u.n ORDER BY u.o) AS columns
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND x.indisunique
        AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u'))
      ORDER BY i.relname`,
  );
  return tables.rows.map((t) => {
    const col = cols.rows.find((c) => c.tbl === t.name);
    const mine = cons.rows.filter((c) => c.tbl === t.name);
    return {
      name: t.name,
      comment: t.comment,
      tenantColumn: col ? { nullable: col.nullable } : null,
      keys: mine
        .filter((c) => c.type !== 'f')
        .map((c) => ({ name: c.name, kind: c.type === 'p' ? ('primary' as const) : ('unique' as const), columns: c.columns })),
      uniqueIndexes: idx.rows.filter((i) => i.tbl === t.name).map(({ name, columns, definition }) => ({ name, columns, definition })),
      foreignKeys: mine
        .filter((c) => c.type === 'f')
        .map((c) => ({ name: c.name, columns: c.columns, references: c.ref!, referencedColumns: c.ref_columns ?? [] })),
    };
  });
}

export const isReference = (t: CatalogTable) => /^reference: \S/.test(t.comment ?? '');

/** What breaks the rules; empty when the schema can be distributed by tenant_id. */
export function distributionViolations(tables: CatalogTable[]): string[] {
  const out: string[] = [];
  const reference = new Set(tables.filter(isReference).map((t) => t.name));
  if (reference.size > MAX_REFERENCE_TABLES)
    out.push(`${reference.size} reference tables (at most ${MAX_REFERENCE_TABLES}): ${[...reference].join(', ')}`);
  for (const t of tables) {
    if (reference.has(t.name)) {
      for (const fk of t.foreignKeys)
        if (!reference.has(fk.references)) out.push(`${t.name}.${fk.name}: a reference table refers to tenant table ${fk.references}`);
      continue;
    }
    if (!t.tenantColumn) {
      out.push(`${t.name}: no tenant_id (and not commented 'reference: <why>')`);
      continue;
    }
    if (t.tenantColumn.nullable) out.push(`${t.name}.tenant_id is nullable`);
    if (!t.keys.some((k) => k.kind === 'primary')) out.push(`${t.name}: no primary key`);
    for (const k of t.keys)
      if (!k.columns.includes(TENANT)) out.push(`${t.name}.${k.name}: ${k.kind} key (${k.columns.join(', ')}) lacks tenant_id`);
    for (const i of t.uniqueIndexes)
      if (!i.columns.includes(TENANT)) out.push(`${t.name}.${i.name}: unique index lacks tenant_id: ${i.definition}`);
    for (const fk of t.foreignKeys) {
      if (reference.has(fk.references)) continue;
      const at = fk.columns.indexOf(TENANT);
      if (at < 0 || fk.referencedColumns[at] !== TENANT)
        out.push(
          `${t.name}.${fk.name}: foreign key (${fk.columns.join(', ')}) → ${fk.references} (${fk.referencedColumns.join(', ')}) does not pair tenant_id`,
        );
    }
  }
  return out;
}

/**
 * The Citus statements for this schema: reference tables first, then every
 * tenant table distributed by tenant_id and co-located with the first one, in
 * an order where a table's referenced tables are already distributed.
 */
export function citusDdl(tables: CatalogTable[]): string[] {
  const reference = tables.filter(isReference).map((t) => t.name);
  const tenantTables = tables.filter((t) => !isReference(t));
  const placed = new Set(reference);
  const ordered: string[] = [];
  let left = [...tenantTables];
  while (left.length) {
    const ready = left.filter((t) => t.foreignKeys.every((fk) => fk.references === t.name || placed.has(fk.references)));
    const next = ready.length ? ready : [left[0]!]; // a cycle: Citus accepts it inside one transaction
    for (const t of next) {
      ordered.push(t.name);
      placed.add(t.name);
    }
    left = left.filter((t) => !placed.has(t.name));
  }
  const anchor = ordered[0];
  return [
    '-- quan on Citus: run on the coordinator after `npm run migrate` against it.',
    'BEGIN;',
    ...reference.map((t) => `SELECT create_reference_table('${t}');`),
    ...ordered.map((t) =>
      t === anchor
        ? `SELECT create_distributed_table('${t}', 'tenant_id');`
        : `SELECT create_distributed_table('${t}', 'tenant_id', colocate_with => '${anchor}');`,
    ),
    'COMMIT;',
  ];
}
