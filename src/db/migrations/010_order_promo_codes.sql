-- Promo codes at checkout: the codes an order redeemed (through the coupon
-- core's redemption, released with it when the order closes) and the part of
-- amount_coupon they took off.
ALTER TABLE orders ADD COLUMN promo_codes text[] NOT NULL DEFAULT '{}';
ALTER TABLE orders ADD COLUMN amount_promo bigint NOT NULL DEFAULT 0 CHECK (amount_promo >= 0);
