// Stores of a tenant: create, change, list, read.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { STORE_OPTIONAL_FIELDS, type Store, type StoreInput, type StoreOptionalField } from './domain/store.ts';
import { cleanOptional } from './domain/text.ts';
import type { StoreCreateFailure, StoreUpdateFailure } from './errors.ts';
import * as repo from './repo/stores.repo.ts';

export function storeService(deps: Deps) {
  const now = () => deps.now?.() ?? new Date();
  return {
    async create(tenantId: number, input: StoreInput, by: Principal): Promise<Result<Store, StoreCreateFailure>> {
      if (!input.name?.trim()) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      return deps.db.txResult(async (q): Promise<Result<Store, StoreCreateFailure>> => {
        const store = await repo.insertStore(q, tenantId, { ...input, name: input.name.trim() });
        await audit(q, tenantId, by, { action: 'store.create', targetType: 'store', targetId: store.id });
        return ok(store);
      });
    },

    /** Changes a store's name, address, area, phone or contact ('' or null clears an optional field). */
    async update(tenantId: number, id: number, patch: Partial<StoreInput>, by: Principal): Promise<Result<Store, StoreUpdateFailure>> {
      if (patch.name !== undefined && !patch.name?.trim()) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      return deps.db.txResult(async (q): Promise<Result<Store, StoreUpdateFailure>> => {
        if (!(await repo.lockStore(q, tenantId, id))) return fail(ErrorCode.not_found, 'store not found');
        const fields: Record<StoreOptionalField, string | null | undefined> = {
          address: cleanOptional(patch.address),
          area: cleanOptional(patch.area),
          phone: cleanOptional(patch.phone),
          linkman: cleanOptional(patch.linkman),
        };
        const store = await repo.updateStore(q, tenantId, id, patch.name?.trim() ?? null, fields, now());
        const changed: Record<string, unknown> = {};
        if (patch.name !== undefined) changed.name = patch.name.trim();
        for (const f of STORE_OPTIONAL_FIELDS) if (fields[f] !== undefined) changed[f] = fields[f];
        await audit(q, tenantId, by, { action: 'store.update', targetType: 'store', targetId: id, details: changed });
        return ok(store);
      });
    },

    list: (tenantId: number, opts: { name?: string; limit: number; offset: number }): Promise<{ items: Store[]; total: number }> =>
      repo.listStores(deps.db, tenantId, opts),

    get: (tenantId: number, id: number): Promise<Store | null> => repo.storeById(deps.db, tenantId, id),
  };
}

export type StoreService = ReturnType<typeof storeService>;
