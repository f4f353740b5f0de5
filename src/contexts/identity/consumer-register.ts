// Consumer registration: by mobile / username / email with a password (mobile
// and email need a verification code); a seller's referral code or a seller's
// own account as referrer binds the new consumer to that seller, in the same
// transaction. Which seller a code or account names is the sellers context's
// answer (SellerReferrals); identity writes the binding (users.seller_id).
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import type { Deps } from '../../kernel/deps.ts';
import { channelOf, invalidLoginId, SOURCE_RE, USER_PASSWORD_MIN, type CreateUserInput, type LoginKind, type User } from './domain/user.ts';
import type { ConsumerRegisterFailure } from './errors.ts';
import type { CheckCode } from './consumer-credentials.ts';
import * as users from './repo/users.repo.ts';
import { insertUser } from './users.ts';

/**
 * Who refers a new consumer to a seller: the sellers context answers, inside
 * the registration's transaction. Identity then writes the binding itself.
 */
export interface SellerReferrals {
  /** The active seller behind a referral code, or null. */
  sellerByReferral(q: Queryable, tenantId: number, referralCode: string): Promise<number | null>;
  /** The active seller whose own consumer account is `userId`, or null. */
  sellerOfAccount(q: Queryable, tenantId: number, userId: number): Promise<number | null>;
}

/** No sellers at all: a referral code names nobody, no referrer is a seller. */
export const NO_REFERRALS: SellerReferrals = { sellerByReferral: async () => null, sellerOfAccount: async () => null };

export interface RegisterInput {
  id: string;
  password: string;
  code?: string;
  nick?: string | null;
  referrerId?: number | null;
  source?: string | null;
  /** A seller's referral code (seller_profiles.referral_code). */
  referralCode?: string | null;
}

interface RegisterCollaborators {
  checkCode: CheckCode;
  referrals: SellerReferrals;
}

const bound = (b: boolean | null): Result<boolean, 'not_found'> => (b === null ? fail(ErrorCode.not_found, 'user not found') : ok(b));

/** Binds a new consumer to the seller of the referral code, or to the seller whose account referred them. */
async function bindReferral(
  referrals: SellerReferrals,
  q: Queryable,
  tenantId: number,
  userId: number,
  referralCode: string | null,
  referrerId: number | null,
): Promise<Result<boolean, 'not_found'>> {
  if (referralCode) {
    const sellerId = await referrals.sellerByReferral(q, tenantId, referralCode);
    if (sellerId === null) return fail(ErrorCode.not_found, `no seller with referral code ${referralCode}`);
    return bound(await users.bindSellerIn(q, tenantId, userId, sellerId, 'referral'));
  }
  if (referrerId) {
    const sellerId = await referrals.sellerOfAccount(q, tenantId, referrerId);
    if (sellerId === null) return ok(false);
    return bound(await users.bindSellerIn(q, tenantId, userId, sellerId, 'referrer'));
  }
  return ok(false);
}

/** The shape checks of a registration, then the referral code, the identifier and the code sent to it. */
async function checkRegistration(
  deps: Deps,
  collab: RegisterCollaborators,
  tenantId: number,
  kind: LoginKind,
  id: string,
  input: RegisterInput,
): Promise<Result<void, ConsumerRegisterFailure>> {
  const bad = invalidLoginId(kind, id);
  if (bad) return fail(ErrorCode.invalid_input, bad);
  if (!input.password || input.password.length < USER_PASSWORD_MIN)
    return fail(ErrorCode.invalid_input, 'password must be at least 6 characters');
  const source = input.source?.trim() || null;
  if (source !== null && !SOURCE_RE.test(source)) return fail(ErrorCode.invalid_input, 'source must be 1-32 letters, digits, _ . : -');
  const referralCode = input.referralCode?.trim() || null;
  if (referralCode !== null && (await collab.referrals.sellerByReferral(deps.db, tenantId, referralCode)) === null) {
    return fail(ErrorCode.not_found, `no seller with referral code ${referralCode}`, { field: 'referralCode' });
  }
  if (await users.userByLogin(deps.db, tenantId, kind, id)) return fail(ErrorCode.already_registered, `this ${kind} is already registered`);
  const channel = channelOf(kind);
  if (channel) {
    if (!input.code) return fail(ErrorCode.invalid_input, 'the verification code is required');
    return collab.checkCode(tenantId, channel, id, input.code);
  }
  return ok(undefined);
}

export function consumerRegisterUseCases(deps: Deps, collab: RegisterCollaborators) {
  return {
    /**
     * Registers a consumer. Mobile and email registrations need the code sent
     * to that address (purpose "register"); a username needs none. A seller's
     * referral code, or a referrer who is a seller's own consumer account,
     * binds the new consumer to that seller in the same transaction.
     */
    async register(tenantId: number, kind: LoginKind, input: RegisterInput): Promise<Result<User, ConsumerRegisterFailure>> {
      const id = input.id.trim();
      const checked = await checkRegistration(deps, collab, tenantId, kind, id, input);
      if (!checked.ok) return checked;
      const referralCode = input.referralCode?.trim() || null;
      const referrerId = input.referrerId && (await users.userExistsIn(deps.db, tenantId, input.referrerId)) ? input.referrerId : null;
      const fields: CreateUserInput = {
        [kind]: id,
        password: input.password,
        nick: input.nick ?? null,
        referrerId,
        source: input.source?.trim() || null,
      };
      return deps.db.txResult(async (q): Promise<Result<User, ConsumerRegisterFailure>> => {
        const u = await insertUser(q, tenantId, fields);
        if (!u.ok) return u;
        const b = await bindReferral(collab.referrals, q, tenantId, u.value.id, referralCode, referrerId);
        if (!b.ok) return b;
        if (!b.value) return u;
        return ok((await users.userById(q, tenantId, u.value.id))!);
      });
    },
  };
}
