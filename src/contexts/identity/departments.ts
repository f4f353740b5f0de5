// Departments of a merchant: a tree (parent_id), managed in the native API and
// shown by the portal. Moves never make a cycle: every change to one tenant's
// tree runs under that tenant's advisory lock, so two moves cannot cross.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import {
  buildTree,
  checkMove,
  checkName,
  departmentPath,
  inUse,
  resolveDepartment,
  type Department,
  type DepartmentNode,
} from './domain/department.ts';
import type { DepartmentCreateFailure, DepartmentRemoveFailure, DepartmentResolveFailure, DepartmentUpdateFailure } from './errors.ts';
import * as repo from './repo/departments.repo.ts';

export function departmentService(deps: Deps) {
  return {
    list: (tenantId: number): Promise<Department[]> => repo.allDepartments(deps.db, tenantId),

    async tree(tenantId: number): Promise<DepartmentNode[]> {
      return buildTree(await repo.allDepartments(deps.db, tenantId));
    },

    /** Every department with its full path ("零售部/商品部"), for dialects that name departments by path. */
    async paths(tenantId: number): Promise<Map<number, { department: Department; path: string }>> {
      const rows = await repo.allDepartments(deps.db, tenantId);
      const byId = new Map(rows.map((d) => [d.id, d]));
      return new Map(rows.map((d) => [d.id, { department: d, path: departmentPath(byId, d.id) }]));
    },

    /** A department named by id, by full path ("零售部/商品部") or by a name that is unique in the tenant. */
    async resolve(tenantId: number, ref: string | number): Promise<Result<Department, DepartmentResolveFailure>> {
      return resolveDepartment(await repo.allDepartments(deps.db, tenantId), ref);
    },

    async create(
      tenantId: number,
      input: { name: string; parentId?: number | null },
      by: Principal,
    ): Promise<Result<Department, DepartmentCreateFailure>> {
      const name = checkName(input.name);
      if (!name.ok) return name;
      const parentId = input.parentId ?? null;
      return deps.db.txResult(async (q): Promise<Result<Department, DepartmentCreateFailure>> => {
        await repo.lockTree(q, tenantId);
        if (parentId !== null && !(await repo.departmentExists(q, tenantId, parentId))) {
          return fail(ErrorCode.invalid_input, 'parentId: no such department', { field: 'parentId' });
        }
        if (await repo.siblingTaken(q, tenantId, parentId, name.value, null))
          return fail(ErrorCode.conflict, `a department "${name.value}" already exists there`);
        const d = await repo.insertDepartment(q, tenantId, parentId, name.value);
        await audit(q, tenantId, by, {
          action: 'department.create',
          targetType: 'department',
          targetId: d.id,
          details: { name: d.name, parentId },
        });
        return ok(d);
      });
    },

    async update(
      tenantId: number,
      id: number,
      input: { name?: string; parentId?: number | null },
      by: Principal,
    ): Promise<Result<Department, DepartmentUpdateFailure>> {
      return deps.db.txResult(async (q): Promise<Result<Department, DepartmentUpdateFailure>> => {
        await repo.lockTree(q, tenantId);
        const rows = await repo.allDepartments(q, tenantId);
        const cur = rows.find((d) => d.id === id);
        if (!cur) return fail(ErrorCode.not_found, 'department not found');
        let name = cur.name;
        if (input.name !== undefined) {
          const n = checkName(input.name);
          if (!n.ok) return n;
          name = n.value;
        }
        const parentId = input.parentId !== undefined ? input.parentId : cur.parentId;
        const move = checkMove(rows, id, parentId);
        if (!move.ok) return move;
        if (await repo.siblingTaken(q, tenantId, parentId, name, id))
          return fail(ErrorCode.conflict, `a department "${name}" already exists there`);
        const d = await repo.updateDepartment(q, tenantId, id, name, parentId);
        await audit(q, tenantId, by, { action: 'department.update', targetType: 'department', targetId: id, details: { name, parentId } });
        return ok(d);
      });
    },

    async remove(tenantId: number, id: number, by: Principal): Promise<Result<void, DepartmentRemoveFailure>> {
      return deps.db.txResult(async (q): Promise<Result<void, DepartmentRemoveFailure>> => {
        await repo.lockTree(q, tenantId);
        const u = await repo.departmentUsage(q, tenantId, id);
        if (inUse(u)) {
          return fail(
            ErrorCode.invalid_state,
            `this department still has ${u.children} sub-department(s), ${u.staff} staff member(s) and ${u.promos} promo code(s)`,
            { ...u },
          );
        }
        if (!(await repo.deleteDepartment(q, tenantId, id))) return fail(ErrorCode.not_found, 'department not found');
        await audit(q, tenantId, by, { action: 'department.delete', targetType: 'department', targetId: id });
        return ok(undefined);
      });
    },
  };
}

export type DepartmentService = ReturnType<typeof departmentService>;
