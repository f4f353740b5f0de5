// The world the fuzz runs in: a tenant with a store, a seller, a template
// with stock, a user with points, an apifm consumer, all logged in; and a
// snapshot of the state (row count of every table, sums of every balance,
// points, stock and counter column) to prove bad input changed nothing.
import type { Db } from '../../../src/db/store.ts';
import { makeTemplate, makeTenant, makeUser } from '../../helpers/fixtures.ts';
import type { TestRuntime } from '../../helpers/runtime.ts';
import { apifm, registerUser } from '../apifm/helpers.ts';
import { makeSeller, makeStore } from '../seller/helpers.ts';
import type { World } from './generate.ts';

export async function makeWorld(rt: TestRuntime): Promise<World & { tenantId: number }> {
  const t = await makeTenant(rt.services, rt.app);
  const storeId = await makeStore(rt.app, t, 'Fuzz store');
  const seller = await makeSeller(rt.app, t, { account: 'fuzz-seller', name: 'Fuzz', phone: '1', storeIds: [storeId] });
  await makeTemplate(rt.app, t, { stock: 100 });
  await makeUser(rt.services, t.tenantId, { points: 500 });
  const consumer = await registerUser(apifm(rt.app, t.slug), rt.services, t.tenantId);
  return { slug: t.slug, tenantId: t.tenantId, staffToken: t.token, sellerToken: seller.token, consumerToken: consumer.token };
}

/** Columns whose sum is state a client could move: money, points, stock and the counters beside them. */
const SUMMED = /balance|points|score|stock|issued|sold|used|claimed|amount|quantity|frozen|remaining|generated|times/;

export type Snapshot = Record<string, string>;

/** One query: per table `count` and the sum of each summed numeric column, as text (bigints stay exact). */
export async function snapshotQuery(db: Db): Promise<string> {
  const cols = await db.query<{ table_name: string; column_name: string; data_type: string }>(
    `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      ORDER BY c.table_name, c.ordinal_position`,
  );
  const tables = new Map<string, string[]>();
  for (const c of cols.rows) {
    const list = tables.get(c.table_name) ?? [];
    if (/^(integer|bigint|smallint|numeric)$/.test(c.data_type) && SUMMED.test(c.column_name)) list.push(c.column_name);
    tables.set(c.table_name, list);
  }
  const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
  const parts = [...tables].map(([t, summed]) => {
    const fields = [`'${t}:rows', count(*)::text`, ...summed.map((c) => `'${t}.${c}', coalesce(sum(${q(c)}), 0)::text`)];
    return `SELECT json_build_object(${fields.join(', ')})::text AS v FROM ${q(t)}`;
  });
  return parts.join('\nUNION ALL\n');
}

export async function snapshot(db: Db, sql: string): Promise<Snapshot> {
  const r = await db.query<{ v: string }>(sql);
  return Object.assign({}, ...r.rows.map((row) => JSON.parse(row.v) as Snapshot));
}

/** What differs between two snapshots, as "key: before → after". */
export function changes(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).map((k) => `${k}: ${before[k]} → ${after[k]}`);
}
