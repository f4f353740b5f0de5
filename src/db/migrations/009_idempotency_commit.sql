-- An idempotency key remembers whether its request's work has committed
-- (written in the work's own transaction) and which attempt owns it, so a key
-- left in flight by a crashed process can be taken over safely.
ALTER TABLE idempotency_keys ADD COLUMN committed boolean NOT NULL DEFAULT false;
ALTER TABLE idempotency_keys ADD COLUMN attempt text;
