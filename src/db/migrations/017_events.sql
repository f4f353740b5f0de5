-- Events out of transactions, and merchant webhooks (issue 13). Owned by the
-- events context.
--
-- domain_events: the transactional outbox. A use-case writes its events in the
-- same transaction as the change, so an event exists iff the change committed.
-- `id` orders the outbox; `public_id` (evt_…) is the id receivers de-duplicate
-- on. `dispatched_at` is set when the dispatcher has handed the event to the
-- in-process subscribers and fanned it out into webhook_deliveries (one
-- transaction).
CREATE TABLE domain_events (
  tenant_id     bigint NOT NULL,
  id            bigint GENERATED ALWAYS AS IDENTITY,
  public_id     text NOT NULL,
  type          text NOT NULL,
  payload       jsonb NOT NULL,
  occurred_at   timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, public_id)
);
-- The dispatcher's queue: only undispatched rows, oldest first.
CREATE INDEX domain_events_undispatched ON domain_events (id) WHERE dispatched_at IS NULL;
CREATE INDEX domain_events_recent ON domain_events (tenant_id, type, id DESC);

-- A merchant's webhook endpoint. The signing secret is kept sealed
-- (AES-256-GCM under the app secret `webhook_seal_key`): it must be readable
-- to sign, so it cannot be a digest; the API shows it once, on creation and on
-- rotation. `event_types` empty means every type.
CREATE TABLE webhook_endpoints (
  tenant_id         bigint NOT NULL,
  id                bigint GENERATED ALWAYS AS IDENTITY,
  url               text NOT NULL,
  description       text NOT NULL DEFAULT '',
  event_types       text[] NOT NULL DEFAULT '{}',
  secret_sealed     text NOT NULL,
  secret_prefix     text NOT NULL,
  enabled           boolean NOT NULL DEFAULT true,
  disabled_reason   text,
  failure_streak    integer NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz,
  PRIMARY KEY (tenant_id, id)
);

-- One delivery per event and endpoint. `next_attempt_at` is also the lease: a
-- process that takes a delivery moves it past the request timeout, so a crash
-- mid-request leaves it due again (at least once, never lost).
CREATE TABLE webhook_deliveries (
  tenant_id        bigint NOT NULL,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  endpoint_id      bigint NOT NULL,
  event_id         bigint NOT NULL,
  state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL,
  give_up_at       timestamptz NOT NULL,
  last_status      integer,
  last_error       text,
  response_excerpt text,
  delivered_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, endpoint_id, event_id),
  FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id),
  FOREIGN KEY (tenant_id, event_id) REFERENCES domain_events (tenant_id, id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, id DESC);

-- Every attempt, for the delivery log.
CREATE TABLE webhook_attempts (
  tenant_id        bigint NOT NULL,
  id               bigint GENERATED ALWAYS AS IDENTITY,
  delivery_id      bigint NOT NULL,
  attempt          integer NOT NULL,
  status           integer,
  error            text,
  response_excerpt text,
  duration_ms      integer NOT NULL,
  attempted_at     timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (tenant_id, delivery_id, id);
