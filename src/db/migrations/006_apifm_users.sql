-- Consumer-facing features behind the apifm dialect: profile fields, sign-in
-- rules and streaks, points-voucher numbers (积分券), coupon merge rules,
-- coupon share links, points rules.

ALTER TABLE users ADD COLUMN gender smallint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN province text;
ALTER TABLE users ADD COLUMN city text;
ALTER TABLE users ADD COLUMN birthday text;
ALTER TABLE users ADD COLUMN ext_json jsonb;

CREATE INDEX user_sessions_user ON user_sessions (user_id) WHERE revoked_at IS NULL;

-- The streak (consecutive days up to and including `day`) and the points given.
ALTER TABLE sign_ins ADD COLUMN continuous integer NOT NULL DEFAULT 1;
ALTER TABLE sign_ins ADD COLUMN score bigint NOT NULL DEFAULT 0;

-- Points for the n-th consecutive day; the highest rule not above the streak applies.
CREATE TABLE sign_in_rules (
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  continuous integer NOT NULL CHECK (continuous > 0),
  score      bigint NOT NULL CHECK (score >= 0),
  PRIMARY KEY (tenant_id, continuous)
);

-- Points given on events (register, invite, ...), shown by score/send/rule.
CREATE TABLE points_send_rules (
  tenant_id bigint NOT NULL REFERENCES tenants(id),
  code      text NOT NULL,
  score     bigint NOT NULL CHECK (score >= 0),
  confine   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, code)
);

-- Paying with points: every `score` points take `money` fen off (repeatable when loop).
CREATE TABLE points_deduction_rules (
  id        bigserial PRIMARY KEY,
  tenant_id bigint NOT NULL REFERENCES tenants(id),
  score     bigint NOT NULL CHECK (score > 0),
  money     bigint NOT NULL CHECK (money > 0),
  loop      boolean NOT NULL DEFAULT true,
  type      integer NOT NULL DEFAULT 0
);
CREATE INDEX points_deduction_rules_tenant ON points_deduction_rules (tenant_id, id);

-- 积分券: a number worth points, redeemed once.
CREATE TABLE points_vouchers (
  id         bigserial PRIMARY KEY,
  tenant_id  bigint NOT NULL REFERENCES tenants(id),
  number     text NOT NULL,
  score      bigint NOT NULL CHECK (score > 0),
  expires_at timestamptz,
  used_by    bigint REFERENCES users(id),
  used_at    timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX points_vouchers_number ON points_vouchers (tenant_id, number);

-- Merging: hand in the listed coupons, get one of the target template.
CREATE TABLE coupon_merge_rules (
  id                 bigserial PRIMARY KEY,
  tenant_id          bigint NOT NULL REFERENCES tenants(id),
  name               text NOT NULL,
  target_template_id bigint NOT NULL REFERENCES coupon_templates(id),
  active             boolean NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE coupon_merge_rule_items (
  rule_id     bigint NOT NULL REFERENCES coupon_merge_rules(id),
  template_id bigint NOT NULL REFERENCES coupon_templates(id),
  number      integer NOT NULL CHECK (number > 0),
  PRIMARY KEY (rule_id, template_id)
);

-- A user opens a share of one of their coupons; another user fetches it once with the share token.
CREATE TABLE coupon_shares (
  id          bigserial PRIMARY KEY,
  tenant_id   bigint NOT NULL REFERENCES tenants(id),
  coupon_id   bigint NOT NULL REFERENCES coupons(id),
  user_id     bigint NOT NULL REFERENCES users(id),
  token_hash  text NOT NULL,
  status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed','fetched')),
  fetched_by  bigint REFERENCES users(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  closed_at   timestamptz
);
CREATE UNIQUE INDEX coupon_shares_open ON coupon_shares (coupon_id) WHERE status = 'open';
