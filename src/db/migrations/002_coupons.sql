-- The coupon core: templates, issued coupons and their history, code batches,
-- redemptions and write-offs, promo codes.

CREATE TABLE coupon_templates (
  id                  bigserial PRIMARY KEY,
  tenant_id           bigint NOT NULL REFERENCES tenants(id),
  name                text NOT NULL,
  description         text,
  discount_type       text NOT NULL CHECK (discount_type IN ('amount','rate')),
  amount_off          bigint CHECK (amount_off > 0),
  rate_bp             integer CHECK (rate_bp > 0 AND rate_bp < 10000),
  max_off             bigint CHECK (max_off > 0),
  min_spend           bigint NOT NULL DEFAULT 0 CHECK (min_spend >= 0),
  min_quantity        integer CHECK (min_quantity > 0),
  scope_type          text NOT NULL DEFAULT 'all' CHECK (scope_type IN ('all','categories','goods')),
  scope_ids           bigint[] NOT NULL DEFAULT '{}',
  store_ids           bigint[] NOT NULL DEFAULT '{}',
  validity_type       text NOT NULL CHECK (validity_type IN ('fixed','relative')),
  valid_from          timestamptz,
  valid_to            timestamptz,
  valid_days          integer CHECK (valid_days > 0),
  start_after_days    integer NOT NULL DEFAULT 0 CHECK (start_after_days >= 0),
  claim_from          timestamptz,
  claim_to            timestamptz,
  stock               integer CHECK (stock >= 0),
  -- issued never passes stock: the claim's conditional update and this check both say so.
  issued              integer NOT NULL DEFAULT 0 CHECK (issued >= 0 AND (stock IS NULL OR issued <= stock)),
  per_user_limit      integer CHECK (per_user_limit > 0),
  claim_cost_points   integer NOT NULL DEFAULT 0 CHECK (claim_cost_points >= 0),
  price               bigint NOT NULL DEFAULT 0 CHECK (price >= 0),
  claim_password_hash text,
  required_sign_in_days integer NOT NULL DEFAULT 0 CHECK (required_sign_in_days >= 0),
  audience_user_type  text NOT NULL DEFAULT 'any' CHECK (audience_user_type IN ('any','new','no_purchase')),
  audience_sources    text[] NOT NULL DEFAULT '{}',
  stackable           boolean NOT NULL DEFAULT false,
  state               text NOT NULL DEFAULT 'draft'
                      CHECK (state IN ('draft','pending','active','paused','ended','voided')),
  created_by          bigint REFERENCES staff(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CHECK ((discount_type = 'amount') = (amount_off IS NOT NULL)),
  CHECK ((discount_type = 'rate') = (rate_bp IS NOT NULL)),
  CHECK (validity_type <> 'fixed' OR (valid_from IS NOT NULL AND valid_to IS NOT NULL AND valid_from < valid_to)),
  CHECK (validity_type <> 'relative' OR valid_days IS NOT NULL)
);
CREATE INDEX coupon_templates_tenant ON coupon_templates (tenant_id, state, id DESC);

-- One row per (template, user): the per-user limit is a conditional upsert on it.
CREATE TABLE template_user_claims (
  template_id bigint NOT NULL REFERENCES coupon_templates(id),
  user_id     bigint NOT NULL REFERENCES users(id),
  claimed     integer NOT NULL CHECK (claimed >= 0),
  PRIMARY KEY (template_id, user_id)
);

CREATE TABLE code_batches (
  id             bigserial PRIMARY KEY,
  tenant_id      bigint NOT NULL REFERENCES tenants(id),
  template_id    bigint NOT NULL REFERENCES coupon_templates(id),
  count          integer NOT NULL CHECK (count > 0),
  generated      integer NOT NULL DEFAULT 0,
  state          text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued','running','done','failed')),
  options        jsonb NOT NULL,
  with_password  boolean NOT NULL DEFAULT false,
  password_salt  text,
  exported_at    timestamptz,
  error          text,
  created_by     bigint REFERENCES staff(id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  -- Progress heartbeat: a running batch whose heartbeat stops is picked up again.
  updated_at     timestamptz NOT NULL DEFAULT now(),
  finished_at    timestamptz
);
CREATE INDEX code_batches_tenant ON code_batches (tenant_id, id DESC);

-- One issued coupon. Status is what happened to it; "expired" and "not yet
-- valid" are computed from valid_from/valid_to at read time.
CREATE TABLE coupons (
  id            bigserial PRIMARY KEY,
  tenant_id     bigint NOT NULL REFERENCES tenants(id),
  template_id   bigint NOT NULL REFERENCES coupon_templates(id),
  code          text NOT NULL,
  owner_id      bigint REFERENCES users(id),
  source        text NOT NULL CHECK (source IN ('claim','exchange','grant','issue','batch','gift')),
  batch_id      bigint REFERENCES code_batches(id),
  password_hash text,
  -- A batch password in clear until its one export, then NULL.
  password_plain text,
  status        text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued','used','voided')),
  valid_from    timestamptz,
  valid_to      timestamptz,
  received_at   timestamptz,
  used_at       timestamptz,
  redemption_id bigint,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX coupons_code ON coupons (tenant_id, code);
CREATE INDEX coupons_owner ON coupons (tenant_id, owner_id, status) WHERE owner_id IS NOT NULL;
CREATE INDEX coupons_template ON coupons (template_id, status);
CREATE INDEX coupons_batch ON coupons (batch_id) WHERE batch_id IS NOT NULL;

CREATE TABLE coupon_events (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  coupon_id   bigint NOT NULL REFERENCES coupons(id),
  kind        text NOT NULL,
  from_user   bigint REFERENCES users(id),
  to_user     bigint REFERENCES users(id),
  staff_id    bigint REFERENCES staff(id),
  store_id    bigint REFERENCES stores(id),
  redemption_id bigint,
  details     jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX coupon_events_coupon ON coupon_events (coupon_id, id);

-- An order's redemption or a staff write-off; rolled back at most once.
CREATE TABLE redemptions (
  id             bigserial PRIMARY KEY,
  tenant_id      bigint NOT NULL REFERENCES tenants(id),
  kind           text NOT NULL CHECK (kind IN ('order','write_off')),
  order_ref      text,
  user_id        bigint REFERENCES users(id),
  store_id       bigint REFERENCES stores(id),
  staff_id       bigint REFERENCES staff(id),
  subtotal       bigint NOT NULL DEFAULT 0,
  discount_total bigint NOT NULL DEFAULT 0,
  status         text NOT NULL DEFAULT 'done' CHECK (status IN ('done','rolled_back')),
  rolled_back_at timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX redemptions_order_ref ON redemptions (tenant_id, order_ref) WHERE order_ref IS NOT NULL AND kind = 'order';
CREATE INDEX redemptions_tenant ON redemptions (tenant_id, created_at DESC);
CREATE INDEX redemptions_store_day ON redemptions (tenant_id, store_id, created_at DESC);

CREATE TABLE redemption_items (
  redemption_id bigint NOT NULL REFERENCES redemptions(id),
  coupon_id     bigint REFERENCES coupons(id),
  promo_code_id bigint,
  discount      bigint NOT NULL CHECK (discount >= 0)
);
CREATE INDEX redemption_items_redemption ON redemption_items (redemption_id);
CREATE INDEX redemption_items_coupon ON redemption_items (coupon_id);

CREATE TABLE promo_codes (
  id                bigserial PRIMARY KEY,
  tenant_id         bigint NOT NULL REFERENCES tenants(id),
  code              text NOT NULL,
  name              text NOT NULL,
  rule              jsonb NOT NULL,
  limit_times       integer CHECK (limit_times > 0),
  used_times        integer NOT NULL DEFAULT 0 CHECK (used_times >= 0 AND (limit_times IS NULL OR used_times <= limit_times)),
  user_use_limit    integer CHECK (user_use_limit > 0),
  user_source_limit text[] NOT NULL DEFAULT '{}',
  user_type_limit   text NOT NULL DEFAULT 'any' CHECK (user_type_limit IN ('any','new','no_purchase')),
  valid_from        timestamptz NOT NULL,
  valid_to          timestamptz NOT NULL CHECK (valid_to > valid_from),
  department_id     bigint REFERENCES departments(id),
  staff_id          bigint REFERENCES staff(id),
  description       text,
  state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('draft','pending','approved','rejected','voided')),
  created_by        bigint REFERENCES staff(id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX promo_codes_code ON promo_codes (tenant_id, upper(code));

CREATE TABLE promo_code_user_uses (
  promo_code_id bigint NOT NULL REFERENCES promo_codes(id),
  user_id       bigint NOT NULL REFERENCES users(id),
  used          integer NOT NULL CHECK (used >= 0),
  PRIMARY KEY (promo_code_id, user_id)
);
