-- The schema distributes by tenant (issue 13). After this migration every
-- tenant table carries tenant_id, and its primary key, unique keys and foreign
-- keys to other tenant tables include it: the rules of a Citus table
-- distributed by tenant_id, so every transaction of one tenant stays on one
-- node. What is truly platform-wide is a reference table and says so in its
-- comment. test/db/distribution.test.ts reads the catalog and holds the rule.
--
-- Keys put tenant_id last: (id, tenant_id) serves a lookup by id alone as the
-- old key did, and is unique all the same. Foreign keys pair tenant_id with the
-- reference, so a row names only its own tenant's rows; re-created NOT VALID
-- like migration 013's (new rows are checked at once; an operator may
-- VALIDATE CONSTRAINT an old store: the migration test does, on a filled one).
-- Who-did-it columns (created_by, staff_id of an action, opened_by) lose their
-- foreign key: the actor may be a platform admin (tenant 0), whom no tenant's
-- row can reference on a distributed schema.

-- 1. The platform is tenant 0: its admins, their sessions, their audit rows
--    and uploads were tenant_id NULL. Slug '_platform' can never be registered
--    (nor looked up: the repository skips tenant 0).
ALTER TABLE tenants DROP CONSTRAINT tenants_slug_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_slug_check CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$' OR (id = 0 AND slug = '_platform'));
INSERT INTO tenants (id, slug, name, approval_required) VALUES (0, '_platform', 'quan platform', false) ON CONFLICT DO NOTHING;
ALTER TABLE staff DROP CONSTRAINT staff_check;
UPDATE staff SET tenant_id = 0 WHERE tenant_id IS NULL;
ALTER TABLE staff ADD CONSTRAINT staff_check CHECK ((role = 'platform_admin') = (tenant_id = 0));
UPDATE staff_sessions SET tenant_id = 0 WHERE tenant_id IS NULL;
UPDATE audit_log SET tenant_id = 0 WHERE tenant_id IS NULL;
UPDATE card_uploads SET tenant_id = 0 WHERE tenant_id IS NULL;
ALTER TABLE staff ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE staff_sessions ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE audit_log ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE card_uploads ALTER COLUMN tenant_id SET NOT NULL;

-- 2. Child tables get their parent's tenant.
ALTER TABLE redemption_items ADD COLUMN tenant_id bigint;
UPDATE redemption_items i SET tenant_id = r.tenant_id FROM redemptions r WHERE r.id = i.redemption_id;
ALTER TABLE redemption_items ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE redemption_items ADD COLUMN id bigserial;
ALTER TABLE template_user_claims ADD COLUMN tenant_id bigint;
UPDATE template_user_claims c SET tenant_id = t.tenant_id FROM coupon_templates t WHERE t.id = c.template_id;
ALTER TABLE template_user_claims ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE promo_code_user_uses ADD COLUMN tenant_id bigint;
UPDATE promo_code_user_uses u SET tenant_id = p.tenant_id FROM promo_codes p WHERE p.id = u.promo_code_id;
ALTER TABLE promo_code_user_uses ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE coupon_merge_rule_items ADD COLUMN tenant_id bigint;
UPDATE coupon_merge_rule_items i SET tenant_id = m.tenant_id FROM coupon_merge_rules m WHERE m.id = i.rule_id;
ALTER TABLE coupon_merge_rule_items ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE order_logs ADD COLUMN tenant_id bigint;
UPDATE order_logs l SET tenant_id = o.tenant_id FROM orders o WHERE o.id = l.order_id;
ALTER TABLE order_logs ALTER COLUMN tenant_id SET NOT NULL;
-- The bucket lines are append-only (migration 008): the trigger steps aside for this one backfill.
ALTER TABLE card_ledger_buckets ADD COLUMN tenant_id bigint;
ALTER TABLE card_ledger_buckets DISABLE TRIGGER card_ledger_buckets_append_only;
UPDATE card_ledger_buckets b SET tenant_id = l.tenant_id FROM card_ledger l WHERE l.id = b.entry_id;
ALTER TABLE card_ledger_buckets ENABLE TRIGGER card_ledger_buckets_append_only;
ALTER TABLE card_ledger_buckets ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE redemption_items ADD CONSTRAINT redemption_items_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE template_user_claims ADD CONSTRAINT template_user_claims_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE promo_code_user_uses ADD CONSTRAINT promo_code_user_uses_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE coupon_merge_rule_items ADD CONSTRAINT coupon_merge_rule_items_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE order_logs ADD CONSTRAINT order_logs_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id);
ALTER TABLE card_ledger_buckets ADD CONSTRAINT card_ledger_buckets_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id);

-- 3. Foreign keys between tenant tables go (they are re-made paired below),
--    then migration 013's (tenant_id, id) uniques, which the keys replace.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_created_by_fkey;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_staff_id_fkey;
ALTER TABLE card_buckets DROP CONSTRAINT card_buckets_event_id_fkey;
ALTER TABLE card_buckets DROP CONSTRAINT card_buckets_user_card_id_fkey;
ALTER TABLE card_events DROP CONSTRAINT card_events_card_product_id_fkey;
ALTER TABLE card_events DROP CONSTRAINT card_events_created_by_fkey;
ALTER TABLE card_events DROP CONSTRAINT card_events_product_same_tenant;
ALTER TABLE card_events DROP CONSTRAINT card_events_template_id_fkey;
ALTER TABLE card_events DROP CONSTRAINT card_events_template_same_tenant;
ALTER TABLE card_invoices DROP CONSTRAINT card_invoices_ledger_id_fkey;
ALTER TABLE card_invoices DROP CONSTRAINT card_invoices_staff_id_fkey;
ALTER TABLE card_invoices DROP CONSTRAINT card_invoices_store_id_fkey;
ALTER TABLE card_invoices DROP CONSTRAINT card_invoices_store_same_tenant;
ALTER TABLE card_invoices DROP CONSTRAINT card_invoices_user_card_id_fkey;
ALTER TABLE card_invoices DROP CONSTRAINT card_invoices_user_id_fkey;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_bucket_id_fkey;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_event_id_fkey;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_event_same_tenant;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_refund_of_fkey;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_staff_id_fkey;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_store_id_fkey;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_store_same_tenant;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_user_card_id_fkey;
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_user_id_fkey;
ALTER TABLE card_ledger_buckets DROP CONSTRAINT card_ledger_buckets_bucket_id_fkey;
ALTER TABLE card_ledger_buckets DROP CONSTRAINT card_ledger_buckets_entry_id_fkey;
ALTER TABLE card_products DROP CONSTRAINT card_products_created_by_fkey;
ALTER TABLE card_uploads DROP CONSTRAINT card_uploads_staff_id_fkey;
ALTER TABLE code_batches DROP CONSTRAINT code_batches_created_by_fkey;
ALTER TABLE code_batches DROP CONSTRAINT code_batches_template_id_fkey;
ALTER TABLE code_batches DROP CONSTRAINT code_batches_template_same_tenant;
ALTER TABLE coupon_events DROP CONSTRAINT coupon_events_coupon_id_fkey;
ALTER TABLE coupon_events DROP CONSTRAINT coupon_events_from_user_fkey;
ALTER TABLE coupon_events DROP CONSTRAINT coupon_events_staff_id_fkey;
ALTER TABLE coupon_events DROP CONSTRAINT coupon_events_store_id_fkey;
ALTER TABLE coupon_events DROP CONSTRAINT coupon_events_store_same_tenant;
ALTER TABLE coupon_events DROP CONSTRAINT coupon_events_to_user_fkey;
ALTER TABLE coupon_merge_rule_items DROP CONSTRAINT coupon_merge_rule_items_rule_id_fkey;
ALTER TABLE coupon_merge_rule_items DROP CONSTRAINT coupon_merge_rule_items_template_id_fkey;
ALTER TABLE coupon_merge_rules DROP CONSTRAINT coupon_merge_rules_target_same_tenant;
ALTER TABLE coupon_merge_rules DROP CONSTRAINT coupon_merge_rules_target_template_id_fkey;
ALTER TABLE coupon_shares DROP CONSTRAINT coupon_shares_coupon_id_fkey;
ALTER TABLE coupon_shares DROP CONSTRAINT coupon_shares_fetched_by_fkey;
ALTER TABLE coupon_shares DROP CONSTRAINT coupon_shares_user_id_fkey;
ALTER TABLE coupon_templates DROP CONSTRAINT coupon_templates_created_by_fkey;
ALTER TABLE coupons DROP CONSTRAINT coupons_batch_id_fkey;
ALTER TABLE coupons DROP CONSTRAINT coupons_owner_id_fkey;
ALTER TABLE coupons DROP CONSTRAINT coupons_owner_same_tenant;
ALTER TABLE coupons DROP CONSTRAINT coupons_template_id_fkey;
ALTER TABLE coupons DROP CONSTRAINT coupons_template_same_tenant;
ALTER TABLE departments DROP CONSTRAINT departments_parent_id_fkey;
ALTER TABLE departments DROP CONSTRAINT departments_parent_same_tenant;
ALTER TABLE goods DROP CONSTRAINT goods_category_id_fkey;
ALTER TABLE goods DROP CONSTRAINT goods_category_same_tenant;
ALTER TABLE goods DROP CONSTRAINT goods_store_id_fkey;
ALTER TABLE goods DROP CONSTRAINT goods_store_same_tenant;
ALTER TABLE goods_categories DROP CONSTRAINT goods_categories_parent_id_fkey;
ALTER TABLE goods_categories DROP CONSTRAINT goods_categories_parent_same_tenant;
ALTER TABLE goods_skus DROP CONSTRAINT goods_skus_goods_id_fkey;
ALTER TABLE invoices DROP CONSTRAINT invoices_order_id_fkey;
ALTER TABLE invoices DROP CONSTRAINT invoices_order_same_tenant;
ALTER TABLE invoices DROP CONSTRAINT invoices_user_id_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_goods_id_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_goods_same_tenant;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_order_id_fkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_sku_id_fkey;
ALTER TABLE order_logs DROP CONSTRAINT order_logs_order_id_fkey;
ALTER TABLE order_refunds DROP CONSTRAINT order_refunds_order_id_fkey;
ALTER TABLE order_refunds DROP CONSTRAINT order_refunds_user_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_redemption_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_store_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_store_same_tenant;
ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey;
ALTER TABLE orders DROP CONSTRAINT orders_user_same_tenant;
ALTER TABLE pay_bills DROP CONSTRAINT pay_bills_user_id_fkey;
ALTER TABLE points_ledger DROP CONSTRAINT points_ledger_user_id_fkey;
ALTER TABLE points_vouchers DROP CONSTRAINT points_vouchers_used_by_fkey;
ALTER TABLE promo_code_user_uses DROP CONSTRAINT promo_code_user_uses_promo_code_id_fkey;
ALTER TABLE promo_code_user_uses DROP CONSTRAINT promo_code_user_uses_user_id_fkey;
ALTER TABLE promo_codes DROP CONSTRAINT promo_codes_created_by_fkey;
ALTER TABLE promo_codes DROP CONSTRAINT promo_codes_department_id_fkey;
ALTER TABLE promo_codes DROP CONSTRAINT promo_codes_department_same_tenant;
ALTER TABLE promo_codes DROP CONSTRAINT promo_codes_staff_id_fkey;
ALTER TABLE promo_codes DROP CONSTRAINT promo_codes_staff_same_tenant;
ALTER TABLE redemption_items DROP CONSTRAINT redemption_items_coupon_id_fkey;
ALTER TABLE redemption_items DROP CONSTRAINT redemption_items_redemption_id_fkey;
ALTER TABLE redemptions DROP CONSTRAINT redemptions_staff_id_fkey;
ALTER TABLE redemptions DROP CONSTRAINT redemptions_store_id_fkey;
ALTER TABLE redemptions DROP CONSTRAINT redemptions_store_same_tenant;
ALTER TABLE redemptions DROP CONSTRAINT redemptions_user_id_fkey;
ALTER TABLE redemptions DROP CONSTRAINT redemptions_user_same_tenant;
ALTER TABLE seller_profiles DROP CONSTRAINT seller_profiles_staff_id_fkey;
ALTER TABLE seller_profiles DROP CONSTRAINT seller_profiles_staff_same_tenant;
ALTER TABLE seller_profiles DROP CONSTRAINT seller_profiles_user_id_fkey;
ALTER TABLE seller_profiles DROP CONSTRAINT seller_profiles_user_same_tenant;
ALTER TABLE shipping_addresses DROP CONSTRAINT shipping_addresses_user_id_fkey;
ALTER TABLE sign_ins DROP CONSTRAINT sign_ins_user_id_fkey;
ALTER TABLE staff DROP CONSTRAINT staff_department_id_fkey;
ALTER TABLE staff DROP CONSTRAINT staff_department_same_tenant;
ALTER TABLE staff_sessions DROP CONSTRAINT staff_sessions_staff_id_fkey;
ALTER TABLE template_user_claims DROP CONSTRAINT template_user_claims_template_id_fkey;
ALTER TABLE template_user_claims DROP CONSTRAINT template_user_claims_user_id_fkey;
ALTER TABLE user_cards DROP CONSTRAINT user_cards_card_product_id_fkey;
ALTER TABLE user_cards DROP CONSTRAINT user_cards_opened_by_fkey;
ALTER TABLE user_cards DROP CONSTRAINT user_cards_product_same_tenant;
ALTER TABLE user_cards DROP CONSTRAINT user_cards_store_id_fkey;
ALTER TABLE user_cards DROP CONSTRAINT user_cards_store_same_tenant;
ALTER TABLE user_cards DROP CONSTRAINT user_cards_user_id_fkey;
ALTER TABLE user_cards DROP CONSTRAINT user_cards_user_same_tenant;
ALTER TABLE user_level_prices DROP CONSTRAINT user_level_prices_level_id_fkey;
ALTER TABLE user_level_prices DROP CONSTRAINT user_level_prices_level_same_tenant;
ALTER TABLE user_messages DROP CONSTRAINT user_messages_user_id_fkey;
ALTER TABLE user_sessions DROP CONSTRAINT user_sessions_user_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_referrer_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_referrer_same_tenant;
ALTER TABLE users DROP CONSTRAINT users_seller_id_fkey;
ALTER TABLE users DROP CONSTRAINT users_seller_same_tenant;
ALTER TABLE wallet_ledger DROP CONSTRAINT wallet_ledger_user_id_fkey;
ALTER TABLE card_events DROP CONSTRAINT card_events_tenant_id;
ALTER TABLE card_products DROP CONSTRAINT card_products_tenant_id;
ALTER TABLE coupon_templates DROP CONSTRAINT coupon_templates_tenant_id;
ALTER TABLE departments DROP CONSTRAINT departments_tenant_id;
ALTER TABLE goods DROP CONSTRAINT goods_tenant_id;
ALTER TABLE goods_categories DROP CONSTRAINT goods_categories_tenant_id;
ALTER TABLE orders DROP CONSTRAINT orders_tenant_id;
ALTER TABLE staff DROP CONSTRAINT staff_tenant_id;
ALTER TABLE stores DROP CONSTRAINT stores_tenant_id;
ALTER TABLE user_levels DROP CONSTRAINT user_levels_tenant_id;
ALTER TABLE users DROP CONSTRAINT users_tenant_id;

-- 4. Primary keys include tenant_id.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE banners DROP CONSTRAINT banners_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE card_buckets DROP CONSTRAINT card_buckets_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE card_events DROP CONSTRAINT card_events_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE card_invoices DROP CONSTRAINT card_invoices_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE card_ledger DROP CONSTRAINT card_ledger_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE card_ledger_buckets DROP CONSTRAINT card_ledger_buckets_pkey, ADD PRIMARY KEY (entry_id, bucket_id, tenant_id);
ALTER TABLE card_products DROP CONSTRAINT card_products_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE card_uploads DROP CONSTRAINT card_uploads_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE code_batches DROP CONSTRAINT code_batches_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE coupon_events DROP CONSTRAINT coupon_events_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE coupon_merge_rule_items DROP CONSTRAINT coupon_merge_rule_items_pkey, ADD PRIMARY KEY (rule_id, template_id, tenant_id);
ALTER TABLE coupon_merge_rules DROP CONSTRAINT coupon_merge_rules_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE coupon_shares DROP CONSTRAINT coupon_shares_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE coupon_templates DROP CONSTRAINT coupon_templates_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE coupons DROP CONSTRAINT coupons_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE departments DROP CONSTRAINT departments_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE goods DROP CONSTRAINT goods_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE goods_categories DROP CONSTRAINT goods_categories_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE goods_skus DROP CONSTRAINT goods_skus_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE invoices DROP CONSTRAINT invoices_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE notices DROP CONSTRAINT notices_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE order_lines DROP CONSTRAINT order_lines_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE order_logs DROP CONSTRAINT order_logs_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE order_refunds DROP CONSTRAINT order_refunds_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE orders DROP CONSTRAINT orders_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE pay_bill_discounts DROP CONSTRAINT pay_bill_discounts_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE pay_bills DROP CONSTRAINT pay_bills_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE points_deduction_rules DROP CONSTRAINT points_deduction_rules_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE points_ledger DROP CONSTRAINT points_ledger_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE points_vouchers DROP CONSTRAINT points_vouchers_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE promo_code_user_uses DROP CONSTRAINT promo_code_user_uses_pkey, ADD PRIMARY KEY (promo_code_id, user_id, tenant_id);
ALTER TABLE promo_codes DROP CONSTRAINT promo_codes_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE recharge_send_rules DROP CONSTRAINT recharge_send_rules_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE redemptions DROP CONSTRAINT redemptions_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE seller_profiles DROP CONSTRAINT seller_profiles_pkey, ADD PRIMARY KEY (staff_id, tenant_id);
ALTER TABLE shipping_addresses DROP CONSTRAINT shipping_addresses_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE staff DROP CONSTRAINT staff_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE staff_sessions DROP CONSTRAINT staff_sessions_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE stores DROP CONSTRAINT stores_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE template_user_claims DROP CONSTRAINT template_user_claims_pkey, ADD PRIMARY KEY (template_id, user_id, tenant_id);
ALTER TABLE user_cards DROP CONSTRAINT user_cards_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE user_level_prices DROP CONSTRAINT user_level_prices_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE user_levels DROP CONSTRAINT user_levels_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE user_messages DROP CONSTRAINT user_messages_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE user_sessions DROP CONSTRAINT user_sessions_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE users DROP CONSTRAINT users_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE verification_codes DROP CONSTRAINT verification_codes_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE wallet_ledger DROP CONSTRAINT wallet_ledger_pkey, ADD PRIMARY KEY (id, tenant_id);
ALTER TABLE redemption_items ADD PRIMARY KEY (id, tenant_id);

-- 5. Unique keys include tenant_id.
ALTER TABLE api_keys DROP CONSTRAINT api_keys_key_hash_key, ADD CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash, tenant_id);
ALTER TABLE staff_sessions DROP CONSTRAINT staff_sessions_token_hash_key, ADD CONSTRAINT staff_sessions_token_hash_key UNIQUE (token_hash, tenant_id);
ALTER TABLE user_sessions DROP CONSTRAINT user_sessions_token_hash_key, ADD CONSTRAINT user_sessions_token_hash_key UNIQUE (token_hash, tenant_id);
ALTER TABLE card_uploads DROP CONSTRAINT card_uploads_file_name_key, ADD CONSTRAINT card_uploads_file_name_key UNIQUE (file_name, tenant_id);
ALTER TABLE goods_skus DROP CONSTRAINT goods_skus_goods_id_property_child_ids_key,
  ADD CONSTRAINT goods_skus_goods_id_property_child_ids_key UNIQUE (goods_id, property_child_ids, tenant_id);
DROP INDEX card_ledger_refund_once;
CREATE UNIQUE INDEX card_ledger_refund_once ON card_ledger (refund_of, tenant_id) WHERE refund_of IS NOT NULL;
DROP INDEX coupon_shares_open;
CREATE UNIQUE INDEX coupon_shares_open ON coupon_shares (coupon_id, tenant_id) WHERE status = 'open';
DROP INDEX order_refunds_open;
CREATE UNIQUE INDEX order_refunds_open ON order_refunds (order_id, tenant_id) WHERE status = 0;
DROP INDEX users_uid;
CREATE UNIQUE INDEX users_uid ON users (uid, tenant_id);

-- 6. Staff log in by username alone, so usernames stay unique across tenants:
--    the directory (a reference table) holds that and names the tenant to look in.
CREATE TABLE staff_logins (
  login      text PRIMARY KEY CHECK (login = lower(login)),
  tenant_id  bigint NOT NULL REFERENCES tenants (id),
  staff_id   bigint NOT NULL
);
INSERT INTO staff_logins (login, tenant_id, staff_id) SELECT lower(username), tenant_id, id FROM staff;
DROP INDEX staff_username;
CREATE UNIQUE INDEX staff_username ON staff (lower(username), tenant_id);

-- 7. Foreign keys between tenant tables, paired on tenant_id.
ALTER TABLE card_buckets ADD CONSTRAINT card_buckets_event_id_fkey
  FOREIGN KEY (tenant_id, event_id) REFERENCES card_events (tenant_id, id) NOT VALID;
ALTER TABLE card_buckets ADD CONSTRAINT card_buckets_user_card_id_fkey
  FOREIGN KEY (tenant_id, user_card_id) REFERENCES user_cards (tenant_id, id) NOT VALID;
ALTER TABLE card_events ADD CONSTRAINT card_events_card_product_id_fkey
  FOREIGN KEY (tenant_id, card_product_id) REFERENCES card_products (tenant_id, id) NOT VALID;
ALTER TABLE card_events ADD CONSTRAINT card_events_template_id_fkey
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE card_invoices ADD CONSTRAINT card_invoices_ledger_id_fkey
  FOREIGN KEY (tenant_id, ledger_id) REFERENCES card_ledger (tenant_id, id) NOT VALID;
ALTER TABLE card_invoices ADD CONSTRAINT card_invoices_store_id_fkey
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE card_invoices ADD CONSTRAINT card_invoices_user_card_id_fkey
  FOREIGN KEY (tenant_id, user_card_id) REFERENCES user_cards (tenant_id, id) NOT VALID;
ALTER TABLE card_invoices ADD CONSTRAINT card_invoices_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger ADD CONSTRAINT card_ledger_bucket_id_fkey
  FOREIGN KEY (tenant_id, bucket_id) REFERENCES card_buckets (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger ADD CONSTRAINT card_ledger_event_id_fkey
  FOREIGN KEY (tenant_id, event_id) REFERENCES card_events (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger ADD CONSTRAINT card_ledger_refund_of_fkey
  FOREIGN KEY (tenant_id, refund_of) REFERENCES card_ledger (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger ADD CONSTRAINT card_ledger_store_id_fkey
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger ADD CONSTRAINT card_ledger_user_card_id_fkey
  FOREIGN KEY (tenant_id, user_card_id) REFERENCES user_cards (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger ADD CONSTRAINT card_ledger_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger_buckets ADD CONSTRAINT card_ledger_buckets_bucket_id_fkey
  FOREIGN KEY (tenant_id, bucket_id) REFERENCES card_buckets (tenant_id, id) NOT VALID;
ALTER TABLE card_ledger_buckets ADD CONSTRAINT card_ledger_buckets_entry_id_fkey
  FOREIGN KEY (tenant_id, entry_id) REFERENCES card_ledger (tenant_id, id) NOT VALID;
ALTER TABLE code_batches ADD CONSTRAINT code_batches_template_id_fkey
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE coupon_events ADD CONSTRAINT coupon_events_coupon_id_fkey
  FOREIGN KEY (tenant_id, coupon_id) REFERENCES coupons (tenant_id, id) NOT VALID;
ALTER TABLE coupon_events ADD CONSTRAINT coupon_events_from_user_fkey
  FOREIGN KEY (tenant_id, from_user) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE coupon_events ADD CONSTRAINT coupon_events_store_id_fkey
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE coupon_events ADD CONSTRAINT coupon_events_to_user_fkey
  FOREIGN KEY (tenant_id, to_user) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE coupon_merge_rule_items ADD CONSTRAINT coupon_merge_rule_items_rule_id_fkey
  FOREIGN KEY (tenant_id, rule_id) REFERENCES coupon_merge_rules (tenant_id, id) NOT VALID;
ALTER TABLE coupon_merge_rule_items ADD CONSTRAINT coupon_merge_rule_items_template_id_fkey
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE coupon_merge_rules ADD CONSTRAINT coupon_merge_rules_target_template_id_fkey
  FOREIGN KEY (tenant_id, target_template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE coupon_shares ADD CONSTRAINT coupon_shares_coupon_id_fkey
  FOREIGN KEY (tenant_id, coupon_id) REFERENCES coupons (tenant_id, id) NOT VALID;
ALTER TABLE coupon_shares ADD CONSTRAINT coupon_shares_fetched_by_fkey
  FOREIGN KEY (tenant_id, fetched_by) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE coupon_shares ADD CONSTRAINT coupon_shares_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE coupons ADD CONSTRAINT coupons_batch_id_fkey
  FOREIGN KEY (tenant_id, batch_id) REFERENCES code_batches (tenant_id, id) NOT VALID;
ALTER TABLE coupons ADD CONSTRAINT coupons_owner_id_fkey
  FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE coupons ADD CONSTRAINT coupons_template_id_fkey
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE departments ADD CONSTRAINT departments_parent_id_fkey
  FOREIGN KEY (tenant_id, parent_id) REFERENCES departments (tenant_id, id) NOT VALID;
ALTER TABLE goods ADD CONSTRAINT goods_category_id_fkey
  FOREIGN KEY (tenant_id, category_id) REFERENCES goods_categories (tenant_id, id) NOT VALID;
ALTER TABLE goods ADD CONSTRAINT goods_store_id_fkey
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE goods_categories ADD CONSTRAINT goods_categories_parent_id_fkey
  FOREIGN KEY (tenant_id, parent_id) REFERENCES goods_categories (tenant_id, id) NOT VALID;
ALTER TABLE goods_skus ADD CONSTRAINT goods_skus_goods_id_fkey
  FOREIGN KEY (tenant_id, goods_id) REFERENCES goods (tenant_id, id) NOT VALID;
ALTER TABLE invoices ADD CONSTRAINT invoices_order_id_fkey
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) NOT VALID;
ALTER TABLE invoices ADD CONSTRAINT invoices_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE order_lines ADD CONSTRAINT order_lines_goods_id_fkey
  FOREIGN KEY (tenant_id, goods_id) REFERENCES goods (tenant_id, id) NOT VALID;
ALTER TABLE order_lines ADD CONSTRAINT order_lines_order_id_fkey
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) NOT VALID;
ALTER TABLE order_lines ADD CONSTRAINT order_lines_sku_id_fkey
  FOREIGN KEY (tenant_id, sku_id) REFERENCES goods_skus (tenant_id, id) NOT VALID;
ALTER TABLE order_logs ADD CONSTRAINT order_logs_order_id_fkey
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) NOT VALID;
ALTER TABLE order_refunds ADD CONSTRAINT order_refunds_order_id_fkey
  FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) NOT VALID;
ALTER TABLE order_refunds ADD CONSTRAINT order_refunds_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_redemption_id_fkey
  FOREIGN KEY (tenant_id, redemption_id) REFERENCES redemptions (tenant_id, id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_store_id_fkey
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE pay_bills ADD CONSTRAINT pay_bills_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE points_ledger ADD CONSTRAINT points_ledger_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE points_vouchers ADD CONSTRAINT points_vouchers_used_by_fkey
  FOREIGN KEY (tenant_id, used_by) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE promo_code_user_uses ADD CONSTRAINT promo_code_user_uses_promo_code_id_fkey
  FOREIGN KEY (tenant_id, promo_code_id) REFERENCES promo_codes (tenant_id, id) NOT VALID;
ALTER TABLE promo_code_user_uses ADD CONSTRAINT promo_code_user_uses_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE promo_codes ADD CONSTRAINT promo_codes_department_id_fkey
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) NOT VALID;
ALTER TABLE promo_codes ADD CONSTRAINT promo_codes_staff_id_fkey
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id) NOT VALID;
ALTER TABLE redemption_items ADD CONSTRAINT redemption_items_coupon_id_fkey
  FOREIGN KEY (tenant_id, coupon_id) REFERENCES coupons (tenant_id, id) NOT VALID;
ALTER TABLE redemption_items ADD CONSTRAINT redemption_items_redemption_id_fkey
  FOREIGN KEY (tenant_id, redemption_id) REFERENCES redemptions (tenant_id, id) NOT VALID;
ALTER TABLE redemptions ADD CONSTRAINT redemptions_store_id_fkey
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE redemptions ADD CONSTRAINT redemptions_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE seller_profiles ADD CONSTRAINT seller_profiles_staff_id_fkey
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id) NOT VALID;
ALTER TABLE seller_profiles ADD CONSTRAINT seller_profiles_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE shipping_addresses ADD CONSTRAINT shipping_addresses_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE sign_ins ADD CONSTRAINT sign_ins_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE staff ADD CONSTRAINT staff_department_id_fkey
  FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id) NOT VALID;
ALTER TABLE staff_sessions ADD CONSTRAINT staff_sessions_staff_id_fkey
  FOREIGN KEY (tenant_id, staff_id) REFERENCES staff (tenant_id, id) NOT VALID;
ALTER TABLE template_user_claims ADD CONSTRAINT template_user_claims_template_id_fkey
  FOREIGN KEY (tenant_id, template_id) REFERENCES coupon_templates (tenant_id, id) NOT VALID;
ALTER TABLE template_user_claims ADD CONSTRAINT template_user_claims_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE user_cards ADD CONSTRAINT user_cards_card_product_id_fkey
  FOREIGN KEY (tenant_id, card_product_id) REFERENCES card_products (tenant_id, id) NOT VALID;
ALTER TABLE user_cards ADD CONSTRAINT user_cards_store_id_fkey
  FOREIGN KEY (tenant_id, store_id) REFERENCES stores (tenant_id, id) NOT VALID;
ALTER TABLE user_cards ADD CONSTRAINT user_cards_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE user_level_prices ADD CONSTRAINT user_level_prices_level_id_fkey
  FOREIGN KEY (tenant_id, level_id) REFERENCES user_levels (tenant_id, id) NOT VALID;
ALTER TABLE user_messages ADD CONSTRAINT user_messages_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE user_sessions ADD CONSTRAINT user_sessions_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_referrer_id_fkey
  FOREIGN KEY (tenant_id, referrer_id) REFERENCES users (tenant_id, id) NOT VALID;
ALTER TABLE users ADD CONSTRAINT users_seller_id_fkey
  FOREIGN KEY (tenant_id, seller_id) REFERENCES staff (tenant_id, id) NOT VALID;
ALTER TABLE wallet_ledger ADD CONSTRAINT wallet_ledger_user_id_fkey
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) NOT VALID;

-- 8. The claim batch (migration 011) counts per-user claims by tenant.
CREATE OR REPLACE FUNCTION quan_claim_batch(
  p_tenant bigint, p_template bigint, p_users bigint[], p_codes text[], p_sids bigint[], p_audited boolean[],
  p_per_user_limit integer, p_valid_from timestamptz, p_valid_to timestamptz, p_at timestamptz)
RETURNS TABLE (claimant bigint, result text, new_coupon bigint, issued_at timestamptz)
LANGUAGE plpgsql AS
$$
DECLARE
  v_valid bigint[];
  v_passing bigint[];
  v_granted integer;
  v_state text;
  v_w_users bigint[];
  v_w_codes text[];
  v_w_sids bigint[];
  v_w_audited boolean[];
BEGIN
  SELECT coalesce(array_agg(x.u ORDER BY x.ord), '{}') INTO v_valid
    FROM unnest(p_users) WITH ORDINALITY AS x(u, ord)
   WHERE EXISTS (SELECT 1 FROM users us WHERE us.tenant_id = p_tenant AND us.id = x.u AND NOT us.disabled);
  RETURN QUERY SELECT x.u, 'not_found'::text, NULL::bigint, NULL::timestamptz FROM unnest(p_users) AS x(u) WHERE x.u <> ALL (v_valid);

  IF p_per_user_limit IS NOT NULL AND cardinality(v_valid) > 0 THEN
    WITH up AS (
      INSERT INTO template_user_claims AS c (tenant_id, template_id, user_id, claimed)
      SELECT p_tenant, p_template, u, 1 FROM unnest(v_valid) AS u ORDER BY u
      ON CONFLICT (template_id, user_id, tenant_id) DO UPDATE SET claimed = c.claimed + 1 WHERE c.claimed + 1 <= p_per_user_limit
      RETURNING c.user_id)
    SELECT coalesce(array_agg(x.u ORDER BY x.ord), '{}') INTO v_passing
      FROM unnest(v_valid) WITH ORDINALITY AS x(u, ord) WHERE x.u IN (SELECT up.user_id FROM up);
    RETURN QUERY SELECT x.u, 'per_user_limit'::text, NULL::bigint, NULL::timestamptz FROM unnest(v_valid) AS x(u) WHERE x.u <> ALL (v_passing);
  ELSE
    v_passing := v_valid;
  END IF;
  IF cardinality(v_passing) = 0 THEN
    RETURN;
  END IF;

  WITH cur AS (SELECT t.id, t.issued, t.stock FROM coupon_templates t WHERE t.tenant_id = p_tenant AND t.id = p_template AND t.state = 'active' FOR NO KEY UPDATE)
  UPDATE coupon_templates t SET issued = t.issued + LEAST(cardinality(v_passing), COALESCE(cur.stock - cur.issued, cardinality(v_passing)))
    FROM cur WHERE t.tenant_id = p_tenant AND t.id = cur.id AND (cur.stock IS NULL OR cur.issued < cur.stock)
  RETURNING LEAST(cardinality(v_passing), COALESCE(cur.stock - cur.issued, cardinality(v_passing)))::int INTO v_granted;
  v_granted := coalesce(v_granted, 0);

  IF v_granted < cardinality(v_passing) THEN
    IF p_per_user_limit IS NOT NULL THEN
      UPDATE template_user_claims c SET claimed = c.claimed - 1
       WHERE c.tenant_id = p_tenant AND c.template_id = p_template AND c.user_id = ANY (v_passing[v_granted + 1:]);
    END IF;
    SELECT t.state INTO v_state FROM coupon_templates t WHERE t.tenant_id = p_tenant AND t.id = p_template;
    RETURN QUERY SELECT x.u, CASE WHEN v_state IS DISTINCT FROM 'active' THEN 'state:' || coalesce(v_state, '') ELSE 'sold_out' END,
                        NULL::bigint, NULL::timestamptz
                   FROM unnest(v_passing[v_granted + 1:]) AS x(u);
  END IF;
  IF v_granted = 0 THEN
    RETURN;
  END IF;

  SELECT array_agg(a.u ORDER BY a.ord), array_agg(a.code ORDER BY a.ord), array_agg(a.sid ORDER BY a.ord), array_agg(a.audited ORDER BY a.ord)
    INTO v_w_users, v_w_codes, v_w_sids, v_w_audited
    FROM unnest(p_users, p_codes, p_sids, p_audited) WITH ORDINALITY AS a(u, code, sid, audited, ord)
   WHERE a.u = ANY (v_passing[1:v_granted]);
  RETURN QUERY
  SELECT i.claimant, CASE WHEN i.new_coupon IS NULL THEN 'code_taken' ELSE 'issued' END, i.new_coupon, i.issued_at
    FROM quan_issue_claim_coupons(p_tenant, p_template, v_w_users, v_w_codes, v_w_sids, v_w_audited, p_valid_from, p_valid_to, p_at) AS i;
END;
$$;

-- 9. The platform-wide tables, each saying why.
COMMENT ON TABLE tenants IS 'reference: the tenant list; every request resolves its tenant here (slug, merchant id) before it touches a tenant table';
COMMENT ON TABLE staff_logins IS 'reference: staff log in by username alone; this directory names the tenant whose staff table holds the account';
COMMENT ON TABLE schema_migrations IS 'reference: the migration log of the whole schema';
COMMENT ON TABLE app_secrets IS 'reference: platform signing keys (QR payloads) shared by every app process';
