// The rules of a job's life, without I/O: its states, how long a failed
// attempt waits before the next one (exponential backoff, capped), and when it
// is given up (dead letter).
export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const isJobState = (s: string): s is JobState => (JOB_STATES as readonly string[]).includes(s);

/** Work that belongs to no tenant (recovery, sweeps) is the platform's, tenant 0 (kernel/deps.ts). */
export { PLATFORM_TENANT } from '../../../kernel/deps.ts';

export interface Backoff {
  /** The wait after the first failed attempt. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 5_000, capMs: 3_600_000 };
export const DEFAULT_MAX_ATTEMPTS = 5;

/** The wait before attempt `attempts + 1`, after `attempts` (>= 1) failed: base, 2 base, 4 base ... at most cap. */
export function backoffMs(attempts: number, b: Backoff = DEFAULT_BACKOFF): number {
  const n = Math.max(1, Math.floor(attempts));
  // 2^30 base is past any cap; stop doubling before the number grows silly.
  return Math.min(b.capMs, b.baseMs * 2 ** Math.min(n - 1, 30));
}

export type AfterFailure = { state: 'queued'; runAt: Date } | { state: 'failed' };

/** What a failed attempt leads to: another try after the backoff, or the dead letter when the attempts are used up. */
export function afterFailure(attempts: number, maxAttempts: number, now: Date, b: Backoff = DEFAULT_BACKOFF): AfterFailure {
  if (attempts >= maxAttempts) return { state: 'failed' };
  return { state: 'queued', runAt: new Date(now.getTime() + backoffMs(attempts, b)) };
}

/** A failure's message as stored (one line of reason, not a novel). */
export function errorText(e: unknown): string {
  const s = e instanceof Error ? e.message || e.name : String(e);
  return s.length > 2000 ? s.slice(0, 2000) + '…' : s;
}
