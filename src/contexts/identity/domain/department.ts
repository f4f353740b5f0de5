// Departments of a merchant: a tree (parent_id). The rules for names, paths,
// resolving a reference and moves that would close a loop (pure, no I/O).
import { ErrorCode, fail, ok, type Result } from '../../../kernel/result.ts';

export interface Department {
  id: number;
  parentId: number | null;
  name: string;
  createdAt: Date;
}

export interface DepartmentNode extends Department {
  children: DepartmentNode[];
}

/** What still hangs on a department (it cannot be deleted while any is non-zero). */
export interface DepartmentUsage {
  children: number;
  staff: number;
  promos: number;
}

const MAX_DEPTH = 20;

export function checkName(name: unknown): Result<string, 'invalid_input'> {
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

/** A department named by id, by full path ("零售部/商品部") or by a name that is unique in the tenant. */
export function resolveDepartment(rows: Department[], ref: string | number): Result<Department, 'invalid_input' | 'not_found'> {
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
  if (byName.length > 1)
    return fail(ErrorCode.invalid_input, `department "${text}" is ambiguous; give its path, e.g. "${departmentPath(byId, byName[0]!.id)}"`);
  return fail(ErrorCode.not_found, `no department "${text}"`);
}

/**
 * Whether `id` may move under `parentId`: the parent exists, and walking up
 * from it never meets `id` (that would close a loop).
 */
export function checkMove(rows: Department[], id: number, parentId: number | null): Result<void, 'invalid_input'> {
  if (parentId === null) return ok(undefined);
  const byId = new Map(rows.map((d) => [d.id, d]));
  if (!byId.has(parentId)) return fail(ErrorCode.invalid_input, 'parentId: no such department', { field: 'parentId' });
  for (let p: number | null = parentId, i = 0; p !== null && i <= rows.length; i++) {
    if (p === id)
      return fail(ErrorCode.invalid_input, 'parentId: a department cannot move under itself or its own sub-department', {
        field: 'parentId',
      });
    p = byId.get(p)?.parentId ?? null;
  }
  return ok(undefined);
}

export const inUse = (u: DepartmentUsage): boolean => !!(u.children || u.staff || u.promos);
