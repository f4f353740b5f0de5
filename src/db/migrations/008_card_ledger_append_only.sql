-- card_ledger (and the bucket lines of its entries) are append-only: an entry
-- is never changed or removed; a correction is a new entry (a refund, a
-- recharge refund). The database itself refuses UPDATE and DELETE, so no
-- code path, script or console session can rewrite money history.
-- (No service updates or deletes these rows; dropping a whole test schema
-- or TRUNCATE is not affected.)
CREATE OR REPLACE FUNCTION card_ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'card ledger is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER card_ledger_append_only
  BEFORE UPDATE OR DELETE ON card_ledger
  FOR EACH ROW EXECUTE FUNCTION card_ledger_refuse_change();

CREATE TRIGGER card_ledger_buckets_append_only
  BEFORE UPDATE OR DELETE ON card_ledger_buckets
  FOR EACH ROW EXECUTE FUNCTION card_ledger_refuse_change();
