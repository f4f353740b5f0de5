// Short-lived shared state: atomic counters, rate limits, values with a TTL.
// Redis when REDIS_URL is set (shared by all app processes), otherwise an
// in-process map that gives the same answers on a single node.
import { Redis } from 'ioredis';

export interface RateLimitResult {
  allowed: boolean;
  count: number;
  retryAfterSec: number;
}

export interface Cache {
  readonly kind: 'redis' | 'memory';
  /** Adds `by` and returns the new value; the TTL is set when the key is created. */
  incr(key: string, ttlSec: number, by?: number): Promise<number>;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSec: number): Promise<void>;
  /** Sets only when absent; true when this call set it. */
  setIfAbsent(key: string, value: string, ttlSec: number): Promise<boolean>;
  del(key: string): Promise<void>;
  ttl(key: string): Promise<number>;
  close(): Promise<void>;
}

/** Fixed-window limit: counts a hit and says whether it is within `limit`. */
export async function hit(cache: Cache, key: string, limit: number, windowSec: number): Promise<RateLimitResult> {
  const count = await cache.incr(key, windowSec);
  if (count <= limit) return { allowed: true, count, retryAfterSec: 0 };
  const ttl = await cache.ttl(key);
  return { allowed: false, count, retryAfterSec: Math.max(1, ttl) };
}

/** Whether a key has already reached `limit` (without counting a hit). */
export async function reached(cache: Cache, key: string, limit: number): Promise<RateLimitResult> {
  const v = Number((await cache.get(key)) ?? 0);
  if (v < limit) return { allowed: true, count: v, retryAfterSec: 0 };
  return { allowed: false, count: v, retryAfterSec: Math.max(1, await cache.ttl(key)) };
}

export function memoryCache(now: () => number = Date.now): Cache {
  const map = new Map<string, { value: string; expiresAt: number }>();
  const live = (key: string) => {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return e;
  };
  // Drop expired entries now and then so the map does not grow without bound.
  const sweep = setInterval(() => {
    const t = now();
    for (const [k, e] of map) if (e.expiresAt <= t) map.delete(k);
  }, 60_000);
  sweep.unref();
  return {
    kind: 'memory',
    async incr(key, ttlSec, by = 1) {
      const e = live(key);
      if (!e) {
        map.set(key, { value: String(by), expiresAt: now() + ttlSec * 1000 });
        return by;
      }
      const n = Number(e.value) + by;
      e.value = String(n);
      return n;
    },
    async get(key) {
      return live(key)?.value ?? null;
    },
    async set(key, value, ttlSec) {
      map.set(key, { value, expiresAt: now() + ttlSec * 1000 });
    },
    async setIfAbsent(key, value, ttlSec) {
      if (live(key)) return false;
      map.set(key, { value, expiresAt: now() + ttlSec * 1000 });
      return true;
    },
    async del(key) {
      map.delete(key);
    },
    async ttl(key) {
      const e = live(key);
      return e ? Math.ceil((e.expiresAt - now()) / 1000) : -2;
    },
    async close() {
      clearInterval(sweep);
      map.clear();
    },
  };
}

// INCRBY and the first-time EXPIRE in one atomic step.
const INCR_WITH_TTL = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return v`;

export async function redisCache(url: string, prefix = 'quan:'): Promise<Cache> {
  const redis = new Redis(url, { keyPrefix: prefix, lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  return {
    kind: 'redis',
    async incr(key, ttlSec, by = 1) {
      return Number(await redis.eval(INCR_WITH_TTL, 1, key, by, ttlSec));
    },
    async get(key) {
      return redis.get(key);
    },
    async set(key, value, ttlSec) {
      await redis.set(key, value, 'EX', ttlSec);
    },
    async setIfAbsent(key, value, ttlSec) {
      return (await redis.set(key, value, 'EX', ttlSec, 'NX')) === 'OK';
    },
    async del(key) {
      await redis.del(key);
    },
    async ttl(key) {
      return redis.ttl(key);
    },
    async close() {
      await redis.quit();
    },
  };
}
