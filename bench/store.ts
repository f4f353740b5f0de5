// Where a bench server keeps its data: PGlite in a fresh temp folder by default;
// DATABASE_URL (a fresh schema, dropped at the end) and REDIS_URL (a fresh key
// prefix, deleted at the end) when set. Only this machine is ever used.
import fs from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { tempDataDir } from '../test/helpers/server.ts';
import { cleanups } from './processes.ts';

function assertLoopback(raw: string, name: string): void {
  const host = new URL(raw).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    throw new Error(`${name} must point at this machine (127.0.0.1), got host "${host}"`);
  }
}

/**
 * A fresh store for one quan server (one run); `run` tells the stores of one bench apart.
 * Each registers the cleanup that drops it.
 */
export function chooseStore(run = ''): { label: string; env: Record<string, string>; postgres: boolean } {
  const databaseUrl = process.env.DATABASE_URL || null;
  const redisUrl = process.env.REDIS_URL || null;
  const tag = `${process.pid}_${Date.now().toString(36)}${run ? `_${run}` : ''}`;
  const env: Record<string, string> = {};
  if (databaseUrl) {
    assertLoopback(databaseUrl, 'DATABASE_URL');
    const schema = `quan_bench_${tag}`;
    env.DATABASE_URL = databaseUrl;
    env.DATABASE_SCHEMA = schema;
    if (process.env.DATABASE_POOL_SIZE) env.DATABASE_POOL_SIZE = process.env.DATABASE_POOL_SIZE;
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    });
  } else {
    const dataDir = tempDataDir();
    env.DATA_DIR = dataDir;
    cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  }
  if (redisUrl) {
    assertLoopback(redisUrl, 'REDIS_URL');
    const prefix = `quan-bench-${tag}:`;
    env.REDIS_URL = redisUrl;
    env.REDIS_KEY_PREFIX = prefix;
    cleanups.push(async () => {
      const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
      await redis.connect();
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    });
  }
  const label = databaseUrl ? (redisUrl ? 'postgres+redis' : 'postgres') : redisUrl ? 'pglite+redis' : 'pglite';
  return { label, env, postgres: databaseUrl !== null };
}
