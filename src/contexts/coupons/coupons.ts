// Issuing and moving coupons: claim, internal issue, staff grant, gift,
// exchange of a 卡密 code. Stock and per-user limits are enforced by one
// conditional write each inside the claim's transaction, never by a read
// followed by a write.
import crypto from 'node:crypto';
import { hit, reached } from '../../cache/cache.ts';
import { couponStatus, computeValidity, type CouponStatus } from './domain/coupon-status.ts';
import { generateCodes } from './domain/codes.ts';
import { checkClaim, consecutiveSignInDays } from './domain/claim-rules.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { moveBalance } from '../loyalty/index.ts';
import { claimPasswordDigest, toTemplate, type Template, type TemplateRow } from './templates.ts';
import { RollbackWith } from '../identity/index.ts';
import { claimBatcher } from './claim-batcher.ts';

export type CouponSource = 'claim' | 'exchange' | 'grant' | 'issue' | 'batch' | 'gift';

export interface CouponRow {
  id: number;
  tenant_id: number;
  template_id: number;
  code: string;
  owner_id: number | null;
  source: CouponSource;
  batch_id: number | null;
  status: 'issued' | 'used' | 'voided';
  valid_from: Date | null;
  valid_to: Date | null;
  received_at: Date | null;
  used_at: Date | null;
  redemption_id: number | null;
  created_at: Date;
}

export interface Coupon {
  id: number;
  code: string;
  templateId: number;
  ownerId: number | null;
  source: CouponSource;
  batchId: number | null;
  state: 'issued' | 'used' | 'voided';
  status: CouponStatus;
  validFrom: Date | null;
  validTo: Date | null;
  receivedAt: Date | null;
  usedAt: Date | null;
  redemptionId: number | null;
  createdAt: Date;
}

export const COUPON_COLUMNS =
  'id, tenant_id, template_id, code, owner_id, source, batch_id, status, valid_from, valid_to, received_at, used_at, redemption_id, created_at';

export function toCoupon(r: CouponRow, now: Date): Coupon {
  return {
    id: r.id,
    code: r.code,
    templateId: r.template_id,
    ownerId: r.owner_id,
    source: r.source,
    batchId: r.batch_id,
    state: r.status,
    status: couponStatus({ state: r.status, validFrom: r.valid_from, validTo: r.valid_to }, now),
    validFrom: r.valid_from,
    validTo: r.valid_to,
    receivedAt: r.received_at,
    usedAt: r.used_at,
    redemptionId: r.redemption_id,
    createdAt: r.created_at,
  };
}

export interface CouponEvent {
  kind: string;
  fromUser: number | null;
  toUser: number | null;
  staffId: number | null;
  storeId: number | null;
  redemptionId: number | null;
  details: Record<string, unknown> | null;
  createdAt: Date;
}

export interface ClaimOptions {
  password?: string | null;
  /** Only say whether the claim would succeed; change nothing. */
  detect?: boolean;
  /** The caller has taken payment for a paid coupon (server-to-server only). */
  paid?: boolean;
}

export type ClaimOutcome = { detect: true; wouldSucceed: true } | { detect: false; coupon: Coupon };

// 卡密 exchange: wrong passwords are throttled per user and per code.
export const EXCHANGE_LIMITS = { perUser: 10, perCode: 5, windowSec: 3600 };
// New users are those registered within this many days (audience "new").
export const NEW_USER_DAYS = 7;

const CODE_LENGTH = 12;
export const newCouponCode = () => {
  const r = generateCodes({ count: 1, length: CODE_LENGTH, charset: 'uppercase' });
  if (!r.ok) throw new Error(r.error.message);
  return r.value[0]!;
};

/** Exchange passwords are random digits made by quan; salted SHA-256 keeps them unreadable at rest at batch scale. */
export function exchangePasswordDigest(salt: string, code: string, password: string): string {
  return crypto.createHash('sha256').update(`${salt}:${code}:${password}`).digest('hex');
}

interface UserFacts {
  id: number;
  points: number;
  has_purchased: boolean;
  created_at: Date;
  source: string | null;
}

export function couponService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();

  // Active templates cannot be edited, so their rules can be cached a moment;
  // a state change is still caught by the stock update's `state = 'active'`.
  const activeTemplates = new Map<string, { value: { template: Template; timezone: string }; until: number }>();
  async function cachedTemplate(tenantId: number, templateId: number) {
    const key = `${tenantId}:${templateId}`;
    const hit = activeTemplates.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    const found = await templateWithZone(deps.db, tenantId, templateId);
    if (found?.template.state === 'active') {
      if (activeTemplates.size > 10_000) activeTemplates.clear();
      activeTemplates.set(key, { value: found, until: Date.now() + 1000 });
    } else activeTemplates.delete(key);
    return found;
  }
  const batcher = claimBatcher(deps);

  async function templateWithZone(q: Queryable, tenantId: number, templateId: number) {
    const r = await q.query<TemplateRow & { timezone: string }>(
      `SELECT t.*, tn.timezone FROM coupon_templates t JOIN tenants tn ON tn.id = t.tenant_id WHERE t.tenant_id = $1 AND t.id = $2`,
      [tenantId, templateId],
    );
    const row = r.rows[0];
    return row ? { template: toTemplate(row), timezone: row.timezone } : null;
  }

  async function signInStreak(q: Queryable, tenantId: number, userId: number, timezone: string, needed: number): Promise<number> {
    if (needed <= 0) return 0;
    const r = await q.query<{ day: string }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM sign_ins WHERE tenant_id = $1 AND user_id = $2 ORDER BY day DESC LIMIT $3`,
      [tenantId, userId, needed + 1],
    );
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now());
    return consecutiveSignInDays(r.rows.map((x) => x.day), today);
  }

  /**
   * Inserts `n` coupons of a template owned by `userId` (stock already taken).
   * Codes come from a CSPRNG; a clash with an existing code is retried.
   */
  async function insertCoupons(
    q: Queryable,
    t: Template,
    timezone: string,
    userId: number | null,
    n: number,
    source: CouponSource,
    at: Date,
    by: Principal | null,
  ): Promise<Coupon[]> {
    const v = computeValidity(t.validity, at, timezone);
    const out: CouponRow[] = [];
    for (let attempt = 0; out.length < n && attempt < 5; attempt++) {
      const codes = Array.from({ length: n - out.length }, newCouponCode);
      const r = await q.query<CouponRow>(
        `INSERT INTO coupons (tenant_id, template_id, code, owner_id, source, valid_from, valid_to, received_at)
         SELECT $1, $2, code, $4, $5, $6, $7, $8 FROM unnest($3::text[]) AS code
         ON CONFLICT (tenant_id, code) DO NOTHING RETURNING ${COUPON_COLUMNS}`,
        [t.tenantId, t.id, codes, userId, source, v.from, v.to, at],
      );
      out.push(...r.rows);
    }
    if (out.length < n) throw new Error('could not find free coupon codes');
    await q.query(
      `INSERT INTO coupon_events (tenant_id, coupon_id, kind, to_user, staff_id, details)
       SELECT $1, id, 'issued', $3, $4, $5 FROM unnest($2::bigint[]) AS id`,
      [t.tenantId, out.map((c) => c.id), userId, by?.kind === 'staff' ? by.staffId : null, JSON.stringify({ source })],
    );
    return out.map((r) => toCoupon(r, at));
  }

  /** Takes `n` from the stock of an active template; false when not enough is left. */
  async function takeStock(q: Queryable, t: Template, n: number): Promise<boolean> {
    const r = await q.query(
      `UPDATE coupon_templates SET issued = issued + $3
       WHERE tenant_id = $1 AND id = $2 AND state = 'active' AND (stock IS NULL OR issued + $3 <= stock)`,
      [t.tenantId, t.id, n],
    );
    return r.rowCount === 1;
  }

  /** Counts `n` more coupons for a user; false when it would pass the per-user limit. */
  async function takePerUser(q: Queryable, t: Template, userId: number, n: number): Promise<boolean> {
    if (t.perUserLimit === null) return true;
    if (n > t.perUserLimit) return false;
    const r = await q.query(
      `INSERT INTO template_user_claims AS c (template_id, user_id, claimed) VALUES ($1, $2, $3)
       ON CONFLICT (template_id, user_id) DO UPDATE SET claimed = c.claimed + $3 WHERE c.claimed + $3 <= $4`,
      [t.id, userId, n, t.perUserLimit],
    );
    return r.rowCount === 1;
  }

  const soldOut = () => fail(ErrorCode.sold_out, 'this coupon is sold out');
  const overLimit = (t: Template) => fail(ErrorCode.per_user_limit, `at most ${t.perUserLimit} per person`);

  return {
    insertCoupons,
    takeStock,

    async claim(tenantId: number, templateId: number, userId: number, opts: ClaimOptions = {}, by: Principal | null = null): Promise<Result<ClaimOutcome>> {
      const at = now();
      // detect answers from a fresh read; real claims are decided by the atomic writes anyway.
      const found = opts.detect ? await templateWithZone(deps.db, tenantId, templateId) : await cachedTemplate(tenantId, templateId);
      if (!found) return fail(ErrorCode.not_found, 'coupon template not found');
      const { template: t, timezone } = found;
      // `issued` only ever grows, so a stale read that says sold out is still true.
      if (t.stock !== null && t.issued >= t.stock && t.state === 'active') return soldOut();
      const passwordMatches = t.claimPasswordHash === null || (!!opts.password && claimPasswordDigest(t.id, opts.password) === t.claimPasswordHash);
      if (!opts.detect && t.claimCostPoints === 0 && t.audience.userType === 'any' && !t.audience.sources.length && t.requiredSignInDays === 0) {
        // Nothing here depends on the user's own facts: the flash-sale path, batched.
        const pre = checkClaim(t, { now: at, passwordMatches, userPoints: 0, paid: !!opts.paid, signInStreak: 0, user: { isNew: false, hasPurchased: false } });
        if (!pre.ok) return pre;
        const r = await batcher.submit(t, timezone, userId, by);
        return r.ok ? ok({ detect: false, coupon: r.value }) : r;
      }
      const u = (
        await deps.db.query<UserFacts>('SELECT id, points, has_purchased, created_at, source FROM users WHERE tenant_id = $1 AND id = $2 AND NOT disabled', [
          tenantId,
          userId,
        ])
      ).rows[0];
      if (!u) return fail(ErrorCode.not_found, 'user not found');
      const pre = checkClaim(
        t,
        {
          now: at,
          passwordMatches,
          userPoints: u.points,
          paid: !!opts.paid,
          signInStreak: await signInStreak(deps.db, tenantId, userId, timezone, t.requiredSignInDays),
          user: { isNew: at.getTime() - u.created_at.getTime() < NEW_USER_DAYS * 86_400_000, hasPurchased: u.has_purchased, source: u.source },
        },
      );
      if (!pre.ok) return pre;

      if (opts.detect) {
        // Reads only: the answer can be stale a moment later, which detect accepts.
        if (t.stock !== null && t.issued >= t.stock) return soldOut();
        if (t.perUserLimit !== null) {
          const c = await deps.db.query<{ claimed: number }>('SELECT claimed FROM template_user_claims WHERE template_id = $1 AND user_id = $2', [t.id, userId]);
          if ((c.rows[0]?.claimed ?? 0) >= t.perUserLimit) return overLimit(t);
        }
        return ok({ detect: true, wouldSucceed: true });
      }

      try {
        const coupon = await deps.db.tx(async (q) => {
          if (!(await takePerUser(q, t, userId, 1))) throw new RollbackWith(overLimit(t));
          if (t.claimCostPoints > 0) {
            const spent = await moveBalance(q, 'points', tenantId, userId, -t.claimCostPoints, 'coupon_claim', `template:${t.id}`);
            if (!spent.ok) throw new RollbackWith(fail(ErrorCode.not_enough_points, `claiming needs ${t.claimCostPoints} points`, { required: t.claimCostPoints }));
          }
          // The hot row last, so its lock is held for as short a time as possible.
          if (!(await takeStock(q, t, 1))) throw new RollbackWith(soldOut());
          const [c] = await insertCoupons(q, t, timezone, userId, 1, 'claim', at, by);
          if (by) await audit(q, tenantId, by, { action: 'coupon.claim', targetType: 'coupon', targetId: c!.code, details: { templateId, userId } });
          return c!;
        });
        return ok({ detect: false, coupon });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<ClaimOutcome>;
        throw e;
      }
    },

    /** Internal issuing (recharge events, points purchases): stock applies; claim rules do not. */
    async issue(q: Queryable, tenantId: number, templateId: number, userId: number, n: number, source: CouponSource, by: Principal | null): Promise<Result<Coupon[]>> {
      if (!Number.isInteger(n) || n < 1 || n > 1000) return fail(ErrorCode.invalid_input, 'quantity must be 1-1000');
      const found = await templateWithZone(q, tenantId, templateId);
      if (!found) return fail(ErrorCode.not_found, 'coupon template not found');
      if (found.template.state !== 'active') return fail(ErrorCode.invalid_state, `template is ${found.template.state}, not active`);
      const user = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
      if (user.rowCount === 0) return fail(ErrorCode.not_found, 'user not found');
      if (!(await takeStock(q, found.template, n))) return fail(ErrorCode.sold_out, `fewer than ${n} coupons left in stock`);
      return ok(await insertCoupons(q, found.template, found.timezone, userId, n, source, now(), by));
    },

    /** Staff give N coupons to a user (by id or mobile). */
    async grant(tenantId: number, input: { templateId: number; userId?: number; mobile?: string; quantity: number }, by: Principal): Promise<Result<Coupon[]>> {
      try {
        return await deps.db.tx(async (q) => {
          const u = await q.query<{ id: number }>(
            `SELECT id FROM users WHERE tenant_id = $1 AND (($2::bigint IS NOT NULL AND id = $2) OR ($3::text IS NOT NULL AND mobile = $3)) LIMIT 1`,
            [tenantId, input.userId ?? null, input.mobile ?? null],
          );
          if (!u.rows[0]) return fail(ErrorCode.not_found, 'user not found (give userId or mobile of a user of this tenant)');
          const r = await this.issue(q, tenantId, input.templateId, u.rows[0].id, input.quantity, 'grant', by);
          if (!r.ok) throw new RollbackWith(r);
          await audit(q, tenantId, by, {
            action: 'coupon.grant',
            targetType: 'coupon_template',
            targetId: input.templateId,
            details: { userId: u.rows[0].id, quantity: input.quantity, codes: r.value.map((c) => c.code) },
          });
          return r;
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<Coupon[]>;
        throw e;
      }
    },

    /** Ownership moves to another user of the tenant; history keeps both. */
    async gift(tenantId: number, code: string, input: { fromUserId?: number; toUserId?: number; toMobile?: string }, by: Principal | null): Promise<Result<Coupon>> {
      const at = now();
      return deps.db.tx(async (q) => {
        const to = await q.query<{ id: number }>(
          `SELECT id FROM users WHERE tenant_id = $1 AND NOT disabled AND (($2::bigint IS NOT NULL AND id = $2) OR ($3::text IS NOT NULL AND mobile = $3)) LIMIT 1`,
          [tenantId, input.toUserId ?? null, input.toMobile ?? null],
        );
        if (!to.rows[0]) return fail(ErrorCode.not_found, 'the receiving user was not found in this tenant');
        const toId = to.rows[0].id;
        const cur = await q.query<CouponRow>(`SELECT ${COUPON_COLUMNS} FROM coupons WHERE tenant_id = $1 AND code = $2`, [tenantId, code]);
        const c = cur.rows[0];
        if (!c || c.owner_id === null) return fail(ErrorCode.not_found, 'coupon not found');
        if (input.fromUserId !== undefined && c.owner_id !== input.fromUserId) return fail(ErrorCode.forbidden, 'this coupon belongs to someone else');
        if (c.owner_id === toId) return fail(ErrorCode.invalid_input, 'a coupon cannot be given to its own owner');
        const st = couponStatus({ state: c.status, validFrom: c.valid_from, validTo: c.valid_to }, at);
        if (st === 'used') return fail(ErrorCode.coupon_used, 'a used coupon cannot be given away');
        if (st === 'voided') return fail(ErrorCode.coupon_voided, 'this coupon was voided');
        if (st === 'expired') return fail(ErrorCode.coupon_expired, 'an expired coupon cannot be given away');
        // Moves only if still issued and still owned by the same person.
        const r = await q.query<CouponRow>(
          `UPDATE coupons SET owner_id = $3 WHERE id = $1 AND owner_id = $2 AND status = 'issued' RETURNING ${COUPON_COLUMNS}`,
          [c.id, c.owner_id, toId],
        );
        if (!r.rows[0]) return fail(ErrorCode.conflict, 'the coupon changed meanwhile; try again');
        await q.query(
          `INSERT INTO coupon_events (tenant_id, coupon_id, kind, from_user, to_user, staff_id) VALUES ($1, $2, 'gifted', $3, $4, $5)`,
          [tenantId, c.id, c.owner_id, toId, by?.kind === 'staff' ? by.staffId : null],
        );
        if (by) await audit(q, tenantId, by, { action: 'coupon.gift', targetType: 'coupon', targetId: code, details: { from: c.owner_id, to: toId } });
        return ok(toCoupon(r.rows[0], at));
      });
    },

    /** A 卡密 code + password from a batch becomes the user's coupon. */
    async exchange(tenantId: number, input: { userId: number; code: string; password: string }, by: Principal | null): Promise<Result<Coupon>> {
      const at = now();
      const code = input.code.trim();
      // The user must be one of this tenant's: another tenant's user id never receives a coupon here.
      const user = (
        await deps.db.query<UserFacts>('SELECT id, points, has_purchased, created_at, source FROM users WHERE tenant_id = $1 AND id = $2 AND NOT disabled', [tenantId, input.userId])
      ).rows[0];
      if (!user) return fail(ErrorCode.not_found, 'user not found');
      const userKey = `exchange-fail:user:${tenantId}:${input.userId}`;
      const codeKey = `exchange-fail:code:${tenantId}:${code}`;
      for (const [key, limit] of [[userKey, EXCHANGE_LIMITS.perUser], [codeKey, EXCHANGE_LIMITS.perCode]] as const) {
        const r = await reached(deps.cache, key, limit);
        if (!r.allowed) return fail(ErrorCode.rate_limited, `too many wrong attempts; try again in ${r.retryAfterSec} s`, { retryAfterSec: r.retryAfterSec });
      }
      const wrong = async () => {
        await hit(deps.cache, userKey, EXCHANGE_LIMITS.perUser, EXCHANGE_LIMITS.windowSec);
        await hit(deps.cache, codeKey, EXCHANGE_LIMITS.perCode, EXCHANGE_LIMITS.windowSec);
        return fail(ErrorCode.wrong_password, 'the code or its password is wrong');
      };
      const row = (
        await deps.db.query<CouponRow & { password_hash: string | null; password_salt: string | null; timezone: string }>(
          `SELECT c.*, b.password_salt, tn.timezone FROM coupons c LEFT JOIN code_batches b ON b.id = c.batch_id
           JOIN tenants tn ON tn.id = c.tenant_id WHERE c.tenant_id = $1 AND c.code = $2`,
          [tenantId, code],
        )
      ).rows[0];
      if (!row || row.source !== 'batch') return wrong();
      if (row.password_hash !== null) {
        const given = exchangePasswordDigest(row.password_salt ?? '', code, input.password ?? '');
        if (!crypto.timingSafeEqual(Buffer.from(given), Buffer.from(row.password_hash))) return wrong();
      }
      if (row.owner_id !== null) return fail(ErrorCode.coupon_used, 'this code has already been exchanged');
      try {
        return await deps.db.tx(async (q) => {
          const t = (await templateWithZone(q, tenantId, row.template_id))!;
          // The batch code is the right to the coupon, so its price, points and
          // claim password do not apply; the campaign's state, claim window and
          // audience do, and so does the per-user limit.
          const pre = checkClaim(
            { ...t.template, hasClaimPassword: false, claimCostPoints: 0, price: 0, requiredSignInDays: 0 },
            { now: at, userPoints: 0, signInStreak: 0, user: { isNew: at.getTime() - user.created_at.getTime() < NEW_USER_DAYS * 86_400_000, hasPurchased: user.has_purchased, source: user.source } },
          );
          if (!pre.ok) return pre as Result<Coupon>;
          if (!(await takePerUser(q, t.template, input.userId, 1))) throw new RollbackWith(overLimit(t.template));
          const v = computeValidity(t.template.validity, at, t.timezone);
          const r = await q.query<CouponRow>(
            `UPDATE coupons SET owner_id = $2, received_at = $3, valid_from = $4, valid_to = $5
             WHERE id = $1 AND owner_id IS NULL AND status = 'issued' RETURNING ${COUPON_COLUMNS}`,
            [row.id, input.userId, at, v.from, v.to],
          );
          if (!r.rows[0]) throw new RollbackWith(fail(ErrorCode.coupon_used, 'this code has already been exchanged'));
          await q.query(`INSERT INTO coupon_events (tenant_id, coupon_id, kind, to_user, staff_id) VALUES ($1, $2, 'exchanged', $3, $4)`, [
            tenantId,
            row.id,
            input.userId,
            by?.kind === 'staff' ? by.staffId : null,
          ]);
          if (by) await audit(q, tenantId, by, { action: 'coupon.exchange', targetType: 'coupon', targetId: code, details: { userId: input.userId } });
          return ok(toCoupon(r.rows[0], at));
        });
      } catch (e) {
        if (e instanceof RollbackWith) return e.result as Result<Coupon>;
        throw e;
      }
    },

    async list(tenantId: number, f: { ownerId?: number; mobile?: string; templateId?: number; status?: CouponStatus; code?: string; limit: number; offset: number }) {
      const at = now();
      // Status is computed from state and time, so the filter is too.
      const statusSql: Record<CouponStatus, string> = {
        usable: `status = 'issued' AND (valid_from IS NULL OR valid_from <= $7) AND (valid_to IS NULL OR valid_to >= $7)`,
        not_yet_valid: `status = 'issued' AND valid_from > $7`,
        expired: `status = 'issued' AND valid_to < $7`,
        used: `status = 'used' AND $7::timestamptz IS NOT NULL`,
        voided: `status = 'voided' AND $7::timestamptz IS NOT NULL`,
      };
      const r = await deps.db.query<CouponRow & { total: number }>(
        `SELECT ${COUPON_COLUMNS}, count(*) OVER ()::int AS total FROM coupons c
         WHERE tenant_id = $1 AND ($2::bigint IS NULL OR owner_id = $2) AND ($3::bigint IS NULL OR template_id = $3)
           AND ($4::text IS NULL OR code = $4)
           AND ($8::text IS NULL OR owner_id = (SELECT id FROM users WHERE tenant_id = $1 AND mobile = $8))
           AND (${f.status ? statusSql[f.status] : '$7::timestamptz IS NOT NULL'})
         ORDER BY id DESC LIMIT $5 OFFSET $6`,
        [tenantId, f.ownerId ?? null, f.templateId ?? null, f.code ?? null, f.limit, f.offset, at, f.mobile ?? null],
      );
      return { items: r.rows.map((x) => toCoupon(x, at)), total: r.rows[0]?.total ?? 0 };
    },

    async get(tenantId: number, code: string): Promise<{ coupon: Coupon; template: Template; history: CouponEvent[] } | null> {
      const at = now();
      const r = await deps.db.query<CouponRow>(`SELECT ${COUPON_COLUMNS} FROM coupons WHERE tenant_id = $1 AND code = $2`, [tenantId, code.trim()]);
      const row = r.rows[0];
      if (!row) return null;
      const t = await deps.db.query<TemplateRow>('SELECT * FROM coupon_templates WHERE id = $1', [row.template_id]);
      const ev = await deps.db.query<{
        kind: string; from_user: number | null; to_user: number | null; staff_id: number | null; store_id: number | null;
        redemption_id: number | null; details: Record<string, unknown> | null; created_at: Date;
      }>('SELECT * FROM coupon_events WHERE coupon_id = $1 ORDER BY id', [row.id]);
      return {
        coupon: toCoupon(row, at),
        template: toTemplate(t.rows[0]!),
        history: ev.rows.map((e) => ({
          kind: e.kind,
          fromUser: e.from_user,
          toUser: e.to_user,
          staffId: e.staff_id,
          storeId: e.store_id,
          redemptionId: e.redemption_id,
          details: e.details,
          createdAt: e.created_at,
        })),
      };
    },
  };
}

export type CouponService = ReturnType<typeof couponService>;
