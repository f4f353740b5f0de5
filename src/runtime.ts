// Opens what a process needs from its configuration: the store (PGlite or
// PostgreSQL), the cache (Redis or in-process), the logger, the services.
import pino, { type Logger } from 'pino';
import { memoryCache, redisCache, type Cache } from './cache/cache.ts';
import type { Config } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openPglite, openPostgres, type Db } from './db/store.ts';
import { createServices, type Services } from './compose.ts';
import { startJobWorker } from './contexts/platform/index.ts';
import { startEventLoop } from './contexts/events/index.ts';

export async function openStore(config: Config): Promise<Db> {
  if (config.databaseUrl) {
    return openPostgres({ url: config.databaseUrl, poolSize: config.databasePoolSize, schema: config.databaseSchema });
  }
  return openPglite({ dataDir: config.dataDir, schema: config.databaseSchema });
}

export async function openCache(config: Config): Promise<Cache> {
  return config.redisUrl ? redisCache(config.redisUrl, config.redisKeyPrefix) : memoryCache();
}

export interface Runtime {
  services: Services;
  log: Logger;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, log: Logger = pino({ level: config.logLevel })): Promise<Runtime> {
  const db = await openStore(config);
  const cache = await openCache(config);
  const applied = await migrate(db);
  if (applied.length) log.info({ applied }, 'migrations applied');
  const services = createServices({ db, cache, log, config });
  // Background work (order recovery, sweeps, code batches ...) from the job queue, shared by every process.
  const worker = startJobWorker(services.jobs, log, { pollMs: config.jobsPollMs, concurrency: config.jobsConcurrency });
  // Domain events to subscribers and webhook endpoints; webhook deliveries due.
  const eventLoop = startEventLoop(() => services.events.tick(), log);
  return {
    services,
    log,
    async close() {
      // Waits for the jobs running here (a code batch hands itself back at its next chunk).
      await worker.stop();
      await eventLoop.stop();
      await cache.close();
      await db.close();
    },
  };
}
