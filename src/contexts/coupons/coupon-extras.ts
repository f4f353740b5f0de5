// Consumer-side coupon use-cases beyond the core (services/coupons.ts): what a
// user can still fetch, fetching by 口令, the user's own coupons by id,
// statistics, merging coupons into another one, and share links. Every change
// is one conditional write (or a few inside one transaction), never a read
// followed by a write.
import crypto from 'node:crypto';
import { couponStatus, type CouponStatus } from './domain/coupon-status.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audienceMismatch } from './domain/claim-rules.ts';
import { COUPON_COLUMNS, type CouponService, NEW_USER_DAYS, toCoupon, type ClaimOutcome, type Coupon, type CouponRow } from './coupons.ts';
import { claimPasswordDigest, toTemplate, type Template, type TemplateRow } from './templates.ts';
import { RollbackWith } from '../identity/index.ts';

export interface OwnCoupon extends Coupon {
  template: Template;
}

export interface MergeRule {
  id: number;
  name: string;
  target: { templateId: number; name: string };
  items: Array<{ templateId: number; name: string; number: number }>;
}

export interface CouponStats {
  total: number;
  usable: number;
  notYetValid: number;
  used: number;
  expired: number;
  voided: number;
}

const shareDigest = (token: string) => crypto.createHash('sha256').update(`coupon-share:${token}`).digest('hex');

export function couponExtrasService(deps: Deps, { coupons }: { coupons: CouponService }) {
  const now = () => deps.now?.() ?? new Date();

  async function ownRows(q: Queryable, tenantId: number, userId: number, ids: number[] | null) {
    const r = await q.query<CouponRow & { t: TemplateRow }>(
      `SELECT ${COUPON_COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}, to_jsonb(t.*) AS t
       FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
       WHERE c.tenant_id = $1 AND c.owner_id = $2 AND ($3::bigint[] IS NULL OR c.id = ANY($3))
       ORDER BY c.id DESC`,
      [tenantId, userId, ids],
    );
    return r.rows;
  }

  const fixDates = (t: TemplateRow): TemplateRow => {
    // to_jsonb turns timestamps into strings; bring them back.
    const d = (v: unknown) => (v == null ? null : new Date(v as string));
    return {
      ...t,
      valid_from: d(t.valid_from),
      valid_to: d(t.valid_to),
      claim_from: d(t.claim_from),
      claim_to: d(t.claim_to),
      created_at: d(t.created_at)!,
      updated_at: d(t.updated_at)!,
      amount_off: t.amount_off == null ? null : Number(t.amount_off),
      max_off: t.max_off == null ? null : Number(t.max_off),
      min_spend: Number(t.min_spend),
      price: Number(t.price),
      id: Number(t.id),
      tenant_id: Number(t.tenant_id),
    };
  };

  const toOwn = (r: CouponRow & { t: TemplateRow }, at: Date): OwnCoupon => ({ ...toCoupon(r, at), template: toTemplate(fixDates(r.t)) });

  return {
    /**
     * Active templates whose claim window is open and stock not gone; with a
     * user, only those the user may still fetch: per-person limit not reached,
     * and an audience (new users, users who have not bought, sources) that
     * includes the user, by the claim's own rule (domain/claim-rules).
     */
    async available(tenantId: number, userId: number | null, f: { ids?: number[]; refId?: number } = {}): Promise<Template[]> {
      const at = now();
      const r = await deps.db.query<TemplateRow>(
        `SELECT t.* FROM coupon_templates t
         WHERE t.tenant_id = $1 AND t.state = 'active'
           AND (t.claim_from IS NULL OR t.claim_from <= $2) AND (t.claim_to IS NULL OR t.claim_to >= $2)
           AND (t.stock IS NULL OR t.issued < t.stock)
           AND (t.validity_type <> 'fixed' OR t.valid_to >= $2)
           AND ($3::bigint[] IS NULL OR t.id = ANY($3))
           AND ($4::bigint IS NULL OR t.scope_type = 'all' OR $4 = ANY(t.scope_ids))
           AND ($5::bigint IS NULL OR t.per_user_limit IS NULL OR NOT EXISTS (
                 SELECT 1 FROM template_user_claims c WHERE c.template_id = t.id AND c.user_id = $5 AND c.claimed >= t.per_user_limit))
         ORDER BY t.id DESC LIMIT 200`,
        [tenantId, at, f.ids?.length ? f.ids : null, f.refId ?? null, userId],
      );
      const templates = r.rows.map(toTemplate);
      if (userId === null || templates.every((t) => t.audience.userType === 'any' && !t.audience.sources.length)) return templates;
      const u = await deps.db.query<{ created_at: Date; has_purchased: boolean; source: string | null }>(
        'SELECT created_at, has_purchased, source FROM users WHERE tenant_id = $1 AND id = $2',
        [tenantId, userId],
      );
      const row = u.rows[0];
      if (!row) return templates.filter((t) => t.audience.userType === 'any' && !t.audience.sources.length);
      const user = { isNew: at.getTime() - row.created_at.getTime() < NEW_USER_DAYS * 86_400_000, hasPurchased: row.has_purchased, source: row.source };
      return templates.filter((t) => audienceMismatch(t.audience, user) === null);
    },

    async template(tenantId: number, id: number): Promise<Template | null> {
      const r = await deps.db.query<TemplateRow>('SELECT * FROM coupon_templates WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return r.rows[0] ? toTemplate(r.rows[0]) : null;
    },

    /**
     * Fetches a coupon by template id (password when it has one) or by 口令
     * alone (the active template whose password it is). A template whose fixed
     * validity is over answers coupon_expired.
     */
    async fetch(tenantId: number, userId: number, input: { id?: number; pwd?: string; detect?: boolean }): Promise<Result<ClaimOutcome>> {
      let templateId = input.id;
      if (templateId === undefined) {
        if (!input.pwd) return fail(ErrorCode.invalid_input, 'give the coupon id or its password');
        const r = await deps.db.query<{ id: number; claim_password_hash: string }>(
          `SELECT id, claim_password_hash FROM coupon_templates WHERE tenant_id = $1 AND state = 'active' AND claim_password_hash IS NOT NULL`,
          [tenantId],
        );
        templateId = r.rows.find((t) => claimPasswordDigest(t.id, input.pwd!) === t.claim_password_hash)?.id;
        if (templateId === undefined) return fail(ErrorCode.not_found, 'no coupon has this password');
      }
      const t = await this.template(tenantId, templateId);
      if (!t) return fail(ErrorCode.not_found, 'coupon not found');
      if (t.validity.type === 'fixed' && t.validity.to.getTime() < now().getTime() && t.state === 'active') {
        return fail(ErrorCode.coupon_expired, 'this coupon has expired');
      }
      return coupons.claim(tenantId, templateId, userId, { password: input.pwd ?? null, detect: input.detect });
    },

    /** The user's coupons with their templates; statuses filter; minSpend ≤ amount when given. */
    async mine(tenantId: number, userId: number, f: { statuses?: CouponStatus[]; usableAt?: number } = {}): Promise<OwnCoupon[]> {
      const at = now();
      let out = (await ownRows(deps.db, tenantId, userId, null)).map((r) => toOwn(r, at));
      if (f.statuses?.length) out = out.filter((c) => f.statuses!.includes(c.status));
      if (f.usableAt !== undefined) out = out.filter((c) => c.status === 'usable' && c.template.minSpend <= f.usableAt!);
      return out;
    },

    /** One coupon of the user's by its id. */
    async own(tenantId: number, userId: number, couponId: number): Promise<OwnCoupon | null> {
      const r = await ownRows(deps.db, tenantId, userId, [couponId]);
      return r[0] ? toOwn(r[0], now()) : null;
    },

    async stats(tenantId: number, userId: number): Promise<CouponStats> {
      const at = now();
      const r = await deps.db.query<{ status: CouponRow['status']; valid_from: Date | null; valid_to: Date | null }>(
        'SELECT status, valid_from, valid_to FROM coupons WHERE tenant_id = $1 AND owner_id = $2',
        [tenantId, userId],
      );
      const s: CouponStats = { total: 0, usable: 0, notYetValid: 0, used: 0, expired: 0, voided: 0 };
      for (const c of r.rows) {
        s.total++;
        const st = couponStatus({ state: c.status, validFrom: c.valid_from, validTo: c.valid_to }, at);
        if (st === 'usable') s.usable++;
        else if (st === 'not_yet_valid') s.notYetValid++;
        else if (st === 'used') s.used++;
        else if (st === 'expired') s.expired++;
        else s.voided++;
      }
      return s;
    },

    // ------------------------------------------------------------ merging

    async mergeRules(tenantId: number): Promise<MergeRule[]> {
      const r = await deps.db.query<{ id: number; name: string; target_template_id: number; target_name: string; items: Array<{ template_id: number; name: string; number: number }> | null }>(
        `SELECT m.id, m.name, m.target_template_id, tt.name AS target_name,
                (SELECT json_agg(json_build_object('template_id', i.template_id, 'name', t.name, 'number', i.number) ORDER BY i.template_id)
                   FROM coupon_merge_rule_items i JOIN coupon_templates t ON t.id = i.template_id WHERE i.rule_id = m.id) AS items
         FROM coupon_merge_rules m JOIN coupon_templates tt ON tt.id = m.target_template_id
         WHERE m.tenant_id = $1 AND m.active ORDER BY m.id`,
        [tenantId],
      );
      return r.rows.map((m) => ({
        id: m.id,
        name: m.name,
        target: { templateId: m.target_template_id, name: m.target_name },
        items: (m.items ?? []).map((i) => ({ templateId: Number(i.template_id), name: i.name, number: Number(i.number) })),
      }));
    },

    async createMergeRule(
      tenantId: number,
      input: { name: string; targetTemplateId: number; items: Array<{ templateId: number; number: number }> },
      by: Principal | null = null,
    ): Promise<Result<MergeRule>> {
      if (!input.name || input.name.length > 100) return fail(ErrorCode.invalid_input, 'name is 1-100 characters');
      if (!input.items.length) return fail(ErrorCode.invalid_input, 'a merge rule needs at least one item');
      const ids = [input.targetTemplateId, ...input.items.map((i) => i.templateId)];
      const found = await deps.db.query('SELECT id FROM coupon_templates WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [tenantId, ids]);
      if (found.rowCount !== new Set(ids).size) return fail(ErrorCode.not_found, 'a template of this rule does not exist in this tenant');
      for (const i of input.items) if (!Number.isInteger(i.number) || i.number < 1 || i.number > 100) return fail(ErrorCode.invalid_input, 'number is 1-100');
      const id = await deps.db.tx(async (q) => {
        const m = await q.query<{ id: number }>('INSERT INTO coupon_merge_rules (tenant_id, name, target_template_id) VALUES ($1, $2, $3) RETURNING id', [
          tenantId,
          input.name,
          input.targetTemplateId,
        ]);
        for (const i of input.items) {
          await q.query('INSERT INTO coupon_merge_rule_items (rule_id, template_id, number) VALUES ($1, $2, $3)', [m.rows[0]!.id, i.templateId, i.number]);
        }
        if (by) await audit(q, tenantId, by, { action: 'coupon_merge_rule.create', targetType: 'coupon_merge_rule', targetId: m.rows[0]!.id, details: input });
        return m.rows[0]!.id;
      });
      return ok((await this.mergeRules(tenantId)).find((m) => m.id === id)!);
    },

    async setMergeRuleActive(tenantId: number, id: number, active: boolean, by: Principal | null = null): Promise<Result<void>> {
      return deps.db.tx(async (q) => {
        const r = await q.query('UPDATE coupon_merge_rules SET active = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, id, active]);
        if (!r.rowCount) return fail(ErrorCode.not_found, 'merge rule not found');
        if (by) await audit(q, tenantId, by, { action: active ? 'coupon_merge_rule.activate' : 'coupon_merge_rule.deactivate', targetType: 'coupon_merge_rule', targetId: id });
        return ok(undefined);
      });
    },

    /**
     * Hands in exactly the coupons a merge rule asks for and gets one coupon of
     * its target: the given coupons are voided by one conditional update (still
     * the user's, issued and in date) and the new one is issued in the same
     * transaction.
     */
    async merge(tenantId: number, userId: number, mergeId: number, couponIds: number[]): Promise<Result<Coupon>> {
      const rule = (await this.mergeRules(tenantId)).find((m) => m.id === mergeId);
      if (!rule) return fail(ErrorCode.not_found, 'merge rule not found');
      const ids = [...new Set(couponIds)];
      const at = now();
      try {
        return await deps.db.tx(async (q) => {
          const taken = await q.query<{ id: number; template_id: number }>(
            `UPDATE coupons SET status = 'voided' WHERE tenant_id = $1 AND owner_id = $2 AND id = ANY($3::bigint[]) AND status = 'issued'
               AND (valid_from IS NULL OR valid_from <= $4) AND (valid_to IS NULL OR valid_to >= $4)
             RETURNING id, template_id`,
            [tenantId, userId, ids, at],
          );
          if (taken.rows.length !== ids.length) throw new RollbackWith(fail(ErrorCode.coupon_not_eligible, 'some of these coupons are not yours or not usable'));
          const count = new Map<number, number>();
          for (const c of taken.rows) count.set(Number(c.template_id), (count.get(Number(c.template_id)) ?? 0) + 1);
          const matches =
            count.size === rule.items.length && rule.items.every((i) => count.get(i.templateId) === i.number);
          if (!matches) {
            const need = rule.items.map((i) => `${i.number} × ${i.name}`).join(', ');
            throw new RollbackWith(fail(ErrorCode.coupon_not_eligible, `this merge takes exactly: ${need}`));
          }
          await q.query(
            `INSERT INTO coupon_events (tenant_id, coupon_id, kind, from_user, details) SELECT $1, id, 'merged', $2, $3 FROM unnest($4::bigint[]) AS id`,
            [tenantId, userId, JSON.stringify({ mergeId }), ids],
          );
          const r = await coupons.issue(q, tenantId, rule.target.templateId, userId, 1, 'issue', null);
          if (!r.ok) throw new RollbackWith(r);
          return ok(r.value[0]!);
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<Coupon>;
        throw e;
      }
    },

    // ------------------------------------------------------------ sharing

    /** Opens a share link for one of the user's usable coupons; an earlier open one is replaced. */
    async shareOpen(tenantId: number, userId: number, couponId: number): Promise<Result<{ shareToken: string }>> {
      const c = await this.own(tenantId, userId, couponId);
      if (!c) return fail(ErrorCode.not_found, 'coupon not found');
      if (c.status !== 'usable' && c.status !== 'not_yet_valid') return fail(ErrorCode.coupon_not_eligible, `a ${c.status} coupon cannot be shared`);
      const token = crypto.randomBytes(16).toString('base64url');
      await deps.db.tx(async (q) => {
        await q.query(`UPDATE coupon_shares SET status = 'closed', closed_at = now() WHERE coupon_id = $1 AND status = 'open'`, [couponId]);
        await q.query('INSERT INTO coupon_shares (tenant_id, coupon_id, user_id, token_hash) VALUES ($1, $2, $3, $4)', [tenantId, couponId, userId, shareDigest(token)]);
      });
      return ok({ shareToken: token });
    },

    async shareClose(tenantId: number, userId: number, couponId: number): Promise<Result<void>> {
      const r = await deps.db.query(
        `UPDATE coupon_shares SET status = 'closed', closed_at = now() WHERE tenant_id = $1 AND user_id = $2 AND coupon_id = $3 AND status = 'open'`,
        [tenantId, userId, couponId],
      );
      return r.rowCount ? ok(undefined) : fail(ErrorCode.not_found, 'no open share for this coupon');
    },

    /** Another user takes a shared coupon, once: the share closes and ownership moves in one transaction. */
    async shareFetch(tenantId: number, userId: number, couponId: number, shareToken: string): Promise<Result<Coupon>> {
      const at = now();
      try {
        return await deps.db.tx(async (q) => {
          const s = await q.query<{ user_id: number }>(
            `UPDATE coupon_shares SET status = 'fetched', fetched_by = $4, closed_at = $5
             WHERE tenant_id = $1 AND coupon_id = $2 AND token_hash = $3 AND status = 'open' AND user_id <> $4 RETURNING user_id`,
            [tenantId, couponId, shareDigest(shareToken), userId, at],
          );
          if (!s.rows[0]) return fail(ErrorCode.not_found, 'this share does not exist, was closed or was already taken');
          const from = s.rows[0].user_id;
          const moved = await q.query<CouponRow>(
            `UPDATE coupons SET owner_id = $3 WHERE id = $1 AND owner_id = $2 AND status = 'issued' AND (valid_to IS NULL OR valid_to >= $4)
             RETURNING ${COUPON_COLUMNS}`,
            [couponId, from, userId, at],
          );
          if (!moved.rows[0]) throw new RollbackWith(fail(ErrorCode.coupon_not_eligible, 'the shared coupon is no longer available'));
          await q.query(`INSERT INTO coupon_events (tenant_id, coupon_id, kind, from_user, to_user, details) VALUES ($1, $2, 'gifted', $3, $4, $5)`, [
            tenantId,
            couponId,
            from,
            userId,
            JSON.stringify({ via: 'share' }),
          ]);
          return ok(toCoupon(moved.rows[0], at));
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<Coupon>;
        throw e;
      }
    },

    /** The staff member a consumer account acts for (users.seller_id), for write-offs from the consumer app. */
    async sellerOf(tenantId: number, userId: number): Promise<{ staffId: number; role: string; username: string; storeIds: number[] } | null> {
      const r = await deps.db.query<{ id: number; role: string; username: string; store_ids: number[] | null }>(
        `SELECT s.id, s.role, s.username, s.store_ids FROM users u JOIN staff s ON s.id = u.seller_id
         WHERE u.tenant_id = $1 AND u.id = $2 AND NOT s.disabled AND s.tenant_id = $1`,
        [tenantId, userId],
      );
      const s = r.rows[0];
      return s ? { staffId: s.id, role: s.role, username: s.username, storeIds: (s.store_ids ?? []).map(Number) } : null;
    },
  };
}

export type CouponExtrasService = ReturnType<typeof couponExtrasService>;
