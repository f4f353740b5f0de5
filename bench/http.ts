// HTTP for `npm run bench`: a small client for setting things up, autocannon
// with honest timings, and the formatting of what it measured.
import autocannon from 'autocannon';

export class Api {
  token = '';
  constructor(readonly base: string) {}

  async call<T>(method: 'GET' | 'POST', p: string, body?: unknown, expect: number[] = [200, 201]): Promise<T> {
    const res = await fetch(`${this.base}/api/v1${p}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    const text = await res.text();
    if (!expect.includes(res.status)) throw new Error(`${method} ${p} → ${res.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : null) as T;
  }
}

export type Result = autocannon.Result;

export function statusCounts(r: Result): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [code, v] of Object.entries(r.statusCodeStats ?? {})) out[code] = v.count ?? 0;
  return out;
}

/**
 * Runs autocannon and keeps its wall time: `Result.duration` counts whole
 * seconds, which makes a 4-second run of a fixed number of requests read the
 * same whatever happened inside it.
 */
export const wallOf = new WeakMap<Result, number>();
export async function cannon(opts: autocannon.Options): Promise<Result> {
  const t = performance.now();
  lastResponse.at = 0;
  const r = await autocannon(opts);
  wallOf.set(r, (performance.now() - t) / 1000);
  if (opts.amount && lastResponse.at > t) lastOf.set(r, (lastResponse.at - t) / 1000);
  return r;
}

/**
 * When the last response of a fixed-amount run arrived: autocannon notices the
 * end on its one-second tick, so even the wall time of such a run is rounded up.
 */
export const lastResponse = { at: 0 };
export const lastOf = new WeakMap<Result, number>();

/** Completed responses per second: up to the last response when known, else wall time. */
export const rpsOf = (r: Result) => r.requests.total / Math.max(lastOf.get(r) ?? wallOf.get(r) ?? r.duration, 0.01);

export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtMs = (n: number) => `${Number(n.toFixed(2))} ms`;
export const log = (s: string) => console.log(s);

export function describeStatuses(r: Result, extra = ''): string {
  const counts = statusCounts(r);
  const codes = Object.keys(counts).sort();
  const parts = codes.map((c) => `${c}: ${counts[c]}`);
  if (r.errors) parts.push(`errors: ${r.errors}`);
  if (r.timeouts) parts.push(`timeouts: ${r.timeouts}`);
  return (parts.join('  ') || 'no responses') + extra;
}

/** How long a run took: up to its last response when known, else wall time. */
export const runSeconds = (r: Result) => lastOf.get(r) ?? wallOf.get(r) ?? r.duration;
