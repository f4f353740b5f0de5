// Webhook delivery against a real local receiver, time given explicitly
// (deliverDue(now)): the signature checks out with the documented algorithm,
// failures retry on the backoff schedule for a day and then fail, an endpoint
// is disabled after N failed deliveries in a row, and redelivery sends again.
import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeTenant, makeUser, type TenantFixture } from '../../helpers/fixtures.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { startReceiver, type Receiver } from '../../helpers/webhook-receiver.ts';
import { ownerOf } from '../coupons/redeem-kit.ts';
import { backoffMs, DISABLE_AFTER_FAILED_DELIVERIES, recordEvents } from '../../../src/contexts/events/index.ts';
import type { Principal } from '../../../src/kernel/deps.ts';

let rt: TestRuntime;
let rx: Receiver;
let t: TenantFixture;
let owner: Principal;
beforeAll(async () => {
  rt = await openTestRuntime();
  rx = await startReceiver();
});
afterAll(async () => {
  await rx?.close();
  await rt?.close();
});
// Each test its own tenant and endpoint, so deliveries of one never reach another's.
beforeEach(async () => {
  t = await makeTenant(rt.services, rt.app);
  owner = await ownerOf(rt, t);
  rx.received.length = 0;
  rx.respond = () => ({ status: 200 });
});

const H = 3600_000;

async function endpoint(eventTypes: string[] = []) {
  const r = await rt.services.webhooks.create(t.tenantId, { url: rx.url, eventTypes }, owner);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** n events of this tenant, committed and dispatched (fanned out to the endpoints). */
async function produce(n: number) {
  await rt.db.tx((q) =>
    recordEvents(
      q,
      Array.from({ length: n }, (_, i) => ({
        tenantId: t.tenantId,
        type: 'coupon.rolled_back' as const,
        payload: { redemptionId: i + 1 },
      })),
    ),
  );
  await rt.services.events.dispatchPending();
}

const deliveriesOf = async (endpointId: number) =>
  (await rt.services.webhooks.deliveries(t.tenantId, { endpointId, limit: 100, offset: 0 })).items;

describe('webhook signing', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 under the secret, as README documents', async () => {
    const { endpoint: ep, secret } = await endpoint();
    expect(secret).toMatch(/^whsec_/);
    const u = await makeUser(rt.services, t.tenantId, { points: 7 });
    await rt.services.events.dispatchPending();
    await rt.services.events.deliverDue(new Date());
    const got = rx.received.find((r) => JSON.parse(r.body).data.userId === u.id)!;
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['quan-event-type']).toBe('points.changed');
    const body = JSON.parse(got.body);
    expect(got.headers['quan-event-id']).toBe(body.id);
    expect(body).toMatchObject({ type: 'points.changed', tenantId: t.tenantId, data: { userId: u.id, delta: 7, balance: 7 } });
    // The receiver's side, written from the documentation alone.
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(got.headers['quan-signature']))!;
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m[1]) - Date.now() / 1000)).toBeLessThan(60);
    const want = crypto.createHmac('sha256', secret).update(`${m[1]}.${got.body}`).digest('hex');
    expect(m[2]).toBe(want);
    // A rotated secret signs from then on; the old one no longer verifies.
    const rotated = await rt.services.webhooks.rotateSecret(t.tenantId, ep.id, owner);
    if (!rotated.ok) throw new Error(rotated.error.message);
    const test = await rt.services.webhooks.sendTest(t.tenantId, ep.id);
    expect(test.ok && test.value.state).toBe('delivered');
    const last = rx.received.at(-1)!;
    const [, ts, sig] = /^t=(\d+),v1=(\w+)$/.exec(String(last.headers['quan-signature']))!;
    expect(sig).toBe(crypto.createHmac('sha256', rotated.value.secret).update(`${ts}.${last.body}`).digest('hex'));
    expect(sig).not.toBe(crypto.createHmac('sha256', secret).update(`${ts}.${last.body}`).digest('hex'));
  });

  it('sends only the event types an endpoint asked for', async () => {
    const ep = (await endpoint(['order.paid'])).endpoint;
    await produce(2);
    expect(await deliveriesOf(ep.id)).toEqual([]);
  });
});

describe('retries', () => {
  it('backs off 30 s, doubling, at most 4 h between tries', () => {
    expect([1, 2, 3, 4, 5, 10, 20].map((a) => backoffMs(a) / 1000)).toEqual([30, 60, 120, 240, 480, 4 * 3600, 4 * 3600]);
  });

  it('retries a failing receiver on that schedule for a day, then marks the delivery failed', async () => {
    const ep = (await endpoint()).endpoint;
    rx.respond = () => ({ status: 500, body: 'down for maintenance' });
    await produce(1);
    let now = new Date();
    expect(await rt.services.events.deliverDue(now)).toEqual({ attempted: 1, delivered: 0 });
    let [d] = await deliveriesOf(ep.id);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 500, responseExcerpt: 'down for maintenance' });
    expect(d!.nextAttemptAt!.getTime() - now.getTime()).toBe(30_000);
    // Not due yet: nothing is sent.
    expect((await rt.services.events.deliverDue(new Date(now.getTime() + 29_000))).attempted).toBe(0);
    now = new Date(now.getTime() + 30_000);
    expect((await rt.services.events.deliverDue(now)).attempted).toBe(1);
    [d] = await deliveriesOf(ep.id);
    expect(d!.nextAttemptAt!.getTime() - now.getTime()).toBe(60_000);
    // On through the day: each attempt when it falls due, until the window closes.
    let attempts = 2;
    while (d!.state === 'pending') {
      now = d!.nextAttemptAt!;
      await rt.services.events.deliverDue(now);
      [d] = await deliveriesOf(ep.id);
      attempts++;
    }
    expect(d).toMatchObject({ state: 'failed', attempts, nextAttemptAt: null });
    expect(now.getTime() - Date.now()).toBeLessThan(24 * H);
    expect(now.getTime() - Date.now()).toBeGreaterThan(19 * H);
    expect(rx.received).toHaveLength(attempts);
    const log = await rt.services.webhooks.delivery(t.tenantId, d!.id);
    expect(log.ok && log.value.attemptLog.map((a) => a.status)).toEqual(Array(attempts).fill(500));
  });

  it(`disables an endpoint after ${DISABLE_AFTER_FAILED_DELIVERIES} deliveries in a row failed; enabling it again starts the count over`, async () => {
    const ep = (await endpoint()).endpoint;
    rx.respond = () => ({ status: 503 });
    await produce(DISABLE_AFTER_FAILED_DELIVERIES - 1);
    // Tried first a day later (the app was down): each try fails, and its day of retries is over.
    const later = new Date(Date.now() + 25 * H);
    await rt.services.events.deliverDue(later);
    expect((await deliveriesOf(ep.id)).map((d) => d.state)).toEqual(Array(DISABLE_AFTER_FAILED_DELIVERIES - 1).fill('failed'));
    let e = (await rt.services.webhooks.get(t.tenantId, ep.id))!;
    expect(e).toMatchObject({ enabled: true, failureStreak: DISABLE_AFTER_FAILED_DELIVERIES - 1 });
    await produce(1);
    await rt.services.events.deliverDue(later);
    e = (await rt.services.webhooks.get(t.tenantId, ep.id))!;
    expect(e).toMatchObject({ enabled: false, disabledReason: `${DISABLE_AFTER_FAILED_DELIVERIES} deliveries in a row failed` });
    // A disabled endpoint gets no new deliveries.
    const before = (await deliveriesOf(ep.id)).length;
    await produce(1);
    expect((await deliveriesOf(ep.id)).length).toBe(before);
    // Enabled again: the streak starts over.
    const on = await rt.services.webhooks.update(t.tenantId, ep.id, { enabled: true }, owner);
    expect(on.ok && on.value).toMatchObject({ enabled: true, disabledReason: null, failureStreak: 0 });
  });
});

describe('redelivery', () => {
  it('sends a failed delivery again now; the log keeps every attempt', async () => {
    const ep = (await endpoint()).endpoint;
    rx.respond = () => ({ status: 500 });
    await produce(1);
    await rt.services.events.deliverDue(new Date());
    const [d] = await deliveriesOf(ep.id);
    rx.respond = () => ({ status: 204 });
    const again = await rt.services.webhooks.redeliver(t.tenantId, d!.id, owner);
    expect(again.ok && again.value).toMatchObject({ state: 'delivered', attempts: 2, lastStatus: 204, lastError: null });
    const log = await rt.services.webhooks.delivery(t.tenantId, d!.id);
    expect(log.ok && log.value.attemptLog.map((a) => a.status)).toEqual([500, 204]);
    expect(new Set(rx.received.map((r) => r.headers['quan-event-id'])).size).toBe(1);
    // Another tenant's delivery id is not found.
    const other = await makeTenant(rt.services, rt.app);
    const foreign = await rt.services.webhooks.redeliver(other.tenantId, d!.id, owner);
    expect(!foreign.ok && foreign.error.code).toBe('not_found');
  });

  it('records a receiver that cannot be reached as a failed attempt, to be retried', async () => {
    const ep = (await endpoint()).endpoint;
    const closed = await startReceiver();
    await closed.close();
    const moved = await rt.services.webhooks.update(t.tenantId, ep.id, { url: closed.url }, owner);
    expect(moved.ok).toBe(true);
    const test = await rt.services.webhooks.sendTest(t.tenantId, ep.id);
    expect(test.ok && test.value).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null });
    expect(test.ok && test.value.lastError).toMatch(/^request failed: /);
  });
});
