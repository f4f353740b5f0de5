// The flash-sale batch's writes of coupons, history and audit (migration 011:
// quan_claim_batch, quan_issue_claim_coupons), and the one decoder of the
// batch's result protocol.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { Coupon } from '../domain/coupon.ts';
import type { Template } from '../domain/template.ts';
import { COUPON_STATE_DB, toCoupon } from './coupons.repo.ts';

/** One claimant's outcome of quan_claim_batch, decoded from its result text. */
export type BatchOutcome =
  | { claimant: number; kind: 'issued'; coupon: Coupon }
  /** Stock and limit taken, but the code collided: issue again with a fresh code (issueClaimCoupons). */
  | { claimant: number; kind: 'code_taken' }
  | { claimant: number; kind: 'not_found' | 'per_user_limit' | 'sold_out' }
  /** The template was not active: its state. */
  | { claimant: number; kind: 'template_state'; state: string };

export interface ClaimBatchInput {
  template: Pick<Template, 'tenantId' | 'id' | 'perUserLimit'>;
  claimants: Array<{ userId: number; code: string; staffId: number | null; audited: boolean }>;
  window: { from: Date; to: Date };
  at: Date;
}

/** The coupon a batch claim wrote (the function returns its id and creation time only). */
function claimedCoupon(b: Omit<ClaimBatchInput, 'claimants'>, id: number, owner: number, code: string, createdAt: Date): Coupon {
  const row: Row<'coupons'> = {
    id,
    tenant_id: b.template.tenantId,
    template_id: b.template.id,
    code,
    owner_id: owner,
    source: 'claim',
    batch_id: null,
    status: COUPON_STATE_DB.issued,
    valid_from: b.window.from,
    valid_to: b.window.to,
    received_at: b.at,
    used_at: null,
    redemption_id: null,
    created_at: createdAt,
    password_hash: null,
    password_plain: null,
  };
  return toCoupon(row, b.at);
}

/** quan_claim_batch's result protocol: 'issued' | 'code_taken' | 'not_found' | 'per_user_limit' | 'sold_out' | 'state:<state>'. */
export function decodeBatchResult(
  b: Omit<ClaimBatchInput, 'claimants'>,
  row: { claimant: number; result: string; new_coupon: number | null; issued_at: Date | null },
  code: string,
): BatchOutcome {
  const claimant = Number(row.claimant);
  switch (row.result) {
    case 'issued':
      return { claimant, kind: 'issued', coupon: claimedCoupon(b, Number(row.new_coupon), claimant, code, row.issued_at!) };
    case 'code_taken':
    case 'not_found':
    case 'per_user_limit':
    case 'sold_out':
      return { claimant, kind: row.result };
    default:
      return { claimant, kind: 'template_state', state: row.result.replace(/^state:/, '') };
  }
}

const claimArrays = (cs: ClaimBatchInput['claimants']) => [
  cs.map((c) => c.userId),
  cs.map((c) => c.code),
  cs.map((c) => c.staffId),
  cs.map((c) => c.audited),
];

/** The whole batch in one round trip: users, per-user limit, stock, give-backs, coupons, history, audit. */
export async function claimBatch(q: Queryable, b: ClaimBatchInput): Promise<BatchOutcome[]> {
  const [users, codes, sids, audited] = claimArrays(b.claimants);
  const r = await q.query<{ claimant: number; result: string; new_coupon: number | null; issued_at: Date | null }>(
    'SELECT * FROM quan_claim_batch($1, $2, $3::bigint[], $4::text[], $5::bigint[], $6::boolean[], $7, $8, $9, $10)',
    [b.template.tenantId, b.template.id, users, codes, sids, audited, b.template.perUserLimit, b.window.from, b.window.to, b.at],
  );
  const codeOf = new Map(b.claimants.map((c) => [c.userId, c.code]));
  return r.rows.map((row) => decodeBatchResult(b, row, codeOf.get(Number(row.claimant))!));
}

/** Claimants whose stock and limit are taken get their coupon (a collided code is skipped: not in the answer). */
export async function issueClaimCoupons(q: Queryable, b: ClaimBatchInput): Promise<Array<{ claimant: number; coupon: Coupon }>> {
  const [users, codes, sids, audited] = claimArrays(b.claimants);
  const ins = await q.query<{ claimant: number; new_coupon: number | null; issued_at: Date | null }>(
    'SELECT * FROM quan_issue_claim_coupons($1, $2, $3::bigint[], $4::text[], $5::bigint[], $6::boolean[], $7, $8, $9)',
    [b.template.tenantId, b.template.id, users, codes, sids, audited, b.window.from, b.window.to, b.at],
  );
  const codeOf = new Map(b.claimants.map((c) => [c.userId, c.code]));
  return ins.rows.flatMap((row) =>
    row.new_coupon === null
      ? []
      : [
          {
            claimant: Number(row.claimant),
            coupon: claimedCoupon(b, Number(row.new_coupon), Number(row.claimant), codeOf.get(Number(row.claimant))!, row.issued_at!),
          },
        ],
  );
}
