import { ErrorCode, fail, ok, type Result } from '../domain/result.ts';
import type { Queryable } from '../db/store.ts';
import { audit } from './audit.ts';
import { STAFF_ROLES, type Deps, type Principal, type Role, type StaffRole } from './deps.ts';
import { hashStaffPassword } from './security.ts';

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
