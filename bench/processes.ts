// The processes `npm run bench` starts, and the promise that none outlives it:
// every child is tracked, every store it made has a cleanup, and a watchdog
// stops the lot if the run hangs.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerProcess } from '../test/helpers/server.ts';
import { WATCHDOG_S } from './params.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

const children = new Set<ChildProcess>();
/** Processes the bench did not spawn itself (cluster primary and workers): killed by pid if still there at the end. */
const grandchildren = new Set<number>();
export const cleanups: (() => Promise<void>)[] = [];

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 15_000): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill('SIGTERM');
  });
}

const HAVE_PROC = fs.existsSync('/proc/self/stat');

/** Whether `pid` still runs: a zombie (exited, waiting for its parent, or for init once orphaned) does not. */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!HAVE_PROC) return true; // the signal check is all there is
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false; // gone between the two checks
  }
};

/** SIGKILLs whichever of `pids` is still alive after `graceMs`; returns those it had to kill. */
async function reap(pids: number[], graceMs: number): Promise<number[]> {
  const end = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  const left = pids.filter(alive);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone between the check and the kill
    }
  }
  for (const pid of pids) grandchildren.delete(pid);
  return left;
}

/** Every process below `pid` (Linux /proc; none where that is not readable). */
function descendantsOf(pid: number): number[] {
  if (!HAVE_PROC) return [];
  const parents = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(/^\d+ \(.*\) \S+ (\d+)/.exec(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'))?.[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // ended while we looked
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of parents.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

/**
 * The watchdog's stop: SIGTERM to each child (tsx, which relays it; a cluster
 * primary forwards it to its workers), and whatever ran below them, known from
 * a banner or seen in /proc just before, is killed by pid if still there: a
 * server stopped while it starts, or a SIGKILLed tsx, leaves nothing behind.
 */
async function stopAll(): Promise<void> {
  for (const c of children) if (c.pid !== undefined) for (const pid of descendantsOf(c.pid)) grandchildren.add(pid);
  await Promise.all([...children].map((c) => stopChild(c, 5_000)));
  const killed = await reap([...grandchildren], 5_000);
  if (killed.length) console.error(`pids ${killed.join(', ')} outlived their parent's stop; killed`);
}

export async function runCleanups(): Promise<void> {
  while (cleanups.length) {
    const c = cleanups.pop()!;
    try {
      await c();
    } catch (e) {
      console.error(`cleanup failed: ${(e as Error).message}`);
    }
  }
}

let exiting = false;
/**
 * Stops every process, runs every cleanup, exits with `code`. Only the first call
 * counts: a scenario failing because the watchdog just stopped its server must not
 * exit midway through the cleanup, nor with its own code.
 */
export async function abort(code: number, why: string): Promise<never> {
  if (exiting) return new Promise<never>(() => {});
  exiting = true;
  console.error(why);
  await stopAll();
  await runCleanups();
  process.exit(code);
}

/** Stops everything if the run does not end within WATCHDOG_S; returns the timer to clear on success. */
export function installWatchdog(): NodeJS.Timeout {
  const watchdog = setTimeout(
    () => void abort(3, `FAIL: the bench did not finish within ${WATCHDOG_S} s (BENCH_TIMEOUT_S); stopped`),
    WATCHDOG_S * 1000,
  );
  watchdog.unref();
  process.once('SIGINT', () => void abort(130, 'interrupted'));
  process.once('SIGTERM', () => void abort(143, 'terminated'));
  return watchdog;
}

export function startBare(timeoutMs = 60_000): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(TSX, ['bench/bare-server.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bare server did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /BARE (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bare server exited with ${code}:\n${out}`));
    });
  });
}

/** The parent pid of `pid` (Linux /proc), or null where that is not readable. */
function parentOf(pid: number): number | null {
  try {
    const m = /^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The pids of a WORKERS=N server, from its banner: the workers, and their
 * primary (the workers' parent; tsx stands between the bench and it). They are
 * remembered so that even a watchdog stop, whose SIGKILL of tsx would not
 * reach them, leaves none behind.
 */
export async function clusterPids(server: ServerProcess, workers: number): Promise<{ primary: number | null; workers: number[] }> {
  const re = new RegExp(`workers\\s+${workers} processes \\(pids ([\\d, ]+)\\)`);
  const end = Date.now() + 10_000;
  let m = re.exec(server.output());
  while (!m && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    m = re.exec(server.output());
  }
  if (!m) throw new Error(`the server did not report ${workers} worker processes:\n${server.output().slice(-2000)}`);
  const pids = m[1]!.split(',').map((s) => Number(s.trim()));
  const primary = parentOf(pids[0]!);
  for (const pid of [...pids, ...(primary === null ? [] : [primary])]) grandchildren.add(pid);
  return { primary, workers: pids };
}

/** Stops a cluster through its primary (which forwards SIGTERM) and checks every pid is gone; returns the ones it had to SIGKILL. */
export async function stopCluster(server: ServerProcess, pids: { primary: number | null; workers: number[] }): Promise<number[]> {
  await stopChild(server.child);
  return reap([...pids.workers, ...(pids.primary === null ? [] : [pids.primary])], 10_000);
}
