// The users table (consumers): the only file with SQL that writes it. The
// functions ending in In are exported for the other contexts that change a
// user inside their own transaction (balances, has_purchased, card openings,
// seller bindings); they keep the SQL those contexts used.
import type { Queryable } from '../../../db/store.ts';
import type { Row, RowOf } from '../../../db/rows.ts';
import type { ConsumerProfile, CreateUserInput, LoginKind, ProfileChange, User, UserCredentials, UserLevel } from '../domain/user.ts';

const toUser = (r: Row<'users'>): User => ({
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

/** Inserts a user (input already checked); throws on a unique key (mobile, username, email). */
export async function insertUserRow(q: Queryable, tenantId: number, input: CreateUserInput, passwordHash: string | null): Promise<User> {
  const r = await q.query<Row<'users'>>(
    `INSERT INTO users (tenant_id, mobile, username, email, password_hash, nick, avatar, referrer_id, seller_id, source)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *`,
    [
      tenantId,
      input.mobile ?? null,
      input.username ?? null,
      input.email ?? null,
      passwordHash,
      input.nick ?? null,
      input.avatar ?? null,
      input.referrerId ?? null,
      input.sellerId ?? null,
      input.source ?? null,
    ],
  );
  return toUser(r.rows[0]!);
}

export async function userById(q: Queryable, tenantId: number, id: number): Promise<User | null> {
  const r = await q.query<Row<'users'>>('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/** Whether the tenant has this user. */
export async function userExistsIn(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return !!r.rowCount;
}

/** The first user matching any of the identifiers given. */
export async function userByAny(
  q: Queryable,
  tenantId: number,
  by: { id?: number; mobile?: string; username?: string; email?: string },
): Promise<User | null> {
  const r = await q.query<Row<'users'>>(
    `SELECT * FROM users WHERE tenant_id = $1 AND (
           ($2::bigint IS NOT NULL AND id = $2) OR ($3::text IS NOT NULL AND mobile = $3) OR
           ($4::text IS NOT NULL AND lower(username) = lower($4)) OR ($5::text IS NOT NULL AND lower(email) = lower($5)))
         LIMIT 1`,
    [tenantId, by.id ?? null, by.mobile ?? null, by.username ?? null, by.email ?? null],
  );
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

export async function listUsers(
  q: Queryable,
  tenantId: number,
  opts: { mobile?: string; username?: string; limit: number; offset: number },
): Promise<{ items: User[]; total: number }> {
  const r = await q.query<Row<'users'> & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM users
         WHERE tenant_id = $1 AND ($2::text IS NULL OR mobile LIKE '%' || $2 || '%')
           AND ($3::text IS NULL OR username ILIKE '%' || $3 || '%')
         ORDER BY id DESC LIMIT $4 OFFSET $5`,
    [tenantId, opts.mobile ?? null, opts.username ?? null, opts.limit, opts.offset],
  );
  return { items: r.rows.map(toUser), total: r.rows[0]?.total ?? 0 };
}

/** The user a login identifier names (mobile exactly, username and email in any case), with the password hash. */
export async function userByLogin(q: Queryable, tenantId: number, kind: LoginKind, id: string): Promise<UserCredentials | null> {
  const col = kind === 'mobile' ? 'mobile = $2' : kind === 'username' ? 'lower(username) = lower($2)' : 'lower(email) = lower($2)';
  const r = await q.query<Row<'users'>>(`SELECT * FROM users WHERE tenant_id = $1 AND ${col} LIMIT 1`, [tenantId, id]);
  return r.rows[0] ? { user: toUser(r.rows[0]), passwordHash: r.rows[0].password_hash } : null;
}

export async function profileOf(q: Queryable, tenantId: number, userId: number): Promise<ConsumerProfile | null> {
  const r = await q.query<Row<'users'>>('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
  const row = r.rows[0];
  if (!row) return null;
  // updateProfile only ever merges JSON objects into ext_json.
  const ext = row.ext_json as Record<string, unknown> | null;
  return { ...toUser(row), gender: row.gender, province: row.province, city: row.city, birthday: row.birthday, ext };
}

/** Changes the profile fields given (null = keep; extJson merges into ext_json); false when there is no such user. */
export async function updateProfile(q: Queryable, tenantId: number, userId: number, f: ProfileChange): Promise<boolean> {
  const r = await q.query(
    `UPDATE users SET nick = COALESCE($3, nick), avatar = COALESCE($4, avatar), gender = COALESCE($5, gender),
           province = COALESCE($6, province), city = COALESCE($7, city), birthday = COALESCE($8, birthday),
           ext_json = COALESCE(ext_json, '{}'::jsonb) || COALESCE($9::jsonb, '{}'::jsonb)
         WHERE tenant_id = $1 AND id = $2`,
    [tenantId, userId, f.nick, f.avatar, f.gender, f.province, f.city, f.birthday, f.extJson],
  );
  return r.rowCount === 1;
}

export async function setUserPassword(q: Queryable, tenantId: number, userId: number, passwordHash: string): Promise<void> {
  await q.query('UPDATE users SET password_hash = $3 WHERE tenant_id = $1 AND id = $2', [tenantId, userId, passwordHash]);
}

/**
 * Sets a login identifier (and, given, a new password hash); null when there
 * is no such user. Throws on a unique key (bound to someone else).
 */
export async function setLoginId(
  q: Queryable,
  tenantId: number,
  userId: number,
  kind: LoginKind,
  id: string,
  passwordHash: string | null,
): Promise<User | null> {
  const r = await q.query<Row<'users'>>(
    `UPDATE users SET ${kind} = $3, password_hash = COALESCE($4, password_hash) WHERE tenant_id = $1 AND id = $2 RETURNING *`,
    [tenantId, userId, id, passwordHash],
  );
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/** The tenant's member levels, lowest first (commerce's table user_levels, read only). */
export async function levelsOf(q: Queryable, tenantId: number): Promise<UserLevel[]> {
  const r = await q.query<RowOf<'user_levels', 'id' | 'level' | 'name' | 'upgrade_amount'>>(
    'SELECT id, level, name, upgrade_amount FROM user_levels WHERE tenant_id = $1 ORDER BY level',
    [tenantId],
  );
  return r.rows.map((l) => ({ id: l.id, level: l.level, name: l.name, upgradeAmount: Number(l.upgrade_amount) }));
}

// ---------------------------------------------------------------------------
// Writes other contexts make inside their own transactions.

/**
 * Binds an unbound consumer to a seller in one conditional write (first
 * binding wins): true when this call bound it, false when it was bound
 * already, null when there is no such user. (Was sellers' bindIn.)
 */
export async function bindSellerIn(
  q: Queryable,
  tenantId: number,
  userId: number,
  sellerId: number,
  channel: string,
): Promise<boolean | null> {
  const u = await q.query(
    `UPDATE users SET seller_id = $3, seller_channel = $4, seller_bound_at = now() WHERE tenant_id = $1 AND id = $2 AND seller_id IS NULL`,
    [tenantId, userId, sellerId, channel],
  );
  if (u.rowCount === 0) return (await userExistsIn(q, tenantId, userId)) ? false : null;
  return true;
}

/**
 * Staff assignment: binds a consumer to a seller, or (sellerId null) unbinds
 * it; false when there is no such user. (Was the UPDATE in sellers' assign.)
 */
export async function assignSellerIn(
  q: Queryable,
  tenantId: number,
  userId: number,
  sellerId: number | null,
  channel: string | null,
): Promise<boolean> {
  const u = await q.query<RowOf<'users', 'id'>>(
    `UPDATE users SET seller_id = $3, seller_channel = $4, seller_bound_at = CASE WHEN $3::bigint IS NULL THEN NULL ELSE now() END
           WHERE tenant_id = $1 AND id = $2 RETURNING id`,
    [tenantId, userId, sellerId, channel],
  );
  return !!u.rows[0];
}

/** The balances a ledger moves (loyalty's points_ledger and wallet_ledger). */
export type BalanceColumn = 'points' | 'wallet_balance';

/**
 * Moves a balance by delta unless it would go below zero: the new balance,
 * or null (no such user, or not enough). (Was the UPDATE in loyalty's moveBalance.)
 */
export async function moveUserBalanceIn(
  q: Queryable,
  column: BalanceColumn,
  tenantId: number,
  userId: number,
  delta: number,
): Promise<number | null> {
  const col = column === 'points' ? 'points' : 'wallet_balance';
  const u = await q.query<{ balance: number }>(
    `UPDATE users SET ${col} = ${col} + $3 WHERE tenant_id = $1 AND id = $2 AND ${col} + $3 >= 0 RETURNING ${col} AS balance`,
    [tenantId, userId, delta],
  );
  return u.rows[0]?.balance ?? null;
}

/** Marks the user as having bought something (first purchase). (Was in loyalty's pay bill and commerce's order payment.) */
export async function markPurchasedIn(q: Queryable, tenantId: number, userId: number): Promise<void> {
  await q.query('UPDATE users SET has_purchased = true WHERE tenant_id = $1 AND id = $2 AND NOT has_purchased', [tenantId, userId]);
}

/**
 * The user with this mobile, inserted (source 'card') when there is none;
 * its id, or null when the insert lost to a concurrent one and the row is not
 * visible yet. (Was the INSERT … ON CONFLICT in cards' card opening.)
 */
export async function ensureCardUserIn(q: Queryable, tenantId: number, mobile: string): Promise<number | null> {
  await q.query(
    `INSERT INTO users (tenant_id, mobile, source) VALUES ($1, $2, 'card') ON CONFLICT (tenant_id, mobile) WHERE mobile IS NOT NULL DO NOTHING`,
    [tenantId, mobile],
  );
  const u = await q.query<RowOf<'users', 'id'>>('SELECT id FROM users WHERE tenant_id = $1 AND mobile = $2', [tenantId, mobile]);
  return u.rows[0]?.id ?? null;
}
