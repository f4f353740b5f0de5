-- Sellers (sales staff) and their customers: a seller's public profile, its
-- referral code, the merchant's one default seller, and how each consumer was
-- bound to a seller (users.seller_id already holds the binding).

CREATE TABLE seller_profiles (
  staff_id       bigint PRIMARY KEY REFERENCES staff(id),
  tenant_id      bigint NOT NULL REFERENCES tenants(id),
  wechat         text,
  pic            text,
  intro          text,
  referral_code  text CHECK (referral_code ~ '^[A-Za-z0-9_-]{3,32}$'),
  -- The seller's own consumer account (the WeChat user bound as a seller).
  user_id        bigint REFERENCES users(id),
  is_default     boolean NOT NULL DEFAULT false,
  updated_at     timestamptz NOT NULL DEFAULT now()
);
-- One default seller per merchant; it owns every customer not bound to an active seller.
CREATE UNIQUE INDEX seller_profiles_default ON seller_profiles (tenant_id) WHERE is_default;
CREATE UNIQUE INDEX seller_profiles_referral ON seller_profiles (tenant_id, upper(referral_code)) WHERE referral_code IS NOT NULL;
CREATE UNIQUE INDEX seller_profiles_user ON seller_profiles (tenant_id, user_id) WHERE user_id IS NOT NULL;

-- A stable public id for a consumer (32 hex characters), and how it came to its seller.
ALTER TABLE users ADD COLUMN uid text NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
ALTER TABLE users ADD COLUMN seller_channel text;
ALTER TABLE users ADD COLUMN seller_bound_at timestamptz;
CREATE UNIQUE INDEX users_uid ON users (uid);
CREATE INDEX users_seller ON users (tenant_id, seller_id, id);
CREATE INDEX redemptions_user_done ON redemptions (tenant_id, user_id) WHERE user_id IS NOT NULL AND status = 'done';
CREATE INDEX redemptions_staff_kind ON redemptions (tenant_id, staff_id, kind, id DESC) WHERE staff_id IS NOT NULL;
