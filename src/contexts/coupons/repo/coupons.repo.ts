// coupons and coupon_events for issuing, moving and voiding: the one writer of
// a coupon's existence, owner and voiding, and of their history lines (the
// redeem/release writes live with redemptions). Returns domain Coupons.
import type { Queryable } from '../../../db/store.ts';
import type { Row, RowOf } from '../../../db/rows.ts';
import { COUPON_STATES, couponStatus, type CouponState, type CouponStatus } from '../domain/coupon-status.ts';
import { COUPON_SOURCES, type Coupon, type CouponEvent, type CouponSource, type OwnCoupon, type VoidReason } from '../domain/coupon.ts';
import { templateFromJson } from './templates.repo.ts';
import { newCouponCode } from '../domain/codes.ts';
import type { Template } from '../domain/template.ts';

/** coupons.status holds the state's own word: issued, used, voided. */
export const COUPON_STATE_DB: Readonly<Record<CouponState, string>> = { issued: 'issued', used: 'used', voided: 'voided' };

export const COUPON_COLUMNS =
  'id, tenant_id, template_id, code, owner_id, source, batch_id, status, valid_from, valid_to, received_at, used_at, redemption_id, created_at';
type CouponColumn =
  | 'id'
  | 'tenant_id'
  | 'template_id'
  | 'code'
  | 'owner_id'
  | 'source'
  | 'batch_id'
  | 'status'
  | 'valid_from'
  | 'valid_to'
  | 'received_at'
  | 'used_at'
  | 'redemption_id'
  | 'created_at';
/** The columns of COUPON_COLUMNS. */
export type CouponRow = RowOf<'coupons', CouponColumn>;

function stateOf(s: string): CouponState {
  const found = COUPON_STATES.find((k) => COUPON_STATE_DB[k] === s);
  if (!found) throw new Error(`unknown coupon status "${s}" in coupons`);
  return found;
}

function sourceOf(s: string): CouponSource {
  if (!(COUPON_SOURCES as readonly string[]).includes(s)) throw new Error(`unknown coupon source "${s}" in coupons`);
  return s as CouponSource;
}

/** The one mapper from a coupons row to a Coupon (status computed at `now`). */
export function toCoupon(r: CouponRow, now: Date): Coupon {
  const state = stateOf(r.status);
  return {
    id: r.id,
    code: r.code,
    templateId: r.template_id,
    ownerId: r.owner_id,
    source: sourceOf(r.source),
    batchId: r.batch_id,
    state,
    status: couponStatus({ state, validFrom: r.valid_from, validTo: r.valid_to }, now),
    validFrom: r.valid_from,
    validTo: r.valid_to,
    receivedAt: r.received_at,
    usedAt: r.used_at,
    redemptionId: r.redemption_id,
    createdAt: r.created_at,
  };
}

// ------------------------------------------------------------ users (read)

export interface ClaimantFacts {
  id: number;
  points: number;
  hasPurchased: boolean;
  createdAt: Date;
  source: string | null;
}

/** A user of the tenant who is not disabled, with what the claim rules read. */
export async function claimantFacts(q: Queryable, tenantId: number, userId: number): Promise<ClaimantFacts | null> {
  const r = await q.query<RowOf<'users', 'id' | 'points' | 'has_purchased' | 'created_at' | 'source'>>(
    'SELECT id, points, has_purchased, created_at, source FROM users WHERE tenant_id = $1 AND id = $2 AND NOT disabled',
    [tenantId, userId],
  );
  const u = r.rows[0];
  return u ? { id: u.id, points: u.points, hasPurchased: u.has_purchased, createdAt: u.created_at, source: u.source } : null;
}

/** The audience facts of a user (disabled or not); null when not in the tenant. */
export async function audienceFacts(q: Queryable, tenantId: number, userId: number): Promise<Omit<ClaimantFacts, 'id' | 'points'> | null> {
  const u = await q.query<RowOf<'users', 'created_at' | 'has_purchased' | 'source'>>(
    'SELECT created_at, has_purchased, source FROM users WHERE tenant_id = $1 AND id = $2',
    [tenantId, userId],
  );
  const row = u.rows[0];
  return row ? { createdAt: row.created_at, hasPurchased: row.has_purchased, source: row.source } : null;
}

export async function userInTenant(q: Queryable, tenantId: number, userId: number): Promise<boolean> {
  const user = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
  return (user.rowCount ?? 0) > 0;
}

/** A user of the tenant by id or mobile (`enabledOnly`: not disabled). */
export async function findUserId(
  q: Queryable,
  tenantId: number,
  by: { id?: number; mobile?: string },
  enabledOnly: boolean,
): Promise<number | null> {
  const r = await q.query<{ id: number }>(
    `SELECT id FROM users WHERE tenant_id = $1${enabledOnly ? ' AND NOT disabled' : ''} AND (($2::bigint IS NOT NULL AND id = $2) OR ($3::text IS NOT NULL AND mobile = $3)) LIMIT 1`,
    [tenantId, by.id ?? null, by.mobile ?? null],
  );
  return r.rows[0]?.id ?? null;
}

/** The user's newest sign-in days, 'YYYY-MM-DD', newest first. */
export async function signInDays(q: Queryable, tenantId: number, userId: number, limit: number): Promise<string[]> {
  const r = await q.query<{ day: string }>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM sign_ins WHERE tenant_id = $1 AND user_id = $2 ORDER BY day DESC LIMIT $3`,
    [tenantId, userId, limit],
  );
  return r.rows.map((x) => x.day);
}

// ------------------------------------------------------------ per-user counting

/** Counts `n` more coupons for a user; false when it would pass the per-user limit. */
export async function takePerUser(
  q: Queryable,
  t: Pick<Template, 'tenantId' | 'id' | 'perUserLimit'>,
  userId: number,
  n: number,
): Promise<boolean> {
  if (t.perUserLimit === null) return true;
  if (n > t.perUserLimit) return false;
  const r = await q.query(
    `INSERT INTO template_user_claims AS c (tenant_id, template_id, user_id, claimed) VALUES ($5, $1, $2, $3)
     ON CONFLICT (template_id, user_id, tenant_id) DO UPDATE SET claimed = c.claimed + $3 WHERE c.claimed + $3 <= $4`,
    [t.id, userId, n, t.perUserLimit, t.tenantId],
  );
  return r.rowCount === 1;
}

export async function claimedCount(q: Queryable, tenantId: number, templateId: number, userId: number): Promise<number> {
  const c = await q.query<{ claimed: number }>(
    'SELECT claimed FROM template_user_claims WHERE tenant_id = $1 AND template_id = $2 AND user_id = $3',
    [tenantId, templateId, userId],
  );
  return c.rows[0]?.claimed ?? 0;
}

// ------------------------------------------------------------ issuing

export interface IssueSpec {
  template: Pick<Template, 'tenantId' | 'id'>;
  ownerId: number | null;
  n: number;
  source: CouponSource;
  window: { from: Date; to: Date };
  at: Date;
  staffId: number | null;
}

/**
 * Inserts `n` coupons of a template with their "issued" history (stock already
 * taken). Codes come from a CSPRNG; a clash with an existing code is retried.
 */
export async function issueCoupons(q: Queryable, s: IssueSpec): Promise<Coupon[]> {
  const out: CouponRow[] = [];
  for (let attempt = 0; out.length < s.n && attempt < 5; attempt++) {
    const codes = Array.from({ length: s.n - out.length }, newCouponCode);
    const r = await q.query<CouponRow>(
      `INSERT INTO coupons (tenant_id, template_id, code, owner_id, source, valid_from, valid_to, received_at)
       SELECT $1, $2, code, $4, $5, $6, $7, $8 FROM unnest($3::text[]) AS code
       ON CONFLICT (tenant_id, code) DO NOTHING RETURNING ${COUPON_COLUMNS}`,
      [s.template.tenantId, s.template.id, codes, s.ownerId, s.source, s.window.from, s.window.to, s.at],
    );
    out.push(...r.rows);
  }
  if (out.length < s.n) throw new Error('could not find free coupon codes');
  await q.query(
    `INSERT INTO coupon_events (tenant_id, coupon_id, kind, to_user, staff_id, details)
     SELECT $1, id, 'issued', $3, $4, $5 FROM unnest($2::bigint[]) AS id`,
    [s.template.tenantId, out.map((c) => c.id), s.ownerId, s.staffId, JSON.stringify({ source: s.source })],
  );
  return out.map((r) => toCoupon(r, s.at));
}

// ------------------------------------------------------------ voiding

/**
 * Voids the issued coupons a reason names, with one history line each, in one
 * statement; returns the coupons voided. Card refunds name coupon ids, a voided
 * template names itself (`couponIds` = { templateId }), a merge names the
 * owner's coupons that are in date.
 */
export async function voidIssuedIn(
  q: Queryable,
  tenantId: number,
  couponIds: readonly number[] | { templateId: number },
  reason: VoidReason,
): Promise<Array<{ id: number; templateId: number }>> {
  const ids = Array.isArray(couponIds) ? couponIds : null;
  const templateId = Array.isArray(couponIds) ? null : (couponIds as { templateId: number }).templateId;
  const line = voidLine(reason);
  const r = await q.query<{ id: number; template_id: number }>(
    `WITH v AS (
       UPDATE coupons SET status = 'voided'
       WHERE tenant_id = $1 AND status = 'issued'
         AND ($2::bigint[] IS NULL OR id = ANY($2::bigint[])) AND ($3::bigint IS NULL OR template_id = $3)
         AND ($4::bigint IS NULL OR owner_id = $4)
         AND ($5::timestamptz IS NULL OR ((valid_from IS NULL OR valid_from <= $5) AND (valid_to IS NULL OR valid_to >= $5)))
       RETURNING id, owner_id, template_id),
     e AS (
       INSERT INTO coupon_events (tenant_id, coupon_id, kind, from_user, staff_id, details)
       SELECT $1, v.id, $6::text, CASE WHEN $7::boolean THEN v.owner_id END, $9::bigint, $10::jsonb FROM v
       WHERE NOT $8::boolean OR v.owner_id IS NOT NULL)
     SELECT id, template_id FROM v ORDER BY id`,
    [
      tenantId,
      ids,
      templateId,
      line.ownerId,
      line.inDateAt,
      line.kind,
      line.fromOwner,
      line.ownedOnly,
      line.staffId,
      JSON.stringify(line.details),
    ],
  );
  return r.rows.map((x) => ({ id: Number(x.id), templateId: Number(x.template_id) }));
}

/** What each reason restricts and writes in the history. */
function voidLine(reason: VoidReason) {
  switch (reason.kind) {
    case 'recharge_refund':
      return {
        kind: 'voided',
        ownerId: null,
        inDateAt: null,
        fromOwner: false,
        ownedOnly: false,
        staffId: reason.staffId,
        details: { reason: 'recharge_refund', orderNo: reason.orderNo },
      };
    case 'template_voided':
      return {
        kind: 'voided',
        ownerId: null,
        inDateAt: null,
        fromOwner: true,
        ownedOnly: true,
        staffId: reason.staffId,
        details: { reason: 'template voided' },
      };
    case 'merged':
      return {
        kind: 'merged',
        ownerId: reason.ownerId,
        inDateAt: reason.at,
        fromOwner: true,
        ownedOnly: false,
        staffId: null,
        details: { mergeId: reason.mergeId },
      };
  }
}

// ------------------------------------------------------------ moving

export async function couponByCode(q: Queryable, tenantId: number, code: string, at: Date): Promise<Coupon | null> {
  const r = await q.query<CouponRow>(`SELECT ${COUPON_COLUMNS} FROM coupons WHERE tenant_id = $1 AND code = $2`, [tenantId, code]);
  return r.rows[0] ? toCoupon(r.rows[0], at) : null;
}

/** Gives a coupon to another user, only if still issued and still owned by `from`; with its "gifted" line. null: it changed. */
export async function giveCoupon(
  q: Queryable,
  tenantId: number,
  c: { id: number; from: number; to: number; staffId: number | null },
  at: Date,
): Promise<Coupon | null> {
  const r = await q.query<CouponRow>(
    `UPDATE coupons SET owner_id = $3 WHERE id = $1 AND owner_id = $2 AND status = 'issued' RETURNING ${COUPON_COLUMNS}`,
    [c.id, c.from, c.to],
  );
  if (!r.rows[0]) return null;
  await q.query(
    `INSERT INTO coupon_events (tenant_id, coupon_id, kind, from_user, to_user, staff_id) VALUES ($1, $2, 'gifted', $3, $4, $5)`,
    [tenantId, c.id, c.from, c.to, c.staffId],
  );
  return toCoupon(r.rows[0], at);
}

/** A shared coupon moves to whoever fetched the share, if still issued, in date and its sharer's; with its "gifted" line. */
export async function moveSharedCoupon(
  q: Queryable,
  tenantId: number,
  m: { couponId: number; from: number; to: number },
  at: Date,
): Promise<Coupon | null> {
  const moved = await q.query<CouponRow>(
    `UPDATE coupons SET owner_id = $3 WHERE id = $1 AND owner_id = $2 AND status = 'issued' AND (valid_to IS NULL OR valid_to >= $4)
     RETURNING ${COUPON_COLUMNS}`,
    [m.couponId, m.from, m.to, at],
  );
  if (!moved.rows[0]) return null;
  await q.query(
    `INSERT INTO coupon_events (tenant_id, coupon_id, kind, from_user, to_user, details) VALUES ($1, $2, 'gifted', $3, $4, $5)`,
    [tenantId, m.couponId, m.from, m.to, JSON.stringify({ via: 'share' })],
  );
  return toCoupon(moved.rows[0], at);
}

export interface ExchangeCandidate {
  coupon: Coupon;
  passwordHash: string | null;
  passwordSalt: string | null;
}

/** A coupon by code with its batch's password salt (exchange). */
export async function exchangeCandidate(q: Queryable, tenantId: number, code: string, at: Date): Promise<ExchangeCandidate | null> {
  const r = await q.query<Row<'coupons'> & { password_salt: string | null; timezone: string }>(
    `SELECT c.*, b.password_salt, tn.timezone FROM coupons c LEFT JOIN code_batches b ON b.id = c.batch_id
     JOIN tenants tn ON tn.id = c.tenant_id WHERE c.tenant_id = $1 AND c.code = $2`,
    [tenantId, code],
  );
  const row = r.rows[0];
  return row ? { coupon: toCoupon(row, at), passwordHash: row.password_hash, passwordSalt: row.password_salt } : null;
}

/** A batch code becomes the user's: only if nobody owns it yet and it is still issued; with its "exchanged" line. */
export async function takeExchangeCode(
  q: Queryable,
  tenantId: number,
  x: { couponId: number; userId: number; window: { from: Date; to: Date }; staffId: number | null },
  at: Date,
): Promise<Coupon | null> {
  const r = await q.query<CouponRow>(
    `UPDATE coupons SET owner_id = $2, received_at = $3, valid_from = $4, valid_to = $5
     WHERE id = $1 AND owner_id IS NULL AND status = 'issued' RETURNING ${COUPON_COLUMNS}`,
    [x.couponId, x.userId, at, x.window.from, x.window.to],
  );
  if (!r.rows[0]) return null;
  await q.query(`INSERT INTO coupon_events (tenant_id, coupon_id, kind, to_user, staff_id) VALUES ($1, $2, 'exchanged', $3, $4)`, [
    tenantId,
    x.couponId,
    x.userId,
    x.staffId,
  ]);
  return toCoupon(r.rows[0], at);
}

// ------------------------------------------------------------ reading

export interface CouponFilter {
  ownerId?: number;
  mobile?: string;
  templateId?: number;
  status?: CouponStatus;
  code?: string;
  limit: number;
  offset: number;
}

export async function listCoupons(q: Queryable, tenantId: number, f: CouponFilter, at: Date): Promise<{ items: Coupon[]; total: number }> {
  // Status is computed from state and time, so the filter is too.
  const statusSql: Record<CouponStatus, string> = {
    usable: `status = 'issued' AND (valid_from IS NULL OR valid_from <= $7) AND (valid_to IS NULL OR valid_to >= $7)`,
    not_yet_valid: `status = 'issued' AND valid_from > $7`,
    expired: `status = 'issued' AND valid_to < $7`,
    used: `status = 'used' AND $7::timestamptz IS NOT NULL`,
    voided: `status = 'voided' AND $7::timestamptz IS NOT NULL`,
  };
  const r = await q.query<CouponRow & { total: number }>(
    `SELECT ${COUPON_COLUMNS}, count(*) OVER ()::int AS total FROM coupons c
     WHERE tenant_id = $1 AND ($2::bigint IS NULL OR owner_id = $2) AND ($3::bigint IS NULL OR template_id = $3)
       AND ($4::text IS NULL OR code = $4)
       AND ($8::text IS NULL OR owner_id = (SELECT id FROM users WHERE tenant_id = $1 AND mobile = $8))
       AND (${f.status ? statusSql[f.status] : '$7::timestamptz IS NOT NULL'})
     ORDER BY id DESC LIMIT $5 OFFSET $6`,
    [tenantId, f.ownerId ?? null, f.templateId ?? null, f.code ?? null, f.limit, f.offset, at, f.mobile ?? null],
  );
  return { items: r.rows.map((x) => toCoupon(x, at)), total: r.rows[0]?.total ?? 0 };
}

export async function couponHistory(q: Queryable, couponId: number): Promise<CouponEvent[]> {
  const ev = await q.query<Row<'coupon_events'>>('SELECT * FROM coupon_events WHERE coupon_id = $1 ORDER BY id', [couponId]);
  return ev.rows.map((e) => ({
    kind: e.kind,
    fromUser: e.from_user,
    toUser: e.to_user,
    staffId: e.staff_id,
    storeId: e.store_id,
    redemptionId: e.redemption_id,
    details: e.details as Record<string, unknown> | null,
    createdAt: e.created_at,
  }));
}

/** The user's coupons (or some of them by id) with their templates, newest first. */
export async function ownCoupons(q: Queryable, tenantId: number, userId: number, ids: number[] | null, at: Date): Promise<OwnCoupon[]> {
  const r = await q.query<CouponRow & { t: Row<'coupon_templates'> }>(
    `SELECT ${COUPON_COLUMNS.split(', ')
      .map((c) => `c.${c}`)
      .join(', ')}, to_jsonb(t.*) AS t
     FROM coupons c JOIN coupon_templates t ON t.id = c.template_id
     WHERE c.tenant_id = $1 AND c.owner_id = $2 AND ($3::bigint[] IS NULL OR c.id = ANY($3))
     ORDER BY c.id DESC`,
    [tenantId, userId, ids],
  );
  return r.rows.map((x) => ({ ...toCoupon(x, at), template: templateFromJson(x.t) }));
}

/** The states and windows of all of a user's coupons (for counting by status). */
export async function ownCouponWindows(
  q: Queryable,
  tenantId: number,
  userId: number,
): Promise<Array<{ state: CouponState; validFrom: Date | null; validTo: Date | null }>> {
  const r = await q.query<RowOf<'coupons', 'status' | 'valid_from' | 'valid_to'>>(
    'SELECT status, valid_from, valid_to FROM coupons WHERE tenant_id = $1 AND owner_id = $2',
    [tenantId, userId],
  );
  return r.rows.map((c) => ({ state: stateOf(c.status), validFrom: c.valid_from, validTo: c.valid_to }));
}
