// Reviews: every line of a received order at once; the order becomes reviewed.
import { ok } from '../../kernel/result.ts';
import type { LineReview } from './domain/order.ts';
import { orderTx, type OrderDeps } from './order-deps.ts';
import { orderFail, stateRefusal, type OrderResult } from './order-errors.ts';
import { addLog, lineIdsOf, LOG_REMARK, markReviewed, reviewLine } from './repo/orders.repo.ts';

export type ReviewCode = 'invalid_input' | 'invalid_state' | 'not_found';

export const MAX_REVIEW_REMARK = 200;

export function checkReviews(reviews: LineReview[]): OrderResult<void, 'invalid_input'> {
  for (const rv of reviews) {
    if (![0, 1, 2].includes(rv.reputation)) return orderFail('invalid_input', 'review_bad', 'reputation must be 0, 1 or 2');
    if (rv.remark && rv.remark.length > MAX_REVIEW_REMARK)
      return orderFail('invalid_input', 'review_bad', `remark: at most ${MAX_REVIEW_REMARK} characters`);
  }
  return ok(undefined);
}

export async function reviewOrder(
  d: OrderDeps,
  tenantId: number,
  userId: number,
  orderId: number,
  reviews: LineReview[],
): Promise<OrderResult<void, ReviewCode>> {
  const checked = checkReviews(reviews);
  if (!checked.ok) return checked;
  return orderTx(d.deps.db, async (q): Promise<OrderResult<void, ReviewCode>> => {
    if (!(await markReviewed(q, tenantId, orderId, userId)))
      return stateRefusal('review', undefined, 'only a received order can be reviewed');
    const ids = await lineIdsOf(q, orderId);
    const stray = reviews.find((rv) => !ids.has(rv.id));
    if (stray) return orderFail('not_found', 'review_line', `line ${stray.id} is not in this order`);
    if (new Set(reviews.map((x) => x.id)).size !== ids.size)
      return orderFail('invalid_input', 'review_missing', 'every line of the order needs a review');
    for (const rv of reviews) await reviewLine(q, rv.id, rv.reputation, rv.remark ?? null, rv.pics ?? []);
    await addLog(q, tenantId, orderId, 'reviewed', LOG_REMARK.reviewed);
    return ok(undefined);
  });
}
