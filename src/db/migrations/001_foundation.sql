-- Tenants, stores, staff, sessions, API keys, consumers, audit, idempotency.

CREATE TABLE tenants (
  id            bigserial PRIMARY KEY,
  slug          text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name          text NOT NULL,
  timezone      text NOT NULL DEFAULT 'Asia/Shanghai',
  approval_required boolean NOT NULL DEFAULT true,
  sms_provider  text NOT NULL DEFAULT 'log',
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stores (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  name       text NOT NULL,
  address    text,
  area       text,
  phone      text,
  linkman    text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stores_tenant ON stores (tenant_id, id);

CREATE TABLE departments (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  parent_id  bigint REFERENCES departments(id),
  name       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Staff usernames are unique across the platform so login needs no tenant.
CREATE TABLE staff (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint REFERENCES tenants(id),
  username      text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('platform_admin','owner','admin','operator','auditor','seller')),
  name          text,
  phone         text,
  store_ids     bigint[] NOT NULL DEFAULT '{}',
  department_id bigint REFERENCES departments(id),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'platform_admin') = (tenant_id IS NULL))
);
CREATE UNIQUE INDEX staff_username ON staff (lower(username));
CREATE INDEX staff_tenant ON staff (tenant_id, id);

CREATE TABLE staff_sessions (
  id          bigserial PRIMARY KEY,
  token_hash  bytea NOT NULL UNIQUE,
  staff_id    bigint NOT NULL REFERENCES staff(id),
  tenant_id   bigint REFERENCES tenants(id),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  name        text NOT NULL,
  prefix      text NOT NULL,
  key_hash    bytea NOT NULL UNIQUE,
  created_by  bigint REFERENCES staff(id),
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Consumers of one tenant. Balances live beside their ledgers and never go negative.
CREATE TABLE users (
  id             bigserial PRIMARY KEY,
  tenant_id      bigint NOT NULL REFERENCES tenants(id),
  mobile         text,
  username       text,
  email          text,
  password_hash  text,
  nick           text,
  avatar         text,
  referrer_id    bigint REFERENCES users(id),
  seller_id      bigint REFERENCES staff(id),
  source         text,
  points         bigint NOT NULL DEFAULT 0 CHECK (points >= 0),
  wallet_balance bigint NOT NULL DEFAULT 0 CHECK (wallet_balance >= 0),
  has_purchased  boolean NOT NULL DEFAULT false,
  disabled       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_mobile ON users (tenant_id, mobile) WHERE mobile IS NOT NULL;
CREATE UNIQUE INDEX users_username ON users (tenant_id, lower(username)) WHERE username IS NOT NULL;
CREATE UNIQUE INDEX users_email ON users (tenant_id, lower(email)) WHERE email IS NOT NULL;

CREATE TABLE user_sessions (
  id          bigserial PRIMARY KEY,
  token_hash  bytea NOT NULL UNIQUE,
  user_id     bigint NOT NULL REFERENCES users(id),
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE points_ledger (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  user_id       bigint NOT NULL REFERENCES users(id),
  delta         bigint NOT NULL,
  balance_after bigint NOT NULL CHECK (balance_after >= 0),
  reason        text NOT NULL,
  ref           text,
  remark        text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX points_ledger_user ON points_ledger (tenant_id, user_id, id);

CREATE TABLE wallet_ledger (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  user_id       bigint NOT NULL REFERENCES users(id),
  delta         bigint NOT NULL,
  balance_after bigint NOT NULL CHECK (balance_after >= 0),
  reason        text NOT NULL,
  ref           text,
  remark        text,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wallet_ledger_user ON wallet_ledger (tenant_id, user_id, id);

CREATE TABLE sign_ins (
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  user_id    bigint NOT NULL REFERENCES users(id),
  day        date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, day)
);

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint REFERENCES tenants(id),
  staff_id    bigint REFERENCES staff(id),
  action      text NOT NULL,
  target_type text,
  target_id   text,
  details     jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id DESC);

-- A key is claimed by inserting its row first (response NULL = in flight);
-- the unique key makes a concurrent retry wait for, or replay, the first answer.
CREATE TABLE idempotency_keys (
  tenant_id     bigint NOT NULL,
  principal     text NOT NULL,
  key           text NOT NULL,
  request_hash  text NOT NULL,
  status_code   integer,
  response      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, principal, key)
);
