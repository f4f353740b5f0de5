// The sellers context's typed failures: the codes each use-case can return.
// The refusals of a seller's write-off carry a reason (the seller dialect
// gives each its own number); they ride on codes other contexts share
// (forbidden, wrong_store), so the reason is typed by SellerRefusal below,
// not declared per code.
import type { RedemptionService } from '../coupons/index.ts';

// No 'other merchant' reason: another merchant's code is not found, like a code nobody has.
export type SellerRefusalReason = 'other_seller' | 'outside_stores';
export type SellerRefusal = { reason: SellerRefusalReason };

/** asSeller / asSellerAccount: not a seller's staff session (or own consumer account), or the seller is disabled. */
export type AsSellerFailure = 'forbidden';
/** saveProfile: no such seller; a bad userId or referral code; a referral code, account or default flag taken. */
export type SaveProfileFailure = 'not_found' | 'invalid_input' | 'conflict';
/** assign: no such (or a disabled) seller, no such consumer. */
export type AssignFailure = 'invalid_input' | 'not_found';
/** bindByReferral: no seller with the code, or no such consumer. */
export type BindFailure = 'not_found';

type FailureCodeOf<R> = R extends { ok: false; error: { code: infer C } } ? C : never;
/** What the coupon core's write-off can refuse. */
export type CoreWriteOffFailure = FailureCodeOf<Awaited<ReturnType<RedemptionService['writeOff']>>>;
/** writeOff: the seller's own refusals and the core's. */
export type WriteOffFailure = AsSellerFailure | 'invalid_input' | 'not_found' | 'wrong_store' | CoreWriteOffFailure;
