// `npm start` with WORKERS=N: N app processes behind one port on PostgreSQL;
// on PGlite one process that says why. Real processes, real signals.
import { afterAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema, uniqueName, usingPostgres } from './helpers/runtime.ts';
import { startServer, storeEnv, type ServerProcess } from './helpers/server.ts';

const schema = uniqueName('qw');
const started: ServerProcess[] = [];
afterAll(async () => {
  for (const s of started) await s.stop();
  if (usingPostgres) await dropPostgresSchema(schema);
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, get: () => T | null | undefined | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const env = { ...storeEnv({ schema }), WORKERS: '2', ADMIN_PASSWORD: 'admin-pass-123', DEMO_PASSWORD: 'demo-pass-123', LOG_LEVEL: 'error' };

describe.runIf(!usingPostgres)('WORKERS=2 on PGlite', () => {
  it('runs one process and says why', async () => {
    const s = await startServer(env);
    started.push(s);
    expect(s.output()).toMatch(/WORKERS=2 ignored: the embedded PGlite store is owned by one process/);
    expect(s.output()).not.toMatch(/workers\s+2 processes/);
    expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);
  }, 120_000);
});

describe.runIf(usingPostgres)('WORKERS=2 on PostgreSQL', () => {
  it('serves from two processes on one port, replaces a worker killed -9, and stops all on SIGTERM', async () => {
    const s = await startServer(env, 180_000);
    started.push(s);
    const pids = /workers\s+2 processes \(pids (\d+), (\d+)\)/.exec(s.output())!.slice(1).map(Number);
    expect(pids).toHaveLength(2);
    expect(pids.every(alive)).toBe(true);
    // The first start's accounts are printed once, though two processes started.
    expect(s.output().match(/First start: accounts created/g)).toHaveLength(1);
    const login = await fetch(`${s.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'demo', password: 'demo-pass-123' }),
    });
    expect(login.status).toBe(200);

    process.kill(pids[0]!, 'SIGKILL');
    await until('a replacement worker', () => /worker \d+ ended \(SIGKILL\); starting another/.test(s.output()));
    // Meanwhile and after, the port answers (the other worker, then both).
    for (let i = 0; i < 20; i++) expect((await fetch(`${s.url}/health/ready`)).status).toBe(200);

    const code = await s.stop();
    expect(code).toBe(0);
    await until('every worker gone', () => !alive(pids[1]!), 30_000);
  }, 240_000);
});
