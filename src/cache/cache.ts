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
  /**
   * Guessing limits (contexts/platform/guesses.ts): takes a pending slot of a
   * try counter in one atomic step, only while failures + pending is under
   * `limit`. The window (of `windowSec`, on the caller's clock `nowMs`)
   * restarts with no failures once it has ended; slots not renewed for
   * `pendingSec` count as free. True when a slot was taken.
   */
  reserveTry(key: string, t: { limit: number; windowSec: number; pendingSec: number }, nowMs: number): Promise<boolean>;
  /** The failures of the counter's current window (0 once it has ended), its tries in flight, its answers so far, the window's end (null: no counter). */
  triesOf(key: string, nowMs: number): Promise<{ failures: number; pending: number; settled: number; windowEndsMs: number } | null>;
  /** Frees a slot; `wrong` counts a failure, `clear` forgets the failures. */
  settleTry(key: string, outcome: 'wrong' | 'right' | 'clear'): Promise<void>;
  close(): Promise<void>;
}

interface TryCounter {
  failures: number;
  pending: number;
  settled: number;
  windowEndsMs: number;
  pendingUntilMs: number;
  expiresAt: number;
}

/** Fixed-window limit: counts a hit and says whether it is within `limit`. */
export async function hit(cache: Cache, key: string, limit: number, windowSec: number): Promise<RateLimitResult> {
  const count = await cache.incr(key, windowSec);
  if (count <= limit) return { allowed: true, count, retryAfterSec: 0 };
  const ttl = await cache.ttl(key);
  return { allowed: false, count, retryAfterSec: Math.max(1, ttl) };
}

export function memoryCache(now: () => number = Date.now): Cache {
  const map = new Map<string, { value: string; expiresAt: number }>();
  const tries = new Map<string, TryCounter>();
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
    for (const [k, e] of tries) if (e.expiresAt <= t) tries.delete(k);
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
      tries.delete(key);
    },
    async ttl(key) {
      const e = live(key);
      return e ? Math.ceil((e.expiresAt - now()) / 1000) : -2;
    },
    async reserveTry(key, t, nowMs) {
      const e = tries.get(key);
      const failures = e && e.windowEndsMs > nowMs ? e.failures : 0;
      const pending = e && e.pendingUntilMs > nowMs ? e.pending : 0;
      if (failures + pending >= t.limit) return false;
      const windowEndsMs = e && e.windowEndsMs > nowMs ? e.windowEndsMs : nowMs + t.windowSec * 1000;
      const expiresAt = now() + Math.max(t.windowSec, t.pendingSec) * 1000;
      const settled = e?.settled ?? 0;
      tries.set(key, { failures, pending: pending + 1, settled, windowEndsMs, pendingUntilMs: nowMs + t.pendingSec * 1000, expiresAt });
      return true;
    },
    async triesOf(key, nowMs) {
      const e = tries.get(key);
      if (!e) return null;
      const failures = e.windowEndsMs > nowMs ? e.failures : 0;
      return { failures, pending: e.pendingUntilMs > nowMs ? e.pending : 0, settled: e.settled, windowEndsMs: e.windowEndsMs };
    },
    async settleTry(key, outcome) {
      const e = tries.get(key);
      if (!e) return;
      e.pending = Math.max(0, e.pending - 1);
      e.settled += 1;
      if (outcome === 'wrong') e.failures += 1;
      if (outcome === 'clear') e.failures = 0;
    },
    async close() {
      clearInterval(sweep);
      map.clear();
      tries.clear();
    },
  };
}

// INCRBY and the first-time EXPIRE in one atomic step.
const INCR_WITH_TTL = `
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
if v == tonumber(ARGV[1]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return v`;

// A try counter as a hash {f: failures, p: pending, e: window end ms, u:
// pending slots free after ms, s: answers so far}; the same rules as the memory counter and the
// database's guess_attempts, in one atomic script. ARGV: now ms, limit,
// window s, pending s. The key expires once neither window nor slots matter.
const RESERVE_TRY = `
local now = tonumber(ARGV[1])
local h = redis.call('HMGET', KEYS[1], 'f', 'p', 'e', 'u')
local e = tonumber(h[3] or '0')
local f = tonumber(h[1] or '0')
local p = tonumber(h[2] or '0')
if e <= now then f = 0; e = now + tonumber(ARGV[3]) * 1000 end
if tonumber(h[4] or '0') <= now then p = 0 end
if f + p >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'f', f, 'p', p + 1, 'e', e, 'u', now + tonumber(ARGV[4]) * 1000)
redis.call('EXPIRE', KEYS[1], math.max(tonumber(ARGV[3]), tonumber(ARGV[4])))
return 1`;

const SETTLE_TRY = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local p = tonumber(redis.call('HGET', KEYS[1], 'p') or '0')
if p > 0 then redis.call('HSET', KEYS[1], 'p', p - 1) end
redis.call('HINCRBY', KEYS[1], 's', 1)
if ARGV[1] == 'wrong' then redis.call('HINCRBY', KEYS[1], 'f', 1) end
if ARGV[1] == 'clear' then redis.call('HSET', KEYS[1], 'f', 0) end
return 1`;

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
    async reserveTry(key, t, nowMs) {
      return Number(await redis.eval(RESERVE_TRY, 1, key, nowMs, t.limit, t.windowSec, t.pendingSec)) === 1;
    },
    async triesOf(key, nowMs) {
      const [f, p, e, u, settled] = await redis.hmget(key, 'f', 'p', 'e', 'u', 's');
      if (e === null) return null;
      const failures = Number(e) > nowMs ? Number(f ?? 0) : 0;
      return { failures, pending: Number(u ?? 0) > nowMs ? Number(p ?? 0) : 0, settled: Number(settled ?? 0), windowEndsMs: Number(e) };
    },
    async settleTry(key, outcome) {
      await redis.eval(SETTLE_TRY, 1, key, outcome);
    },
    async close() {
      await redis.quit();
    },
  };
}
