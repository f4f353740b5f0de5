-- Outgoing SMS / e-mail through the tenant's provider; the built-in "log"
-- provider keeps them here (the dev outbox) so verification flows work locally.
CREATE TABLE outbox_messages (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  channel     text NOT NULL CHECK (channel IN ('sms','email')),
  recipient   text NOT NULL,
  text        text NOT NULL,
  code        text,
  purpose     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_messages_tenant ON outbox_messages (tenant_id, id DESC);

-- Verification codes: stored hashed, single use, expiring, attempts counted.
CREATE TABLE verification_codes (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  channel     text NOT NULL,
  recipient   text NOT NULL,
  purpose     text NOT NULL,
  code_hash   text NOT NULL,
  attempts    integer NOT NULL DEFAULT 0,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX verification_codes_lookup ON verification_codes (tenant_id, channel, recipient, purpose, id DESC);
