// Departments of a merchant: a tree (parent_id), managed in the native API and
// shown by the portal. Moves never make a cycle: every change to one tenant's
// tree runs under that tenant's advisory lock, so two moves cannot cross.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Queryable } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';

export interface Department {
  id: number;
  parentId: number | null;
  name: string;
  createdAt: Date;
}

export interface DepartmentNode extends Department {
  children: DepartmentNode[];
}

interface Row {
  id: number;
  parent_id: number | null;
  name: string;
  created_at: Date;
}

const toDepartment = (r: Row): Department => ({ id: r.id, parentId: r.parent_id, name: r.name, createdAt: r.created_at });
const TREE_LOCK = 727_104;
const MAX_DEPTH = 20;

function checkName(name: unknown): Result<string> {
  const n = typeof name === 'string' ? name.trim() : '';
  if (!n || n.length > 100 || n.includes('/')) return fail(ErrorCode.invalid_input, 'name: 1-100 characters, no "/"', { field: 'name' });
  return ok(n);
}

/** Builds the forest from flat rows (children ordered by id). */
export function buildTree(rows: Department[]): DepartmentNode[] {
  const nodes = new Map<number, DepartmentNode>(rows.map((d) => [d.id, { ...d, children: [] }]));
  const roots: DepartmentNode[] = [];
  for (const d of [...nodes.values()].sort((a, b) => a.id - b.id)) {
    const parent = d.parentId === null ? undefined : nodes.get(d.parentId);
    (parent ? parent.children : roots).push(d);
  }
  return roots;
}

/** "零售部/商品部": the names from the root down. */
export function departmentPath(rows: Map<number, Department>, id: number): string {
  const names: string[] = [];
  let cur = rows.get(id);
  for (let i = 0; cur && i < MAX_DEPTH; i++) {
    names.unshift(cur.name);
    cur = cur.parentId === null ? undefined : rows.get(cur.parentId);
  }
  return names.join('/');
}

export function departmentService(deps: Deps) {
  async function all(q: Queryable, tenantId: number): Promise<Department[]> {
    const r = await q.query<Row>('SELECT id, parent_id, name, created_at FROM departments WHERE tenant_id = $1 ORDER BY id', [tenantId]);
    return r.rows.map(toDepartment);
  }
  const lock = (q: Queryable, tenantId: number) => q.query('SELECT pg_advisory_xact_lock($1, $2)', [TREE_LOCK, tenantId]);

  async function siblingTaken(q: Queryable, tenantId: number, parentId: number | null, name: string, except: number | null) {
    const r = await q.query(
      `SELECT 1 FROM departments WHERE tenant_id = $1 AND parent_id IS NOT DISTINCT FROM $2 AND lower(name) = lower($3) AND ($4::bigint IS NULL OR id <> $4)`,
      [tenantId, parentId, name, except],
    );
    return r.rowCount > 0;
  }

  return {
    list: (tenantId: number) => all(deps.db, tenantId),

    async tree(tenantId: number): Promise<DepartmentNode[]> {
      return buildTree(await all(deps.db, tenantId));
    },

    /** Every department with its full path ("零售部/商品部"), for dialects that name departments by path. */
    async paths(tenantId: number): Promise<Map<number, { department: Department; path: string }>> {
      const rows = await all(deps.db, tenantId);
      const byId = new Map(rows.map((d) => [d.id, d]));
      return new Map(rows.map((d) => [d.id, { department: d, path: departmentPath(byId, d.id) }]));
    },

    /** A department named by id, by full path ("零售部/商品部") or by a name that is unique in the tenant. */
    async resolve(tenantId: number, ref: string | number): Promise<Result<Department>> {
      const rows = await all(deps.db, tenantId);
      const text = String(ref).trim();
      if (/^\d+$/.test(text)) {
        const d = rows.find((x) => x.id === Number(text));
        if (d) return ok(d);
      }
      const byId = new Map(rows.map((d) => [d.id, d]));
      const byPath = rows.filter((d) => departmentPath(byId, d.id) === text);
      if (byPath.length === 1) return ok(byPath[0]!);
      const byName = rows.filter((d) => d.name === text);
      if (byName.length === 1) return ok(byName[0]!);
      if (byName.length > 1) return fail(ErrorCode.invalid_input, `department "${text}" is ambiguous; give its path, e.g. "${departmentPath(byId, byName[0]!.id)}"`);
      return fail(ErrorCode.not_found, `no department "${text}"`);
    },

    async create(tenantId: number, input: { name: string; parentId?: number | null }, by: Principal): Promise<Result<Department>> {
      const name = checkName(input.name);
      if (!name.ok) return name;
      const parentId = input.parentId ?? null;
      return deps.db.tx(async (q) => {
        await lock(q, tenantId);
        if (parentId !== null) {
          const p = await q.query('SELECT 1 FROM departments WHERE tenant_id = $1 AND id = $2', [tenantId, parentId]);
          if (!p.rowCount) return fail(ErrorCode.invalid_input, 'parentId: no such department', { field: 'parentId' });
        }
        if (await siblingTaken(q, tenantId, parentId, name.value, null)) return fail(ErrorCode.conflict, `a department "${name.value}" already exists there`);
        const r = await q.query<Row>('INSERT INTO departments (tenant_id, parent_id, name) VALUES ($1, $2, $3) RETURNING id, parent_id, name, created_at', [
          tenantId,
          parentId,
          name.value,
        ]);
        const d = toDepartment(r.rows[0]!);
        await audit(q, tenantId, by, { action: 'department.create', targetType: 'department', targetId: d.id, details: { name: d.name, parentId } });
        return ok(d);
      });
    },

    async update(tenantId: number, id: number, input: { name?: string; parentId?: number | null }, by: Principal): Promise<Result<Department>> {
      return deps.db.tx(async (q) => {
        await lock(q, tenantId);
        const rows = await all(q, tenantId);
        const cur = rows.find((d) => d.id === id);
        if (!cur) return fail(ErrorCode.not_found, 'department not found');
        let name = cur.name;
        if (input.name !== undefined) {
          const n = checkName(input.name);
          if (!n.ok) return n;
          name = n.value;
        }
        const parentId = input.parentId !== undefined ? input.parentId : cur.parentId;
        if (parentId !== null) {
          const byId = new Map(rows.map((d) => [d.id, d]));
          if (!byId.has(parentId)) return fail(ErrorCode.invalid_input, 'parentId: no such department', { field: 'parentId' });
          // Walk up from the new parent: meeting this department would close a loop.
          for (let p: number | null = parentId, i = 0; p !== null && i <= rows.length; i++) {
            if (p === id) return fail(ErrorCode.invalid_input, 'parentId: a department cannot move under itself or its own sub-department', { field: 'parentId' });
            p = byId.get(p)?.parentId ?? null;
          }
        }
        if (await siblingTaken(q, tenantId, parentId, name, id)) return fail(ErrorCode.conflict, `a department "${name}" already exists there`);
        const r = await q.query<Row>(
          'UPDATE departments SET name = $3, parent_id = $4 WHERE tenant_id = $1 AND id = $2 RETURNING id, parent_id, name, created_at',
          [tenantId, id, name, parentId],
        );
        await audit(q, tenantId, by, { action: 'department.update', targetType: 'department', targetId: id, details: { name, parentId } });
        return ok(toDepartment(r.rows[0]!));
      });
    },

    async remove(tenantId: number, id: number, by: Principal): Promise<Result<void>> {
      return deps.db.tx(async (q) => {
        await lock(q, tenantId);
        const used = await q.query<{ children: number; staff: number; promos: number }>(
          `SELECT (SELECT count(*)::int FROM departments WHERE tenant_id = $1 AND parent_id = $2) AS children,
                  (SELECT count(*)::int FROM staff WHERE tenant_id = $1 AND department_id = $2) AS staff,
                  (SELECT count(*)::int FROM promo_codes WHERE tenant_id = $1 AND department_id = $2) AS promos`,
          [tenantId, id],
        );
        const u = used.rows[0]!;
        if (u.children || u.staff || u.promos) {
          return fail(ErrorCode.invalid_state, `this department still has ${u.children} sub-department(s), ${u.staff} staff member(s) and ${u.promos} promo code(s)`, { ...u });
        }
        const r = await q.query('DELETE FROM departments WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
        if (!r.rowCount) return fail(ErrorCode.not_found, 'department not found');
        await audit(q, tenantId, by, { action: 'department.delete', targetType: 'department', targetId: id });
        return ok(undefined);
      });
    },
  };
}

export type DepartmentService = ReturnType<typeof departmentService>;
