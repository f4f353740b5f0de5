// Idempotency keys survive a crash between the work's commit and the stored
// answer: the key is marked inside the work's own transaction, so a retry is
// never run twice; a key whose attempt died before committing is taken over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { IdempotencyKeyLost, keyDigest, STALE_SEC, withCommitScope } from '../../../src/contexts/platform/idempotency.ts';

let rt: TestRuntime;
let t: TenantFixture;

beforeAll(async () => {
  rt = await openTestRuntime();
  t = await rt.db.query('CREATE TABLE IF NOT EXISTS idem_probe (n int)').then(() => makeTenant(rt.services, rt.app));
});
afterAll(async () => rt?.close());

const idem = () => rt.services.idempotency;
const probeRows = async () => (await rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM idem_probe')).rows[0]!.n;

/** One attempt's work: a write in a transaction, inside the attempt's commit scope. */
const work = (key: string, attempt: string) =>
  withCommitScope(async () => {
    idem().arm(idem().currentScope(), t.tenantId, 'p', key, attempt);
    await rt.services.deps.db.tx(async (q) => {
      await q.query('INSERT INTO idem_probe (n) VALUES (1)');
    });
  });

describe('idempotency keys across a crash', () => {
  it('a key whose work committed but whose answer was lost is never run again', async () => {
    const before = await probeRows();
    const first = await idem().begin(t.tenantId, 'p', 'k-committed', 'h');
    expect(first.state).toBe('new');
    await work('k-committed', (first as { attempt: string }).attempt);
    // The process "dies" here: no complete(). Even long after, a retry must not run the work.
    await rt.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '1 hour' WHERE key = $1`, [keyDigest('k-committed')]);
    expect((await idem().begin(t.tenantId, 'p', 'k-committed', 'h')).state).toBe('committed_unanswered');
    expect(await probeRows()).toBe(before + 1);
  });

  it('a stale key with nothing committed is taken over, and the dead attempt can no longer commit', async () => {
    const before = await probeRows();
    const a = await idem().begin(t.tenantId, 'p', 'k-stale', 'h');
    expect(a.state).toBe('new');
    // Young: still in flight.
    expect((await idem().begin(t.tenantId, 'p', 'k-stale', 'h')).state).toBe('in_flight');
    await rt.db.query(`UPDATE idempotency_keys SET created_at = now() - make_interval(secs => $1) WHERE key = $2`, [
      STALE_SEC + 5,
      keyDigest('k-stale'),
    ]);
    const b = await idem().begin(t.tenantId, 'p', 'k-stale', 'h');
    expect(b.state).toBe('new');
    await expect(work('k-stale', (a as { attempt: string }).attempt)).rejects.toBeInstanceOf(IdempotencyKeyLost);
    expect(await probeRows()).toBe(before);
    await work('k-stale', (b as { attempt: string }).attempt);
    expect(await probeRows()).toBe(before + 1);
  });

  it('over HTTP: a claim whose answer was lost answers 409 on retry and issues nothing more', async () => {
    const tpl = await makeTemplate(rt.app, t);
    const u = await makeUser(rt.services, t.tenantId);
    const headers = { ...t.auth, 'idempotency-key': 'claim-lost-answer' };
    const first = await rt.app.inject({
      method: 'POST',
      url: `/api/v1/coupon-templates/${tpl.id}/claims`,
      headers,
      payload: { userId: u.id },
    });
    expect(first.statusCode).toBe(201);
    const marked = await rt.db.query<{ committed: boolean }>(`SELECT committed FROM idempotency_keys WHERE key = $1`, [
      keyDigest('claim-lost-answer'),
    ]);
    expect(marked.rows[0]?.committed).toBe(true);
    // Simulate the crash after commit: the stored answer is gone.
    await rt.db.query(`UPDATE idempotency_keys SET status_code = NULL, response_sealed = NULL WHERE key = $1`, [
      keyDigest('claim-lost-answer'),
    ]);
    const retry = await rt.app.inject({
      method: 'POST',
      url: `/api/v1/coupon-templates/${tpl.id}/claims`,
      headers,
      payload: { userId: u.id },
    });
    expect(retry.statusCode).toBe(409);
    expect(retry.json().detail).toMatch(/answer was lost/);
    const mine = await rt.app.inject({ method: 'GET', url: `/api/v1/coupons?ownerId=${u.id}`, headers: t.auth });
    expect(mine.json().total).toBe(1);
  });

  it('claims batched into one transaction each mark their own key', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 100 });
    const users = await Promise.all(Array.from({ length: 20 }, () => makeUser(rt.services, t.tenantId)));
    const replies = await Promise.all(
      users.map((u, i) =>
        rt.app.inject({
          method: 'POST',
          url: `/api/v1/coupon-templates/${tpl.id}/claims`,
          headers: { ...t.auth, 'idempotency-key': `batched-${tpl.id}-${i}` },
          payload: { userId: u.id },
        }),
      ),
    );
    expect(replies.map((r) => r.statusCode)).toEqual(users.map(() => 201));
    const keys = await rt.db.query<{ committed: boolean; status_code: number }>(
      `SELECT committed, status_code FROM idempotency_keys WHERE key = ANY($1::text[])`,
      [users.map((_u, i) => keyDigest(`batched-${tpl.id}-${i}`))],
    );
    expect(keys.rows).toHaveLength(20);
    expect(keys.rows.every((k) => k.committed && k.status_code === 201)).toBe(true);
  });
});

describe('background work started by a keyed request', () => {
  it('a code batch created with an Idempotency-Key still generates all its codes', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 1000 });
    const r = await rt.app.inject({
      method: 'POST',
      url: `/api/v1/coupon-templates/${tpl.id}/code-batches`,
      headers: { ...t.auth, 'idempotency-key': `batch-${tpl.id}` },
      payload: { count: 300, length: 10 },
    });
    expect(r.statusCode).toBe(202);
    await rt.services.codeBatches.wait(r.json().id);
    const b = (await rt.app.inject({ method: 'GET', url: `/api/v1/code-batches/${r.json().id}`, headers: t.auth })).json();
    expect(b).toMatchObject({ state: 'done', generated: 300, count: 300 });
  });
});
