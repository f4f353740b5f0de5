// The identity context's public face: the only module other contexts and the dialects import.
export * from './domain/department.ts';
export * from './domain/permissions.ts';
export * from './domain/session.ts';
export * from './domain/staff.ts';
export * from './domain/store.ts';
export * from './domain/tenant.ts';
export * from './domain/user.ts';
export * from './errors.ts';

export { LOGIN_LIMITS, verifyStaffPasswordOrMd5, authService, type AuthService, type LoginResult, type PasswordCheck } from './auth.ts';
export { CAPTCHA_LIMITS, captchaService, type CaptchaService } from './captcha.ts';
export {
  CONSUMER_CODE_PURPOSE,
  CONSUMER_LOGIN_LIMITS,
  NO_REFERRALS,
  consumerAuthService,
  type ConsumerAuthService,
  type RegisterInput,
  type SellerReferrals,
} from './consumer-auth.ts';
export { departmentService, type DepartmentService } from './departments.ts';
export { createStaffIn, staffService, type StaffService } from './staff.ts';
export { storeService, type StoreService } from './stores.ts';
export { insertTenantIn, tenantService, type TenantService } from './tenants.ts';
export { insertUser, insertUserIn, userService, type UserService } from './users.ts';
export { seedFirstStart, type SeedReport } from './seed.ts';
// The writes of the users table other contexts make inside their own transactions (identity owns the table).
export {
  assignSellerIn,
  bindSellerIn,
  ensureCardUserIn,
  markPurchasedIn,
  moveUserBalanceIn,
  userExistsIn,
  type BalanceColumn,
} from './repo/users.repo.ts';
// deprecated: removed once every context uses db.txResult (the integrator deletes it).

import type { Deps } from '../../kernel/deps.ts';
import type { MessageService } from '../platform/index.ts';
import { authService } from './auth.ts';
import { captchaService } from './captcha.ts';
import { consumerAuthService, type SellerReferrals } from './consumer-auth.ts';
import { consumerTokenService } from './consumer-tokens.ts';
import { departmentService } from './departments.ts';
import { staffService } from './staff.ts';
import { storeService } from './stores.ts';
import { tenantService } from './tenants.ts';
import { userService } from './users.ts';

/**
 * Builds the identity services once (compose.ts calls this). `referrals` is
 * the sellers context's answer to "which seller does this code / account
 * name" at registration; identity writes the binding itself.
 */
export function buildIdentity(deps: Deps, { messages, referrals }: { messages: MessageService; referrals: SellerReferrals }) {
  const tenants = tenantService(deps);
  return {
    tenants,
    auth: authService(deps, (id) => tenants.get(id)),
    staff: staffService(deps),
    stores: storeService(deps),
    users: userService(deps),
    departments: departmentService(deps),
    consumerAuth: consumerAuthService(deps, messages, referrals),
    consumerTokens: consumerTokenService(deps),
    captcha: captchaService(deps),
  };
}
export type Identity = ReturnType<typeof buildIdentity>;
