// The cards users hold (user_cards) with their product's face, the holder
// (a read of identity's users) and the store it was opened in. Every balance
// change is a conditional UPDATE (… WHERE capital >= x …), so no path can
// overdraw a card; lockCard takes the card's row lock first (see use-cases).
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { CardRef, LockedCard, UserCard } from '../domain/card.ts';
import { cardKindOf } from './products.repo.ts';

const USER_CARD_SQL = `
  SELECT uc.id, uc.user_id, uc.card_product_id, uc.card_no, uc.capital, uc.bonus, uc.charged, uc.invoiced, uc.store_id, uc.created_at,
         p.title, p.type, p.summary, p.colour, p.logo, p.store_ids, s.name AS store_name, u.mobile, u.nick, u.avatar
  FROM user_cards uc JOIN card_products p ON p.id = uc.card_product_id JOIN users u ON u.id = uc.user_id
  LEFT JOIN stores s ON s.id = uc.store_id`;

type UserCardRow = Omit<Row<'user_cards'>, 'tenant_id' | 'password_hash' | 'opened_by'> &
  Pick<Row<'card_products'>, 'title' | 'type' | 'summary' | 'colour' | 'logo' | 'store_ids'> &
  Pick<Row<'users'>, 'mobile' | 'nick' | 'avatar'> & { store_name: string | null };

const toUserCard = (r: UserCardRow): UserCard => ({
  id: r.id,
  userId: r.user_id,
  cardProductId: r.card_product_id,
  cardNo: r.card_no,
  title: r.title,
  kind: cardKindOf(r.type),
  summary: r.summary,
  colour: r.colour,
  logo: r.logo,
  storeIds: (r.store_ids ?? []).map(Number),
  capital: r.capital,
  bonus: r.bonus,
  balance: r.capital + r.bonus,
  charged: r.charged,
  invoiced: r.invoiced,
  invoiceable: r.charged - r.invoiced,
  storeId: r.store_id,
  storeName: r.store_name,
  phone: r.mobile,
  nickname: r.nick,
  avatar: r.avatar,
  createdAt: r.created_at,
});

/** The card of a reference, as a WHERE on `uc` ($1 is the tenant); phone by a sub-select on users. */
export function cardWhere(ref: CardRef): [string, unknown[]] {
  if ('cardId' in ref) return ['uc.id = $2', [ref.cardId]];
  if ('userId' in ref) return ['uc.user_id = $2 AND uc.card_product_id = $3', [ref.userId, ref.productId]];
  return [
    'uc.user_id = (SELECT id FROM users WHERE tenant_id = $1 AND mobile = $2) AND uc.card_product_id = $3',
    [ref.phone, ref.productId],
  ];
}

/**
 * Locks the card row (FOR NO KEY UPDATE: card operations take turns) and
 * returns it with its product kind and stores; null when there is none.
 */
export async function lockCard(q: Queryable, tenantId: number, ref: CardRef): Promise<LockedCard | null> {
  const [where, params] = cardWhere(ref);
  const r = await q.query<Row<'user_cards'> & Pick<Row<'card_products'>, 'type' | 'store_ids'>>(
    `SELECT uc.*, p.type, p.store_ids FROM user_cards uc JOIN card_products p ON p.id = uc.card_product_id
     WHERE uc.tenant_id = $1 AND ${where} FOR NO KEY UPDATE OF uc`,
    [tenantId, ...params],
  );
  const c = r.rows[0];
  if (!c) return null;
  return {
    id: c.id,
    userId: c.user_id,
    productId: c.card_product_id,
    kind: cardKindOf(c.type),
    storeIds: (c.store_ids ?? []).map(Number),
    capital: c.capital,
    bonus: c.bonus,
    charged: c.charged,
    invoiced: c.invoiced,
  };
}

export async function getCard(q: Queryable, tenantId: number, ref: CardRef): Promise<UserCard | null> {
  let where: string;
  let params: unknown[];
  if ('cardId' in ref) [where, params] = ['uc.id = $2', [tenantId, ref.cardId]];
  else if ('userId' in ref) [where, params] = ['uc.user_id = $2 AND uc.card_product_id = $3', [tenantId, ref.userId, ref.productId]];
  else [where, params] = ['u.mobile = $2 AND uc.card_product_id = $3', [tenantId, ref.phone, ref.productId]];
  const r = await q.query<UserCardRow>(`${USER_CARD_SQL} WHERE uc.tenant_id = $1 AND ${where}`, params);
  return r.rows[0] ? toUserCard(r.rows[0]) : null;
}

export async function cardById(q: Queryable, id: number): Promise<UserCard> {
  const c = await q.query<UserCardRow>(`${USER_CARD_SQL} WHERE uc.id = $1`, [id]);
  return toUserCard(c.rows[0]!);
}

export async function listCards(
  q: Queryable,
  tenantId: number,
  f: { userId?: number; phoneLike: string | null; productId?: number; limit: number; offset: number },
): Promise<{ items: UserCard[]; total: number }> {
  const r = await q.query<UserCardRow & { total: number }>(
    `${USER_CARD_SQL.replace('SELECT ', 'SELECT count(*) OVER ()::int AS total, ')}
     WHERE uc.tenant_id = $1 AND ($2::bigint IS NULL OR uc.user_id = $2) AND ($3::text IS NULL OR u.mobile LIKE $3)
       AND ($4::bigint IS NULL OR uc.card_product_id = $4)
     ORDER BY uc.id DESC LIMIT $5 OFFSET $6`,
    [tenantId, f.userId ?? null, f.phoneLike, f.productId ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toUserCard), total: r.rows[0]?.total ?? 0 };
}

export async function passwordHash(q: Queryable, tenantId: number, cardId: number): Promise<string> {
  const h = await q.query<Pick<Row<'user_cards'>, 'password_hash'>>(
    'SELECT password_hash FROM user_cards WHERE tenant_id = $2 AND id = $1',
    [cardId, tenantId],
  );
  return h.rows[0]!.password_hash;
}

/** A new card; null when the number or the (user, product) pair is taken. */
export async function insertCard(
  q: Queryable,
  tenantId: number,
  c: { userId: number; productId: number; cardNo: number; passwordHash: string; storeId: number | null; openedBy: number | null },
): Promise<number | null> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO user_cards (tenant_id, user_id, card_product_id, card_no, password_hash, store_id, opened_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING RETURNING id`,
    [tenantId, c.userId, c.productId, c.cardNo, c.passwordHash, c.storeId, c.openedBy],
  );
  return r.rows[0]?.id ?? null;
}

export async function hasCard(q: Queryable, tenantId: number, userId: number, productId: number): Promise<boolean> {
  const has = await q.query('SELECT 1 FROM user_cards WHERE tenant_id = $1 AND user_id = $2 AND card_product_id = $3', [
    tenantId,
    userId,
    productId,
  ]);
  return has.rowCount > 0;
}

export interface Balances {
  capital: number;
  bonus: number;
}

/** A recharge: capital and bonus up, charged by the capital. */
export async function addRecharge(q: Queryable, tenantId: number, cardId: number, capital: number, bonus: number): Promise<Balances> {
  const u = await q.query<Balances>(
    `UPDATE user_cards SET capital = capital + $2, bonus = bonus + $3, charged = charged + $2 WHERE tenant_id = $4 AND id = $1 RETURNING capital, bonus`,
    [cardId, capital, bonus, tenantId],
  );
  return u.rows[0]!;
}

/** An expense: null when the card holds less. */
export async function takeSpend(q: Queryable, tenantId: number, cardId: number, capital: number, bonus: number): Promise<Balances | null> {
  const u = await q.query<Balances>(
    `UPDATE user_cards SET capital = capital - $2, bonus = bonus - $3 WHERE tenant_id = $4 AND id = $1 AND capital >= $2 AND bonus >= $3 RETURNING capital, bonus`,
    [cardId, capital, bonus, tenantId],
  );
  return u.rows[0] ?? null;
}

/** An expense refund: the deltas of the expense taken back off (so added). */
export async function undoSpend(
  q: Queryable,
  tenantId: number,
  cardId: number,
  capitalDelta: number,
  bonusDelta: number,
): Promise<Balances> {
  const u = await q.query<Balances>(
    'UPDATE user_cards SET capital = capital - $2, bonus = bonus - $3 WHERE tenant_id = $4 AND id = $1 RETURNING capital, bonus',
    [cardId, capitalDelta, bonusDelta, tenantId],
  );
  return u.rows[0]!;
}

/** A recharge refund: null when the money is no longer all there or part of it is invoiced. */
export async function undoRecharge(
  q: Queryable,
  tenantId: number,
  cardId: number,
  capital: number,
  bonus: number,
): Promise<Balances | null> {
  const u = await q.query<Balances>(
    `UPDATE user_cards SET capital = capital - $2, bonus = bonus - $3, charged = charged - $2
     WHERE tenant_id = $4 AND id = $1 AND capital >= $2 AND bonus >= $3 AND charged - $2 >= invoiced RETURNING capital, bonus`,
    [cardId, capital, bonus, tenantId],
  );
  return u.rows[0] ?? null;
}

export async function cardMoney(q: Queryable, tenantId: number, cardId: number): Promise<{ id: number; userId: number } & Balances> {
  const r = await q.query<Pick<Row<'user_cards'>, 'id' | 'user_id' | 'capital' | 'bonus'>>(
    'SELECT id, user_id, capital, bonus FROM user_cards WHERE tenant_id = $2 AND id = $1',
    [cardId, tenantId],
  );
  const c = r.rows[0]!;
  return { id: c.id, userId: c.user_id, capital: c.capital, bonus: c.bonus };
}

export async function cardStoreIds(q: Queryable, tenantId: number, cardId: number): Promise<number[]> {
  const mine = await q.query<Pick<Row<'card_products'>, 'store_ids'>>(
    'SELECT p.store_ids FROM user_cards uc JOIN card_products p ON p.id = uc.card_product_id WHERE uc.tenant_id = $2 AND uc.id = $1',
    [cardId, tenantId],
  );
  return mine.rows[0]?.store_ids ?? [];
}

/** Consumers who hold at least one card, by phone (fuzzy). */
export async function holders(q: Queryable, tenantId: number, f: { phoneLike: string | null; limit: number; offset: number }) {
  const r = await q.query<Pick<Row<'users'>, 'id' | 'mobile' | 'nick' | 'avatar'> & { total: number }>(
    `SELECT u.id, u.mobile, u.nick, u.avatar, count(*) OVER ()::int AS total FROM users u
     WHERE u.tenant_id = $1 AND EXISTS (SELECT 1 FROM user_cards uc WHERE uc.user_id = u.id) AND ($2::text IS NULL OR u.mobile LIKE $2)
     ORDER BY u.id DESC LIMIT $3 OFFSET $4`,
    [tenantId, f.phoneLike, f.limit, f.offset],
  );
  return {
    items: r.rows.map((u) => ({ userId: u.id, phone: u.mobile, nickname: u.nick, avatar: u.avatar })),
    total: r.rows[0]?.total ?? 0,
  };
}

// ------------------------------------------------------------ identity's users and staff (reads, one foreign write)

export async function userById(q: Queryable, tenantId: number, id: number): Promise<{ id: number; phone: string | null } | null> {
  const u = await q.query<Pick<Row<'users'>, 'id' | 'mobile'>>('SELECT id, mobile FROM users WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    id,
  ]);
  return u.rows[0] ? { id: u.rows[0].id, phone: u.rows[0].mobile } : null;
}

export async function userExists(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return u.rowCount > 0;
}

export async function phoneExists(q: Queryable, tenantId: number, phone: string): Promise<boolean> {
  const u = await q.query('SELECT 1 FROM users WHERE tenant_id = $1 AND mobile = $2', [tenantId, phone]);
  return u.rowCount > 0;
}

export async function staffPhone(q: Queryable, tenantId: number, staffId: number): Promise<string | null> {
  const r = await q.query<{ phone: string | null }>('SELECT phone FROM staff WHERE id = $1 AND tenant_id = $2', [staffId, tenantId]);
  return r.rows[0]?.phone ?? null;
}
