// quan_claim_batch (migration 011) on a real store: a winner whose code collides
// keeps the stock and limit it took and is reported so the caller retries with
// a new code; the retry writes the coupon, its history and audit once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

let rt: TestRuntime;
let t: TenantFixture;
beforeAll(async () => {
  rt = await openTestRuntime();
  t = await makeTenant(rt.services, rt.app);
});
afterAll(async () => rt?.close());

describe('quan_claim_batch', () => {
  it('reports a collided code as code_taken, and quan_issue_claim_coupons then issues it once', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 10, perUserLimit: 1 });
    const [a, b] = [await makeUser(rt.services, t.tenantId), await makeUser(rt.services, t.tenantId)];
    const taken = await rt.services.coupons.grant(t.tenantId, { templateId: tpl.id, userId: a.id, quantity: 1 }, {
      kind: 'api_key',
      tenantId: t.tenantId,
      apiKeyId: 0,
    } as never);
    if (!taken.ok) throw new Error(taken.error.message);
    const usedCode = taken.value[0]!.code;
    const at = new Date();
    await rt.services.deps.db.tx(async (q) => {
      const r = await q.query<{ claimant: number; result: string; new_coupon: number | null }>(
        'SELECT * FROM quan_claim_batch($1, $2, $3::bigint[], $4::text[], $5::bigint[], $6::boolean[], $7, $8, $9, $10)',
        [t.tenantId, tpl.id, [a.id, b.id], [usedCode, 'FRESHCODE0001'], [null, null], [false, false], 1, at, null, at],
      );
      const by = Object.fromEntries(r.rows.map((x) => [x.claimant, x.result]));
      expect(by).toEqual({ [a.id]: 'code_taken', [b.id]: 'issued' });
      const retry = await q.query<{ claimant: number; new_coupon: number | null }>(
        'SELECT * FROM quan_issue_claim_coupons($1, $2, $3::bigint[], $4::text[], $5::bigint[], $6::boolean[], $7, $8, $9)',
        [t.tenantId, tpl.id, [a.id], ['FRESHCODE0002'], [null], [false], at, null, at],
      );
      expect(retry.rows).toEqual([{ claimant: a.id, new_coupon: expect.any(Number), issued_at: expect.any(Date) }]);
    });
    const stats = await rt.services.templates.stats(t.tenantId, tpl.id);
    expect(stats.ok && stats.value.issued).toBe(3);
    const events = await rt.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM coupon_events e JOIN coupons c ON c.id = e.coupon_id WHERE c.code IN ('FRESHCODE0001', 'FRESHCODE0002') AND e.kind = 'issued'`,
    );
    expect(events.rows[0]!.n).toBe(2);
  });
});
