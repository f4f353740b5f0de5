-- Isolation and disclosure (issue 12).
--
-- 1. A row may name only its own tenant's rows: composite foreign keys
--    (tenant_id, x_id) → (tenant_id, id) on every stored single reference a
--    client can choose. The use-cases check the same in their transaction and
--    answer a typed refusal naming the field; these keys are the store's own
--    guarantee behind them. Array references (scope_ids, store_ids) cannot be
--    foreign keys and are checked by the use-cases alone.
--    NOT VALID: new and changed rows are checked at once; rows written before
--    this migration are not re-read (ALTER TABLE … VALIDATE CONSTRAINT … once
--    an operator has checked an old database).
-- 2. Tenants list the browser origins their H5 clients call from (CORS).
-- 3. Idempotency keys expire, and keep only what a replay needs.

ALTER TABLE stores ADD CONSTRAINT stores_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE departments ADD CONSTRAINT departments_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE staff ADD CONSTRAINT staff_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE users ADD CONSTRAINT users_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE coupon_templates ADD CONSTRAINT coupon_templates_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE card_products ADD CONSTRAINT card_products_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE card_events ADD CONSTRAINT card_events_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE goods_categories ADD CONSTRAINT goods_categories_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE goods ADD CONSTRAINT goods_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE orders ADD CONSTRAINT orders_tenant_id UNIQUE (tenant_id, id);
ALTER TABLE user_levels ADD CONSTRAINT user_levels_tenant_id UNIQUE (tenant_id, id);

-- identity
ALTER TABLE departments ADD CONSTRAINT departments_parent_same_tenant
  FOREIGN KEY (tenant_id, parent_id) REFERENCES departments (tenant_id, id) NOT VALID;
ALTER TABLE staff ADD CONSTRAINT staff_department_same_tenant
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_referrer_same_tenant
  FOREIGN KEY (tenant_id, referrer_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_seller_same_tenant
  FOREIGN KEY (tenant_id, seller_id) REFERENCES staff (tenant_id, id) NOT VALID;

-- coupons
ALTER TABLE promo_codes ADD CONSTRAINT promo_codes_department_same_tenant
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) NOT VALID;
ALTER TABLE promo_codes ADD CONSTRAINT promo_codes_staff_same_tenant
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id) NOT VALID;
ALTER TABLE code_batches ADD CONSTRAINT code_batches_template_same_tenant
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE coupons ADD CONSTRAINT coupons_template_same_tenant
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE coupons ADD CONSTRAINT coupons_owner_same_tenant
  FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE coupon_events ADD CONSTRAINT coupon_events_store_same_tenant
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE redemptions ADD CONSTRAINT redemptions_store_same_tenant
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE redemptions ADD CONSTRAINT redemptions_user_same_tenant
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE coupon_merge_rules ADD CONSTRAINT coupon_merge_rules_target_same_tenant
  FOREIGN KEY (tenant_id, target_template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;

-- cards
ALTER TABLE card_events ADD CONSTRAINT card_events_product_same_tenant
  FOREIGN KEY (tenant_id, card_product_id) REFERENCES card_products (tenant_id, id) NOT VALID;
ALTER TABLE card_events ADD CONSTRAINT card_events_template_same_tenant
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE user_cards ADD CONSTRAINT user_cards_user_same_tenant
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE user_cards ADD CONSTRAINT user_cards_product_same_tenant
  FOREIGN KEY (tenant_id, card_product_id) REFERENCES card_products (tenant_id, id) NOT VALID;
ALTER TABLE user_cards ADD CONSTRAINT user_cards_store_same_tenant
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger ADD CONSTRAINT card_ledger_store_same_tenant
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger ADD CONSTRAINT card_ledger_event_same_tenant
  FOREIGN KEY (tenant_id, event_id) REFERENCES card_events (tenant_id, id) NOT VALID;
ALTER TABLE card_invoices ADD CONSTRAINT card_invoices_store_same_tenant
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;

-- commerce
ALTER TABLE goods_categories ADD CONSTRAINT goods_categories_parent_same_tenant
  FOREIGN KEY (tenant_id, parent_id) REFERENCES goods_categories (tenant_id, id) NOT VALID;
ALTER TABLE goods ADD CONSTRAINT goods_category_same_tenant
  FOREIGN KEY (tenant_id, category_id) REFERENCES goods_categories (tenant_id, id) NOT VALID;
ALTER TABLE goods ADD CONSTRAINT goods_store_same_tenant
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_user_same_tenant
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_store_same_tenant
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE order_lines ADD CONSTRAINT order_lines_goods_same_tenant
  FOREIGN KEY (tenant_id, goods_id) REFERENCES goods (tenant_id, id) NOT VALID;
ALTER TABLE invoices ADD CONSTRAINT invoices_order_same_tenant
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) NOT VALID;
ALTER TABLE user_level_prices ADD CONSTRAINT user_level_prices_level_same_tenant
  FOREIGN KEY (tenant_id, level_id) REFERENCES user_levels (tenant_id, id) NOT VALID;

-- sellers
ALTER TABLE seller_profiles ADD CONSTRAINT seller_profiles_staff_same_tenant
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id) NOT VALID;
ALTER TABLE seller_profiles ADD CONSTRAINT seller_profiles_user_same_tenant
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;

-- 2. CORS: the origins (scheme://host[:port]) a tenant's browser clients call from.
ALTER TABLE tenants ADD COLUMN cors_origins text[] NOT NULL DEFAULT '{}';

-- 3. Idempotency keys: forgotten after expires_at (a periodic sweep deletes them;
-- an expired key is never replayed). The key is stored as its SHA-256, and a new
-- answer only sealed with a key derived from the Idempotency-Key itself
-- (response_sealed), so the table alone reveals no reply: only the client that
-- holds the key can have it replayed. Answers stored before this migration keep
-- their plain `response` until they expire.
ALTER TABLE idempotency_keys ADD COLUMN expires_at timestamptz;
UPDATE idempotency_keys SET expires_at = created_at + interval '24 hours';
ALTER TABLE idempotency_keys ALTER COLUMN expires_at SET NOT NULL;
ALTER TABLE idempotency_keys ADD COLUMN response_sealed bytea;
UPDATE idempotency_keys SET key = encode(sha256(convert_to(key, 'UTF8')), 'hex');
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
