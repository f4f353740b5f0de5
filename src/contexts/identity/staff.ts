import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import { STAFF_ROLES, type Deps, type Principal, type Role, type StaffRole } from '../../kernel/deps.ts';
import { hashStaffPassword } from '../../kernel/security.ts';

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

export interface StaffRow {
  id: number;
  tenant_id: number | null;
  username: string;
  password_hash: string;
  role: Role;
  name: string | null;
  phone: string | null;
  store_ids: number[];
  department_id: number | null;
  disabled: boolean;
  created_at: Date;
}

export const toStaff = (r: StaffRow): Staff => ({
  id: r.id,
  tenantId: r.tenant_id,
  username: r.username,
  role: r.role,
  name: r.name,
  phone: r.phone,
  storeIds: (r.store_ids ?? []).map(Number),
  departmentId: r.department_id,
  disabled: r.disabled,
  createdAt: r.created_at,
});

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

export function validateStaffInput(input: CreateStaffInput): string | null {
  if (!/^[A-Za-z0-9_.@-]{3,64}$/.test(input.username ?? '')) {
    return 'username must be 3-64 characters of letters, digits, _ . @ -';
  }
  if (typeof input.password !== 'string' || input.password.length < 8) return 'password must be at least 8 characters';
  if (input.role !== 'platform_admin' && !STAFF_ROLES.includes(input.role)) {
    return `role must be one of ${STAFF_ROLES.join(', ')}`;
  }
  return null;
}

/** Inserts a staff member inside the caller's transaction. */
export async function createStaffIn(q: Queryable, tenantId: number | null, input: CreateStaffInput): Promise<Result<Staff>> {
  const invalid = validateStaffInput(input);
  if (invalid) return fail(ErrorCode.invalid_input, invalid);
  if (input.storeIds?.length && tenantId !== null) {
    const found = await q.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM stores WHERE tenant_id = $1 AND id = ANY($2::bigint[])',
      [tenantId, input.storeIds],
    );
    if (found.rows[0]!.n !== new Set(input.storeIds).size) {
      return fail(ErrorCode.invalid_input, 'storeIds names a store this tenant does not have', { field: 'storeIds' });
    }
  }
  const r = await q.query<StaffRow>(
    `INSERT INTO staff (tenant_id, username, password_hash, role, name, phone, store_ids, department_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (lower(username)) DO NOTHING RETURNING *`,
    [
      tenantId,
      input.username,
      await hashStaffPassword(input.password),
      input.role,
      input.name ?? null,
      input.phone ?? null,
      input.storeIds ?? [],
      input.departmentId ?? null,
    ],
  );
  if (!r.rows[0]) return fail(ErrorCode.conflict, `username "${input.username}" is taken`);
  return ok(toStaff(r.rows[0]));
}

export function staffService(deps: Deps) {
  return {
    async create(tenantId: number, input: CreateStaffInput, by: Principal): Promise<Result<Staff>> {
      if (input.role === 'platform_admin') return fail(ErrorCode.invalid_input, 'role platform_admin cannot be given here');
      // Only an owner may create another owner or admin.
      if ((input.role === 'owner' || input.role === 'admin') && by.role !== 'owner' && by.role !== 'platform_admin') {
        return fail(ErrorCode.forbidden, `only an owner may create a staff member with role ${input.role}`);
      }
      return deps.db.tx(async (q) => {
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
    async update(tenantId: number, id: number, patch: UpdateStaffInput, by: Principal): Promise<Result<Staff>> {
      if (patch.role !== undefined && !STAFF_ROLES.includes(patch.role)) return fail(ErrorCode.invalid_input, `role must be one of ${STAFF_ROLES.join(', ')}`, { field: 'role' });
      if (patch.password !== undefined && (typeof patch.password !== 'string' || patch.password.length < 8)) {
        return fail(ErrorCode.invalid_input, 'password must be at least 8 characters', { field: 'password' });
      }
      return deps.db.tx(async (q) => {
        const cur = await q.query<StaffRow>('SELECT * FROM staff WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [id, tenantId]);
        const row = cur.rows[0];
        if (!row) return fail(ErrorCode.not_found, 'staff member not found');
        const byOwner = by.role === 'owner' || by.role === 'platform_admin';
        const senior = (r: string) => r === 'owner' || r === 'admin';
        if (!byOwner && (senior(row.role) || (patch.role !== undefined && senior(patch.role)))) {
          return fail(ErrorCode.forbidden, 'only an owner may change an owner or admin, or make someone one');
        }
        const self = by.kind === 'staff' && by.staffId === id;
        if (self && patch.role !== undefined && patch.role !== row.role) return fail(ErrorCode.forbidden, 'you cannot change your own role', { field: 'role' });
        if (self && patch.disabled === true) return fail(ErrorCode.forbidden, 'you cannot disable your own account', { field: 'disabled' });
        const losesOwner = row.role === 'owner' && !row.disabled && ((patch.role !== undefined && patch.role !== 'owner') || patch.disabled === true);
        if (losesOwner) {
          const n = await q.query<{ n: number }>("SELECT count(*)::int AS n FROM staff WHERE tenant_id = $1 AND role = 'owner' AND NOT disabled AND id <> $2", [tenantId, id]);
          if (n.rows[0]!.n === 0) return fail(ErrorCode.invalid_state, 'the tenant must keep at least one active owner');
        }
        if (patch.storeIds?.length) {
          const ids = [...new Set(patch.storeIds)];
          const found = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM stores WHERE tenant_id = $1 AND id = ANY($2::bigint[])', [tenantId, ids]);
          if (found.rows[0]!.n !== ids.length) return fail(ErrorCode.invalid_input, 'storeIds names a store this tenant does not have', { field: 'storeIds' });
        }
        if (patch.departmentId) {
          const d = await q.query('SELECT 1 FROM departments WHERE tenant_id = $1 AND id = $2', [tenantId, patch.departmentId]);
          if (d.rowCount === 0) return fail(ErrorCode.invalid_input, 'departmentId names a department this tenant does not have', { field: 'departmentId' });
        }
        const clean = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());
        const name = clean(patch.name);
        const phone = clean(patch.phone);
        const hash = patch.password !== undefined ? await hashStaffPassword(patch.password) : null;
        const r = await q.query<StaffRow>(
          `UPDATE staff SET
             role = COALESCE($3, role),
             store_ids = COALESCE($4::bigint[], store_ids),
             department_id = CASE WHEN $5 THEN $6::bigint ELSE department_id END,
             name = CASE WHEN $7 THEN $8 ELSE name END,
             phone = CASE WHEN $9 THEN $10 ELSE phone END,
             disabled = COALESCE($11, disabled),
             password_hash = COALESCE($12, password_hash)
           WHERE id = $1 AND tenant_id = $2 RETURNING *`,
          [
            id, tenantId, patch.role ?? null, patch.storeIds ? [...new Set(patch.storeIds)] : null,
            patch.departmentId !== undefined, patch.departmentId ?? null, name !== undefined, name ?? null, phone !== undefined, phone ?? null,
            patch.disabled ?? null, hash,
          ],
        );
        if (hash || patch.disabled === true) {
          await q.query('UPDATE staff_sessions SET revoked_at = now() WHERE staff_id = $1 AND revoked_at IS NULL', [id]);
        }
        const changed: Record<string, unknown> = {};
        if (patch.role !== undefined && patch.role !== row.role) changed.role = { from: row.role, to: patch.role };
        if (patch.storeIds !== undefined) changed.storeIds = [...new Set(patch.storeIds)];
        if (patch.departmentId !== undefined) changed.departmentId = patch.departmentId;
        if (name !== undefined) changed.name = name;
        if (phone !== undefined) changed.phone = phone;
        if (patch.disabled !== undefined && patch.disabled !== row.disabled) changed.disabled = patch.disabled;
        if (hash) changed.passwordReset = true;
        await audit(q, tenantId, by, { action: 'staff.update', targetType: 'staff', targetId: id, details: { username: row.username, ...changed } });
        return ok(toStaff(r.rows[0]!));
      });
    },

    async list(tenantId: number, opts: { role?: string; limit: number; offset: number }) {
      const r = await deps.db.query<StaffRow & { total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM staff
         WHERE tenant_id = $1 AND ($2::text IS NULL OR role = $2) ORDER BY id LIMIT $3 OFFSET $4`,
        [tenantId, opts.role ?? null, opts.limit, opts.offset],
      );
      return { items: r.rows.map(toStaff), total: r.rows[0]?.total ?? 0 };
    },

    async get(tenantId: number | null, id: number): Promise<Staff | null> {
      const r = await deps.db.query<StaffRow>(
        'SELECT * FROM staff WHERE id = $1 AND tenant_id IS NOT DISTINCT FROM $2',
        [id, tenantId],
      );
      return r.rows[0] ? toStaff(r.rows[0]) : null;
    },
  };
}

export type StaffService = ReturnType<typeof staffService>;
