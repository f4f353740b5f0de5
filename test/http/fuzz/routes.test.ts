// THE PROOF that bad input gets the dialect's error and changes nothing
// (issue 12): every route of the built app (its route table, so tomorrow's
// routes are in it), every parameter of its schema, a generated set of bad
// values (generate.ts), and per route broken bodies, bad %-escapes and NUL
// headers; plus every method of the portal's gateway table. Each reply must
// be a refusal in the route's dialect envelope, never a 5xx, and the state
// (row counts, balances, points, stock) must be unchanged after every route.
// `npm test` samples 2 bad values per parameter (fixed seed); FUZZ=full
// (`npm run test:fuzz`) sends all of them, each body both as JSON and as a form.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeTable, type RouteEntry } from '../../../src/http/edge/routes.ts';
import { portalMethods } from '../../../src/http/portal/index.ts';
import { openTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { buildCases, type Case, type World } from './generate.ts';
import { refusal } from './envelopes.ts';
import { changes, makeWorld, snapshot, snapshotQuery } from './world.ts';

const FULL = process.env.FUZZ === 'full';
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);

let rt: TestRuntime;
let world: World;
beforeAll(async () => {
  rt = await openTestRuntime();
  world = await makeWorld(rt);
});
afterAll(async () => rt?.close());

/** The gateway's dispatch table as routes of their own: `method` fixed, the call's parameters as the gateway declares them. */
function gatewayCases(table: readonly RouteEntry[], opts: Parameters<typeof buildCases>[2]): Case[] {
  const gateway = table.filter((r) => r.url === '/portal/gateway' && r.method !== 'HEAD');
  return gateway.flatMap((r) =>
    portalMethods(rt.services).flatMap((name) => {
      const qs = (r.schema?.querystring ?? {}) as { properties?: Record<string, unknown>; required?: string[] };
      const querystring = { ...qs, properties: { ...qs.properties, method: { type: 'string', const: name } }, required: ['method'] };
      const cases = buildCases([{ ...r, schema: { ...r.schema, querystring } }], world, opts);
      return cases.filter((c) => !c.label.startsWith('query.method')).map((c) => ({ ...c, route: `${c.route} method=${name}` }));
    }),
  );
}

function byRoute(cases: Case[]): Map<string, Case[]> {
  const m = new Map<string, Case[]>();
  for (const c of cases) m.set(c.route, [...(m.get(c.route) ?? []), c]);
  return m;
}

describe('bad input on every route of every dialect', () => {
  it('is refused in the dialect envelope, never a 5xx, and changes nothing', { timeout: FULL ? 3_600_000 : 600_000 }, async () => {
    const table = routeTable(rt.app);
    const opts = { seed: SEED, perParam: FULL ? undefined : 2 };
    const cases = [...buildCases(table, world, opts), ...gatewayCases(table, opts)];
    const dialects = new Set(cases.map((c) => c.dialect));
    expect([...dialects].sort()).toEqual(['apifm', 'liyuquan', 'native', 'portal', 'seller']);
    expect(cases.some((c) => c.route === 'POST /web/manage/v3/turnover/refund' && c.label.includes('orderNo'))).toBe(true);

    const sql = await snapshotQuery(rt.db);
    let before = await snapshot(rt.db, sql);
    const failures: string[] = [];
    const stateChanges: string[] = [];
    let sent = 0;
    let status5xx = 0;
    const started = Date.now();
    for (const [route, group] of byRoute(cases)) {
      for (const c of group) {
        const res = await rt.app.inject(c.request);
        sent++;
        if (res.statusCode >= 500) status5xx++;
        const why = refusal(c.dialect, res);
        if (why) failures.push(`${c.route} ${c.label}: ${why} ${res.body.slice(0, 160)}`);
      }
      const after = await snapshot(rt.db, sql);
      const diff = changes(before, after);
      if (diff.length) stateChanges.push(`${route}: ${diff.join('; ')}`);
      before = after;
    }
    const routes = new Set(cases.map((c) => c.route)).size;
    console.info(
      `fuzz (${FULL ? 'full' : 'sampled'}, seed ${SEED}): ${routes} routes, ${sent} requests, ${status5xx} 5xx, ` +
        `${failures.length} not refused in the envelope, ${stateChanges.length} state changes, ${Math.round((Date.now() - started) / 1000)} s`,
    );
    if (process.env.FUZZ_OUT) fs.writeFileSync(process.env.FUZZ_OUT, [...failures, ...stateChanges].join('\n'));
    expect(failures.slice(0, 60)).toEqual([]);
    expect(status5xx).toBe(0);
    expect(stateChanges).toEqual([]);
  });
});
