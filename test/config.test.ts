import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.dataDir).toBe('./data');
    expect(c.databaseUrl).toBeNull();
    expect(c.redisUrl).toBeNull();
    expect([c.jobsPollMs, c.jobsConcurrency, c.jobsLeaseMs, c.jobsTestKind]).toEqual([1000, 4, 60_000, false]);
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must use postgres/],
    ['DATABASE_URL', 'not a url', /DATABASE_URL must be a URL/],
    ['REDIS_URL', 'http://x', /REDIS_URL must use redis/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
    ['ADMIN_PASSWORD', 'short', /ADMIN_PASSWORD must be at least 8/],
    ['SESSION_TTL_HOURS', '0', /SESSION_TTL_HOURS must be between/],
    ['JOBS_POLL_MS', '5', /JOBS_POLL_MS must be between/],
    ['JOBS_LEASE_MS', '2000', /JOBS_LEASE_MS must be at least 3 × JOBS_POLL_MS \(3000\)/],
  ])('refuses %s=%s with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
});
