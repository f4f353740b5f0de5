// Opens what a process needs from its configuration: the store (PGlite or
// PostgreSQL), the cache (Redis or in-process), the logger, the services.
import pino, { type Logger } from 'pino';
import { memoryCache, redisCache, type Cache } from './cache/cache.ts';
import type { Config } from './config.ts';
import { migrate } from './db/migrate.ts';
import { openPglite, openPostgres, type Db } from './db/store.ts';
import { createServices, type Services } from './compose.ts';
import { startOrderRecovery } from './contexts/commerce/index.ts';
import { startIdempotencySweep } from './contexts/platform/index.ts';
import { startEventLoop } from './contexts/events/index.ts';

/** How often crash recovery of orders runs (it also runs once at start). */
const ORDER_RECOVERY_EVERY_MS = 60_000;

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
  // Orders half-made by a crash, expired unpaid orders, coupons of closed orders not yet given back.
  const recovery = startOrderRecovery(() => services.orders.recover(120, null), log, ORDER_RECOVERY_EVERY_MS);
  // Idempotency keys past IDEMPOTENCY_TTL_HOURS are deleted (and never replayed meanwhile).
  const sweep = startIdempotencySweep(() => services.idempotency.sweep(), log);
  // Domain events to subscribers and webhook endpoints; webhook deliveries due.
  const eventLoop = startEventLoop(() => services.events.tick(), log);
  return {
    services,
    log,
    async close() {
      await recovery.stop();
      await sweep.stop();
      await eventLoop.stop();
      await cache.close();
      await db.close();
    },
  };
}
