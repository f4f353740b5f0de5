-- Tries at a secret (a password, a 卡密 or card password, a 口令, a voucher
-- number) under a limit per fixed window: the guessing limits without Redis,
-- shared by every app process on the database. A try is reserved (pending + 1)
-- by one atomic upsert before the secret is compared, only while failures +
-- pending is under the limit; its answer then turns it into a failure or gives
-- it back. Pending tries of a process that died count until pending_until.
-- settled counts the answers, so a try waiting for a slot sees progress.
-- tenant_id 0 holds the platform-wide counters (staff login by username,
-- per-IP counters), so it has no foreign key. Ended rows are swept now and then.
CREATE TABLE guess_attempts (
  tenant_id     bigint NOT NULL,
  key           text NOT NULL,
  failures      integer NOT NULL,
  pending       integer NOT NULL,
  window_ends   timestamptz NOT NULL,
  pending_until timestamptz NOT NULL,
  settled       bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX guess_attempts_window_ends ON guess_attempts (window_ends);

-- Disabling a staff member or a new password ends their live sessions by staff id.
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id) WHERE revoked_at IS NULL;
