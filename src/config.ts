// Configuration comes from the environment only, validated once at start: a
// bad value stops the process with a message that names the variable.

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
  return {
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
  };
}
