// Consumers of one tenant: the people who claim and spend coupons.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode, type Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { hashPassword } from '../../kernel/security.ts';

export interface User {
  id: number;
  tenantId: number;
  mobile: string | null;
  username: string | null;
  email: string | null;
  nick: string | null;
  avatar: string | null;
  referrerId: number | null;
  sellerId: number | null;
  /** Where the user came from (the client's channel: iOS, android, wechat, …); promo codes and templates may be limited to some. */
  source: string | null;
  points: number;
  walletBalance: number;
  hasPurchased: boolean;
  disabled: boolean;
  createdAt: Date;
}

export interface UserRow {
  id: number;
  tenant_id: number;
  mobile: string | null;
  username: string | null;
  email: string | null;
  password_hash: string | null;
  nick: string | null;
  avatar: string | null;
  referrer_id: number | null;
  seller_id: number | null;
  source: string | null;
  points: number;
  wallet_balance: number;
  has_purchased: boolean;
  disabled: boolean;
  created_at: Date;
}

export const toUser = (r: UserRow): User => ({
  id: r.id,
  tenantId: r.tenant_id,
  mobile: r.mobile,
  username: r.username,
  email: r.email,
  nick: r.nick,
  avatar: r.avatar,
  referrerId: r.referrer_id,
  sellerId: r.seller_id,
  source: r.source,
  points: r.points,
  walletBalance: r.wallet_balance,
  hasPurchased: r.has_purchased,
  disabled: r.disabled,
  createdAt: r.created_at,
});

export interface CreateUserInput {
  mobile?: string | null;
  username?: string | null;
  email?: string | null;
  password?: string | null;
  nick?: string | null;
  avatar?: string | null;
  referrerId?: number | null;
  sellerId?: number | null;
  source?: string | null;
}

export const MOBILE_RE = /^\+?\d{6,15}$/;
/** A user source: a short channel name such as iOS, android, wechat, h5. */
export const SOURCE_RE = /^[A-Za-z0-9_.:-]{1,32}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateUserInput(input: CreateUserInput): string | null {
  if (!input.mobile && !input.username && !input.email) return 'one of mobile, username or email is required';
  if (input.mobile && !MOBILE_RE.test(input.mobile)) return 'mobile must be 6-15 digits';
  if (input.username && !/^[A-Za-z0-9_.-]{3,64}$/.test(input.username)) {
    return 'username must be 3-64 characters of letters, digits, _ . -';
  }
  if (input.email && !EMAIL_RE.test(input.email)) return 'email is not a valid address';
  if (input.source != null && !SOURCE_RE.test(input.source)) return 'source must be 1-32 letters, digits, _ . : -';
  if (input.password != null && (typeof input.password !== 'string' || input.password.length < 6)) {
    return 'password must be at least 6 characters';
  }
  return null;
}

export async function insertUser(q: Queryable, tenantId: number, input: CreateUserInput): Promise<Result<User>> {
  const invalid = validateUserInput(input);
  if (invalid) return fail(ErrorCode.invalid_input, invalid);
  try {
    const r = await q.query<UserRow>(
      `INSERT INTO users (tenant_id, mobile, username, email, password_hash, nick, avatar, referrer_id, seller_id, source)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *`,
      [
        tenantId,
        input.mobile ?? null,
        input.username ?? null,
        input.email ?? null,
        input.password ? await hashPassword(input.password) : null,
        input.nick ?? null,
        input.avatar ?? null,
        input.referrerId ?? null,
        input.sellerId ?? null,
        input.source ?? null,
      ],
    );
    return ok(toUser(r.rows[0]!));
  } catch (e) {
    if (pgErrorCode(e) === PgCode.uniqueViolation) {
      return fail(ErrorCode.already_registered, 'a user with this mobile, username or email already exists');
    }
    throw e;
  }
}

export function userService(deps: Deps) {
  return {
    async create(tenantId: number, input: CreateUserInput, by: Principal | null): Promise<Result<User>> {
      // A savepoint-free path: the insert either lands or fails on a unique key.
      return deps.db.tx(async (q) => {
        const u = await insertUser(q, tenantId, input);
        if (u.ok && by) await audit(q, tenantId, by, { action: 'user.create', targetType: 'user', targetId: u.value.id });
        return u;
      });
    },

    async get(tenantId: number, id: number): Promise<User | null> {
      const r = await deps.db.query<UserRow>('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return r.rows[0] ? toUser(r.rows[0]) : null;
    },

    async getRow(tenantId: number, by: { id?: number; mobile?: string; username?: string; email?: string }): Promise<UserRow | null> {
      const r = await deps.db.query<UserRow>(
        `SELECT * FROM users WHERE tenant_id = $1 AND (
           ($2::bigint IS NOT NULL AND id = $2) OR ($3::text IS NOT NULL AND mobile = $3) OR
           ($4::text IS NOT NULL AND lower(username) = lower($4)) OR ($5::text IS NOT NULL AND lower(email) = lower($5)))
         LIMIT 1`,
        [tenantId, by.id ?? null, by.mobile ?? null, by.username ?? null, by.email ?? null],
      );
      return r.rows[0] ?? null;
    },

    async list(tenantId: number, opts: { mobile?: string; username?: string; limit: number; offset: number }) {
      const r = await deps.db.query<UserRow & { total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM users
         WHERE tenant_id = $1 AND ($2::text IS NULL OR mobile LIKE '%' || $2 || '%')
           AND ($3::text IS NULL OR username ILIKE '%' || $3 || '%')
         ORDER BY id DESC LIMIT $4 OFFSET $5`,
        [tenantId, opts.mobile ?? null, opts.username ?? null, opts.limit, opts.offset],
      );
      return { items: r.rows.map(toUser), total: r.rows[0]?.total ?? 0 };
    },
  };
}

export type UserService = ReturnType<typeof userService>;
