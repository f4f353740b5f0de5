// Reading the card ledger and the card holders: records with totals, one
// entry, the members holding cards and one member's cards with their buckets.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import type { CardEntry, LedgerKind, MemberCard, RecordFilter, RecordPage } from './domain/card.ts';
import * as ledger from './repo/card-ledger.repo.ts';
import { holders as holdersOf, listCards, userExists } from './repo/user-cards.repo.ts';
import { bucketsOfCard } from './repo/buckets.repo.ts';
import { requirePermission } from './access.ts';

export function recordUseCases(deps: Deps) {
  /** Ledger entries of the given kinds, newest first, with filters; totals over the whole filtered set (forbidden without card.records). */
  async function records(tenantId: number, kinds: LedgerKind[], f: RecordFilter, by: Principal): Promise<Result<RecordPage, 'forbidden'>> {
    const may = requirePermission(by, 'card.records');
    if (!may.ok) return may;
    return ok(await ledger.records(deps.db, tenantId, kinds, f));
  }

  const getEntry = (tenantId: number, id: number): Promise<CardEntry | null> => ledger.entryById(deps.db, tenantId, id);

  /** Consumers who hold at least one card, by phone (fuzzy). */
  const holders = (tenantId: number, f: { phone?: string; limit: number; offset: number }) =>
    holdersOf(deps.db, tenantId, { phoneLike: ledger.likeOf(f.phone), limit: f.limit, offset: f.offset });

  /** Every card of a user (oldest first), with event-card buckets. */
  async function memberDetail(tenantId: number, userId: number): Promise<Result<MemberCard[], 'not_found'>> {
    if (!(await userExists(deps.db, tenantId, userId))) return fail(ErrorCode.not_found, 'user not found', { what: 'user' });
    const cards = await listCards(deps.db, tenantId, { userId, phoneLike: null, limit: 500, offset: 0 });
    const out: MemberCard[] = [];
    for (const c of cards.items.reverse())
      out.push({ ...c, buckets: c.kind === 'event' ? await bucketsOfCard(deps.db, tenantId, c.id) : [] });
    return ok(out);
  }

  /** Diagnostic for tests and audits (not a route): cards whose balances differ from their ledger, buckets from their lines. */
  const checkLedger = (tenantId: number) => ledger.checkLedger(deps.db, tenantId);

  return { records, getEntry, holders, memberDetail, checkLedger };
}
