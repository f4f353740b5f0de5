// deprecated: removed once every context uses db.txResult. Identity no longer
// uses it; it is exported from index.ts only for the contexts still being cut.
import type { Result } from '../../kernel/result.ts';

/** Carries an expected failure out of a transaction so it rolls back. */
export class RollbackWith extends Error {
  constructor(readonly result: Result<unknown>) {
    super('rollback');
  }
}
