// The staff table: the only file of identity with SQL on it.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import { PLATFORM_TENANT, storedTenant, tenantOfStored, type Role } from '../../../kernel/deps.ts';
import type { CreateStaffInput, Staff, StaffCredentials } from '../domain/staff.ts';

export const toStaff = (r: Row<'staff'>): Staff => ({
  id: r.id,
  tenantId: tenantOfStored(r.tenant_id),
  username: r.username,
  // The column's CHECK (migration 001) allows exactly the roles of Role.
  role: r.role as Role,
  name: r.name,
  phone: r.phone,
  storeIds: (r.store_ids ?? []).map(Number),
  departmentId: r.department_id,
  disabled: r.disabled,
  createdAt: r.created_at,
});

/**
 * Inserts a staff member; null when the username is taken (in any tenant).
 * The login directory (a reference table) claims the name first: staff log in
 * by username alone, and it names the tenant whose staff table holds them.
 */
export async function insertStaff(
  q: Queryable,
  tenantId: number | null,
  input: Omit<CreateStaffInput, 'password'> & { passwordHash: string },
): Promise<Staff | null> {
  const claimed = await q.query<{ id: number }>(
    `INSERT INTO staff_logins (login, tenant_id, staff_id) VALUES (lower($1), $2, nextval(pg_get_serial_sequence('staff', 'id')))
     ON CONFLICT (login) DO NOTHING RETURNING staff_id AS id`,
    [input.username, storedTenant(tenantId)],
  );
  if (!claimed.rows[0]) return null;
  const r = await q.query<Row<'staff'>>(
    `INSERT INTO staff (id, tenant_id, username, password_hash, role, name, phone, store_ids, department_id)
     VALUES ($9, $1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [
      storedTenant(tenantId),
      input.username,
      input.passwordHash,
      input.role,
      input.name ?? null,
      input.phone ?? null,
      input.storeIds ?? [],
      input.departmentId ?? null,
      claimed.rows[0].id,
    ],
  );
  return toStaff(r.rows[0]!);
}

/** A staff member by username (any case) with the password hash, for the login. */
export async function staffCredentials(q: Queryable, username: string): Promise<StaffCredentials | null> {
  const dir = await q.query<{ tenant_id: number; staff_id: number }>(
    'SELECT tenant_id, staff_id FROM staff_logins WHERE login = lower($1)',
    [username],
  );
  const at = dir.rows[0];
  if (!at) return null;
  const row = (await q.query<Row<'staff'>>('SELECT * FROM staff WHERE tenant_id = $1 AND id = $2', [at.tenant_id, at.staff_id])).rows[0];
  return row ? { staff: toStaff(row), passwordHash: row.password_hash } : null;
}

/** Locks a staff member of the tenant for a change. */
export async function lockStaff(q: Queryable, tenantId: number, id: number): Promise<Staff | null> {
  const cur = await q.query<Row<'staff'>>('SELECT * FROM staff WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [id, tenantId]);
  return cur.rows[0] ? toStaff(cur.rows[0]) : null;
}

/** The tenant's active owners other than `id`. */
export async function otherActiveOwners(q: Queryable, tenantId: number, id: number): Promise<number> {
  const n = await q.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM staff WHERE tenant_id = $1 AND role = 'owner' AND NOT disabled AND id <> $2",
    [tenantId, id],
  );
  return n.rows[0]!.n;
}

/** A checked change; undefined fields keep their value (null clears name, phone, department). */
export interface StaffChange {
  role: Role | null;
  storeIds: number[] | null;
  departmentId: number | null | undefined;
  name: string | null | undefined;
  phone: string | null | undefined;
  disabled: boolean | null;
  passwordHash: string | null;
}

export async function updateStaff(q: Queryable, tenantId: number, id: number, c: StaffChange): Promise<Staff> {
  const r = await q.query<Row<'staff'>>(
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
      id,
      tenantId,
      c.role,
      c.storeIds,
      c.departmentId !== undefined,
      c.departmentId ?? null,
      c.name !== undefined,
      c.name ?? null,
      c.phone !== undefined,
      c.phone ?? null,
      c.disabled,
      c.passwordHash,
    ],
  );
  return toStaff(r.rows[0]!);
}

export async function listStaff(
  q: Queryable,
  tenantId: number,
  opts: { role?: string; limit: number; offset: number },
): Promise<{ items: Staff[]; total: number }> {
  const r = await q.query<Row<'staff'> & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM staff
         WHERE tenant_id = $1 AND ($2::text IS NULL OR role = $2) ORDER BY id LIMIT $3 OFFSET $4`,
    [tenantId, opts.role ?? null, opts.limit, opts.offset],
  );
  return { items: r.rows.map(toStaff), total: r.rows[0]?.total ?? 0 };
}

/** A staff member of the tenant (tenantId null: a platform admin). */
export async function staffById(q: Queryable, tenantId: number | null, id: number): Promise<Staff | null> {
  const r = await q.query<Row<'staff'>>('SELECT * FROM staff WHERE id = $1 AND tenant_id = $2', [id, storedTenant(tenantId)]);
  return r.rows[0] ? toStaff(r.rows[0]) : null;
}

/** Whether the store has a platform admin yet (the first start made one). */
export async function platformAdminExists(q: Queryable): Promise<boolean> {
  const exists = await q.query("SELECT 1 FROM staff WHERE tenant_id = $1 AND role = 'platform_admin' LIMIT 1", [PLATFORM_TENANT]);
  return exists.rowCount > 0;
}

/** Serialises first starts of several processes (held to the end of the transaction). */
export async function lockFirstStart(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(727002)');
}
