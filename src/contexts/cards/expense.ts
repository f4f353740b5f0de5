// Spending from a card with its password: event-card buckets oldest first,
// capital before bonus (domain/card-spend.ts); every password try is reserved
// per card before the comparison, so parallel tries get no more comparisons
// than CARD_PASSWORD_LIMIT.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit, guessLimiter, tooManyTries } from '../platform/index.ts';
import { recordEvents } from '../events/index.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { Fen } from '../../kernel/money.ts';
import { verifyStaffPassword, verifyStaffPasswordMd5 } from '../../kernel/security.ts';
import {
  CARD_PASSWORD_LIMIT,
  validMoney,
  type CardEntry,
  type CardPassword,
  type CardRef,
  type Channel,
  type LockedCard,
  type UserCard,
} from './domain/card.ts';
import { splitSpend } from './domain/card-spend.ts';
import { getCard, passwordHash, takeSpend } from './repo/user-cards.repo.ts';
import { lockSpendable, spendBucket } from './repo/buckets.repo.ts';
import { appendEntry, entryById, type BucketLine } from './repo/card-ledger.repo.ts';
import { lockCardFor, requireCardStores, staffIdOf, storeFor } from './access.ts';
import type { PasswordCode } from './errors.ts';

export interface ExpenseInput {
  card: CardRef;
  amount: Fen;
  password: CardPassword;
  storeId?: number | null;
  channel?: Channel;
  explain?: string | null;
}

type Split = { capital: Fen; bonus: Fen; lines: BucketLine[] };

const short = (card: LockedCard) =>
  fail(ErrorCode.insufficient_balance, 'not enough money on the card', { balance: card.capital + card.bonus });

/** Takes the amount from an event card's buckets (locked after the card), oldest first; null when they hold less. */
async function spendBuckets(q: Queryable, tenantId: number, card: LockedCard, amount: Fen): Promise<Split | null> {
  const parts = splitSpend(await lockSpendable(q, tenantId, card.id), amount);
  if (!parts) return null;
  for (const p of parts) if (!(await spendBucket(q, tenantId, p.id, p.capital, p.bonus))) return null;
  return {
    capital: parts.reduce((s, p) => s + p.capital, 0),
    bonus: parts.reduce((s, p) => s + p.bonus, 0),
    lines: parts.map((p) => ({ bucketId: p.id, capital: -p.capital, bonus: -p.bonus })),
  };
}

/** How an expense is taken: from the buckets on an event card, else capital then bonus. */
async function splitFor(q: Queryable, tenantId: number, card: LockedCard, amount: Fen): Promise<Split | null> {
  if (card.kind === 'event') return spendBuckets(q, tenantId, card, amount);
  const part = splitSpend([{ id: card.id, capital: card.capital, bonus: card.bonus }], amount)![0]!;
  return { capital: part.capital, bonus: part.bonus, lines: [] };
}

export function expenseUseCases(deps: Deps) {
  const guesses = guessLimiter(deps);

  /** Checks the card password under a per-card limit of wrong tries; with `by`, first the store rule. */
  async function checkPassword(
    tenantId: number,
    card: CardRef,
    password: CardPassword,
    by?: Principal | null,
  ): Promise<Result<UserCard, PasswordCode>> {
    const found = await getCard(deps.db, tenantId, card);
    if (!found) return fail(ErrorCode.not_found, 'this user has no such card', { what: 'card' });
    if (by !== undefined) {
      const s = requireCardStores(found.storeIds, by);
      if (!s.ok) return s;
    }
    const limit = {
      tenantId,
      key: `card-password:${found.id}`,
      limit: CARD_PASSWORD_LIMIT.attempts,
      windowSec: CARD_PASSWORD_LIMIT.windowSec,
    };
    const t = await guesses.reserve([limit]);
    if (!t.allowed) return tooManyTries('wrong card passwords', t.retryAfterSec);
    const hash = await passwordHash(deps.db, tenantId, found.id);
    const good =
      'md5' in password ? await verifyStaffPasswordMd5(password.md5 ?? '', hash) : await verifyStaffPassword(password.plain ?? '', hash);
    if (!good) {
      await t.wrong();
      return fail(ErrorCode.wrong_password, 'wrong card password', { field: 'password' });
    }
    await t.right([limit]);
    return ok(found);
  }

  /** Spends from a card: event-card buckets oldest first, capital before bonus (see domain/card-spend.ts). */
  async function expense(
    tenantId: number,
    input: ExpenseInput,
    by: Principal,
  ): Promise<Result<CardEntry, PasswordCode | 'invalid_input' | 'insufficient_balance'>> {
    const bad = validMoney(input.amount, 'expense');
    if (bad) return fail(ErrorCode.invalid_input, bad);
    // A wrong store is refused before the password is tried, so it costs the card none of its tries.
    const storeFirst = await storeFor(deps.db, tenantId, by, input.storeId);
    if (!storeFirst.ok) return storeFirst;
    const pw = await checkPassword(tenantId, input.card, input.password, by);
    if (!pw.ok) return pw;
    return deps.db.txResult(async (q) => {
      const store = await storeFor(q, tenantId, by, input.storeId);
      if (!store.ok) return store;
      const c = await lockCardFor(q, tenantId, { cardId: pw.value.id }, by);
      if (!c.ok) return c;
      const card = c.value;
      if (card.capital + card.bonus < input.amount) return short(card);
      const split = await splitFor(q, tenantId, card, input.amount);
      if (!split) return short(card);
      const after = await takeSpend(q, tenantId, card.id, split.capital, split.bonus);
      if (!after) return short(card);
      const entry = (await appendEntry(q, {
        tenantId,
        card,
        kind: 'expense',
        amount: input.amount,
        capitalDelta: -split.capital,
        bonusDelta: -split.bonus,
        after,
        storeId: store.value,
        staffId: staffIdOf(by),
        channel: input.channel ?? 'store',
        explain: input.explain,
        lines: split.lines,
      }))!;
      const payload = { cardId: card.id, userId: card.userId, orderNo: entry.orderNo, amountFen: input.amount, storeId: store.value };
      await recordEvents(q, [{ tenantId, type: 'card.spent', payload }]);
      await audit(q, tenantId, by, {
        action: 'card.expense',
        targetType: 'user_card',
        targetId: card.id,
        details: { orderNo: entry.orderNo, amount: input.amount },
      });
      return ok((await entryById(q, tenantId, entry.id))!);
    });
  }

  return { checkPassword, expense };
}
