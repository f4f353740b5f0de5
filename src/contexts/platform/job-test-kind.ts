// Test only, registered when JOBS_TEST_KIND=1 (test/concurrency/jobs.test.ts):
// a transactional kind whose effect is one audit_log row per run, written in
// the transaction that marks the job done. It waits `payload.sleepMs` after
// writing the row and before the commit, so a process killed meanwhile leaves a
// row that never commits: what the test counts is effects (exactly one row per
// job) beside runs (the job's attempts). No table is added for tests.
import type { JobKind } from './jobs.ts';
import { audit } from './audit.ts';

export const TEST_RUN_KIND = 'platform.test_run';

export function testRunJob(processId: string): JobKind {
  return {
    kind: TEST_RUN_KIND,
    transactional: true,
    maxAttempts: 10,
    async run({ job, q }) {
      await audit(q, job.tenantId || null, null, {
        action: 'job.test_run',
        targetType: 'job',
        targetId: job.id,
        details: { attempt: job.attempts, by: processId },
      });
      const ms = Math.min(Number(job.payload.sleepMs ?? 0) || 0, 10_000);
      if (ms > 0) await new Promise((res) => setTimeout(res, ms));
    },
  };
}
