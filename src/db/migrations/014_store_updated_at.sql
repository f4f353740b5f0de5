-- A store remembers when it was last changed (礼遇圈 store/list `updated`,
-- native stores `updatedAt`); existing stores were last changed when made.
ALTER TABLE stores ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
UPDATE stores SET updated_at = created_at;
