// The staff member a consumer account acts for (users.seller_id): write-offs
// from the consumer app run as that staff member.
import { STAFF_ROLES, type Deps, type Principal, type StaffRole } from '../../kernel/deps.ts';
import { sellerStaffOf } from './repo/seller-account.repo.ts';

export type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;

const isStaffRole = (r: string): r is StaffRole => (STAFF_ROLES as readonly string[]).includes(r);

export function sellerAccountService(deps: Deps) {
  return {
    /** The staff principal a consumer account acts for, or null when it is linked to no enabled staff member of the tenant. */
    async sellerOf(tenantId: number, userId: number): Promise<StaffPrincipal | null> {
      const s = await sellerStaffOf(deps.db, tenantId, userId);
      if (!s || !isStaffRole(s.role)) return null;
      return { kind: 'staff', staffId: s.id, tenantId, role: s.role, username: s.username, storeIds: s.storeIds };
    },
  };
}
