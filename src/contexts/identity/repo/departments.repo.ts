// The departments table: the only file of identity with SQL on it.
import type { Queryable } from '../../../db/store.ts';
import type { RowOf } from '../../../db/rows.ts';
import type { Department, DepartmentUsage } from '../domain/department.ts';

type DepartmentRow = RowOf<'departments', 'id' | 'parent_id' | 'name' | 'created_at'>;
const toDepartment = (r: DepartmentRow): Department => ({ id: r.id, parentId: r.parent_id, name: r.name, createdAt: r.created_at });
const TREE_LOCK = 727_104;

export async function allDepartments(q: Queryable, tenantId: number): Promise<Department[]> {
  const r = await q.query<DepartmentRow>('SELECT id, parent_id, name, created_at FROM departments WHERE tenant_id = $1 ORDER BY id', [
    tenantId,
  ]);
  return r.rows.map(toDepartment);
}

/** Every change to one tenant's tree runs under this lock, so two moves cannot cross. */
export async function lockTree(q: Queryable, tenantId: number): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1, $2)', [TREE_LOCK, tenantId]);
}

export async function departmentExists(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const p = await q.query('SELECT 1 FROM departments WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return p.rowCount > 0;
}

/** Whether a sibling under `parentId` (other than `except`) has this name, in any case. */
export async function siblingTaken(
  q: Queryable,
  tenantId: number,
  parentId: number | null,
  name: string,
  except: number | null,
): Promise<boolean> {
  const r = await q.query(
    `SELECT 1 FROM departments WHERE tenant_id = $1 AND parent_id IS NOT DISTINCT FROM $2 AND lower(name) = lower($3) AND ($4::bigint IS NULL OR id <> $4)`,
    [tenantId, parentId, name, except],
  );
  return r.rowCount > 0;
}

export async function insertDepartment(q: Queryable, tenantId: number, parentId: number | null, name: string): Promise<Department> {
  const r = await q.query<DepartmentRow>(
    'INSERT INTO departments (tenant_id, parent_id, name) VALUES ($1, $2, $3) RETURNING id, parent_id, name, created_at',
    [tenantId, parentId, name],
  );
  return toDepartment(r.rows[0]!);
}

export async function updateDepartment(
  q: Queryable,
  tenantId: number,
  id: number,
  name: string,
  parentId: number | null,
): Promise<Department> {
  const r = await q.query<DepartmentRow>(
    'UPDATE departments SET name = $3, parent_id = $4 WHERE tenant_id = $1 AND id = $2 RETURNING id, parent_id, name, created_at',
    [tenantId, id, name, parentId],
  );
  return toDepartment(r.rows[0]!);
}

/** What still hangs on a department: sub-departments, staff, promo codes (coupons' table, read only). */
export async function departmentUsage(q: Queryable, tenantId: number, id: number): Promise<DepartmentUsage> {
  const used = await q.query<DepartmentUsage>(
    `SELECT (SELECT count(*)::int FROM departments WHERE tenant_id = $1 AND parent_id = $2) AS children,
                  (SELECT count(*)::int FROM staff WHERE tenant_id = $1 AND department_id = $2) AS staff,
                  (SELECT count(*)::int FROM promo_codes WHERE tenant_id = $1 AND department_id = $2) AS promos`,
    [tenantId, id],
  );
  return used.rows[0]!;
}

/** Deletes a department; false when there is none. */
export async function deleteDepartment(q: Queryable, tenantId: number, id: number): Promise<boolean> {
  const r = await q.query('DELETE FROM departments WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return !!r.rowCount;
}
