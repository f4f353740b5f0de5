// The real entry point, as a process: bad configuration, first and second start.
import { describe, expect, it } from 'vitest';
import { runMain, startServer, storeEnv, tempDataDir } from './helpers/server.ts';
import { dropPostgresSchema, uniqueName } from './helpers/runtime.ts';

describe('npm start', () => {
  it('stops with a message naming a bad environment value', async () => {
    const r = await runMain({ PORT: 'eighty', DATA_DIR: tempDataDir() });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('PORT must be a whole number');
  });

  it('prints generated passwords on the first start only, and they work', async () => {
    const schema = uniqueName('qs');
    const env = storeEnv({ dataDir: tempDataDir(), schema });
    const first = await startServer(env);
    let password: string;
    try {
      expect(first.output()).toContain('First start');
      const m = /platform admin\s+username admin\s+password (\S+)/.exec(first.output());
      expect(m).not.toBeNull();
      password = m![1]!;
      const login = await fetch(`${first.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
      expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${first.url}/docs/`)).status).toBe(200);
    } finally {
      await first.stop();
    }
    const second = await startServer(env);
    try {
      expect(second.output()).not.toContain('First start');
      expect(second.output()).not.toContain(password);
      const login = await fetch(`${second.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(login.status).toBe(200);
    } finally {
      await second.stop();
    }
    await dropPostgresSchema(schema);
  });
});
