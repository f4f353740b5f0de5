// A real quan server process for tests that claim process-level behaviour
// (first start, bad configuration, concurrency across processes).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

export interface ServerProcess {
  url: string;
  output(): string;
  stop(): Promise<number | null>;
  child: ChildProcess;
}

export function tempDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'quan-test-'));
}

/** Runs `src/main.ts` to completion (for starts that must fail). */
export function runMain(env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/main.ts'], { cwd: ROOT, env: { ...baseEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function baseEnv(): Record<string, string> {
  // The child gets the store the suite runs on; nothing else leaks in.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn' };
  return env;
}

/**
 * Starts a server on a free port and waits until it reports its URL. `onSpawn` sees the
 * process at once, so a caller that must stop it (the bench's watchdog) can while it starts.
 */
export function startServer(
  env: Record<string, string>,
  timeoutMs = 90_000,
  onSpawn?: (child: ChildProcess) => void,
): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, ['src/main.ts'], {
      cwd: ROOT,
      env: { ...baseEnv(), PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onSpawn?.(child);
    let out = '';
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /API\s+(http:\/\/[^\s]+)\/api\/v1/.exec(out);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          child,
          output: () => out,
          stop: () =>
            new Promise((res) => {
              if (child.exitCode !== null) return res(child.exitCode);
              child.once('exit', (code) => res(code));
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${out}`));
    });
  });
}

/** Environment for a child server on the suite's store (PGlite dir or PostgreSQL schema). */
export function storeEnv(opts: { dataDir?: string; schema?: string } = {}): Record<string, string> {
  const env: Record<string, string> = {};
  if (process.env.TEST_DATABASE_URL) {
    env.DATABASE_URL = process.env.TEST_DATABASE_URL;
    if (opts.schema) env.DATABASE_SCHEMA = opts.schema;
  } else {
    env.DATA_DIR = opts.dataDir ?? tempDataDir();
  }
  if (process.env.TEST_REDIS_URL) {
    env.REDIS_URL = process.env.TEST_REDIS_URL;
    env.REDIS_KEY_PREFIX = `${opts.schema ?? path.basename(env.DATA_DIR ?? 'x')}-${process.pid}-${Date.now()}:`;
  }
  return env;
}
