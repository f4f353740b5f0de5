// The scenarios `npm run bench` runs against a quan server (one process or
// several behind one port): flash-sale claims, write-off by code, a big code
// batch. Each logs as it goes and returns what the report needs.
import { Api, cannon, describeStatuses, fmtInt, fmtMs, lastResponse, log, rpsOf, secs, statusCounts, type Result } from './http.ts';
import { CLAIM_CONNECTIONS, CODE_BATCH, GRANT_PER_CALL, REQUEST_TIMEOUT_S, STOCK, USER_CONCURRENCY, USERS } from './params.ts';
import { PASSWORDS, WRITE_OFF_CONNECTIONS, WRITE_OFF_HOLDERS } from './params.ts';

/** A logged-in merchant (the demo tenant) on one server. */
export interface Session {
  url: string;
  api: Api;
  auth: Record<string, string>;
  storeId: number;
}

export async function openSession(url: string): Promise<Session> {
  const api = new Api(url);
  api.token = (
    await api.call<{ token: string }>('POST', '/auth/login', { username: 'demo', password: PASSWORDS.DEMO_PASSWORD }, [200, 201])
  ).token;
  const stores = await api.call<{ items: { id: number }[] }>('GET', '/stores');
  const storeId = stores.items[0]?.id;
  if (storeId === undefined) throw new Error('the demo tenant has no store');
  return { url, api, auth: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' }, storeId };
}

export async function createUsers(api: Api, n: number, mobileOf: (i: number) => string): Promise<{ ids: number[]; ms: number }> {
  const ids = new Array<number>(n);
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  const step = Math.max(1, Math.floor(n / 10));
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      ids[i] = (await api.call<{ id: number }>('POST', '/users', { mobile: mobileOf(i) }, [201])).id;
      done++;
      if (done % step === 0 || done === n) {
        const el = performance.now() - t0;
        log(`  users ${String(done).padStart(6)} / ${n}   ${secs(el)}   ${fmtInt((done * 1000) / el)}/s`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(USER_CONCURRENCY, n) }, worker));
  return { ids, ms: performance.now() - t0 };
}

export interface FlashSaleResult {
  users: { ids: number[]; ms: number };
  res: Result;
  rps: number;
  counts: Record<string, number>;
  refusals: Record<string, number>;
  stats: { issued: number; left: number | null };
  created: number;
  issuedOk: boolean;
}

/** USERS different users each claim once from a template of STOCK; exactly STOCK must be issued. */
export async function flashSale(s: Session): Promise<FlashSaleResult> {
  log(`\n[flash sale] creating ${USERS} users (${USER_CONCURRENCY} concurrent) ...`);
  const users = await createUsers(s.api, USERS, (i) => `139${String(i).padStart(8, '0')}`);
  log(`  ${USERS} users in ${secs(users.ms)} (${fmtInt((USERS * 1000) / users.ms)}/s)`);
  const flash = await s.api.call<{ id: number; state: string }>('POST', '/coupon-templates', {
    name: 'bench flash sale',
    discount: { type: 'amount', amount: '5.00' },
    minSpend: '0.00',
    validity: { type: 'relative', days: 30 },
    stock: STOCK,
    perUserLimit: 1,
    activate: true,
  });
  if (flash.state !== 'active') throw new Error(`flash-sale template is ${flash.state}, not active`);
  log(`  template ${flash.id}: stock ${STOCK}, perUserLimit 1; autocannon ${CLAIM_CONNECTIONS} connections, ${USERS} claims, one per user`);
  let nextUser = 0;
  const refusals: Record<string, number> = {};
  const claimPath = `/api/v1/coupon-templates/${flash.id}/claims`;
  const res = await cannon({
    url: s.url,
    method: 'POST',
    headers: s.auth,
    connections: CLAIM_CONNECTIONS,
    amount: USERS,
    timeout: REQUEST_TIMEOUT_S,
    requests: [
      {
        method: 'POST',
        path: claimPath,
        setupRequest: (req) => ({ ...req, path: claimPath, body: JSON.stringify({ userId: users.ids[nextUser++ % USERS] }) }),
        onResponse: (status, body) => {
          lastResponse.at = performance.now();
          if (status === 201) return;
          const key = `${status} ${/"code"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? '?'}`;
          refusals[key] = (refusals[key] ?? 0) + 1;
        },
      },
    ],
  });
  const counts = statusCounts(res);
  const rps = rpsOf(res);
  const stats = await s.api.call<{ issued: number; left: number | null }>('GET', `/coupon-templates/${flash.id}/stats`);
  const issuedOk = stats.issued === STOCK;
  const created = counts['201'] ?? 0;
  log(`  ${fmtInt(rps)} req/s, p50 ${fmtMs(res.latency.p50)}, p99 ${fmtMs(res.latency.p99)}; ${describeStatuses(res)}`);
  log(`  refusals: ${JSON.stringify(refusals)}; requests sent ${nextUser}`);
  log(`  stats: issued ${stats.issued}, left ${stats.left}`);
  if (!issuedOk) log(`\n!!!!! FAIL: issued ${stats.issued} ≠ stock ${STOCK} (201 responses: ${created}) !!!!!\n`);
  if (created !== stats.issued) log(`!!!!! WARN: ${created} claims answered 201 but stats say issued ${stats.issued} !!!!!`);
  return { users, res, rps, counts, refusals, stats, created, issuedOk };
}

export interface WriteOffResult {
  res: Result;
  rps: number;
  codes: number;
  refusals: Record<string, number>;
}

/** WRITE_OFF_HOLDERS × 1,000 granted coupons, each written off once by its code. */
export async function writeOff(s: Session): Promise<WriteOffResult> {
  const writeOffs = WRITE_OFF_HOLDERS * GRANT_PER_CALL;
  log(`\n[write-off] granting ${writeOffs} coupons (${WRITE_OFF_HOLDERS} users × ${GRANT_PER_CALL}) ...`);
  const tw = performance.now();
  const holders = await createUsers(s.api, WRITE_OFF_HOLDERS, (i) => `13800${String(i).padStart(6, '0')}`);
  const template = await s.api.call<{ id: number }>('POST', '/coupon-templates', {
    name: 'bench write-off',
    discount: { type: 'amount', amount: '3.00' },
    minSpend: '0.00',
    validity: { type: 'relative', days: 30 },
    activate: true,
  });
  const codes: string[] = [];
  for (const userId of holders.ids) {
    const g = await s.api.call<{ items: { code: string }[] }>(
      'POST',
      '/coupons/grant',
      { templateId: template.id, userId, quantity: GRANT_PER_CALL },
      [201],
    );
    for (const c of g.items) codes.push(c.code);
  }
  log(
    `  ${codes.length} codes in ${secs(performance.now() - tw)}; autocannon ${WRITE_OFF_CONNECTIONS} connections, one write-off per code`,
  );
  let nextCode = 0;
  const refusals: Record<string, number> = {};
  const body = JSON.stringify({ storeId: s.storeId });
  const res = await cannon({
    url: s.url,
    method: 'POST',
    headers: s.auth,
    body,
    connections: WRITE_OFF_CONNECTIONS,
    amount: codes.length,
    timeout: REQUEST_TIMEOUT_S,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => ({
          ...req,
          path: `/api/v1/coupons/${encodeURIComponent(codes[nextCode++ % codes.length]!)}/write-off`,
          body,
        }),
        onResponse: (status, text) => {
          lastResponse.at = performance.now();
          if (status === 201) return;
          const key = `${status} ${/"code"\s*:\s*"([^"]+)"/.exec(text)?.[1] ?? '?'}`;
          refusals[key] = (refusals[key] ?? 0) + 1;
        },
      },
    ],
  });
  const rps = rpsOf(res);
  log(`  ${fmtInt(rps)} req/s, p50 ${fmtMs(res.latency.p50)}, p99 ${fmtMs(res.latency.p99)}; ${describeStatuses(res)}`);
  if (Object.keys(refusals).length) log(`  refusals: ${JSON.stringify(refusals)}`);
  return { res, rps, codes: codes.length, refusals };
}

export interface CodeBatchResult {
  state: string;
  generated: number;
  seconds: number;
}

/** One batch of CODE_BATCH codes, generated in the background; its progress is polled until done. */
export async function codeBatch(s: Session): Promise<CodeBatchResult> {
  log(`\n[code batch] ${fmtInt(CODE_BATCH)} codes ...`);
  const template = await s.api.call<{ id: number }>('POST', '/coupon-templates', {
    name: 'bench codes',
    discount: { type: 'amount', amount: '1.00' },
    minSpend: '0.00',
    validity: { type: 'relative', days: 30 },
    activate: true,
  });
  const tb = performance.now();
  const batch = await s.api.call<{ id: number }>(
    'POST',
    `/coupon-templates/${template.id}/code-batches`,
    { count: CODE_BATCH, length: 12 },
    [202],
  );
  let progress = { state: 'pending', generated: 0, count: CODE_BATCH };
  while (progress.state !== 'done' && progress.state !== 'failed' && performance.now() - tb < 300_000) {
    await new Promise((r) => setTimeout(r, 250));
    progress = await s.api.call<typeof progress>('GET', `/code-batches/${batch.id}`);
  }
  const seconds = (performance.now() - tb) / 1000;
  const stats = await s.api.call<{ issued: number }>('GET', `/coupon-templates/${template.id}/stats`);
  log(
    `  ${progress.state}: ${fmtInt(progress.generated)} / ${fmtInt(progress.count)} in ${seconds.toFixed(1)} s (${fmtInt(progress.generated / seconds)}/s); template issued ${stats.issued}`,
  );
  return { state: progress.state, generated: progress.generated, seconds };
}
