// Consumers of one tenant (the people who claim and spend coupons): what one
// is and the rules for their identifiers and profile (pure, no I/O).
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

export interface User {
  id: number;
  tenantId: number;
  mobile: string | null;
  username: string | null;
  email: string | null;
  nick: string | null;
  avatar: string | null;
  referrerId: number | null;
  sellerId: number | null;
  /** Where the user came from (the client's channel: iOS, android, wechat, …); promo codes and templates may be limited to some. */
  source: string | null;
  points: number;
  walletBalance: number;
  hasPurchased: boolean;
  disabled: boolean;
  createdAt: Date;
}

/** A user with the stored password hash (null: no password set): only the login use-cases see it. */
export interface UserCredentials {
  user: User;
  passwordHash: string | null;
}

/** The user with the profile fields of migration 006. */
export interface ConsumerProfile extends User {
  gender: number;
  province: string | null;
  city: string | null;
  birthday: string | null;
  ext: Record<string, unknown> | null;
}

export interface CreateUserInput {
  mobile?: string | null;
  username?: string | null;
  email?: string | null;
  password?: string | null;
  nick?: string | null;
  avatar?: string | null;
  referrerId?: number | null;
  sellerId?: number | null;
  source?: string | null;
}

export interface ProfileInput {
  nick?: string | null;
  avatarUrl?: string | null;
  gender?: number | null;
  province?: string | null;
  city?: string | null;
  birthday?: string | null;
  extJsonStr?: string | null;
}

export type LoginKind = 'mobile' | 'username' | 'email';

export const MOBILE_RE = /^\+?\d{6,15}$/;
/** A user source: a short channel name such as iOS, android, wechat, h5. */
export const SOURCE_RE = /^[A-Za-z0-9_.:-]{1,32}$/;
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME_RE = /^[A-Za-z0-9_.-]{3,64}$/;
export const USER_PASSWORD_MIN = 6;

export function validateUserInput(input: CreateUserInput): string | null {
  if (!input.mobile && !input.username && !input.email) return 'one of mobile, username or email is required';
  if (input.mobile && !MOBILE_RE.test(input.mobile)) return 'mobile must be 6-15 digits';
  if (input.username && !USERNAME_RE.test(input.username)) {
    return 'username must be 3-64 characters of letters, digits, _ . -';
  }
  if (input.email && !EMAIL_RE.test(input.email)) return 'email is not a valid address';
  if (input.source != null && !SOURCE_RE.test(input.source)) return 'source must be 1-32 letters, digits, _ . : -';
  if (input.password != null && (typeof input.password !== 'string' || input.password.length < USER_PASSWORD_MIN)) {
    return 'password must be at least 6 characters';
  }
  return null;
}

/** What is wrong with a login identifier of this kind, or null. */
export function invalidLoginId(kind: LoginKind, id: string): string | null {
  if (kind === 'mobile' && !MOBILE_RE.test(id)) return 'mobile must be 6-15 digits';
  if (kind === 'email' && !EMAIL_RE.test(id)) return 'email is not a valid address';
  if (kind === 'username' && !USERNAME_RE.test(id)) return 'username must be 3-64 characters of letters, digits, _ . -';
  return null;
}

/** The channel a code for this kind of identifier goes through (a username needs none). */
export const channelOf = (kind: LoginKind): 'sms' | 'email' | null => (kind === 'mobile' ? 'sms' : kind === 'email' ? 'email' : null);

/** A checked profile change: the fields as given, extJsonStr parsed into the JSON text to merge. */
export interface ProfileChange {
  nick: string | null;
  avatar: string | null;
  gender: number | null;
  province: string | null;
  city: string | null;
  birthday: string | null;
  extJson: string | null;
}

export function checkProfile(f: ProfileInput): Result<ProfileChange, 'invalid_input'> {
  if (f.nick != null && f.nick.length > 64) return fail(ErrorCode.invalid_input, 'nick is at most 64 characters');
  if (f.avatarUrl != null && f.avatarUrl.length > 1000) return fail(ErrorCode.invalid_input, 'avatarUrl is too long');
  if (f.gender != null && ![0, 1, 2].includes(f.gender)) return fail(ErrorCode.invalid_input, 'gender is 0, 1 or 2');
  let ext: string | null = null;
  if (f.extJsonStr != null) {
    try {
      const v: unknown = JSON.parse(f.extJsonStr);
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      ext = JSON.stringify(v);
    } catch {
      return fail(ErrorCode.invalid_input, 'extJsonStr must be a JSON object');
    }
  }
  return ok({
    nick: f.nick ?? null,
    avatar: f.avatarUrl ?? null,
    gender: f.gender ?? null,
    province: f.province ?? null,
    city: f.city ?? null,
    birthday: f.birthday ?? null,
    extJson: ext,
  });
}

/** A member level (user_levels) and the level a user's spending reaches. */
export interface UserLevel {
  id: number;
  level: number;
  name: string;
  upgradeAmount: number;
}

export interface LevelStanding {
  id: number;
  level: number;
  name: string;
  canUpgrade: boolean;
  nextUpgradeAmount: number | null;
}

/**
 * The highest level whose upgrade amount `consumed` has reached; level 0
 * "普通会员" when none applies. canUpgrade: a higher level exists.
 */
export function levelFor(levels: readonly UserLevel[], consumed: number): LevelStanding {
  let cur: { id: number; level: number; name: string } = { id: 0, level: 0, name: '普通会员' };
  for (const l of levels) if (l.upgradeAmount <= consumed && l.level >= cur.level) cur = { id: l.id, level: l.level, name: l.name };
  const next = levels.find((l) => l.level > cur.level);
  return { ...cur, canUpgrade: !!next, nextUpgradeAmount: next ? next.upgradeAmount : null };
}
