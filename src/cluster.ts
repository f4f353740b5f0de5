// WORKERS=N: N app processes behind one port (node cluster), all on the same
// PostgreSQL and Redis. Each worker is a whole quan process (migrations and the
// first-start seed are serialised by advisory locks; background jobs are
// claimed with SKIP LOCKED, so none runs twice). The primary only forks,
// replaces a worker that dies, forwards SIGTERM, and prints one banner when
// every worker listens. PGlite is an embedded store owned by one process, so
// there it stays one process and says why.
import cluster from 'node:cluster';
import type { Config } from './config.ts';

/** What a worker tells the primary once it listens. */
export interface WorkerReady {
  kind: 'quan:ready';
  banner: string;
  /** The first-start accounts, when this worker created them (printed once). */
  firstStart: string | null;
}

/** Whether this process should fork workers instead of serving. */
export function shouldFork(config: Config): boolean {
  if (!cluster.isPrimary || config.workers <= 1) return false;
  if (config.databaseUrl) return true;
  console.warn(
    `WORKERS=${config.workers} ignored: the embedded PGlite store is owned by one process; set DATABASE_URL (PostgreSQL) to run several`,
  );
  return false;
}

export const isWorker = (): boolean => cluster.isWorker;

/** Forks the workers, keeps them running, prints the banner once all listen. */
export function runPrimary(config: Config): void {
  const ready = new Map<number, WorkerReady>();
  let stopping = false;
  let announced = false;
  const fork = () => {
    const w = cluster.fork();
    w.on('message', (m: WorkerReady) => {
      if (m?.kind !== 'quan:ready') return;
      ready.set(w.id, m);
      if (announced || ready.size < config.workers) return;
      announced = true;
      const all = [...ready.values()];
      const first = all.find((r) => r.firstStart)?.firstStart;
      console.log(
        `${all[0]!.banner}\n  workers   ${config.workers} processes (pids ${Object.values(cluster.workers ?? {})
          .map((x) => x?.process.pid)
          .join(', ')})${first ?? ''}\n`,
      );
    });
  };
  for (let i = 0; i < config.workers; i++) fork();
  cluster.on('exit', (w, code, signal) => {
    ready.delete(w.id);
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`worker ${w.process.pid} ended (${signal ?? code}); starting another`);
    fork();
  });
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** A worker's banner goes to the primary, which prints it once. */
export function announce(banner: string, firstStart: string | null): void {
  const m: WorkerReady = { kind: 'quan:ready', banner, firstStart };
  process.send?.(m);
}
