// A piece of background work run now and every `everyMs` on an unref'd timer
// (it never keeps the process alive); a run never overlaps the previous one,
// and a failing run is logged, not thrown.
import type { Logger } from 'pino';

export interface PeriodicJob<T> {
  /** Runs once now (the timer's tick); joins the run already going. */
  runOnce(): Promise<T | null>;
  /** No more runs; resolves when the one going (if any) has ended. */
  stop(): Promise<void>;
}

export function startPeriodic<T>(what: string, run: () => Promise<T>, log: Logger, everyMs: number): PeriodicJob<T> {
  let running: Promise<T | null> | null = null;
  let stopped = false;
  const runOnce = () => {
    if (stopped) return Promise.resolve(null);
    running ??= run()
      .catch((err: unknown) => {
        log.error({ err }, `${what} failed`);
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  void runOnce();
  const timer = setInterval(() => void runOnce(), everyMs);
  timer.unref();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
