// One claim batcher per process: a template's claims through the apifm
// dialect (/{domain}/discounts/fetch, the consumer claiming) and through the
// native API (POST /coupon-templates/{id}/claims, staff claiming for a user),
// sent together, are batched by the same batcher: one batch holds both.
// (Were there a batcher per dialect, no batch could hold both.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTemplate, makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { apifm, registerUser } from '../../http/apifm/helpers.ts';
import type { BatchReport } from '../../../src/contexts/coupons/index.ts';

let rt: TestRuntime;
let t: TenantFixture;
beforeAll(async () => {
  // A gathering window: the two paths take a different number of store round trips before they
  // reach the batcher, so without one which batch each lands in is a matter of timing.
  rt = await openTestRuntime({ claimBatchGatherMs: 250 });
  t = await makeTenant(rt.services, rt.app);
});
afterAll(async () => rt?.close());

const PER_PATH = 6;

describe('the claim batcher', () => {
  it('batches claims from the apifm and the native dialect together', async () => {
    const tpl = await makeTemplate(rt.app, t, { stock: 1000, perUserLimit: 1 });
    const call = apifm(rt.app, t.slug);
    const batches: BatchReport[] = [];
    const stop = rt.services.claimBatches.observe((b) => batches.push(b));
    const before = rt.services.claimBatches.stats();
    let mixed: BatchReport | undefined;
    let sent = 0;
    // Each round: fresh users, both paths' requests all in flight at once.
    for (let round = 0; round < 8 && !mixed; round++) {
      const consumers = [];
      for (let i = 0; i < PER_PATH; i++) consumers.push(await registerUser(call, rt.services, t.tenantId));
      const users = [];
      for (let i = 0; i < PER_PATH; i++) users.push(await makeUser(rt.services, t.tenantId));
      // The store is held busy a moment while every request is sent, as under load: the
      // requests line up at it and reach the batcher together once it is free.
      let release!: () => void;
      const busy = rt.db.tx(() => new Promise<void>((r) => (release = r)));
      // The two paths take a different number of store round trips before they reach the
      // batcher; the rounds vary which is sent first and whether staff send an Idempotency-Key.
      const keyed = round % 2 === 1;
      const consumersFirst = round % 4 < 2;
      const fetches = consumers.map(
        (c) => () => call('/discounts/fetch', { token: c.token, id: tpl.id }).then((r) => expect(r.code).toBe(0)),
      );
      const claims = users.map(
        (u, i) => () =>
          rt.app
            .inject({
              method: 'POST',
              url: `/api/v1/coupon-templates/${tpl.id}/claims`,
              headers: { ...t.auth, ...(keyed ? { 'idempotency-key': `one-batcher-${round}-${i}` } : {}) },
              payload: { userId: u.id },
            })
            .then((r) => expect(r.statusCode).toBe(201)),
      );
      const requests = [...(consumersFirst ? [...fetches, ...claims] : [...claims, ...fetches])].map((send) => send());
      await new Promise((r) => setTimeout(r, 300));
      release();
      await busy;
      await Promise.all(requests);
      sent += requests.length;
      mixed = batches.find((b) => b.claimants.some((c) => c.by === 'consumer') && b.claimants.some((c) => c.by === 'staff'));
    }
    stop();
    expect(mixed, `batches seen: ${JSON.stringify(batches.map((b) => b.claimants.map((c) => c.by)))}`).toBeDefined();
    expect(mixed!.templateId).toBe(tpl.id);
    // Every claim of both paths went through this one batcher.
    expect(batches.reduce((n, b) => n + b.size, 0)).toBe(sent);
    const after = rt.services.claimBatches.stats();
    expect(after.claims - before.claims).toBe(sent);
    expect(after.batches - before.batches).toBe(batches.length);
    expect(after.batches - before.batches).toBeLessThan(sent);
    expect(must(await rt.services.templates.stats(t.tenantId, tpl.id))).toMatchObject({ issued: sent });
  });
});

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
