// The store: one small interface over two real PostgreSQL engines. PGlite
// (embedded, in process) for trying quan and small single-machine use;
// node-postgres with a pool for production, shared by many app processes.
// Services speak SQL through `Queryable` and own their transactions via `tx`.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { runBeforeCommit } from './commit-scope.ts';
import type { ErrorCode, Result } from '../kernel/result.ts';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<R>>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction (READ COMMITTED); rolls back when it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs a use-case in one transaction that commits only when it returns ok:
   * an expected failure rolls everything back and is returned as it is.
   * Unexpected errors are thrown (and roll back) as with tx.
   */
  txResult<T, C extends ErrorCode>(fn: (q: Queryable) => Promise<Result<T, C>>): Promise<Result<T, C>>;
  /** Runs a multi-statement script (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

// bigint ids and fen fit in a double well below 2^53; numeric stays a string.
const INT8 = 20;
pg.types.setTypeParser(INT8, (v) => Number(v));

export interface PostgresOptions {
  url: string;
  poolSize?: number;
  schema?: string | null;
}

export async function openPostgres(opts: PostgresOptions): Promise<Db> {
  if (opts.schema) {
    // Create the schema with a throwaway client so the pool can pin search_path.
    const c = new pg.Client({ connectionString: opts.url });
    await c.connect();
    try {
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}`);
    } finally {
      await c.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize ?? 20,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const query = async <R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> => {
    const r = await pool.query(sql, params as unknown[]);
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };
  async function pgTx<T>(fn: (q: Queryable) => Promise<T>, commits: (out: T) => boolean): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const q: Queryable = {
        async query<R>(sql: string, params?: unknown[]) {
          const r = await client.query(sql, params as unknown[]);
          return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
        },
      };
      const out = await fn(q);
      if (!commits(out)) {
        await client.query('ROLLBACK');
        return out;
      }
      await runBeforeCommit(q);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }
  return {
    kind: 'postgres',
    query,
    tx: (fn) => pgTx(fn, () => true),
    txResult: (fn) => pgTx(fn, (out) => out.ok),
    async exec(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end();
    },
  };
}

export interface PgliteOptions {
  /** A folder for the data; null keeps everything in memory. */
  dataDir: string | null;
  schema?: string | null;
  /** Reuse an already booted instance (tests share one per worker). */
  instance?: PGlite;
}

export async function bootPglite(dataDir: string | null): Promise<PGlite> {
  if (dataDir) fs.mkdirSync(path.resolve(dataDir), { recursive: true });
  const db = new PGlite(dataDir ? path.resolve(dataDir, 'pg') : undefined, {
    parsers: { [INT8]: (v: string) => Number(v) },
  });
  await db.waitReady;
  return db;
}

export async function openPglite(opts: PgliteOptions): Promise<Db> {
  const owned = !opts.instance;
  const db = opts.instance ?? (await bootPglite(opts.dataDir));
  if (opts.schema) {
    await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}; SET search_path TO ${quoteIdent(opts.schema)}`);
  }
  const wrap = (q: { query: PGlite['query'] }): Queryable => ({
    async query<R>(sql: string, params?: unknown[]) {
      const r = await q.query<R>(sql, params);
      // PGlite reports affectedRows 0 for a SELECT: count the rows when rows come back.
      return { rows: r.rows, rowCount: r.fields.length > 0 ? r.rows.length : (r.affectedRows ?? 0) };
    },
  });
  const base = wrap(db);
  const pgliteTx = <T>(fn: (q: Queryable) => Promise<T>, commits: (out: T) => boolean): Promise<T> =>
    db.transaction(async (t) => {
      const q = wrap(t);
      const out = await fn(q);
      if (!commits(out)) {
        await t.rollback();
        return out;
      }
      await runBeforeCommit(q);
      return out;
    });
  return {
    kind: 'pglite',
    query: base.query,
    tx: (fn) => pgliteTx(fn, () => true),
    txResult: (fn) => pgliteTx(fn, (out) => out.ok),
    async exec(sql) {
      await db.exec(sql);
    },
    async close() {
      if (owned) await db.close();
    },
  };
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Postgres error codes the services treat as expected outcomes. */
export const PgCode = {
  uniqueViolation: '23505',
  checkViolation: '23514',
  foreignKeyViolation: '23503',
} as const;

export function pgErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}
