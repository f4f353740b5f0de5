// A short in-process cache of token → principal that keeps the hot paths off
// the session tables, without delaying a revocation in any process. Every
// revocation (logout, a new password, disabling, a change of role or stores,
// a revoked API key) writes a new revocation mark into deps.cache once it has
// committed; a cached principal counts only while the mark it was cached under
// is still the current one. The mark is read before the session row, so a
// principal loaded just before a revocation is stored under the old mark and
// never served after it.
//
// So the cache is on only where the mark is seen by every process at once:
// with Redis (one mark for all processes) or on PGlite (one process). On
// PostgreSQL without Redis, every request reads its session row by the
// token's digest (a unique index), and a revocation counts from its commit.
import crypto from 'node:crypto';
import type { Deps } from '../../kernel/deps.ts';

const CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;
// The mark outlives any cached entry by far; when it expires, entries cached under it stop counting too.
const MARK_TTL_SEC = 7 * 86_400;

export type SessionKind = 'staff' | 'consumer';

const markKey = (kind: SessionKind) => `sessions-revoked:${kind}`;
const cacheable = (deps: Deps) => deps.cache.kind === 'redis' || deps.db.kind === 'pglite';

/** After a revocation of `kind` sessions has committed: no process serves a cached principal of that kind from before. */
export async function sessionsRevoked(deps: Deps, kind: SessionKind): Promise<void> {
  if (cacheable(deps)) await deps.cache.set(markKey(kind), crypto.randomBytes(12).toString('base64url'), MARK_TTL_SEC);
}

export function principalCache<P>(deps: Deps, kind: SessionKind) {
  const on = cacheable(deps);
  const entries = new Map<string, { p: P; mark: string | null; until: number }>();
  return {
    /** The principal of `token`: from the cache while no revocation has happened since, else from `load`. */
    async get(token: string, load: () => Promise<P | null>, accept: (p: P) => boolean = () => true): Promise<P | null> {
      if (!on) return load();
      const mark = await deps.cache.get(markKey(kind));
      const e = entries.get(token);
      if (e && e.mark === mark && e.until > Date.now() && accept(e.p)) return e.p;
      const p = await load();
      if (!p) {
        entries.delete(token);
        return null;
      }
      if (entries.size >= MAX_ENTRIES) entries.clear();
      entries.set(token, { p, mark, until: Date.now() + CACHE_MS });
      return p;
    },
    revoked: () => sessionsRevoked(deps, kind),
  };
}
