// Order and pickup numbers: unique by construction (they end with the order id).
import crypto from 'node:crypto';

/** OD + UTC yyyyMMddHHmmss + the order id: sortable and unique by construction. */
export function newOrderNumber(at: Date, id: number): string {
  const t = at
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
  return `OD${t}${String(id).padStart(6, '0')}`;
}

/**
 * The pickup number (written off at the counter): 6 random digits then the
 * order id, so unique by construction and not guessable from one's own numbers.
 */
export const newPickupNumber = (id: number) => `${crypto.randomInt(100_000, 1_000_000)}${String(id).padStart(6, '0')}`;
