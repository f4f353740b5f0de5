// Configuration comes from the environment only, validated once at start: a
// bad value stops the process with a message that names the variable.
import net from 'node:net';
import { isOrigin, normalizeOrigin } from './kernel/origin.ts';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | null;
  databasePoolSize: number;
  databaseSchema: string | null;
  redisUrl: string | null;
  redisKeyPrefix: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  adminPassword: string | null;
  demoPassword: string | null;
  sessionTtlHours: number;
  publicUrl: string | null;
  uploadDir: string | null;
  qrSecret: string | null;
  /** Which proxies' X-Forwarded-For to believe: false (none), a hop count, or addresses / CIDR ranges. */
  trustProxy: false | number | string[];
  /** Bearer token for GET /metrics; without one, /metrics answers only direct loopback callers. */
  metricsToken: string | null;
  /** Origins every tenant's browser clients may call from (CORS), besides each tenant's own `corsOrigins`. */
  corsOrigins: string[];
  /** Send Strict-Transport-Security (only when every client reaches quan over HTTPS). */
  hsts: boolean;
  /** How long a stored Idempotency-Key answer is replayed before it is forgotten. */
  idempotencyTtlHours: number;
  /** The job worker: how often it polls, how many jobs one process runs at once, how long a claim's lease lasts unrenewed. */
  jobsPollMs: number;
  jobsConcurrency: number;
  jobsLeaseMs: number;
  /** Test only (JOBS_TEST_KIND=1): registers the 'platform.test_run' kind the cross-process job test queues. */
  jobsTestKind: boolean;
  /** A claim batch waits this long for more claims before it starts (group commit; 0: starts at once). */
  claimBatchGatherMs: number;
  /** App processes `npm start` runs (node cluster, one port); more than one needs PostgreSQL. */
  workers: number;
  /** Webhook endpoints may point at loopback / private addresses (default: only outside production). */
  webhooksAllowPrivate: boolean;
  /** How long a webhook receiver has to answer one delivery. */
  webhooksTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`invalid configuration: ${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function urlVar(env: Env, name: string, protocols: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')}), got "${raw}"`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${url.protocol}"`);
  }
  return raw;
}

function passwordVar(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (raw.length < 8) throw new ConfigError(name, 'must be at least 8 characters');
  return raw;
}

/** proxy-addr's names for address ranges, accepted in TRUST_PROXY beside addresses and CIDR ranges. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrRange(s: string): boolean {
  if (PROXY_RANGE_NAMES.includes(s)) return true;
  const [addr, bits, more] = s.split('/');
  const family = net.isIP(addr ?? '');
  if (!family || more !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

// Trusting every hop (Fastify's `true`) would let any client choose its own address, and with it lift every per-IP limit.
function trustProxyVar(env: Env): Config['trustProxy'] {
  const raw = (env.TRUST_PROXY ?? '').trim();
  if (raw === '' || raw === 'false' || raw === '0') return false;
  if (/^\d+$/.test(raw)) return intVar(env, 'TRUST_PROXY', 0, 1, 10);
  const list = raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const bad = list.find((x) => !isAddressOrRange(x));
  if (bad !== undefined || !list.length) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be a hop count (1-10) or a comma list of proxy addresses / CIDR ranges (or loopback, linklocal, uniquelocal), got "${bad ?? raw}"`,
    );
  }
  return list;
}

function originsVar(env: Env, name: string): string[] {
  const list = (env[name] ?? '').split(',').map(normalizeOrigin).filter(Boolean);
  for (const o of list) {
    if (!isOrigin(o)) throw new ConfigError(name, `must be a comma list of origins like https://shop.example.com, got "${o}"`);
  }
  return list;
}

function boolVar(env: Env, name: string, def = false): boolean {
  const raw = (env[name] ?? '').trim().toLowerCase();
  if (raw === '') return def;
  if (raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function tokenVar(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (raw.length < 16 || /\s/.test(raw)) throw new ConfigError(name, 'must be at least 16 characters without spaces');
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export function loadConfig(env: Env = process.env): Config {
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  }
  const schema = env.DATABASE_SCHEMA || null;
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('DATABASE_SCHEMA', `must be a lower-case SQL identifier, got "${schema}"`);
  }
  const qrSecret = env.QR_SECRET || null;
  if (qrSecret !== null && qrSecret.length < 16) throw new ConfigError('QR_SECRET', 'must be at least 16 characters');
  const config: Config = {
    port: intVar(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: env.DATA_DIR || './data',
    databaseUrl: urlVar(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: intVar(env, 'DATABASE_POOL_SIZE', 20, 1, 1000),
    databaseSchema: schema,
    redisUrl: urlVar(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: env.REDIS_KEY_PREFIX || 'quan:',
    logLevel,
    adminPassword: passwordVar(env, 'ADMIN_PASSWORD'),
    demoPassword: passwordVar(env, 'DEMO_PASSWORD'),
    sessionTtlHours: intVar(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 90),
    publicUrl: urlVar(env, 'PUBLIC_URL', ['http:', 'https:']),
    uploadDir: env.UPLOAD_DIR || null,
    qrSecret,
    trustProxy: trustProxyVar(env),
    metricsToken: tokenVar(env, 'METRICS_TOKEN'),
    corsOrigins: originsVar(env, 'CORS_ORIGINS'),
    hsts: boolVar(env, 'HSTS'),
    idempotencyTtlHours: intVar(env, 'IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 30),
    jobsPollMs: intVar(env, 'JOBS_POLL_MS', 1000, 10, 60_000),
    jobsConcurrency: intVar(env, 'JOBS_CONCURRENCY', 4, 1, 64),
    jobsLeaseMs: intVar(env, 'JOBS_LEASE_MS', 60_000, 1000, 3_600_000),
    jobsTestKind: boolVar(env, 'JOBS_TEST_KIND'),
    workers: intVar(env, 'WORKERS', 1, 1, 64),
    claimBatchGatherMs: intVar(env, 'CLAIM_BATCH_GATHER_MS', 0, 0, 1000),
    // A merchant's webhook must not reach into quan's own network; tests and development deliver to 127.0.0.1.
    webhooksAllowPrivate: boolVar(env, 'WEBHOOKS_ALLOW_PRIVATE', env.NODE_ENV !== 'production'),
    webhooksTimeoutMs: intVar(env, 'WEBHOOKS_TIMEOUT_MS', 10_000, 100, 60_000),
  };
  // A running job's lease is renewed once per poll: it must outlast a few of them.
  if (config.jobsLeaseMs < 3 * config.jobsPollMs) {
    throw new ConfigError('JOBS_LEASE_MS', `must be at least 3 × JOBS_POLL_MS (${3 * config.jobsPollMs}), got ${config.jobsLeaseMs}`);
  }
  return config;
}
