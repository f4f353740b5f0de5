// Code batches: N unique codes of a template (optionally with 卡密 passwords),
// generated in the background with progress, exported once with passwords.
//
// Generating a batch is a job ('coupons.code_batch', queued in the transaction
// that creates the batch, one live job per batch by its singleton key): the
// process that created it runs it at once, and should that process stop, the
// job's lease runs out and another process resumes it from the codes already
// made. Each chunk commits only while its process holds the job (fenced by
// holdsLease in the chunk's transaction), so two processes never generate the
// same batch at once.
import crypto from 'node:crypto';
import { commitScope } from '../../db/commit-scope.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';
import { audit, type JobContext, type JobOutcome, type JobRef, type JobService } from '../platform/index.ts';
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
export const CODE_BATCH_JOB = 'coupons.code_batch';

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

/**
 * One chunk of fresh codes (and passwords), committed only while this process
 * holds the batch's job; clashes with earlier chunks or other batches are made
 * up by later chunks. null: the job was taken back, nothing was written.
 */
async function insertChunk(
  deps: Deps,
  ctx: JobContext,
  b: repo.BatchJob,
  window: { validFrom: Date | null; validTo: Date | null },
  n: number,
): Promise<number | null> {
  const codes = generateCodes({ ...b.options, count: n });
  if (!codes.ok) throw new Error(codes.error.message);
  const passwords = b.withPassword ? codes.value.map(() => generatePassword(8)) : null;
  const hashes = passwords ? codes.value.map((c, i) => exchangePasswordDigest(b.passwordSalt!, c, passwords[i]!)) : null;
  const none = codes.value.map(() => null);
  const r = await deps.db.txResult(async (q): Promise<Result<number, 'conflict'>> => {
    if (!(await ctx.holdsLease(q))) return fail(ErrorCode.conflict, 'the batch job was taken back');
    return ok(await repo.insertBatchCodes(q, b, { codes: codes.value, hashes: hashes ?? none, passwords: passwords ?? none, ...window }));
  });
  return r.ok ? r.value : null;
}

/** The job: generates a batch's missing codes, chunk by chunk; marks it done or failed. */
async function generate(deps: Deps, ctx: JobContext): Promise<JobOutcome> {
  const batchId = Number(ctx.job.payload.batchId);
  const b = await repo.startBatchRun(deps.db, ctx.job.tenantId, batchId);
  if (!b) return; // done, failed or gone: nothing to make
  try {
    const window = await templateWindow(deps.db, b.templateId);
    let generated = b.generated;
    let stuck = 0;
    // Two chunks in flight (on PostgreSQL they use two connections), never
    // asking for more than is still missing.
    while (generated < b.count) {
      if (ctx.stopping()) return 'again'; // resumed by the next process from `generated`
      const wave: Promise<number | null>[] = [];
      for (let left = b.count - generated; left > 0 && wave.length < PARALLEL; left -= CHUNK)
        wave.push(insertChunk(deps, ctx, b, window, Math.min(CHUNK, left)));
      const got = await Promise.all(wave);
      if (got.includes(null)) return; // another process has the batch now
      const made = got.reduce<number>((a, x) => a + (x ?? 0), 0);
      generated += made;
      stuck = made === 0 ? stuck + 1 : 0;
      if (stuck >= 5) {
        await repo.failBatch(deps.db, batchId, 'the code pattern has run out of free codes');
        return;
      }
      // Let request handling run between chunks.
      await new Promise((res) => setImmediate(res));
    }
    await repo.finishBatch(deps.db, b.id);
  } catch (e) {
    deps.log.error({ err: e, batchId, attempt: ctx.job.attempts }, 'code batch attempt failed');
    // The job retries with backoff; the batch shows failed once no attempt is left.
    if (ctx.finalAttempt) await repo.failBatch(deps.db, batchId, (e as Error).message);
    throw e;
  }
}

export function codeBatchService(deps: Deps, jobs: JobService) {
  jobs.register({ kind: CODE_BATCH_JOB, maxAttempts: 5, run: (ctx) => generate(deps, ctx) });
  const running = new Map<number, Promise<unknown>>();

  /** Runs the batch's job in this process now (it was just queued); another process's worker takes it should this one stop. */
  function start(batchId: number, job: JobRef): Promise<unknown> {
    const existing = running.get(batchId);
    if (existing) return existing;
    const p = jobs.runNow(job).finally(() => running.delete(batchId));
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
    const made = await deps.db.txResult(async (q): Promise<Result<{ batch: repo.CodeBatch; job: JobRef | null }, BatchCode>> => {
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
      // Queued with the batch: a batch never exists without the work that makes it.
      const job = await jobs.enqueue({ tenantId, kind: CODE_BATCH_JOB, payload: { batchId: b.id }, singletonKey: `batch:${b.id}` }, q);
      return ok({ batch: b, job });
    });
    if (!made.ok) return made;
    const { batch, job } = made.value;
    // The generation outlives the request: it must not run inside the request's commit scope.
    if (job) commitScope.exit(() => void start(batch.id, job));
    return ok(batch);
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
    wait: async (id: number): Promise<void> => {
      await running.get(id);
    },
    get: (tenantId: number, id: number) => repo.getBatch(deps.db, tenantId, id),
    list: (tenantId: number, f: { templateId?: number; limit: number; offset: number }) => repo.listBatches(deps.db, tenantId, f),
    exportCsv,
  };
}

export type CodeBatchService = ReturnType<typeof codeBatchService>;
