// Staff members: create (inside a transaction, also for a new tenant's owner
// and the first start), change (role, stores, department, password, disabled),
// list and read.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { hashStaffPassword } from '../../kernel/security.ts';
import { cleanOptional } from './domain/text.ts';
import {
  changesOf,
  checkPatch,
  losesActiveOwner,
  mayChange,
  mayCreate,
  validateStaffInput,
  type CreateStaffInput,
  type Staff,
  type UpdateStaffInput,
} from './domain/staff.ts';
import type { StaffCreateFailure, StaffUpdateFailure } from './errors.ts';
import { departmentExists } from './repo/departments.repo.ts';
import { revokeStaffSessionsOf } from './repo/sessions.repo.ts';
import { sessionsRevoked } from './session-cache.ts';
import * as repo from './repo/staff.repo.ts';
import { countTenantStores } from './repo/stores.repo.ts';

/** Inserts a staff member inside the caller's transaction. */
export async function createStaffIn(
  q: Queryable,
  tenantId: number | null,
  input: CreateStaffInput,
): Promise<Result<Staff, 'invalid_input' | 'conflict'>> {
  const invalid = validateStaffInput(input);
  if (invalid) return fail(ErrorCode.invalid_input, invalid);
  if (input.storeIds?.length && tenantId !== null) {
    if ((await countTenantStores(q, tenantId, input.storeIds)) !== new Set(input.storeIds).size) {
      return fail(ErrorCode.invalid_input, 'storeIds names a store this tenant does not have', { field: 'storeIds' });
    }
  }
  const { password, ...rest } = input;
  const s = await repo.insertStaff(q, tenantId, { ...rest, passwordHash: await hashStaffPassword(password) });
  if (!s) return fail(ErrorCode.conflict, `username "${input.username}" is taken`);
  return ok(s);
}

/** The checks of a change that read the store: the last owner, the stores and the department named. */
async function checkTargets(
  q: Queryable,
  tenantId: number,
  cur: Staff,
  patch: UpdateStaffInput,
): Promise<Result<void, 'invalid_input' | 'invalid_state'>> {
  if (losesActiveOwner(cur, patch) && (await repo.otherActiveOwners(q, tenantId, cur.id)) === 0) {
    return fail(ErrorCode.invalid_state, 'the tenant must keep at least one active owner');
  }
  if (patch.storeIds?.length) {
    const ids = [...new Set(patch.storeIds)];
    if ((await countTenantStores(q, tenantId, ids)) !== ids.length)
      return fail(ErrorCode.invalid_input, 'storeIds names a store this tenant does not have', { field: 'storeIds' });
  }
  if (patch.departmentId && !(await departmentExists(q, tenantId, patch.departmentId))) {
    return fail(ErrorCode.invalid_input, 'departmentId names a department this tenant does not have', { field: 'departmentId' });
  }
  return ok(undefined);
}

/** Changes a locked staff member; a new password or disabling ends the member's sessions. */
async function applyUpdate(q: Queryable, tenantId: number, cur: Staff, patch: UpdateStaffInput, by: Principal): Promise<Staff> {
  const name = cleanOptional(patch.name);
  const phone = cleanOptional(patch.phone);
  const passwordHash = patch.password !== undefined ? await hashStaffPassword(patch.password) : null;
  const updated = await repo.updateStaff(q, tenantId, cur.id, {
    role: patch.role ?? null,
    storeIds: patch.storeIds ? [...new Set(patch.storeIds)] : null,
    departmentId: patch.departmentId,
    name,
    phone,
    disabled: patch.disabled ?? null,
    passwordHash,
  });
  if (passwordHash || patch.disabled === true) await revokeStaffSessionsOf(q, cur.tenantId, cur.id);
  const changed = changesOf(cur, patch, { name, phone, passwordReset: !!passwordHash });
  await audit(q, tenantId, by, {
    action: 'staff.update',
    targetType: 'staff',
    targetId: cur.id,
    details: { username: cur.username, ...changed },
  });
  return updated;
}

export function staffService(deps: Deps) {
  return {
    async create(tenantId: number, input: CreateStaffInput, by: Principal): Promise<Result<Staff, StaffCreateFailure>> {
      const may = mayCreate(input.role, by);
      if (!may.ok) return may;
      return deps.db.txResult(async (q): Promise<Result<Staff, StaffCreateFailure>> => {
        const s = await createStaffIn(q, tenantId, input);
        if (s.ok) {
          await audit(q, tenantId, by, {
            action: 'staff.create',
            targetType: 'staff',
            targetId: s.value.id,
            details: { username: s.value.username, role: s.value.role },
          });
        }
        return s;
      });
    },

    /**
     * Changes a staff member: role, stores, department, name, phone, disabled, a new password.
     * Only an owner touches owners and admins or makes someone one; nobody changes their own
     * role or disables themselves; the tenant keeps at least one active owner. A new password
     * or disabling ends the member's sessions.
     */
    async update(tenantId: number, id: number, patch: UpdateStaffInput, by: Principal): Promise<Result<Staff, StaffUpdateFailure>> {
      const shape = checkPatch(patch);
      if (!shape.ok) return shape;
      const r = await deps.db.txResult(async (q): Promise<Result<Staff, StaffUpdateFailure>> => {
        const cur = await repo.lockStaff(q, tenantId, id);
        if (!cur) return fail(ErrorCode.not_found, 'staff member not found');
        const may = mayChange(cur, patch, by);
        if (!may.ok) return may;
        const targets = await checkTargets(q, tenantId, cur, patch);
        if (!targets.ok) return targets;
        return ok(await applyUpdate(q, tenantId, cur, patch, by));
      });
      // Committed: every process stops serving the member's cached principal (role, stores, a revoked session).
      if (r.ok) await sessionsRevoked(deps, 'staff');
      return r;
    },

    list: (tenantId: number, opts: { role?: string; limit: number; offset: number }): Promise<{ items: Staff[]; total: number }> =>
      repo.listStaff(deps.db, tenantId, opts),

    get: (tenantId: number | null, id: number): Promise<Staff | null> => repo.staffById(deps.db, tenantId, id),
  };
}

export type StaffService = ReturnType<typeof staffService>;
