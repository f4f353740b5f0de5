// Delivering webhooks: take due deliveries (each by one process: SKIP LOCKED,
// then a lease past the request timeout), POST the signed event, record the
// attempt. 2xx is delivered; anything else retries with backoff until the day
// is over, then the delivery has failed, and enough failed deliveries in a row
// disable the endpoint. A process killed mid-request loses nothing: the lease
// runs out and the delivery is taken again (at least once; receivers
// de-duplicate on Quan-Event-Id).
import dns from 'node:dns/promises';
import net from 'node:net';
import type { Deps } from '../../kernel/deps.ts';
import { appKey } from '../platform/index.ts';
import { wireBody } from './domain/events.ts';
import {
  DISABLE_AFTER_FAILED_DELIVERIES,
  isPrivateAddress,
  nextAttemptAfterFailure,
  openSecret,
  RESPONSE_EXCERPT_CHARS,
  signatureHeader,
} from './domain/webhook.ts';
import { finishAttempt, takeDue, type AttemptOutcome, type TakenDelivery } from './repo/deliveries.repo.ts';
import { noteDeliveryOutcome } from './repo/endpoints.repo.ts';

export const SEAL_KEY_NAME = 'webhook_seal_key';
/** Deliveries taken per round (sent concurrently). */
const ROUND = 20;

interface Answer {
  status: number | null;
  error: string | null;
  excerpt: string | null;
}

/** Refuses a host name that resolves to a private address (unless allowed): checked again at every send. */
async function privateTarget(url: URL): Promise<string | null> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addrs = net.isIP(host) ? [host] : (await dns.lookup(host, { all: true })).map((a) => a.address);
  const bad = addrs.find(isPrivateAddress);
  return bad ? `refused: ${host} resolves to a private address (${bad})` : null;
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number, allowPrivate: boolean) {
  try {
    const refused = allowPrivate ? null : await privateTarget(new URL(url));
    if (refused) return { status: null, error: refused, excerpt: null };
    // No redirects: a 3xx is an answer, not an invitation to post elsewhere.
    const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const text = (await res.text().catch(() => '')).slice(0, RESPONSE_EXCERPT_CHARS);
    const ok = res.status >= 200 && res.status < 300;
    return { status: res.status, error: ok ? null : `HTTP ${res.status}`, excerpt: text || null };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { status: null, error: `request failed: ${why}`, excerpt: null } satisfies Answer;
  }
}

export function deliverer(deps: Deps) {
  const clock = () => deps.now?.() ?? new Date();
  const timeoutMs = deps.config.webhooksTimeoutMs;
  // The lease outlasts the request: a live sender always records its attempt before anyone else takes it.
  const leaseMs = timeoutMs + 5_000;
  let key: Promise<Buffer> | null = null;
  const sealKey = () => {
    key ??= appKey(deps.db, SEAL_KEY_NAME).catch((e) => {
      key = null;
      throw e;
    });
    return key;
  };

  const headersFor = (d: TakenDelivery, secret: string, body: string, at: Date): Record<string, string> => ({
    'content-type': 'application/json',
    'user-agent': 'quan-webhooks/1',
    'quan-event-id': d.event.id,
    'quan-event-type': d.event.type,
    'quan-delivery-attempt': String(d.attempts),
    'quan-signature': signatureHeader(secret, body, at),
  });

  /** One attempt of a taken delivery, recorded; the outcome. */
  async function attempt(d: TakenDelivery, now: Date): Promise<AttemptOutcome> {
    const secret = openSecret(await sealKey(), d.sealedSecret);
    const body = wireBody(d.event);
    const started = Date.now();
    const a = await post(d.url, body, headersFor(d, secret, body, clock()), timeoutMs, deps.config.webhooksAllowPrivate);
    const delivered = a.status !== null && a.status >= 200 && a.status < 300;
    const next = delivered ? now : nextAttemptAfterFailure(d.attempts, now, d.giveUpAt);
    const outcome: AttemptOutcome = {
      state: delivered ? 'delivered' : next ? 'pending' : 'failed',
      nextAttemptAt: next ?? now,
      status: a.status,
      error: a.error,
      excerpt: a.excerpt,
      durationMs: Date.now() - started,
    };
    await deps.db.tx(async (q) => {
      const mine = await finishAttempt(q, d, outcome, now);
      if (mine && outcome.state !== 'pending') {
        await noteDeliveryOutcome(q, d.tenantId, d.endpointId, delivered, DISABLE_AFTER_FAILED_DELIVERIES);
      }
    });
    return outcome;
  }

  return {
    attempt,
    leaseUntil: (now: Date) => new Date(now.getTime() + leaseMs),
    /** Delivers what is due at `now` (rounds of ROUND until none is left); how many attempts were made. */
    async deliverDue(now: Date = clock(), maxRounds = 10): Promise<{ attempted: number; delivered: number }> {
      let attempted = 0;
      let delivered = 0;
      for (let i = 0; i < maxRounds; i++) {
        const taken = await takeDue(deps.db, now, new Date(now.getTime() + leaseMs), ROUND);
        // One delivery that cannot even be attempted (its record failed) must not hold back the others; its lease runs out.
        const outcomes = await Promise.allSettled(taken.map((d) => attempt(d, now)));
        for (const o of outcomes) if (o.status === 'rejected') deps.log.error({ err: o.reason }, 'webhook delivery attempt failed');
        attempted += taken.length;
        delivered += outcomes.filter((o) => o.status === 'fulfilled' && o.value.state === 'delivered').length;
        if (taken.length < ROUND) break;
      }
      return { attempted, delivered };
    },
  };
}

export type Deliverer = ReturnType<typeof deliverer>;
