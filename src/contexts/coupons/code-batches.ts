// Code batches: N unique codes of a template (optionally with 卡密 passwords),
// generated in the background with progress, exported once with passwords.
import { commitScope } from '../../db/commit-scope.ts';
import crypto from 'node:crypto';
import { generateCodes, generatePassword, keySpace, MAX_KEY_SPACE_SHARE, type CodeOptions } from './domain/codes.ts';
import { ErrorCode, fail, ok, type Result } from '../../kernel/result.ts';
import { audit } from '../platform/index.ts';
import { exchangePasswordDigest } from './coupons.ts';
import type { Deps, Principal } from '../../kernel/deps.ts';

export interface BatchInput {
  count: number;
  pattern?: string;
  prefix?: string;
  postfix?: string;
  charset?: string;
  length?: number;
  withPassword?: boolean;
}

export interface CodeBatch {
  id: number;
  templateId: number;
  count: number;
  generated: number;
  state: 'queued' | 'running' | 'done' | 'failed';
  withPassword: boolean;
  passwordsExported: boolean;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

interface BatchRow {
  id: number;
  tenant_id: number;
  template_id: number;
  count: number;
  generated: number;
  state: CodeBatch['state'];
  options: CodeOptions;
  with_password: boolean;
  password_salt: string | null;
  exported_at: Date | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const toBatch = (r: BatchRow): CodeBatch => ({
  id: r.id,
  templateId: r.template_id,
  count: r.count,
  generated: r.generated,
  state: r.state,
  withPassword: r.with_password,
  passwordsExported: r.exported_at !== null,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

const CHUNK = 25_000;
const PARALLEL = 2;
const STALE_SEC = 60;

export function codeBatchService(deps: Deps) {
  const running = new Map<number, Promise<void>>();

  async function generate(batchId: number): Promise<void> {
    const claimed = await deps.db.query<BatchRow>(
      `UPDATE code_batches SET state = 'running', updated_at = now()
       WHERE id = $1 AND (state = 'queued' OR (state = 'running' AND updated_at < now() - make_interval(secs => $2)))
       RETURNING *`,
      [batchId, STALE_SEC],
    );
    const b = claimed.rows[0];
    if (!b) return; // another process has it
    try {
      const tv = await deps.db.query<{ valid_from: Date | null; valid_to: Date | null }>('SELECT valid_from, valid_to FROM coupon_templates WHERE id = $1', [b.template_id]);
      const { valid_from: validFrom, valid_to: validTo } = tv.rows[0]!;
      let generated = b.generated;
      let stuck = 0;
      // Inserts one chunk; clashes with earlier chunks or other batches are
      // skipped and made up by later chunks.
      const insertChunk = async (n: number): Promise<number> => {
        const codes = generateCodes({ ...b.options, count: n });
        if (!codes.ok) throw new Error(codes.error.message);
        const passwords = b.with_password ? codes.value.map(() => generatePassword(8)) : null;
        const hashes = passwords ? codes.value.map((c: string, i: number) => exchangePasswordDigest(b.password_salt!, c, passwords[i]!)) : null;
        return deps.db.tx(async (q) => {
          const ins = await q.query(
            `INSERT INTO coupons (tenant_id, template_id, code, source, batch_id, password_hash, password_plain, valid_from, valid_to)
             SELECT $1, $2, x.code, 'batch', $3, x.hash, x.pw, $7, $8
             FROM unnest($4::text[], $5::text[], $6::text[]) AS x(code, hash, pw)
             ON CONFLICT (tenant_id, code) DO NOTHING`,
            [b.tenant_id, b.template_id, b.id, codes.value, hashes ?? codes.value.map(() => null), passwords ?? codes.value.map(() => null), validFrom, validTo],
          );
          await q.query('UPDATE code_batches SET generated = generated + $2, updated_at = now() WHERE id = $1', [b.id, ins.rowCount]);
          return ins.rowCount;
        });
      };
      // Two chunks in flight (on PostgreSQL they use two connections), never
      // asking for more than is still missing.
      while (generated < b.count) {
        const missing = b.count - generated;
        const wave: Promise<number>[] = [];
        for (let left = missing; left > 0 && wave.length < PARALLEL; left -= CHUNK) wave.push(insertChunk(Math.min(CHUNK, left)));
        const got = (await Promise.all(wave)).reduce((a, x) => a + x, 0);
        generated += got;
        stuck = got === 0 ? stuck + 1 : 0;
        if (stuck >= 5) throw new Error('the code pattern has run out of free codes');
        // Let request handling run between chunks.
        await new Promise((res) => setImmediate(res));
      }
      await deps.db.query(`UPDATE code_batches SET state = 'done', finished_at = now(), updated_at = now() WHERE id = $1`, [b.id]);
    } catch (e) {
      deps.log.error({ err: e, batchId }, 'code batch failed');
      await deps.db.query(`UPDATE code_batches SET state = 'failed', error = $2, finished_at = now() WHERE id = $1`, [batchId, (e as Error).message]);
    }
  }

  function start(batchId: number): Promise<void> {
    const existing = running.get(batchId);
    if (existing) return existing;
    const p = generate(batchId).finally(() => running.delete(batchId));
    running.set(batchId, p);
    return p;
  }

  return {
    async create(tenantId: number, templateId: number, input: BatchInput, by: Principal): Promise<Result<CodeBatch>> {
      const options: CodeOptions = {
        count: input.count,
        ...(input.pattern ? { pattern: input.pattern } : {}),
        ...(input.prefix ? { prefix: input.prefix } : {}),
        ...(input.postfix ? { postfix: input.postfix } : {}),
        ...(input.charset ? { charset: input.charset } : {}),
        length: input.length ?? (input.pattern ? undefined : 12),
      };
      // Validates the options and the 10 %-of-key-space rule before anything is stored.
      const space = keySpace(options);
      if (!space.ok) return space;
      if (input.count > space.value * MAX_KEY_SPACE_SHARE) {
        return fail(ErrorCode.invalid_input, `count: only ${space.value} codes of this shape exist (key space); a batch may use at most 10 % of them`, { field: 'count' });
      }
      const batch = await deps.db.tx(async (q) => {
        const t = await q.query<{ state: string }>(
          `UPDATE coupon_templates SET issued = issued + $3
           WHERE tenant_id = $1 AND id = $2 AND state NOT IN ('ended', 'voided') AND (stock IS NULL OR issued + $3 <= stock)
           RETURNING state`,
          [tenantId, templateId, input.count],
        );
        if (!t.rows[0]) {
          const exists = await q.query<{ state: string; left: number | null }>(
            'SELECT state, stock - issued AS left FROM coupon_templates WHERE tenant_id = $1 AND id = $2',
            [tenantId, templateId],
          );
          const row = exists.rows[0];
          if (!row) return fail(ErrorCode.not_found, 'coupon template not found');
          if (row.state === 'ended' || row.state === 'voided') return fail(ErrorCode.invalid_state, `the template is ${row.state}`);
          return fail(ErrorCode.sold_out, `only ${row.left} coupons are left in the template's stock`);
        }
        const r = await q.query<BatchRow>(
          `INSERT INTO code_batches (tenant_id, template_id, count, options, with_password, password_salt, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
          [tenantId, templateId, input.count, JSON.stringify(options), !!input.withPassword, input.withPassword ? crypto.randomBytes(16).toString('hex') : null, by.kind === 'staff' ? by.staffId : null],
        );
        await audit(q, tenantId, by, { action: 'code_batch.create', targetType: 'code_batch', targetId: r.rows[0]!.id, details: { templateId, count: input.count } });
        return ok(toBatch(r.rows[0]!));
      });
      // The generation outlives the request: it must not run inside the request's commit scope.
      if (batch.ok) commitScope.exit(() => void start(batch.value.id));
      return batch;
    },

    /** Waits for a batch started by this process (tests, CLI). */
    wait: (id: number) => running.get(id) ?? Promise.resolve(),

    /** Picks up batches left queued or abandoned by a stopped process. */
    async resumeAbandoned(): Promise<number> {
      const r = await deps.db.query<{ id: number }>(
        `SELECT id FROM code_batches WHERE state = 'queued' OR (state = 'running' AND updated_at < now() - make_interval(secs => $1))`,
        [STALE_SEC],
      );
      for (const { id } of r.rows) void start(id);
      return r.rows.length;
    },

    async get(tenantId: number, id: number): Promise<CodeBatch | null> {
      const r = await deps.db.query<BatchRow>('SELECT * FROM code_batches WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return r.rows[0] ? toBatch(r.rows[0]) : null;
    },

    async list(tenantId: number, f: { templateId?: number; limit: number; offset: number }) {
      const r = await deps.db.query<BatchRow & { total: number }>(
        `SELECT *, count(*) OVER ()::int AS total FROM code_batches WHERE tenant_id = $1 AND ($2::bigint IS NULL OR template_id = $2)
         ORDER BY id DESC LIMIT $3 OFFSET $4`,
        [tenantId, f.templateId ?? null, f.limit, f.offset],
      );
      return { items: r.rows.map(toBatch), total: r.rows[0]?.total ?? 0 };
    },

    /**
     * The batch as CSV. Passwords appear in the first export only; the clear
     * copies are erased in the same transaction that hands them out.
     */
    async exportCsv(tenantId: number, id: number, by: Principal): Promise<Result<{ csv: string; withPasswords: boolean }>> {
      return deps.db.tx(async (q) => {
        const b = (await q.query<BatchRow>('SELECT * FROM code_batches WHERE tenant_id = $1 AND id = $2', [tenantId, id])).rows[0];
        if (!b) return fail(ErrorCode.not_found, 'code batch not found');
        if (b.state !== 'done') return fail(ErrorCode.invalid_state, `the batch is ${b.state} (${b.generated}/${b.count}); export it when done`);
        let withPasswords = false;
        if (b.with_password) {
          const first = await q.query('UPDATE code_batches SET exported_at = now() WHERE id = $1 AND exported_at IS NULL', [id]);
          withPasswords = first.rowCount === 1;
        }
        const rows = await q.query<{ code: string; password_plain: string | null }>(
          'SELECT code, password_plain FROM coupons WHERE batch_id = $1 ORDER BY id',
          [id],
        );
        const lines = [withPasswords ? 'code,password' : 'code'];
        for (const r of rows.rows) lines.push(withPasswords ? `${r.code},${r.password_plain ?? ''}` : r.code);
        if (withPasswords) await q.query('UPDATE coupons SET password_plain = NULL WHERE batch_id = $1', [id]);
        await audit(q, tenantId, by, { action: 'code_batch.export', targetType: 'code_batch', targetId: id, details: { withPasswords } });
        return ok({ csv: lines.join('\n') + '\n', withPasswords });
      });
    },
  };
}

export type CodeBatchService = ReturnType<typeof codeBatchService>;
