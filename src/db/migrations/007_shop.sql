-- The shop behind the apifm consumer API: catalogue (categories, goods, SKUs
-- with stock that never goes below zero), orders with their lines, coupons
-- (through the coupon core's redemption), points deduction and pickup number,
-- after-sales requests, shipping addresses, user levels, in-app messages,
-- banners, notices, config values, pay-bill (买单) discounts and bills,
-- recharge bonus rules and invoices.

CREATE TABLE goods_categories (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  parent_id   bigint REFERENCES goods_categories(id),
  name        text NOT NULL,
  icon        text,
  sort        integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goods_categories_tenant ON goods_categories (tenant_id, sort, id);

CREATE TABLE goods (
  id             bigserial PRIMARY KEY,
  tenant_id      bigint NOT NULL REFERENCES tenants(id),
  category_id    bigint REFERENCES goods_categories(id),
  store_id       bigint REFERENCES stores(id),
  name           text NOT NULL,
  pic            text,
  characteristic text,
  content        text,
  price          bigint NOT NULL CHECK (price >= 0),
  original_price bigint CHECK (original_price >= 0),
  stock          integer NOT NULL CHECK (stock >= 0),
  sold           integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
  recommend      boolean NOT NULL DEFAULT false,
  on_sale        boolean NOT NULL DEFAULT true,
  sort           integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goods_tenant ON goods (tenant_id, category_id, id);

-- One SKU per combination of property values ("4:15,2:10", sorted by property id).
CREATE TABLE goods_skus (
  id                 bigserial PRIMARY KEY,
  tenant_id          bigint NOT NULL REFERENCES tenants(id),
  goods_id           bigint NOT NULL REFERENCES goods(id),
  property_child_ids text NOT NULL,
  property_str       text,
  price              bigint NOT NULL CHECK (price >= 0),
  original_price     bigint CHECK (original_price >= 0),
  stock              integer NOT NULL CHECK (stock >= 0),
  UNIQUE (goods_id, property_child_ids)
);

-- status: -2 being created (coupons not yet confirmed; invisible), -1 closed,
-- 0 awaiting payment, 1 paid, 2 shipped, 3 received (awaiting review), 4 reviewed.
CREATE TABLE orders (
  id               bigserial PRIMARY KEY,
  tenant_id        bigint NOT NULL REFERENCES tenants(id),
  user_id          bigint NOT NULL REFERENCES users(id),
  order_number     text NOT NULL,
  status           smallint NOT NULL DEFAULT 0 CHECK (status BETWEEN -2 AND 4),
  store_id         bigint REFERENCES stores(id),
  goods_number     integer NOT NULL CHECK (goods_number > 0),
  amount_goods     bigint NOT NULL CHECK (amount_goods >= 0),
  amount_coupon    bigint NOT NULL DEFAULT 0 CHECK (amount_coupon >= 0),
  amount_deduction bigint NOT NULL DEFAULT 0 CHECK (amount_deduction >= 0),
  deduction_score  bigint NOT NULL DEFAULT 0 CHECK (deduction_score >= 0),
  amount_logistics bigint NOT NULL DEFAULT 0 CHECK (amount_logistics >= 0),
  amount_real      bigint NOT NULL CHECK (amount_real >= 0),
  coupon_ids       bigint[] NOT NULL DEFAULT '{}',
  redemption_id    bigint REFERENCES redemptions(id),
  coupons_released boolean NOT NULL DEFAULT false,
  hx_number        text NOT NULL,
  hx_at            timestamptz,
  is_need_logistics boolean NOT NULL DEFAULT false,
  peisong_type     text,
  link_man         text,
  mobile           text,
  address          text,
  province_id      text,
  city_id          text,
  district_id      text,
  remark           text,
  ext              jsonb,
  expires_at       timestamptz,
  paid_at          timestamptz,
  closed_at        timestamptz,
  close_reason     text,
  deleted_at       timestamptz,
  has_refund       boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (amount_real = amount_goods + amount_logistics - amount_coupon - amount_deduction)
);
CREATE UNIQUE INDEX orders_number ON orders (tenant_id, order_number);
CREATE UNIQUE INDEX orders_hx ON orders (tenant_id, hx_number);
CREATE INDEX orders_user ON orders (tenant_id, user_id, id DESC);
CREATE INDEX orders_creating ON orders (created_at) WHERE status = -2;
CREATE INDEX orders_expiring ON orders (expires_at) WHERE status = 0 AND expires_at IS NOT NULL;
CREATE INDEX orders_unreleased ON orders (closed_at) WHERE status = -1 AND redemption_id IS NOT NULL AND NOT coupons_released;

CREATE TABLE order_lines (
  id                 bigserial PRIMARY KEY,
  tenant_id          bigint NOT NULL REFERENCES tenants(id),
  order_id           bigint NOT NULL REFERENCES orders(id),
  goods_id           bigint NOT NULL REFERENCES goods(id),
  sku_id             bigint REFERENCES goods_skus(id),
  category_id        bigint,
  goods_name         text NOT NULL,
  pic                text,
  property_child_ids text NOT NULL DEFAULT '',
  property_str       text,
  unit_price         bigint NOT NULL CHECK (unit_price >= 0),
  number             integer NOT NULL CHECK (number > 0),
  amount             bigint NOT NULL CHECK (amount >= 0),
  amount_coupon      bigint NOT NULL DEFAULT 0 CHECK (amount_coupon >= 0),
  reputation         smallint CHECK (reputation BETWEEN 0 AND 2),
  reputation_remark  text,
  reputation_pics    text[],
  reputation_at      timestamptz
);
CREATE INDEX order_lines_order ON order_lines (order_id, id);

CREATE TABLE order_logs (
  id         bigserial PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES orders(id),
  type       smallint NOT NULL,
  remark     text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_logs_order ON order_logs (order_id, id);

-- After-sales requests; at most one open (status 0) per order.
CREATE TABLE order_refunds (
  id               bigserial PRIMARY KEY,
  tenant_id        bigint NOT NULL REFERENCES tenants(id),
  order_id         bigint NOT NULL REFERENCES orders(id),
  user_id          bigint NOT NULL REFERENCES users(id),
  type             smallint NOT NULL CHECK (type IN (0, 1, 2)),
  logistics_status smallint NOT NULL CHECK (logistics_status IN (0, 1)),
  reason           text NOT NULL,
  remark           text,
  amount           bigint NOT NULL CHECK (amount >= 0),
  pics             text[] NOT NULL DEFAULT '{}',
  status           smallint NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2, 3)),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX order_refunds_open ON order_refunds (order_id) WHERE status = 0;

CREATE TABLE shipping_addresses (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  user_id     bigint NOT NULL REFERENCES users(id),
  link_man    text NOT NULL,
  mobile      text NOT NULL,
  province_id text NOT NULL,
  city_id     text NOT NULL,
  district_id text,
  street_id   text,
  address     text NOT NULL,
  code        text,
  idcard      text,
  latitude    double precision,
  longitude   double precision,
  is_default  boolean NOT NULL DEFAULT false,
  status      smallint NOT NULL DEFAULT 0,
  ext         jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX shipping_addresses_user ON shipping_addresses (tenant_id, user_id, id);
CREATE UNIQUE INDEX shipping_addresses_default ON shipping_addresses (tenant_id, user_id) WHERE is_default;

CREATE TABLE user_levels (
  id             bigserial PRIMARY KEY,
  tenant_id      bigint NOT NULL REFERENCES tenants(id),
  name           text NOT NULL,
  level          integer NOT NULL CHECK (level >= 0),
  upgrade_amount bigint NOT NULL DEFAULT 0 CHECK (upgrade_amount >= 0),
  rebate         integer NOT NULL DEFAULT 10000 CHECK (rebate > 0 AND rebate <= 10000),
  remark         text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, level)
);

CREATE TABLE user_level_prices (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  level_id   bigint NOT NULL REFERENCES user_levels(id),
  duration   integer NOT NULL CHECK (duration > 0),
  unit       smallint NOT NULL DEFAULT 0,
  price      bigint NOT NULL CHECK (price >= 0)
);

CREATE TABLE user_messages (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  user_id    bigint NOT NULL REFERENCES users(id),
  type       smallint NOT NULL DEFAULT 0,
  source     smallint NOT NULL DEFAULT 0,
  title      text NOT NULL,
  content    text,
  is_read    boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_messages_user ON user_messages (tenant_id, user_id, id DESC);

CREATE TABLE banners (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  type       text NOT NULL DEFAULT '',
  title      text NOT NULL DEFAULT '',
  pic_url    text NOT NULL,
  link_type  smallint NOT NULL DEFAULT 0,
  link_url   text,
  appid      text,
  business_id bigint,
  sort       integer NOT NULL DEFAULT 0,
  enabled    boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX banners_tenant ON banners (tenant_id, type, sort, id);

CREATE TABLE notices (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  type       text NOT NULL DEFAULT '',
  title      text NOT NULL,
  content    text NOT NULL DEFAULT '',
  enabled    boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notices_tenant ON notices (tenant_id, type, id DESC);

CREATE TABLE config_values (
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  key        text NOT NULL,
  value      text NOT NULL,
  remark     text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, key)
);

-- 买单: spend at least `consume`, get `discounts` off.
CREATE TABLE pay_bill_discounts (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  consume    bigint NOT NULL CHECK (consume > 0),
  discounts  bigint NOT NULL CHECK (discounts > 0 AND discounts <= consume),
  UNIQUE (tenant_id, consume)
);

CREATE TABLE pay_bills (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  user_id     bigint NOT NULL REFERENCES users(id),
  money       bigint NOT NULL CHECK (money > 0),
  discount    bigint NOT NULL CHECK (discount >= 0),
  real_money  bigint NOT NULL CHECK (real_money >= 0 AND real_money = money - discount),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pay_bills_user ON pay_bills (tenant_id, user_id, id DESC);

-- 充值赠送: recharge at least `confine`, get `send` on top.
CREATE TABLE recharge_send_rules (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  confine    bigint NOT NULL CHECK (confine > 0),
  send       bigint NOT NULL CHECK (send > 0),
  UNIQUE (tenant_id, confine)
);

-- Consumer invoice requests (apifm invoice/apply); card invoices live in card_invoices.
CREATE TABLE invoices (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  user_id     bigint NOT NULL REFERENCES users(id),
  order_id    bigint REFERENCES orders(id),
  amount      bigint NOT NULL CHECK (amount >= 0),
  com_name    text,
  tfn         text,
  consumption text,
  email       text,
  remark      text,
  ext         jsonb,
  status      smallint NOT NULL DEFAULT 0 CHECK (status IN (0, 1, 2)),
  file        text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invoices_user ON invoices (tenant_id, user_id, id DESC);
