// Cash-back of an event-card bucket: cash-back due → cashed back, exactly once
// (domain/bucket-state.ts). The card is locked first, like every card operation.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { cashBackRefusal } from './domain/bucket-state.ts';
import type { CardEntry } from './domain/card.ts';
import { bucketCard, bucketState, cashBackBucket } from './repo/buckets.repo.ts';
import { cardMoney } from './repo/user-cards.repo.ts';
import { appendEntry, entryById } from './repo/card-ledger.repo.ts';
import { lockCardFor, requirePermission, staffIdOf, storeFor } from './access.ts';

export function cashBackUseCases(deps: Deps) {
  async function cashBack(
    tenantId: number,
    bucketId: number,
    by: Principal,
    storeId?: number | null,
  ): Promise<Result<CardEntry, 'forbidden' | 'not_found' | 'invalid_state'>> {
    const may = requirePermission(by, 'card.cash_back');
    if (!may.ok) return may;
    return deps.db.txResult(async (q) => {
      const store = await storeFor(q, tenantId, by, storeId);
      if (!store.ok) return store;
      const cardId = await bucketCard(q, tenantId, bucketId);
      if (cardId === null) return fail(ErrorCode.not_found, 'no such event-card record');
      const locked = await lockCardFor(q, tenantId, { cardId }, by);
      if (!locked.ok) return locked;
      const b = await cashBackBucket(q, tenantId, bucketId);
      if (!b) {
        const state = await bucketState(q, tenantId, bucketId);
        if (!state) return fail(ErrorCode.not_found, 'no such event-card record');
        return fail(ErrorCode.invalid_state, cashBackRefusal(state));
      }
      const card = await cardMoney(q, tenantId, b.cardId);
      const entry = (await appendEntry(q, {
        tenantId,
        card,
        kind: 'cash_back',
        amount: b.capitalInitial,
        capitalDelta: 0,
        bonusDelta: 0,
        after: card,
        eventId: b.eventId,
        bucketId,
        storeId: store.value,
        staffId: staffIdOf(by),
      }))!;
      await audit(q, tenantId, by, {
        action: 'card.cash_back',
        targetType: 'card_bucket',
        targetId: bucketId,
        details: { orderNo: entry.orderNo },
      });
      return ok((await entryById(q, tenantId, entry.id))!);
    });
  }

  return { cashBack };
}
