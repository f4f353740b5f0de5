// Use-cases of user levels and the prices to buy them.
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { pgErrorCode, PgCode } from '../../db/store.ts';
import { audit } from '../platform/index.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { FULL_REBATE, isRebate, type Level, type LevelInput, type LevelPrice, type LevelWithPrices } from './domain/content.ts';
import * as repo from './repo/levels.repo.ts';

export function levelUseCases(deps: Deps) {
  return {
    /** A level and its prices, in one transaction; a second level with the same number is a conflict. */
    async addLevel(tenantId: number, input: LevelInput, by: Principal): Promise<Result<LevelWithPrices, 'invalid_input' | 'conflict'>> {
      if (!input.name?.trim()) return fail(ErrorCode.invalid_input, 'name is required', { field: 'name' });
      if (!Number.isInteger(input.level) || input.level < 0)
        return fail(ErrorCode.invalid_input, 'level must be a whole number ≥ 0', { field: 'level' });
      const rebate = input.rebate ?? FULL_REBATE;
      if (!isRebate(rebate)) return fail(ErrorCode.invalid_input, 'rebate must be 1-10000 basis points', { field: 'rebate' });
      try {
        return await deps.db.txResult(async (q) => {
          const level = await repo.insertLevel(q, tenantId, {
            name: input.name.trim(),
            level: input.level,
            upgradeAmount: input.upgradeAmount ?? 0,
            rebate,
            remark: input.remark ?? null,
          });
          const prices: LevelPrice[] = [];
          for (const p of input.prices ?? [])
            prices.push(
              await repo.insertLevelPrice(q, tenantId, { levelId: level.id, duration: p.duration, unit: p.unit ?? 0, price: p.price }),
            );
          await audit(q, tenantId, by, { action: 'level.create', targetType: 'level', targetId: level.id });
          return ok({ ...level, prices });
        });
      } catch (e) {
        if (pgErrorCode(e) === PgCode.uniqueViolation) return fail(ErrorCode.conflict, `level ${input.level} already exists`);
        throw e;
      }
    },

    levels: (tenantId: number, f: { limit: number; offset: number }): Promise<{ items: Level[]; total: number }> =>
      repo.listLevels(deps.db, tenantId, f),

    /** One level with its prices (shortest duration first). */
    level: (tenantId: number, id: number): Promise<LevelWithPrices | null> => repo.findLevel(deps.db, tenantId, id),
  };
}
