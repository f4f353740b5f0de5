// Staff members of a tenant (and the platform admins): what one is and the
// rules for creating and changing one (pure, no I/O).
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';
import { STAFF_ROLES, type Principal, type Role, type StaffRole } from '../../../kernel/deps.ts';

export interface Staff {
  id: number;
  tenantId: number | null;
  username: string;
  role: Role;
  name: string | null;
  phone: string | null;
  storeIds: number[];
  departmentId: number | null;
  disabled: boolean;
  createdAt: Date;
}

/** A staff member with the stored password hash: only the login use-case sees it. */
export interface StaffCredentials {
  staff: Staff;
  passwordHash: string;
}

export interface CreateStaffInput {
  username: string;
  password: string;
  role: StaffRole | 'platform_admin';
  name?: string | null;
  phone?: string | null;
  storeIds?: number[];
  departmentId?: number | null;
}

export interface UpdateStaffInput {
  role?: StaffRole;
  storeIds?: number[];
  departmentId?: number | null;
  name?: string | null;
  phone?: string | null;
  disabled?: boolean;
  password?: string;
}

export const STAFF_PASSWORD_MIN = 8;

export function validateStaffInput(input: CreateStaffInput): string | null {
  if (!/^[A-Za-z0-9_.@-]{3,64}$/.test(input.username ?? '')) {
    return 'username must be 3-64 characters of letters, digits, _ . @ -';
  }
  if (typeof input.password !== 'string' || input.password.length < STAFF_PASSWORD_MIN) return 'password must be at least 8 characters';
  if (input.role !== 'platform_admin' && !STAFF_ROLES.includes(input.role)) {
    return `role must be one of ${STAFF_ROLES.join(', ')}`;
  }
  return null;
}

const isOwner = (by: Principal) => by.role === 'owner' || by.role === 'platform_admin';
const senior = (r: string) => r === 'owner' || r === 'admin';

/** Only an owner may create another owner or admin; nobody creates a platform admin here. */
export function mayCreate(role: CreateStaffInput['role'], by: Principal): Result<void, 'invalid_input' | 'forbidden'> {
  if (role === 'platform_admin') return fail(ErrorCode.invalid_input, 'role platform_admin cannot be given here');
  if ((role === 'owner' || role === 'admin') && !isOwner(by)) {
    return fail(ErrorCode.forbidden, `only an owner may create a staff member with role ${role}`);
  }
  return ok(undefined);
}

/** The shape checks of a patch, before anything is read. */
export function checkPatch(patch: UpdateStaffInput): Result<void, 'invalid_input'> {
  if (patch.role !== undefined && !STAFF_ROLES.includes(patch.role)) {
    return fail(ErrorCode.invalid_input, `role must be one of ${STAFF_ROLES.join(', ')}`, { field: 'role' });
  }
  if (patch.password !== undefined && (typeof patch.password !== 'string' || patch.password.length < STAFF_PASSWORD_MIN)) {
    return fail(ErrorCode.invalid_input, 'password must be at least 8 characters', { field: 'password' });
  }
  return ok(undefined);
}

/**
 * Who may change whom: only an owner touches owners and admins or makes
 * someone one; nobody changes their own role or disables themselves.
 */
export function mayChange(cur: Staff, patch: UpdateStaffInput, by: Principal): Result<void, 'forbidden'> {
  if (!isOwner(by) && (senior(cur.role) || (patch.role !== undefined && senior(patch.role)))) {
    return fail(ErrorCode.forbidden, 'only an owner may change an owner or admin, or make someone one');
  }
  const self = by.kind === 'staff' && by.staffId === cur.id;
  if (self && patch.role !== undefined && patch.role !== cur.role)
    return fail(ErrorCode.forbidden, 'you cannot change your own role', { field: 'role' });
  if (self && patch.disabled === true) return fail(ErrorCode.forbidden, 'you cannot disable your own account', { field: 'disabled' });
  return ok(undefined);
}

/** Whether the patch takes an active owner away (then another active owner must remain). */
export const losesActiveOwner = (cur: Staff, patch: UpdateStaffInput): boolean =>
  cur.role === 'owner' && !cur.disabled && ((patch.role !== undefined && patch.role !== 'owner') || patch.disabled === true);

/** The audit details of a change: only what the patch really changed. */
export function changesOf(
  cur: Staff,
  patch: UpdateStaffInput,
  cleaned: { name: string | null | undefined; phone: string | null | undefined; passwordReset: boolean },
): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  if (patch.role !== undefined && patch.role !== cur.role) changed.role = { from: cur.role, to: patch.role };
  if (patch.storeIds !== undefined) changed.storeIds = [...new Set(patch.storeIds)];
  if (patch.departmentId !== undefined) changed.departmentId = patch.departmentId;
  if (cleaned.name !== undefined) changed.name = cleaned.name;
  if (cleaned.phone !== undefined) changed.phone = cleaned.phone;
  if (patch.disabled !== undefined && patch.disabled !== cur.disabled) changed.disabled = patch.disabled;
  if (cleaned.passwordReset) changed.passwordReset = true;
  return changed;
}
