// code_batches and the batch's coupons (codes with their 卡密): generation
// chunks, progress, the one-time export of passwords.
import type { Queryable } from '../../../db/store.ts';
import type { Row } from '../../../db/rows.ts';
import type { CodeOptions } from '../domain/codes.ts';

export const BATCH_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

export interface CodeBatch {
  id: number;
  templateId: number;
  count: number;
  generated: number;
  state: BatchState;
  withPassword: boolean;
  passwordsExported: boolean;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** A batch with what generating it needs (never leaves the context). */
export interface BatchJob extends CodeBatch {
  tenantId: number;
  options: CodeOptions;
  passwordSalt: string | null;
}

type BatchRow = Row<'code_batches'>;

function stateOf(s: string): BatchState {
  if (!(BATCH_STATES as readonly string[]).includes(s)) throw new Error(`unknown code batch state "${s}"`);
  return s as BatchState;
}

const toBatch = (r: BatchRow): CodeBatch => ({
  id: r.id,
  templateId: r.template_id,
  count: r.count,
  generated: r.generated,
  state: stateOf(r.state),
  withPassword: r.with_password,
  passwordsExported: r.exported_at !== null,
  error: r.error,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

const toJob = (r: BatchRow): BatchJob => ({
  ...toBatch(r),
  tenantId: r.tenant_id,
  options: r.options as unknown as CodeOptions,
  passwordSalt: r.password_salt,
});

/**
 * Starts (or resumes) making a batch: queued, running (a stopped process's)
 * or failed (its dead-lettered job retried by hand) → running; null when it is
 * done or not there. Only the holder of the batch's job calls this, so it
 * needs no claim of its own.
 */
export async function startBatchRun(q: Queryable, tenantId: number, batchId: number): Promise<BatchJob | null> {
  const started = await q.query<BatchRow>(
    `UPDATE code_batches SET state = 'running', error = NULL, finished_at = NULL, updated_at = now()
     WHERE tenant_id = $1 AND id = $2 AND state IN ('queued', 'running', 'failed') RETURNING *`,
    [tenantId, batchId],
  );
  return started.rows[0] ? toJob(started.rows[0]) : null;
}

export interface CodeChunk {
  codes: string[];
  hashes: Array<string | null>;
  passwords: Array<string | null>;
  validFrom: Date | null;
  validTo: Date | null;
}

/** Inserts one chunk of a batch's codes (clashes skipped) and counts them; returns how many went in. */
export async function insertBatchCodes(q: Queryable, b: BatchJob, chunk: CodeChunk): Promise<number> {
  const ins = await q.query(
    `INSERT INTO coupons (tenant_id, template_id, code, source, batch_id, password_hash, password_plain, valid_from, valid_to)
     SELECT $1, $2, x.code, 'batch', $3, x.hash, x.pw, $7, $8
     FROM unnest($4::text[], $5::text[], $6::text[]) AS x(code, hash, pw)
     ON CONFLICT (tenant_id, code) DO NOTHING`,
    [b.tenantId, b.templateId, b.id, chunk.codes, chunk.hashes, chunk.passwords, chunk.validFrom, chunk.validTo],
  );
  await q.query('UPDATE code_batches SET generated = generated + $2, updated_at = now() WHERE id = $1', [b.id, ins.rowCount]);
  return ins.rowCount ?? 0;
}

export async function finishBatch(q: Queryable, batchId: number): Promise<void> {
  await q.query(`UPDATE code_batches SET state = 'done', finished_at = now(), updated_at = now() WHERE id = $1`, [batchId]);
}

export async function failBatch(q: Queryable, batchId: number, error: string): Promise<void> {
  await q.query(`UPDATE code_batches SET state = 'failed', error = $2, finished_at = now() WHERE id = $1`, [batchId, error]);
}

export interface NewBatch {
  templateId: number;
  count: number;
  options: CodeOptions;
  withPassword: boolean;
  passwordSalt: string | null;
  staffId: number | null;
}

export async function insertBatch(q: Queryable, tenantId: number, b: NewBatch): Promise<CodeBatch> {
  const r = await q.query<BatchRow>(
    `INSERT INTO code_batches (tenant_id, template_id, count, options, with_password, password_salt, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [tenantId, b.templateId, b.count, JSON.stringify(b.options), b.withPassword, b.passwordSalt, b.staffId],
  );
  return toBatch(r.rows[0]!);
}

export async function getBatch(q: Queryable, tenantId: number, id: number): Promise<CodeBatch | null> {
  const r = await q.query<BatchRow>('SELECT * FROM code_batches WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
  return r.rows[0] ? toBatch(r.rows[0]) : null;
}

export async function listBatches(q: Queryable, tenantId: number, f: { templateId?: number; limit: number; offset: number }) {
  const r = await q.query<BatchRow & { total: number }>(
    `SELECT *, count(*) OVER ()::int AS total FROM code_batches WHERE tenant_id = $1 AND ($2::bigint IS NULL OR template_id = $2)
     ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [tenantId, f.templateId ?? null, f.limit, f.offset],
  );
  return { items: r.rows.map(toBatch), total: r.rows[0]?.total ?? 0 };
}

/** Marks the first export; true only for the call that did (passwords go out once). */
export async function markExported(q: Queryable, id: number): Promise<boolean> {
  const first = await q.query('UPDATE code_batches SET exported_at = now() WHERE id = $1 AND exported_at IS NULL', [id]);
  return first.rowCount === 1;
}

export async function batchCodes(q: Queryable, id: number): Promise<Array<{ code: string; password: string | null }>> {
  const rows = await q.query<{ code: string; password_plain: string | null }>(
    'SELECT code, password_plain FROM coupons WHERE batch_id = $1 ORDER BY id',
    [id],
  );
  return rows.rows.map((r) => ({ code: r.code, password: r.password_plain }));
}

/** The clear passwords are erased in the transaction that hands them out. */
export async function erasePasswords(q: Queryable, id: number): Promise<void> {
  await q.query('UPDATE coupons SET password_plain = NULL WHERE batch_id = $1', [id]);
}
