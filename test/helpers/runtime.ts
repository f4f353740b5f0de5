// Test runtime: the real stores, shared sensibly. PGlite boots once per test
// worker and each test file gets its own schema; with TEST_DATABASE_URL /
// TEST_REDIS_URL the same suites run on the machine's PostgreSQL and Redis,
// each file in its own schema / key prefix so runs never collide.
import crypto from 'node:crypto';
import pino from 'pino';
import type { PGlite } from '@electric-sql/pglite';
import type { FastifyInstance } from 'fastify';
import { memoryCache, redisCache } from '../../src/cache/cache.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { migrate, type Migration } from '../../src/db/migrate.ts';
import { bootPglite, openPglite, openPostgres, quoteIdent, type Db } from '../../src/db/store.ts';
import { buildApp } from '../../src/http/app.ts';
import { createServices, type Services } from '../../src/compose.ts';

const g = globalThis as { __quanPglite?: Promise<PGlite> };

export const usingPostgres = !!process.env.TEST_DATABASE_URL;
export const usingRedis = !!process.env.TEST_REDIS_URL;

export function uniqueName(prefix = 't'): string {
  return `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
}

export interface TestDb {
  db: Db;
  schema: string;
  drop(): Promise<void>;
}

/** A fresh schema; `migrations` applies a prefix only (the migration tests start at an older schema). */
export async function openTestDb(migrations?: Migration[]): Promise<TestDb> {
  const schema = uniqueName('qt');
  if (usingPostgres) {
    const db = await openPostgres({ url: process.env.TEST_DATABASE_URL!, schema, poolSize: 30 });
    await migrate(db, migrations);
    return {
      db,
      schema,
      async drop() {
        await db.exec(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
        await db.close();
      },
    };
  }
  g.__quanPglite ??= bootPglite(null);
  const instance = await g.__quanPglite;
  const db = await openPglite({ dataDir: null, instance, schema });
  await migrate(db, migrations);
  return {
    db,
    schema,
    async drop() {
      await instance.exec(`DROP SCHEMA ${quoteIdent(schema)} CASCADE; SET search_path TO public`);
    },
  };
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }), ...overrides };
}

export interface TestRuntime {
  services: Services;
  app: FastifyInstance;
  db: Db;
  schema: string;
  close(): Promise<void>;
}

export async function openTestRuntime(overrides: Partial<Config> = {}): Promise<TestRuntime> {
  const tdb = await openTestDb();
  const config = testConfig(overrides);
  const cache = usingRedis ? await redisCache(process.env.TEST_REDIS_URL!, `${uniqueName('qt')}:`) : memoryCache();
  const log = pino({ level: config.logLevel });
  const services = createServices({ db: tdb.db, cache, log, config });
  const app = await buildApp({ services });
  await app.ready();
  return {
    services,
    app,
    db: tdb.db,
    schema: tdb.schema,
    async close() {
      await app.close();
      await cache.close();
      await tdb.drop();
    },
  };
}

/** Drops a schema a child server made on the suite's PostgreSQL. */
export async function dropPostgresSchema(schema: string): Promise<void> {
  if (!usingPostgres) return;
  const db = await openPostgres({ url: process.env.TEST_DATABASE_URL!, poolSize: 1 });
  await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await db.close();
}
