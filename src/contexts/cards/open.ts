// Opening a card for a phone number (the consumer is created when new) or a
// known user, and reading cards.
import crypto from 'node:crypto';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import { ensureCardUserIn, insertUser, MOBILE_RE } from '../identity/index.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { hashPassword, staffPasswordForm } from '../../kernel/security.ts';
import { cardNumberOf, PRODUCT_ACTIVE, type CardBucket, type CardPassword, type CardRef, type UserCard } from './domain/card.ts';
import { productBrief } from './repo/products.repo.ts';
import * as cards from './repo/user-cards.repo.ts';
import { likeOf } from './repo/card-ledger.repo.ts';
import { bucketsOfCard } from './repo/buckets.repo.ts';
import { requireCardStores, staffIdOf, storeFor } from './access.ts';

export interface OpenCardInput {
  phone?: string;
  userId?: number;
  productId: number;
  password?: CardPassword | null;
  storeId?: number | null;
}

/** The stored form of the password given (MD5 hex as is, a 6-digit password as the client would hash it); null when none. */
function passwordFormOf(password: CardPassword | null | undefined): Result<string | null, 'invalid_input'> {
  if (password && 'md5' in password) {
    if (!/^[0-9a-fA-F]{32}$/.test(password.md5)) return fail(ErrorCode.invalid_input, 'password must be MD5 in hex', { field: 'password' });
    return ok(password.md5.toLowerCase());
  }
  if (password && 'plain' in password) {
    if (!/^\d{6}$/.test(password.plain)) return fail(ErrorCode.invalid_input, 'a card password is 6 digits', { field: 'password' });
    return ok(staffPasswordForm(password.plain));
  }
  return ok(null);
}

/** The holder: a known user, or the consumer of a phone number (created when new). */
async function holderOf(
  q: Queryable,
  tenantId: number,
  input: OpenCardInput,
): Promise<Result<{ userId: number; phone: string | null }, 'not_found' | 'invalid_input' | 'already_registered'>> {
  if (input.userId !== undefined) {
    const u = await cards.userById(q, tenantId, input.userId);
    if (!u) return fail(ErrorCode.not_found, 'user not found', { what: 'user', field: 'userId' });
    return ok({ userId: u.id, phone: u.phone });
  }
  const phone = input.phone!;
  const id = await ensureCardUserIn(q, tenantId, phone);
  if (id !== null) return ok({ userId: id, phone });
  const created = await insertUser(q, tenantId, { mobile: phone, source: 'card' });
  if (!created.ok) {
    // insertUser answers invalid_input or already_registered (never reached after the upsert above unless the phone is bad).
    const e = created.error;
    return e.code === ErrorCode.already_registered
      ? fail(ErrorCode.already_registered, e.message)
      : fail(ErrorCode.invalid_input, e.message);
  }
  return ok({ userId: created.value.id, phone });
}

/** A card with a fresh CSPRNG number (a few tries on a collision); conflict when the user already has this card. */
async function insertWithNumber(
  q: Queryable,
  tenantId: number,
  c: { userId: number; productId: number; passwordHash: string; storeId: number | null; openedBy: number | null },
): Promise<Result<number, 'conflict'>> {
  for (let i = 0; i < 8; i++) {
    const id = await cards.insertCard(q, tenantId, { ...c, cardNo: cardNumberOf(crypto.randomInt(0, 1e11)) });
    if (id !== null) return ok(id);
    if (await cards.hasCard(q, tenantId, c.userId, c.productId)) return fail(ErrorCode.conflict, 'this user already has this card');
  }
  throw new Error('could not find a free card number');
}

export function openUseCases(deps: Deps) {
  /** Opens a card for a phone number, creating the consumer when the phone is new; the password defaults to the phone's last 6 digits. */
  async function openCard(
    tenantId: number,
    input: OpenCardInput,
    by: Principal,
  ): Promise<Result<UserCard, 'invalid_input' | 'not_found' | 'invalid_state' | 'forbidden' | 'conflict' | 'already_registered'>> {
    if (input.phone !== undefined && !MOBILE_RE.test(input.phone))
      return fail(ErrorCode.invalid_input, 'phone must be 6-15 digits', { field: 'phone' });
    if (input.phone === undefined && input.userId === undefined) return fail(ErrorCode.invalid_input, 'phone or userId is required');
    const form = passwordFormOf(input.password);
    if (!form.ok) return form;
    return deps.db.txResult(async (q) => {
      const product = await productBrief(q, tenantId, input.productId);
      if (!product) return fail(ErrorCode.not_found, 'card product not found', { what: 'card', field: 'productId' });
      if (product.status !== PRODUCT_ACTIVE) return fail(ErrorCode.invalid_state, 'this card product is disabled');
      const inStores = requireCardStores(product.storeIds, by);
      if (!inStores.ok) return inStores;
      const store = await storeFor(q, tenantId, by, input.storeId);
      if (!store.ok) return store;
      const holder = await holderOf(q, tenantId, input);
      if (!holder.ok) return holder;
      const { userId, phone } = holder.value;
      let pwForm = form.value;
      if (!pwForm) {
        if (!phone || phone.length < 6)
          return fail(ErrorCode.invalid_input, 'password is required when the user has no phone number', { field: 'password' });
        pwForm = staffPasswordForm(phone.slice(-6));
      }
      const cardId = await insertWithNumber(q, tenantId, {
        userId,
        productId: input.productId,
        passwordHash: await hashPassword(pwForm),
        storeId: store.value,
        openedBy: staffIdOf(by),
      });
      if (!cardId.ok) return cardId;
      await audit(q, tenantId, by, {
        action: 'card.open',
        targetType: 'user_card',
        targetId: cardId.value,
        details: { userId, productId: input.productId },
      });
      return ok(await cards.cardById(q, cardId.value));
    });
  }

  const getCard = (tenantId: number, ref: CardRef): Promise<UserCard | null> => cards.getCard(deps.db, tenantId, ref);

  const listCards = (tenantId: number, f: { userId?: number; phone?: string; productId?: number; limit: number; offset: number }) =>
    cards.listCards(deps.db, tenantId, {
      userId: f.userId,
      phoneLike: likeOf(f.phone),
      productId: f.productId,
      limit: f.limit,
      offset: f.offset,
    });

  const buckets = (tenantId: number, cardId: number): Promise<CardBucket[]> => bucketsOfCard(deps.db, tenantId, cardId);

  return { openCard, getCard, listCards, buckets };
}
