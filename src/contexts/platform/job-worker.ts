// The worker loop of one process: every JOBS_POLL_MS (an unref'd timer,
// kernel/periodic.ts) it renews its leases, takes back expired ones, and claims
// due jobs up to JOBS_CONCURRENCY running at once. When a claim came back full
// it polls again as soon as a run ends, so a backlog drains without waiting for
// the timer. Recurring schedules are ensured at start and every half minute.
import type { Logger } from 'pino';
import { startPeriodic } from '../../kernel/periodic.ts';
import type { JobService } from './jobs.ts';

export interface JobWorkerOptions {
  pollMs: number;
  concurrency: number;
}

export interface JobWorker {
  /** One pass now (joins the pass going). */
  runOnce(): Promise<unknown>;
  /** No more passes or claims; resolves when the jobs running here have ended. */
  stop(): Promise<void>;
}

const ENSURE_EVERY_MS = 30_000;

export function startJobWorker(jobs: JobService, log: Logger, opts: JobWorkerOptions): JobWorker {
  let lastEnsure = -Infinity;
  let stopped = false;
  const pass = async () => {
    if (Date.now() - lastEnsure >= ENSURE_EVERY_MS) {
      lastEnsure = Date.now();
      const queued = await jobs.ensureSchedules();
      if (queued) log.info({ queued }, 'recurring jobs scheduled');
    }
    const t = await jobs.tick(opts.concurrency - jobs.running());
    // More may be due: the next free slot polls again at once.
    if (t.full) for (const run of t.started) void run.finally(() => !stopped && void loop.runOnce());
    return t.started.length;
  };
  const loop = startPeriodic('job worker', pass, log, opts.pollMs);
  return {
    runOnce: () => loop.runOnce(),
    async stop() {
      stopped = true;
      await loop.stop();
      await jobs.drain();
    },
  };
}
