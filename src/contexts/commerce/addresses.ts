// Use-cases of a consumer's shipping addresses; at most one default per user
// (setting a new default clears the old one in the same transaction).
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps } from '../../kernel/deps.ts';
import { addressProblem, becomesDefault, MAX_ADDRESSES, type Address, type AddressInput } from './domain/address.ts';
import * as repo from './repo/addresses.repo.ts';

export * from './domain/address.ts';

export interface AddressFilter {
  nameLike?: string | null;
  mobileLike?: string | null;
  limit: number;
  offset: number;
}

export function addressService(deps: Deps) {
  return {
    async add(tenantId: number, userId: number, input: AddressInput): Promise<Result<Address, 'invalid_input' | 'invalid_state'>> {
      const bad = addressProblem(input);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      return deps.db.txResult(async (q) => {
        const n = await repo.lockAndCount(q, tenantId, userId);
        if (n >= MAX_ADDRESSES) return fail(ErrorCode.invalid_state, `at most ${MAX_ADDRESSES} addresses`);
        const isDefault = becomesDefault(input, n);
        if (isDefault) await repo.clearDefault(q, tenantId, userId, null);
        return ok(await repo.insertAddress(q, tenantId, userId, input, isDefault));
      });
    },

    async update(
      tenantId: number,
      userId: number,
      id: number,
      input: AddressInput,
    ): Promise<Result<Address, 'invalid_input' | 'not_found'>> {
      const bad = addressProblem(input);
      if (bad) return fail(ErrorCode.invalid_input, bad);
      return deps.db.txResult(async (q) => {
        if (input.isDefault === true) await repo.clearDefault(q, tenantId, userId, id);
        const a = await repo.updateAddress(q, tenantId, userId, id, input);
        return a ? ok(a) : fail(ErrorCode.not_found, 'address not found');
      });
    },

    async remove(tenantId: number, userId: number, id: number): Promise<Result<void, 'not_found'>> {
      return (await repo.deleteAddress(deps.db, tenantId, userId, id)) ? ok(undefined) : fail(ErrorCode.not_found, 'address not found');
    },

    list: (tenantId: number, userId: number, f: AddressFilter): Promise<{ items: Address[]; total: number }> =>
      repo.listAddresses(deps.db, tenantId, userId, f),
    get: (tenantId: number, userId: number, id: number): Promise<Address | null> => repo.findAddress(deps.db, tenantId, userId, id),
    defaultOf: (tenantId: number, userId: number): Promise<Address | null> => repo.findDefault(deps.db, tenantId, userId),
  };
}

export type AddressService = ReturnType<typeof addressService>;
