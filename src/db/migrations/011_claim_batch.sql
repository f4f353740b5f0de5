-- One flash-sale batch of claims in one round trip. The same statements the
-- batcher ran one by one, now server-side, in the caller's transaction:
--   1. only this tenant's active users;
--   2. per-user limit: one conditional upsert (rows locked in user-id order);
--   3. stock: one conditional UPDATE of the template row granting min(asked, left);
--   4. claimants past the grant give their per-user count back;
--   5. the winners' coupons, their "issued" history and the audit of staff claims
--      (quan_issue_claim_coupons, which the caller also uses for a collided code).
-- A winner whose code collided gets outcome 'code_taken' (stock and limit taken):
-- the caller inserts their coupon with a fresh code in the same transaction.
-- The coupons of claims whose stock and per-user count are already taken, with
-- their "issued" history and the audit of staff claims. A code that collides is
-- skipped (new_coupon NULL) and the caller retries that claimant with a new code.
CREATE OR REPLACE FUNCTION quan_issue_claim_coupons(
  p_tenant bigint, p_template bigint, p_users bigint[], p_codes text[], p_sids bigint[], p_audited boolean[],
  p_valid_from timestamptz, p_valid_to timestamptz, p_at timestamptz)
RETURNS TABLE (claimant bigint, new_coupon bigint, issued_at timestamptz)
LANGUAGE sql AS
$$
  WITH x AS (
    SELECT a.u, a.code, a.sid, a.audited FROM unnest(p_users, p_codes, p_sids, p_audited) AS a(u, code, sid, audited)),
  c AS (
    INSERT INTO coupons (tenant_id, template_id, code, owner_id, source, valid_from, valid_to, received_at)
    SELECT p_tenant, p_template, x.code, x.u, 'claim', p_valid_from, p_valid_to, p_at FROM x
    ON CONFLICT (tenant_id, code) DO NOTHING
    RETURNING coupons.id, coupons.owner_id, coupons.code, coupons.created_at),
  e AS (
    INSERT INTO coupon_events (tenant_id, coupon_id, kind, to_user, staff_id, details)
    SELECT p_tenant, c.id, 'issued', c.owner_id, x.sid, '{"source":"claim"}'::jsonb FROM c JOIN x ON x.u = c.owner_id),
  a AS (
    INSERT INTO audit_log (tenant_id, staff_id, action, target_type, target_id, details)
    SELECT p_tenant, x.sid, 'coupon.claim', 'coupon', c.code, jsonb_build_object('templateId', p_template, 'userId', c.owner_id)
      FROM c JOIN x ON x.u = c.owner_id WHERE x.audited)
  SELECT x.u, c.id, c.created_at FROM x LEFT JOIN c ON c.owner_id = x.u;
$$;

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
      INSERT INTO template_user_claims AS c (template_id, user_id, claimed)
      SELECT p_template, u, 1 FROM unnest(v_valid) AS u ORDER BY u
      ON CONFLICT (template_id, user_id) DO UPDATE SET claimed = c.claimed + 1 WHERE c.claimed + 1 <= p_per_user_limit
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
    FROM cur WHERE t.id = cur.id AND (cur.stock IS NULL OR cur.issued < cur.stock)
  RETURNING LEAST(cardinality(v_passing), COALESCE(cur.stock - cur.issued, cardinality(v_passing)))::int INTO v_granted;
  v_granted := coalesce(v_granted, 0);

  IF v_granted < cardinality(v_passing) THEN
    IF p_per_user_limit IS NOT NULL THEN
      UPDATE template_user_claims c SET claimed = c.claimed - 1
       WHERE c.template_id = p_template AND c.user_id = ANY (v_passing[v_granted + 1:]);
    END IF;
    SELECT t.state INTO v_state FROM coupon_templates t WHERE t.id = p_template;
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
