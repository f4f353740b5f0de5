// The guessing limiter on each of its stores (the database, and Redis when
// TEST_REDIS_URL is set), on a controllable clock: parallel wrong tries never
// get more comparisons than the limit, tries in flight are not failures (a
// burst of right ones all pass), a right answer clears the account, a refusal
// on a later counter gives the earlier ones back, the window and abandoned
// tries expire on deps.now. No sleeping: time moves by setting the clock.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCache, redisCache, type Cache } from '../../../src/cache/cache.ts';
import type { Deps } from '../../../src/kernel/deps.ts';
import { guessLimiter, type GuessLimit, type GuessLimiter } from '../../../src/contexts/platform/index.ts';
import { openTestDb, testConfig, uniqueName, usingRedis, type TestDb } from '../../helpers/runtime.ts';

let tdb: TestDb;
const caches: Cache[] = [];
let clock = new Date('2030-01-01T00:00:00Z');
const advance = (sec: number) => (clock = new Date(clock.getTime() + sec * 1000));

beforeAll(async () => {
  tdb = await openTestDb();
});
afterAll(async () => {
  for (const c of caches) await c.close();
  await tdb?.drop();
});

const stores: Array<[string, () => Promise<Cache>]> = [['database', async () => memoryCache()]];
if (usingRedis) stores.push(['Redis', () => redisCache(process.env.TEST_REDIS_URL!, `${uniqueName('qg')}:`)]);

let seq = 0;
const limitOf = (limit: number, windowSec = 600, tenantId = 7): GuessLimit => ({ tenantId, key: `test:${++seq}`, limit, windowSec });

/** N parallel tries that all turn out wrong: how many were compared, and how many refused. */
async function wrongBurst(g: GuessLimiter, limits: GuessLimit[], n: number) {
  let compared = 0;
  const rs = await Promise.all(
    Array.from({ length: n }, async () => {
      const t = await g.reserve(limits);
      if (!t.allowed) return 'refused';
      compared++;
      await new Promise((r) => setImmediate(r)); // the comparison takes a moment
      await t.wrong();
      return 'wrong';
    }),
  );
  return { compared, refused: rs.filter((r) => r === 'refused').length };
}

describe.each(stores)('the guessing limiter on %s', (store, openCache) => {
  let g: GuessLimiter;
  let deps: Deps;
  beforeAll(async () => {
    const cache = await openCache();
    caches.push(cache);
    deps = { db: tdb.db, cache, log: pino({ level: 'silent' }), config: testConfig(), now: () => clock };
    g = guessLimiter(deps);
    expect(cache.kind).toBe(store === 'Redis' ? 'redis' : 'memory');
  });

  it('40 parallel wrong tries with a limit of 5: exactly 5 compared, 35 refused; then even a right one is refused until the window ends', async () => {
    const l = limitOf(5, 600);
    expect(await wrongBurst(g, [l], 40)).toEqual({ compared: 5, refused: 35 });
    const locked = await g.reserve([l]);
    expect(locked.allowed).toBe(false);
    if (!locked.allowed) expect(locked.retryAfterSec).toBe(600);
    advance(599);
    const still = await g.reserve([l]);
    expect(still).toEqual({ allowed: false, retryAfterSec: 1 });
    advance(1);
    const next = await g.reserve([l]);
    expect(next.allowed).toBe(true);
    if (next.allowed) await next.right();
  });

  it('tries in flight are not failures: 30 parallel right answers with a limit of 5 all pass', async () => {
    const l = limitOf(5);
    const rs = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const t = await g.reserve([l]);
        if (!t.allowed) return false;
        await new Promise((r) => setImmediate(r));
        await t.right();
        return true;
      }),
    );
    expect(rs.filter(Boolean)).toHaveLength(30);
    // ...and they left no failure behind
    expect(await wrongBurst(g, [l], 10)).toEqual({ compared: 5, refused: 5 });
  });

  it('a right answer clears the failures of the counters named, and only gives the others their try back', async () => {
    const account = limitOf(5);
    const perIp = limitOf(20);
    expect(await wrongBurst(g, [account, perIp], 4)).toEqual({ compared: 4, refused: 0 });
    const t = await g.reserve([account, perIp]);
    expect(t.allowed).toBe(true);
    if (t.allowed) await t.right([account]);
    // the account starts again (5 more), the IP kept its 4 failures: 16 more there
    expect(await wrongBurst(g, [account, perIp], 8)).toEqual({ compared: 5, refused: 3 });
    expect(await wrongBurst(g, [limitOf(5), perIp], 20)).toEqual({ compared: 5, refused: 15 });
    expect(await wrongBurst(g, [limitOf(50), perIp], 20)).toEqual({ compared: 6, refused: 14 });
  });

  it('a refusal on a later counter gives the earlier ones their tries back', async () => {
    const user = limitOf(10);
    const code = limitOf(3);
    expect(await wrongBurst(g, [user, code], 20)).toEqual({ compared: 3, refused: 17 });
    // the user's counter holds the 3 failures only: 7 more on another code
    expect(await wrongBurst(g, [user, limitOf(100)], 20)).toEqual({ compared: 7, refused: 13 });
  });

  it('counters are per tenant', async () => {
    const a = limitOf(2, 600, 1);
    const b = { ...a, tenantId: 2 };
    expect(await wrongBurst(g, [a], 5)).toEqual({ compared: 2, refused: 3 });
    expect(await wrongBurst(g, [b], 5)).toEqual({ compared: 2, refused: 3 });
  });

  it('the tries of a process that died mid-compare: a try is refused once nothing moves, and they free their slots after the pending time', async () => {
    const l = limitOf(3);
    for (let i = 0; i < 3; i++) expect((await g.reserve([l])).allowed).toBe(true); // never settled
    expect(await g.reserve([l])).toEqual({ allowed: false, retryAfterSec: 1 });
    advance(31);
    const t = await g.reserve([l]);
    expect(t.allowed).toBe(true);
    if (t.allowed) await t.wrong();
    expect(await wrongBurst(g, [l], 5)).toEqual({ compared: 2, refused: 3 });
  });

  it('keys made of long or odd input (100 kB, a NUL) are counters like any other', async () => {
    for (const key of ['x'.repeat(100_000), 'a\u0000b', ' 名字 ']) {
      const l = { tenantId: 0, key, limit: 2, windowSec: 60 };
      expect(await wrongBurst(g, [l], 4)).toEqual({ compared: 2, refused: 2 });
    }
  });
});

describe('the guessing limiter on the database', () => {
  it('restarts a window in the table on deps.now, and sweeps nothing that still counts', async () => {
    const deps: Deps = { db: tdb.db, cache: memoryCache(), log: pino({ level: 'silent' }), config: testConfig(), now: () => clock };
    caches.push(deps.cache);
    const g = guessLimiter(deps);
    const l = limitOf(2, 60, 9);
    expect(await wrongBurst(g, [l], 3)).toEqual({ compared: 2, refused: 1 });
    const row = async () =>
      (
        await tdb.db.query<{ failures: number; pending: number }>(
          'SELECT failures, pending FROM guess_attempts WHERE tenant_id = 9 AND key = $1',
          [l.key],
        )
      ).rows[0];
    expect(await row()).toEqual({ failures: 2, pending: 0 });
    advance(60);
    expect(await wrongBurst(g, [l], 3)).toEqual({ compared: 2, refused: 1 });
    expect(await row()).toEqual({ failures: 2, pending: 0 });
  });
});

describe('the in-process try counter of the memory cache (the same rules, for a single node)', () => {
  it('takes slots only under the limit, counts wrong answers, restarts the window and frees stale slots on the given clock', async () => {
    const c = memoryCache();
    caches.push(c);
    const t = { limit: 2, windowSec: 60, pendingSec: 30 };
    const at = Date.parse('2030-01-01T00:00:00Z');
    expect(await Promise.all([1, 2, 3].map(() => c.reserveTry('k', t, at)))).toEqual([true, true, false]);
    await c.settleTry('k', 'wrong');
    await c.settleTry('k', 'right');
    expect(await c.triesOf('k', at)).toEqual({ failures: 1, pending: 0, settled: 2, windowEndsMs: at + 60_000 });
    expect(await c.reserveTry('k', t, at)).toBe(true);
    await c.settleTry('k', 'wrong');
    expect(await c.reserveTry('k', t, at + 59_000)).toBe(false);
    expect(await c.reserveTry('k', t, at + 60_000)).toBe(true);
    expect(await c.reserveTry('k', t, at + 60_000)).toBe(true);
    expect(await c.reserveTry('k', t, at + 60_000)).toBe(false);
    expect(await c.reserveTry('k', t, at + 90_000)).toBe(true); // the two never settled are stale
    await c.settleTry('k', 'clear');
    expect(await c.triesOf('k', at + 90_000)).toEqual({ failures: 0, pending: 0, settled: 4, windowEndsMs: at + 120_000 });
  });
});
