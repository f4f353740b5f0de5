// The platform context's public face: the only module other contexts and the
// dialects import. Platform owns audit_log, idempotency_keys, outbox_messages,
// verification_codes, guess_attempts, app_secrets and jobs; every context writes its audit rows
// through `audit(q, …)` inside its own transaction, and queues its background work through `jobs`.
export * from './app-keys.ts';
export * from './audit.ts';
export * from './errors.ts';
export * from './guesses.ts';
export * from './idempotency.ts';
export * from './jobs.ts';
export * from './job-worker.ts';
export * from './messages.ts';
export * from './qr.ts';

import type { Deps } from '../../kernel/deps.ts';
import { idempotencyService, idempotencySweepJob } from './idempotency.ts';
import { doneJobsCleanupJob, jobService } from './jobs.ts';
import { testRunJob } from './job-test-kind.ts';
import { messageService } from './messages.ts';
import { qrService } from './qr.ts';
import { verificationCodeCleanupJob } from './verification-codes.ts';

/** Builds the platform services once (compose.ts calls this). */
export function buildPlatform(deps: Deps) {
  const jobs = jobService(deps);
  const idempotency = idempotencyService(deps);
  jobs.register(idempotencySweepJob(idempotency, deps));
  jobs.register(verificationCodeCleanupJob(deps));
  jobs.register(doneJobsCleanupJob(jobs, deps));
  if (deps.config.jobsTestKind) jobs.register(testRunJob(jobs.processId));
  return {
    idempotency,
    jobs,
    messages: messageService(deps),
    qr: qrService(deps),
  };
}
export type Platform = ReturnType<typeof buildPlatform>;
