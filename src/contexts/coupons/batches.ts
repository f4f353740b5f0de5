// Code batches: N unique codes of a template (optionally with 卡密 passwords),
// generated in the background with progress, exported once with passwords.
import crypto from 'node:crypto';
import { commitScope } from '../../db/commit-scope.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit } from '../platform/index.ts';
import {
  exchangePasswordDigest,
  generateCodes,
  generatePassword,
  keySpace,
  MAX_KEY_SPACE_SHARE,
  type CodeOptions,
} from './domain/codes.ts';
import type { BatchCode } from './errors.ts';
import { takeBatchStock, templateWindow } from './repo/templates.repo.ts';
import * as repo from './repo/batches.repo.ts';

export type { CodeBatch } from './repo/batches.repo.ts';

export interface BatchInput {
  count: number;
  pattern?: string;
  prefix?: string;
  postfix?: string;
  charset?: string;
  length?: number;
  withPassword?: boolean;
}

const CHUNK = 25_000;
const PARALLEL = 2;
const STALE_SEC = 60;

function optionsOf(input: BatchInput): CodeOptions {
  return {
    count: input.count,
    ...(input.pattern ? { pattern: input.pattern } : {}),
    ...(input.prefix ? { prefix: input.prefix } : {}),
    ...(input.postfix ? { postfix: input.postfix } : {}),
    ...(input.charset ? { charset: input.charset } : {}),
    length: input.length ?? (input.pattern ? undefined : 12),
  };
}

/** One chunk of fresh codes (and passwords); clashes with earlier chunks or other batches are made up by later chunks. */
async function insertChunk(
  deps: Deps,
  b: repo.BatchJob,
  window: { validFrom: Date | null; validTo: Date | null },
  n: number,
): Promise<number> {
  const codes = generateCodes({ ...b.options, count: n });
  if (!codes.ok) throw new Error(codes.error.message);
  const passwords = b.withPassword ? codes.value.map(() => generatePassword(8)) : null;
  const hashes = passwords ? codes.value.map((c, i) => exchangePasswordDigest(b.passwordSalt!, c, passwords[i]!)) : null;
  const none = codes.value.map(() => null);
  return deps.db.tx((q) =>
    repo.insertBatchCodes(q, b, { codes: codes.value, hashes: hashes ?? none, passwords: passwords ?? none, ...window }),
  );
}

/** Generates a batch's missing codes, chunk by chunk; marks it done or failed. */
async function generate(deps: Deps, batchId: number): Promise<void> {
  const b = await repo.claimBatchJob(deps.db, batchId, STALE_SEC);
  if (!b) return; // another process has it
  try {
    const window = await templateWindow(deps.db, b.templateId);
    let generated = b.generated;
    let stuck = 0;
    // Two chunks in flight (on PostgreSQL they use two connections), never
    // asking for more than is still missing.
    while (generated < b.count) {
      const wave: Promise<number>[] = [];
      for (let left = b.count - generated; left > 0 && wave.length < PARALLEL; left -= CHUNK)
        wave.push(insertChunk(deps, b, window, Math.min(CHUNK, left)));
      const got = (await Promise.all(wave)).reduce((a, x) => a + x, 0);
      generated += got;
      stuck = got === 0 ? stuck + 1 : 0;
      if (stuck >= 5) throw new Error('the code pattern has run out of free codes');
      // Let request handling run between chunks.
      await new Promise((res) => setImmediate(res));
    }
    await repo.finishBatch(deps.db, b.id);
  } catch (e) {
    deps.log.error({ err: e, batchId }, 'code batch failed');
    await repo.failBatch(deps.db, batchId, (e as Error).message);
  }
}

export function codeBatchService(deps: Deps) {
  const running = new Map<number, Promise<void>>();

  function start(batchId: number): Promise<void> {
    const existing = running.get(batchId);
    if (existing) return existing;
    const p = generate(deps, batchId).finally(() => running.delete(batchId));
    running.set(batchId, p);
    return p;
  }

  async function create(
    tenantId: number,
    templateId: number,
    input: BatchInput,
    by: Principal,
  ): Promise<Result<repo.CodeBatch, BatchCode>> {
    const options = optionsOf(input);
    // Validates the options and the 10 %-of-key-space rule before anything is stored.
    const space = keySpace(options);
    if (!space.ok) return space;
    if (input.count > space.value * MAX_KEY_SPACE_SHARE) {
      return fail(
        ErrorCode.invalid_input,
        `count: only ${space.value} codes of this shape exist (key space); a batch may use at most 10 % of them`,
        { field: 'count' },
      );
    }
    const batch = await deps.db.txResult(async (q): Promise<Result<repo.CodeBatch, BatchCode>> => {
      const stock = await takeBatchStock(q, tenantId, templateId, input.count);
      if (!stock.taken) {
        if (!stock.found) return fail(ErrorCode.not_found, 'coupon template not found');
        if (stock.found.state === 'ended' || stock.found.state === 'voided')
          return fail(ErrorCode.invalid_state, `the template is ${stock.found.state}`);
        return fail(ErrorCode.sold_out, `only ${stock.found.left} coupons are left in the template's stock`);
      }
      const b = await repo.insertBatch(q, tenantId, {
        templateId,
        count: input.count,
        options,
        withPassword: !!input.withPassword,
        passwordSalt: input.withPassword ? crypto.randomBytes(16).toString('hex') : null,
        staffId: by.kind === 'staff' ? by.staffId : null,
      });
      await audit(q, tenantId, by, {
        action: 'code_batch.create',
        targetType: 'code_batch',
        targetId: b.id,
        details: { templateId, count: input.count },
      });
      return ok(b);
    });
    // The generation outlives the request: it must not run inside the request's commit scope.
    if (batch.ok) commitScope.exit(() => void start(batch.value.id));
    return batch;
  }

  /**
   * The batch as CSV. Passwords appear in the first export only; the clear
   * copies are erased in the same transaction that hands them out.
   */
  async function exportCsv(
    tenantId: number,
    id: number,
    by: Principal,
  ): Promise<Result<{ csv: string; withPasswords: boolean }, 'not_found' | 'invalid_state'>> {
    return deps.db.txResult(async (q) => {
      const b = await repo.getBatch(q, tenantId, id);
      if (!b) return fail(ErrorCode.not_found, 'code batch not found');
      if (b.state !== 'done')
        return fail(ErrorCode.invalid_state, `the batch is ${b.state} (${b.generated}/${b.count}); export it when done`);
      const withPasswords = b.withPassword ? await repo.markExported(q, id) : false;
      const lines = [withPasswords ? 'code,password' : 'code'];
      for (const r of await repo.batchCodes(q, id)) lines.push(withPasswords ? `${r.code},${r.password ?? ''}` : r.code);
      if (withPasswords) await repo.erasePasswords(q, id);
      await audit(q, tenantId, by, { action: 'code_batch.export', targetType: 'code_batch', targetId: id, details: { withPasswords } });
      return ok({ csv: lines.join('\n') + '\n', withPasswords });
    });
  }

  return {
    create,
    /** Waits for a batch started by this process (tests, CLI). */
    wait: (id: number) => running.get(id) ?? Promise.resolve(),
    /** Picks up batches left queued or abandoned by a stopped process. */
    async resumeAbandoned(): Promise<number> {
      const ids = await repo.abandonedBatchIds(deps.db, STALE_SEC);
      for (const id of ids) void start(id);
      return ids.length;
    },
    get: (tenantId: number, id: number) => repo.getBatch(deps.db, tenantId, id),
    list: (tenantId: number, f: { templateId?: number; limit: number; offset: number }) => repo.listBatches(deps.db, tenantId, f),
    exportCsv,
  };
}

export type CodeBatchService = ReturnType<typeof codeBatchService>;
