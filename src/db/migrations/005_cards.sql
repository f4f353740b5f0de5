-- Membership cards: card products and their recharge events, the cards users
-- hold (capital and bonus balances beside an append-only ledger), event-card
-- buckets (one per recharge through an event on an event card), invoices,
-- and the server-side secrets (QR signing key) generated on first use.

-- type 1 platform card, 10 stored-value card, 11 event card; status 1 active, 2 disabled.
CREATE TABLE card_products (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  title       text NOT NULL,
  type        smallint NOT NULL CHECK (type IN (1, 10, 11)),
  colour      text,
  logo        text,
  store_ids   bigint[] NOT NULL DEFAULT '{}',
  summary     text,
  detail      text,
  status      smallint NOT NULL DEFAULT 1 CHECK (status IN (1, 2)),
  created_by  bigint REFERENCES staff(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_products_tenant ON card_products (tenant_id, id);

-- type 1 recharge X get bonus money, 2 recharge X get N coupons, 5 both.
-- status 1 usable, 10 usable (on an event card), 2 disabled.
CREATE TABLE card_events (
  id              bigserial PRIMARY KEY,
  tenant_id       bigint NOT NULL REFERENCES tenants(id),
  card_product_id bigint NOT NULL REFERENCES card_products(id),
  title           text NOT NULL,
  summary         text,
  type            smallint NOT NULL CHECK (type IN (1, 2, 5)),
  recharge_money  bigint NOT NULL CHECK (recharge_money > 0),
  send_money      bigint NOT NULL DEFAULT 0 CHECK (send_money >= 0),
  template_id     bigint REFERENCES coupon_templates(id),
  quantity        integer CHECK (quantity > 0 AND quantity <= 100),
  status          smallint NOT NULL DEFAULT 1 CHECK (status IN (1, 2, 10)),
  created_by      bigint REFERENCES staff(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK ((type = 1) = (template_id IS NULL)),
  CHECK ((template_id IS NULL) = (quantity IS NULL))
);
CREATE INDEX card_events_product ON card_events (tenant_id, card_product_id, id);

-- Balances never go negative; invoiceable = recharged capital - refunded - invoiced.
CREATE TABLE user_cards (
  id              bigserial PRIMARY KEY,
  tenant_id       bigint NOT NULL REFERENCES tenants(id),
  user_id         bigint NOT NULL REFERENCES users(id),
  card_product_id bigint NOT NULL REFERENCES card_products(id),
  card_no         bigint NOT NULL,
  password_hash   text NOT NULL,
  capital         bigint NOT NULL DEFAULT 0 CHECK (capital >= 0),
  bonus           bigint NOT NULL DEFAULT 0 CHECK (bonus >= 0),
  charged         bigint NOT NULL DEFAULT 0 CHECK (charged >= 0),
  invoiced        bigint NOT NULL DEFAULT 0 CHECK (invoiced >= 0),
  store_id        bigint REFERENCES stores(id),
  opened_by       bigint REFERENCES staff(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (invoiced <= charged)
);
CREATE UNIQUE INDEX user_cards_no ON user_cards (tenant_id, card_no);
CREATE UNIQUE INDEX user_cards_holder ON user_cards (tenant_id, user_id, card_product_id);

-- One per recharge through an event on an event card (type 11).
-- status 1 untouched, 2 partly spent, 3 cash-back due (fully spent), 4 recharge refunded, 5 cashed back.
CREATE TABLE card_buckets (
  id              bigserial PRIMARY KEY,
  tenant_id       bigint NOT NULL REFERENCES tenants(id),
  user_card_id    bigint NOT NULL REFERENCES user_cards(id),
  event_id        bigint NOT NULL REFERENCES card_events(id),
  capital_initial bigint NOT NULL CHECK (capital_initial >= 0),
  bonus_initial   bigint NOT NULL CHECK (bonus_initial >= 0),
  capital         bigint NOT NULL CHECK (capital >= 0 AND capital <= capital_initial),
  bonus           bigint NOT NULL CHECK (bonus >= 0 AND bonus <= bonus_initial),
  status          smallint NOT NULL DEFAULT 1 CHECK (status IN (1, 2, 3, 4, 5)),
  cashed_back_at  timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_buckets_card ON card_buckets (user_card_id, id);

-- Order numbers: one sequence, numeric like the 礼遇圈 client expects.
CREATE SEQUENCE card_order_no_seq START WITH 71000000000001;

-- Append-only: every movement of a card, with its order number. The card's
-- capital and bonus always equal the sums of capital_delta and bonus_delta.
CREATE TABLE card_ledger (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  user_card_id  bigint NOT NULL REFERENCES user_cards(id),
  user_id       bigint NOT NULL REFERENCES users(id),
  kind          text NOT NULL CHECK (kind IN ('recharge','expense','refund','recharge_refund','cash_back','invoice')),
  order_no      bigint NOT NULL DEFAULT nextval('card_order_no_seq'),
  amount        bigint NOT NULL CHECK (amount >= 0),
  capital_delta bigint NOT NULL DEFAULT 0,
  bonus_delta   bigint NOT NULL DEFAULT 0,
  capital_after bigint NOT NULL CHECK (capital_after >= 0),
  bonus_after   bigint NOT NULL CHECK (bonus_after >= 0),
  event_id      bigint REFERENCES card_events(id),
  bucket_id     bigint REFERENCES card_buckets(id),
  refund_of     bigint REFERENCES card_ledger(id),
  store_id      bigint REFERENCES stores(id),
  staff_id      bigint REFERENCES staff(id),
  channel       smallint NOT NULL DEFAULT 2 CHECK (channel IN (1, 2)),
  explain       text,
  image         text,
  coupon_ids    bigint[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX card_ledger_order_no ON card_ledger (tenant_id, order_no);
-- A movement is refunded at most once.
CREATE UNIQUE INDEX card_ledger_refund_once ON card_ledger (refund_of) WHERE refund_of IS NOT NULL;
CREATE INDEX card_ledger_card ON card_ledger (user_card_id, id);
CREATE INDEX card_ledger_tenant_kind ON card_ledger (tenant_id, kind, created_at DESC);

-- How one ledger entry moved each event-card bucket; bucket balances equal these sums.
CREATE TABLE card_ledger_buckets (
  entry_id      bigint NOT NULL REFERENCES card_ledger(id),
  bucket_id     bigint NOT NULL REFERENCES card_buckets(id),
  capital_delta bigint NOT NULL,
  bonus_delta   bigint NOT NULL,
  PRIMARY KEY (entry_id, bucket_id)
);
CREATE INDEX card_ledger_buckets_bucket ON card_ledger_buckets (bucket_id);

CREATE TABLE card_invoices (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  user_card_id  bigint NOT NULL REFERENCES user_cards(id),
  user_id       bigint NOT NULL REFERENCES users(id),
  amount        bigint NOT NULL CHECK (amount > 0),
  summary       text,
  image         text,
  store_id      bigint REFERENCES stores(id),
  staff_id      bigint REFERENCES staff(id),
  ledger_id     bigint REFERENCES card_ledger(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX card_invoices_card ON card_invoices (user_card_id, id DESC);
CREATE INDEX card_invoices_tenant ON card_invoices (tenant_id, created_at DESC);

-- Secrets quan makes itself when none is configured (e.g. the QR signing key).
CREATE TABLE app_secrets (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE card_uploads (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint REFERENCES tenants(id),
  file_name   text NOT NULL UNIQUE,
  mime        text NOT NULL,
  size        integer NOT NULL,
  staff_id    bigint REFERENCES staff(id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
