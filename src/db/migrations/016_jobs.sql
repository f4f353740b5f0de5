-- The job queue (platform context): background work that must run exactly
-- once across app processes. A worker claims due queued jobs with one
-- UPDATE ... FOR UPDATE SKIP LOCKED, holds them under a lease (locked_until)
-- it renews while running, and marks them done only while it still owns them
-- (locked_by, state 'running'). A lease that runs out (process killed) puts the
-- job back in the queue, or dead-letters it ('failed') once its attempts are used.
-- tenant_id 0 holds the platform-wide work (recovery, sweeps), so no foreign key.
CREATE TABLE jobs (
  tenant_id     bigint NOT NULL,
  id            bigserial NOT NULL,
  kind          text NOT NULL,
  payload       jsonb NOT NULL DEFAULT '{}',
  state         text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','running','done','failed')),
  run_at        timestamptz NOT NULL,
  attempts      integer NOT NULL DEFAULT 0,
  max_attempts  integer NOT NULL DEFAULT 5 CHECK (max_attempts > 0),
  last_error    text,
  -- The process that claimed it last (kept after the end: who ran it).
  locked_by     text,
  locked_until  timestamptz,
  -- One live instance per key: recurring schedules and per-object work (a code batch).
  singleton_key text,
  created_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  PRIMARY KEY (tenant_id, id)
);
-- Only live jobs count, so a finished schedule can be queued again under its key.
CREATE UNIQUE INDEX jobs_singleton ON jobs (tenant_id, kind, singleton_key)
  WHERE singleton_key IS NOT NULL AND state IN ('queued','running');
CREATE INDEX jobs_due ON jobs (run_at) WHERE state = 'queued';
CREATE INDEX jobs_leases ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_list ON jobs (tenant_id, state, id DESC);

-- Code batches left queued or half-made by today's in-process generator become
-- jobs, so they resume where they stopped (generation counts what is made).
INSERT INTO jobs (tenant_id, kind, payload, run_at, singleton_key, created_at)
SELECT tenant_id, 'coupons.code_batch', jsonb_build_object('batchId', id), now(), 'batch:' || id, now()
FROM code_batches WHERE state IN ('queued', 'running');

-- The cleanup of expired verification codes deletes by expiry.
CREATE INDEX verification_codes_expires ON verification_codes (expires_at);
