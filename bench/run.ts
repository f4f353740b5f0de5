// `npm run bench`: one bounded run that measures
//   1. a bare Fastify route (the machine's ceiling),
//   2. a flash sale: 20,000 different users claim a template of 10,000 (perUserLimit 1),
//   3. write-off by code,
//   4. pricing: priceCart CPU per quote in-process, and the HTTP quote endpoint,
//   5. a batch of 1,000,000 codes (time until its progress says done),
//   6. checkout through the apifm dialect: order/create with a coupon, then order/pay from the wallet,
//   7. on PostgreSQL, a two-process run: quan with WORKERS=2 behind one port on a fresh schema,
//      flash sale, write-off and checkout again (each also as a ratio to the bare route),
// then prints a table and, as the very last line, one JSON object.
//
// The store follows the environment (bench/store.ts): PGlite in a fresh temp folder by default;
// DATABASE_URL (a fresh schema per run, dropped at the end) and REDIS_URL (a fresh key prefix,
// deleted at the end) when set. All HTTP traffic goes to 127.0.0.1.
// Exit codes: 0 ok, 1 issued ≠ stock (or a wallet check failed), 2 error, 3 watchdog timeout.
import os from 'node:os';
import { startServer, type ServerProcess } from '../test/helpers/server.ts';
import { checkoutScenario, type CheckoutResult } from './checkout.ts';
import { cannon, describeStatuses, fmtInt, fmtMs, log, rpsOf, runSeconds, secs, type Result } from './http.ts';
import * as P from './params.ts';
import { measureQuoteCpu, quoteHttp, type QuoteHttpResult } from './pricing.ts';
import { abort, clusterPids, installWatchdog, runCleanups, startBare, stopChild, stopCluster, track } from './processes.ts';
import {
  codeBatch,
  flashSale,
  openSession,
  writeOff,
  type CodeBatchResult,
  type FlashSaleResult,
  type WriteOffResult,
} from './scenarios.ts';
import { chooseStore } from './store.ts';

const watchdog = installWatchdog();

async function measureBare(): Promise<{ res: Result; rps: number }> {
  log('\n[bare] starting bare Fastify ...');
  const bare = await startBare();
  log(`  ${bare.url}/bare: autocannon ${P.BARE_CONNECTIONS} connections, ${P.BARE_SECONDS} s`);
  const res = await cannon({
    url: `${bare.url}/bare`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ hello: 'world' }),
    connections: P.BARE_CONNECTIONS,
    duration: P.BARE_SECONDS,
    timeout: P.REQUEST_TIMEOUT_S,
  });
  await stopChild(bare.child);
  const rps = rpsOf(res);
  log(`  ${fmtInt(rps)} req/s, p50 ${fmtMs(res.latency.p50)}, p99 ${fmtMs(res.latency.p99)}; ${describeStatuses(res)}`);
  return { res, rps };
}

async function startQuan(env: Record<string, string>, what: string): Promise<ServerProcess> {
  log(`\n[quan] starting ${what} ...`);
  const ts = performance.now();
  const server = await startServer({ ...env, ...P.PASSWORDS, LOG_LEVEL: 'warn' }, 180_000, track);
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(server.url)) throw new Error(`server is not on 127.0.0.1: ${server.url}`);
  log(`  ${server.url} ready in ${secs(performance.now() - ts)}`);
  return server;
}

function reportErrorLines(output: string, what: string): void {
  const errorLines = output.split('\n').filter((l) => /"level":(50|60)/.test(l));
  if (errorLines.length) log(`\n${what} logged ${errorLines.length} error line(s); first: ${errorLines[0]!.slice(0, 300)}`);
}

interface OneProcess {
  flash: FlashSaleResult;
  wo: WriteOffResult;
  quote: QuoteHttpResult;
  batch: CodeBatchResult;
  co: CheckoutResult;
}

async function runOneProcess(store: ReturnType<typeof chooseStore>, bestDiscountFen: number): Promise<OneProcess> {
  const server = await startQuan(store.env, `the server on ${store.label}`);
  const s = await openSession(server.url);
  const flash = await flashSale(s);
  const wo = await writeOff(s);
  const quote = await quoteHttp(s, bestDiscountFen);
  const batch = await codeBatch(s);
  const co = await checkoutScenario(s.api, s.url);
  const out = server.output();
  await stopChild(server.child);
  await runCleanups();
  reportErrorLines(out, 'server');
  return { flash, wo, quote, batch, co };
}

interface TwoProcess {
  flash: FlashSaleResult;
  wo: WriteOffResult;
  co: CheckoutResult;
  pids: number[];
  leftBehind: number[];
}

/** WORKERS=2 on a fresh schema: the HTTP scenarios again, then a stop through the primary that must leave no process. */
async function runTwoProcess(): Promise<TwoProcess> {
  const store = chooseStore(`w${P.TWO_PROCESS_WORKERS}`);
  const server = await startQuan(
    { ...store.env, WORKERS: String(P.TWO_PROCESS_WORKERS) },
    `${P.TWO_PROCESS_WORKERS} processes (WORKERS=${P.TWO_PROCESS_WORKERS}) on a fresh ${store.label} schema`,
  );
  const cluster = await clusterPids(server, P.TWO_PROCESS_WORKERS);
  const pids = [...(cluster.primary === null ? [] : [cluster.primary]), ...cluster.workers];
  log(`  primary ${cluster.primary ?? '?'}, workers ${cluster.workers.join(', ')}`);
  const s = await openSession(server.url);
  const flash = await flashSale(s);
  const wo = await writeOff(s);
  const co = await checkoutScenario(s.api, s.url);
  const out = server.output();
  const leftBehind = await stopCluster(server, cluster);
  if (leftBehind.length) log(`!!!!! FAIL: pids ${leftBehind.join(', ')} outlived the primary's stop; killed !!!!!`);
  else log(`\n[quan] ${P.TWO_PROCESS_WORKERS} processes stopped through the primary; pids ${pids.join(', ')} gone`);
  await runCleanups();
  reportErrorLines(out, 'the two-process server');
  return { flash, wo, co, pids, leftBehind };
}

const TWO_PROCESS_SKIPPED = 'needs PostgreSQL (DATABASE_URL): the embedded PGlite store is owned by one process';

function tableRows(
  store: ReturnType<typeof chooseStore>,
  cpu: ReturnType<typeof measureQuoteCpu>,
  bare: { res: Result; rps: number },
  one: OneProcess,
  two: TwoProcess | null,
  totalMs: number,
): [string, string][] {
  const rows: [string, string][] = [];
  const row = (k: string, v: string) => rows.push([k, v]);
  const ratio = (rps: number) => (rps / bare.rps).toFixed(4);
  const latency = (r: Result) => `p50 ${fmtMs(r.latency.p50)}   p99 ${fmtMs(r.latency.p99)}`;
  const claims = (f: FlashSaleResult, indent: string, vs = '') => {
    row(
      `${indent}flash-sale claims`,
      `${fmtInt(f.rps)} req/s   ${latency(f.res)}   (${P.CLAIM_CONNECTIONS} conn, ${P.USERS} req, ${runSeconds(f.res).toFixed(2)} s)`,
    );
    row(`${indent}  claims / bare`, ratio(f.rps) + vs);
    const c409 = f.counts['409'] ?? 0;
    row(
      `${indent}  responses`,
      `201: ${f.created}   409: ${c409}   other: ${f.res.requests.total - f.created - c409}   errors: ${f.res.errors}   timeouts: ${f.res.timeouts}`,
    );
    row(`${indent}  refusals`, JSON.stringify(f.refusals));
    row(`${indent}  issued / stock`, `${f.stats.issued} / ${P.STOCK}   left ${f.stats.left}   ${f.issuedOk ? 'OK' : 'FAIL'}`);
  };
  const writeOffRow = (w: WriteOffResult, indent: string, vs = '') => {
    row(
      `${indent}write-off by code`,
      `${fmtInt(w.rps)} req/s   ${latency(w.res)}   (${P.WRITE_OFF_CONNECTIONS} conn, ${w.codes} req; ${describeStatuses(w.res)})`,
    );
    row(`${indent}  write-off / bare`, ratio(w.rps) + vs);
  };
  const checkoutRow = (co: CheckoutResult, indent: string, vs = '') => {
    row(
      `${indent}checkout (apifm create+pay)`,
      `${fmtInt(co.ops)} orders/s   p50 ${fmtMs(co.p50Ms)}   p99 ${fmtMs(co.p99Ms)}   (${P.CHECKOUT_USERS} users, ${P.CHECKOUT_SECONDS} s, ${co.orders} orders, coupons used ${co.usedCoupons}; failures ${JSON.stringify(co.failures)})`,
    );
    row(`${indent}  orders / bare req`, ratio(co.ops) + vs);
  };
  row('store', `${store.label}   (node ${process.version}, ${os.cpus().length} CPUs)`);
  row('bare Fastify POST /bare', `${fmtInt(bare.rps)} req/s   ${latency(bare.res)}   (${P.BARE_CONNECTIONS} conn, ${P.BARE_SECONDS} s)`);
  const u = one.flash.users;
  row('users created', `${P.USERS} in ${secs(u.ms)}   (${fmtInt((P.USERS * 1000) / u.ms)}/s, ${P.USER_CONCURRENCY} concurrent)`);
  claims(one.flash, '');
  writeOffRow(one.wo, '');
  row(
    'quote CPU (priceCart)',
    `${cpu.msPerQuote.toFixed(4)} ms/quote   (${P.CART_LINES} lines × ${P.CART_COUPONS} coupons, ${cpu.eligible} eligible, ${cpu.calls} calls)`,
  );
  row(
    'quote HTTP POST /quotes',
    `${fmtInt(one.quote.rps)} req/s   ${latency(one.quote.res)}   (${P.QUOTE_CONNECTIONS} conn, ${P.QUOTE_SECONDS} s; ${describeStatuses(one.quote.res)})`,
  );
  row('code batch', `${fmtInt(one.batch.generated)} codes in ${one.batch.seconds.toFixed(1)} s   (${one.batch.state})`);
  checkoutRow(one.co, '');
  if (two) {
    const vs = (a: number, b: number) => `   (${(a / b).toFixed(2)}× one process)`;
    row(
      `${P.TWO_PROCESS_WORKERS} processes (WORKERS=${P.TWO_PROCESS_WORKERS})`,
      `fresh ${store.label} schema; pids ${two.pids.join(', ')}`,
    );
    row('  users created', `${P.USERS} in ${secs(two.flash.users.ms)}   (${fmtInt((P.USERS * 1000) / two.flash.users.ms)}/s)`);
    claims(two.flash, '  ', vs(two.flash.rps, one.flash.rps));
    writeOffRow(two.wo, '  ', vs(two.wo.rps, one.wo.rps));
    checkoutRow(two.co, '  ', vs(two.co.ops, one.co.ops));
    row(
      '  stopped',
      two.leftBehind.length ? `FAIL: pids ${two.leftBehind.join(', ')} had to be killed` : 'through the primary; every pid gone',
    );
  } else {
    row(`${P.TWO_PROCESS_WORKERS} processes`, `skipped: ${TWO_PROCESS_SKIPPED}`);
  }
  row('total bench time', secs(totalMs));
  return rows;
}

const round = (n: number, d: number) => Number(n.toFixed(d));

function summaryOf(
  store: ReturnType<typeof chooseStore>,
  cpu: ReturnType<typeof measureQuoteCpu>,
  bareRps: number,
  one: OneProcess,
  two: TwoProcess | null,
) {
  const ratio = (rps: number) => round(rps / bareRps, 4);
  return {
    store: store.label,
    ...(P.QUICK ? { quick: true } : {}),
    bareRps: Math.round(bareRps),
    claimRps: Math.round(one.flash.rps),
    claimRatio: ratio(one.flash.rps),
    stock: P.STOCK,
    issued: one.flash.stats.issued,
    writeOffP99Ms: one.wo.res.latency.p99,
    quoteCpuMs: round(cpu.msPerQuote, 4),
    codes1mSeconds: one.batch.state === 'done' ? round(one.batch.seconds, 1) : null,
    checkoutOps: round(one.co.ops, 1),
    checkoutP99Ms: round(one.co.p99Ms, 2),
    writeOffRps: Math.round(one.wo.rps),
    writeOffRatio: ratio(one.wo.rps),
    checkoutRatio: ratio(one.co.ops),
    twoProcess: two
      ? {
          workers: P.TWO_PROCESS_WORKERS,
          claims: {
            rps: Math.round(two.flash.rps),
            ratio: ratio(two.flash.rps),
            p99Ms: two.flash.res.latency.p99,
            stock: P.STOCK,
            issued: two.flash.stats.issued,
          },
          writeOff: { rps: Math.round(two.wo.rps), ratio: ratio(two.wo.rps), p99Ms: two.wo.res.latency.p99 },
          checkout: { ops: round(two.co.ops, 1), ratio: ratio(two.co.ops), p99Ms: round(two.co.p99Ms, 2) },
          processesLeft: two.leftBehind.length,
        }
      : { skipped: TWO_PROCESS_SKIPPED },
  };
}

async function main(): Promise<number> {
  const store = chooseStore();
  const t0 = performance.now();
  log(`quan bench: store ${store.label}, node ${process.version}, ${os.cpus().length} CPUs`);

  // Pricing CPU in-process, first, while nothing else runs on the machine.
  log('\n[quote CPU] priceCart in-process ...');
  const cpu = measureQuoteCpu();
  log(
    `  ${cpu.calls} calls, ${cpu.msPerQuote.toFixed(4)} ms CPU per quote (${cpu.eligible}/${P.CART_COUPONS} coupons eligible, best ${cpu.bestDiscountFen} fen off)`,
  );

  const bare = await measureBare();
  const one = await runOneProcess(store, cpu.bestDiscountFen);
  let two: TwoProcess | null = null;
  if (store.postgres) two = await runTwoProcess();
  else log(`\n[${P.TWO_PROCESS_WORKERS} processes] skipped: the two-process run ${TWO_PROCESS_SKIPPED}`);

  const rows = tableRows(store, cpu, bare, one, two, performance.now() - t0);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  const rule = '-'.repeat(100);
  log(`\n${rule}\nquan bench results\n${rule}`);
  for (const [k, v] of rows) log(`${k.padEnd(width)}${v}`);
  log(rule);
  const failures: string[] = [];
  if (!one.flash.issuedOk) failures.push(`issued ${one.flash.stats.issued} ≠ stock ${P.STOCK}`);
  if (two && !two.flash.issuedOk) failures.push(`${P.TWO_PROCESS_WORKERS} processes: issued ${two.flash.stats.issued} ≠ stock ${P.STOCK}`);
  if (!one.co.walletCheck) failures.push('a wallet balance or used-coupon count does not match the orders');
  if (two && !two.co.walletCheck)
    failures.push(`${P.TWO_PROCESS_WORKERS} processes: a wallet balance or used-coupon count does not match the orders`);
  if (two?.leftBehind.length) failures.push(`${P.TWO_PROCESS_WORKERS} processes: pids ${two.leftBehind.join(', ')} outlived the stop`);
  for (const f of failures) log(`FAIL: ${f}`);

  log(JSON.stringify(summaryOf(store, cpu, bare.rps, one, two)));
  return failures.length ? 1 : 0;
}

try {
  const code = await main();
  clearTimeout(watchdog);
  process.exit(code);
} catch (e) {
  await abort(2, `FAIL: bench error: ${(e as Error).stack ?? String(e)}`);
}
