// Use-cases of the category tree: create (under an existing parent) and list.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { categoryLevels, type Category, type CategoryInput } from './domain/catalogue.ts';
import * as categories from './repo/categories.repo.ts';

export function categoryUseCases(deps: Deps) {
  return {
    async createCategory(tenantId: number, input: CategoryInput, by: Principal): Promise<Result<Category, 'invalid_input' | 'not_found'>> {
      const name = input.name?.trim();
      if (!name) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      return deps.db.txResult(async (q) => {
        let level = 1;
        if (input.parentId != null) {
          const depth = await categories.categoryDepth(q, tenantId, input.parentId);
          if (!depth) return fail(ErrorCode.not_found, 'parent category not found', { field: 'parentId' });
          level = depth + 1;
        }
        const c = await categories.insertCategory(q, tenantId, {
          parentId: input.parentId ?? null,
          name,
          icon: input.icon ?? null,
          sort: input.sort ?? 0,
          level,
        });
        await audit(q, tenantId, by, { action: 'category.create', targetType: 'category', targetId: c.id });
        return ok(c);
      });
    },

    listCategories: (tenantId: number): Promise<Category[]> => categories.listCategories(deps.db, tenantId, categoryLevels),
  };
}
