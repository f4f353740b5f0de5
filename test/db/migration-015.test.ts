// Migration 015 converts a store in place (issue 13): a store made and filled
// by the code before it (commit 38af905, test/db/fixtures/fill-014.mts) is
// loaded at migration 014, migrated, and then every row, balance, coupon and
// order is checked, the paired foreign keys are validated against the data,
// and the new services work on what the old ones left. On PGlite by default,
// on PostgreSQL with TEST_DATABASE_URL.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryCache } from '../../src/cache/cache.ts';
import { createServices, type Services } from '../../src/compose.ts';
import { distributionViolations, readCatalog } from '../../src/db/distribution.ts';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { quoteIdent } from '../../src/db/store.ts';
import { openTestDb, testConfig, type TestDb } from '../helpers/runtime.ts';
import { loadStore014, readStore014, rowLines, tableRows, type Row } from './fixtures/store-014.ts';

const store = readStore014();
const old = store.tables;
/** The tables whose platform rows had tenant_id NULL before 015. */
const PLATFORM_NULL = ['staff', 'staff_sessions', 'audit_log', 'card_uploads'];

let t: TestDb;
let applied: string[];
beforeAll(async () => {
  t = await openTestDb(loadMigrations().filter((m) => m.id < '015_'));
  await t.db.tx((q) => loadStore014(q, store));
  applied = await migrate(t.db);
}, 120_000);
afterAll(() => t?.drop());

const rows = async <R = Row>(sql: string, params: unknown[] = []) => (await t.db.query<R>(sql, params)).rows;
const byId = (table: string) => new Map(old[table]!.map((r) => [r.id as number, r]));

describe('the filled 014 store', () => {
  it('was made by the old code with every migration up to 014 and rows in every table', () => {
    expect(store.commit).toBe('38af905');
    expect(store.migrations).toEqual(
      loadMigrations()
        .map((m) => m.id)
        .filter((id) => id < '015_'),
    );
    expect(Object.entries(old).filter(([, r]) => r.length === 0)).toEqual([]);
    for (const name of PLATFORM_NULL)
      expect(
        old[name]!.some((r) => r.tenant_id === null),
        name,
      ).toBe(true);
  });

  it('migrates from 015 on', () => {
    expect(applied[0]).toBe('015_distribution');
  });
});

describe('every row after 015', () => {
  it('is still there: each table has the fixture row count (tenants one more, the platform)', async () => {
    for (const [name, before] of Object.entries(old)) {
      const [n] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteIdent(name)}`);
      expect(n!.n, name).toBe(name === 'tenants' ? before.length + 1 : before.length);
    }
  });

  it('keeps its data: every old column unchanged, but a NULL tenant is now 0', async () => {
    for (const [name, before] of Object.entries(old)) {
      const columns = Object.keys(before[0]!);
      const expected = before.map((r) => (PLATFORM_NULL.includes(name) && r.tenant_id === null ? { ...r, tenant_id: 0 } : r));
      const now = (await tableRows(t.db, name)).filter((r) => !(name === 'tenants' && r.id === 0));
      expect(rowLines(now, columns), name).toEqual(rowLines(expected, columns));
    }
  });

  it("gives each child row its parent's tenant", async () => {
    const children: [child: string, key: string, parent: string, parentKey: string][] = [
      ['redemption_items', 'redemption_id', 'redemptions', 'id'],
      ['template_user_claims', 'template_id', 'coupon_templates', 'id'],
      ['promo_code_user_uses', 'promo_code_id', 'promo_codes', 'id'],
      ['coupon_merge_rule_items', 'rule_id', 'coupon_merge_rules', 'id'],
      ['order_logs', 'order_id', 'orders', 'id'],
      ['card_ledger_buckets', 'entry_id', 'card_ledger', 'id'],
    ];
    for (const [child, key, parent, parentKey] of children) {
      const tenantOf = new Map(old[parent]!.map((p) => [p[parentKey], p.tenant_id]));
      const expected = old[child]!.map((r) => [r[key], tenantOf.get(r[key])]);
      const now = await rows<{ k: number; tenant_id: number }>(
        `SELECT ${quoteIdent(key)} AS k, tenant_id FROM ${quoteIdent(child)} ORDER BY 1, 2`,
      );
      expect(
        now.map((r) => [r.k, r.tenant_id]),
        child,
      ).toEqual(expected.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number)));
      expect(new Set(now.map((r) => r.tenant_id)).size, `${child} spans both filled tenants`).toBeGreaterThanOrEqual(2);
    }
  });

  it('puts the platform rows in tenant 0, which exists and which no tenant lookup shows', async () => {
    for (const name of PLATFORM_NULL) {
      const [n] = await rows<{ n: number }>(`SELECT count(*)::int AS n FROM ${quoteIdent(name)} WHERE tenant_id = 0`);
      expect(n!.n, name).toBe(old[name]!.filter((r) => r.tenant_id === null).length);
    }
    expect(await rows('SELECT slug FROM tenants WHERE id = 0')).toEqual([{ slug: '_platform' }]);
    const s = services();
    expect((await s.tenants.list()).map((x) => x.id).sort()).toEqual(old.tenants!.map((x) => x.id).sort());
    expect(await s.tenants.getBySlug('_platform')).toBeNull();
    expect(await s.tenants.getBySlug(old.tenants![0]!.slug as string)).toMatchObject({ id: old.tenants![0]!.id });
  });

  it('writes the staff login directory from the old staff', async () => {
    const dir = await rows<{ login: string; tenant_id: number; staff_id: number }>('SELECT * FROM staff_logins ORDER BY staff_id');
    expect(dir).toEqual(
      old.staff!.map((s) => ({ login: (s.username as string).toLowerCase(), tenant_id: s.tenant_id ?? 0, staff_id: s.id })),
    );
  });
});

describe('the keys after 015', () => {
  it('validates every NOT VALID foreign key against the migrated data', async () => {
    const pending = await rows<{ tbl: string; name: string }>(
      `SELECT c.relname AS tbl, k.conname AS name FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND k.contype = 'f' AND NOT k.convalidated ORDER BY 1, 2`,
    );
    // All of them: the paired keys 015 and later migrations made NOT VALID, none left out.
    const made = loadMigrations()
      .filter((m) => m.id >= '015_')
      .reduce((n, m) => n + (m.sql.match(/\bNOT VALID;/g) ?? []).length, 0);
    expect(made).toBeGreaterThan(60);
    expect(pending.length).toBe(made);
    for (const fk of pending) {
      await t.db.query(`ALTER TABLE ${quoteIdent(fk.tbl)} VALIDATE CONSTRAINT ${quoteIdent(fk.name)}`);
    }
    const [left] = await rows<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace
        WHERE n.nspname = current_schema() AND k.contype = 'f' AND NOT k.convalidated`,
    );
    expect(left!.n).toBe(0);
    console.log(`migration-015: validated ${pending.length} foreign keys`);
  });

  it('breaks none of the distribution rules', async () => {
    expect(distributionViolations(await readCatalog(t.db))).toEqual([]);
  });
});

describe('balances, coupons and orders after 015', () => {
  it('every card holds what it held, the sum of its ledger lines; every bucket the sum of its lines', async () => {
    const cards = await rows<{ id: number; capital: number; bonus: number; c: number; b: number }>(
      `SELECT uc.id, uc.capital, uc.bonus, coalesce(sum(l.capital_delta), 0)::int AS c, coalesce(sum(l.bonus_delta), 0)::int AS b
         FROM user_cards uc LEFT JOIN card_ledger l ON l.tenant_id = uc.tenant_id AND l.user_card_id = uc.id
        GROUP BY uc.id, uc.capital, uc.bonus ORDER BY uc.id`,
    );
    const before = byId('user_cards');
    expect(cards.map((c) => [c.id, c.c, c.b])).toEqual(old.user_cards!.map((c) => [c.id, c.capital, c.bonus]));
    for (const c of cards) expect([c.capital, c.bonus]).toEqual([before.get(c.id)!.capital, before.get(c.id)!.bonus]);
    expect(cards.some((c) => c.capital > 0 && c.bonus > 0)).toBe(true);
    const buckets = await rows<{ id: number; capital: number; bonus: number; c: number; b: number }>(
      `SELECT k.id, k.capital, k.bonus, coalesce(sum(x.capital_delta), 0)::int AS c, coalesce(sum(x.bonus_delta), 0)::int AS b
         FROM card_buckets k LEFT JOIN card_ledger_buckets x ON x.tenant_id = k.tenant_id AND x.bucket_id = k.id
        GROUP BY k.id, k.capital, k.bonus ORDER BY k.id`,
    );
    expect(buckets.map((k) => [k.id, k.c, k.b])).toEqual(old.card_buckets!.map((k) => [k.id, k.capital, k.bonus]));
    for (const tenant of old.tenants!) {
      expect(await services().cards.checkLedger(tenant.id as number)).toEqual({ cardsOff: [], bucketsOff: [] });
    }
  });

  it("every consumer's points and wallet equal their ledgers and what they were", async () => {
    const users = await rows<{ id: number; points: number; wallet_balance: number; p: number; w: number }>(
      `SELECT u.id, u.points, u.wallet_balance,
              (SELECT coalesce(sum(delta), 0)::int FROM points_ledger l WHERE l.tenant_id = u.tenant_id AND l.user_id = u.id) AS p,
              (SELECT coalesce(sum(delta), 0)::int FROM wallet_ledger l WHERE l.tenant_id = u.tenant_id AND l.user_id = u.id) AS w
         FROM users u ORDER BY u.id`,
    );
    expect(users.map((u) => [u.id, u.p, u.w])).toEqual(old.users!.map((u) => [u.id, u.points, u.wallet_balance]));
    expect(users.map((u) => [u.points, u.wallet_balance])).toEqual(users.map((u) => [u.p, u.w]));
    expect(users.filter((u) => u.p > 0).length).toBeGreaterThan(2);
    expect(users.filter((u) => u.w > 0).length).toBeGreaterThan(2);
  });

  it('every template counts the coupons it counted, in the same states', async () => {
    const count = (list: Row[]) => {
      const m: Record<string, number> = {};
      for (const c of list) m[`${c.template_id}:${c.status}`] = (m[`${c.template_id}:${c.status}`] ?? 0) + 1;
      return m;
    };
    const now = await rows<{ template_id: number; status: string }>(
      'SELECT c.template_id, c.status FROM coupons c JOIN coupon_templates t ON t.tenant_id = c.tenant_id AND t.id = c.template_id',
    );
    expect(count(now)).toEqual(count(old.coupons!));
    expect(new Set(now.map((c) => c.status)).size).toBeGreaterThanOrEqual(3);
    const issued = await rows<{ id: number; issued: number }>('SELECT id, issued FROM coupon_templates ORDER BY id');
    expect(issued).toEqual(old.coupon_templates!.map((x) => ({ id: x.id, issued: x.issued })));
  });

  it('every order keeps its state and amounts', async () => {
    const now = await rows<Row>('SELECT id, tenant_id, user_id, status, amount_goods, amount_real, has_refund FROM orders ORDER BY id');
    expect(now).toEqual(
      old.orders!.map((o) => ({
        id: o.id,
        tenant_id: o.tenant_id,
        user_id: o.user_id,
        status: o.status,
        amount_goods: o.amount_goods,
        amount_real: o.amount_real,
        has_refund: o.has_refund,
      })),
    );
    expect(new Set(now.map((o) => o.status)).size).toBeGreaterThanOrEqual(3);
  });
});

let built: Services | undefined;
function services(): Services {
  const config = testConfig();
  built ??= createServices({ db: t.db, cache: memoryCache(), log: pino({ level: config.logLevel }), config });
  return built;
}

/** The passwords fill-014.mts gave. */
function passwordOf(s: Row): string {
  if (s.username === 'admin') return 'admin-pass-1';
  if (s.username === 'demo') return 'demo-pass-1';
  return s.role === 'owner' ? 'correct-horse-1' : 'pass-word-123';
}

let ipN = 0;
const ip = () => `10.9.0.${++ipN}`;

async function staffAs(username: string) {
  const s = old.staff!.find((x) => x.username === username)!;
  const login = await services().auth.login(username, passwordOf(s), ip());
  if (!login.ok) throw new Error(login.error.message);
  return (await services().auth.authenticate(login.value.token))!;
}

/** A filled tenant (not the demo one) and its fixture rows. */
const tenantB = () => old.tenants!.find((x) => x.id === old.staff!.find((s) => s.username === 'operator-2')!.tenant_id)!.id as number;

describe('the new services on the migrated store', () => {
  it('let every old staff member, the platform admin too, log in with the old password', async () => {
    for (const s of old.staff!) {
      const p = await staffAs(s.username as string);
      expect(p, s.username as string).toMatchObject({ kind: 'staff', staffId: s.id, role: s.role });
      if (s.tenant_id !== null) expect(p.tenantId).toBe(s.tenant_id);
    }
    const wrong = await services().auth.login('operator-1', 'not-the-password', ip());
    expect(wrong.ok).toBe(false);
  });

  it('refuse the old tokens, which name no tenant (migration note: everyone logs in again, API keys are re-issued)', async () => {
    expect(store.tokens.staff.length).toBeGreaterThan(5);
    for (const token of [...store.tokens.staff, ...store.tokens.apiKeys]) expect(await services().auth.authenticate(token)).toBeNull();
    for (const c of store.tokens.consumers) expect(await services().consumerAuth.authenticate(c.tenantId, c.token)).toBeNull();
  });

  it("count a consumer's old claims against a template's per-user limit", async () => {
    const T = tenantB();
    const tpl = old.coupon_templates!.find((x) => x.tenant_id === T && x.per_user_limit === 3)!;
    const mine = old.template_user_claims!.find((c) => c.template_id === tpl.id && c.claimed === 2)!;
    const third = await services().coupons.claim(T, tpl.id as number, mine.user_id as number);
    expect(third.ok).toBe(true);
    const fourth = await services().coupons.claim(T, tpl.id as number, mine.user_id as number);
    expect(fourth.ok === false && fourth.error.code).toBe('per_user_limit');
    const [row] = await rows('SELECT claimed FROM template_user_claims WHERE tenant_id = $1 AND template_id = $2 AND user_id = $3', [
      T,
      tpl.id,
      mine.user_id,
    ]);
    expect(row).toEqual({ claimed: 3 });
  });

  it("count a consumer's old uses of a promo code against its per-user limit", async () => {
    const T = tenantB();
    const promo = old.promo_codes!.find((p) => p.tenant_id === T)!;
    expect(promo.user_use_limit).toBe(2);
    const use = old.promo_code_user_uses!.find((u) => u.promo_code_id === promo.id && u.used === 1)!;
    const redeem = (n: number) =>
      services().redemptions.redeem(
        T,
        {
          userId: use.user_id as number,
          items: [{ price: '50.00', quantity: 2 }],
          promoCodes: [promo.code as string],
          orderRef: `MIG-${n}`,
        },
        null,
      );
    expect((await redeem(1)).ok).toBe(true);
    const over = await redeem(2);
    expect(over.ok === false && over.error.code).toBe('per_user_limit');
  });

  it('refuse an old expense refund as already refunded, and refund an old expense that was not', async () => {
    const T = tenantB();
    const clerk = await staffAs('operator-2');
    const ledger = old.card_ledger!.filter((l) => l.tenant_id === T);
    const refunded = ledger.find((l) => l.id === ledger.find((x) => x.refund_of !== null)!.refund_of)!;
    const open = ledger.find((l) => l.kind === 'expense' && l.id !== refunded.id && !ledger.some((x) => x.refund_of === l.id))!;
    const sent = await services().cards.sendRefundCode(T, clerk);
    if (!sent.ok) throw new Error(sent.error.message);
    const code = (await services().messages.outbox(T, 1))[0]!.code!;
    const twice = await services().cards.refundExpense(T, { orderNo: refunded.order_no as number, code }, clerk);
    expect(twice.ok === false && twice.error.code).toBe('already_rolled_back');
    const back = await services().cards.refundExpense(T, { orderNo: open.order_no as number, code }, clerk);
    expect(back.ok && back.value).toMatchObject({ kind: 'refund', capitalDelta: -(open.capital_delta as number) });
    expect(await services().cards.checkLedger(T)).toEqual({ cardsOff: [], bucketsOff: [] });
  });

  it('read an old order with its old logs', async () => {
    const T = tenantB();
    const order = old.orders!.find((o) => o.tenant_id === T && o.has_refund)!;
    const logs = old.order_logs!.filter((l) => l.order_id === order.id);
    expect(logs.length).toBeGreaterThan(1);
    const d = await services().orders.detail(T, { id: order.id as number }, null);
    expect(d?.order).toMatchObject({ id: order.id, userId: order.user_id, amountGoods: order.amount_goods, hasRefund: true });
    expect(d!.logs.map((l) => [l.remark, l.createdAt.toISOString()])).toEqual(
      logs.map((l) => [l.remark, new Date(l.created_at as string).toISOString()]),
    );
    expect(await services().orders.detail(T, { id: old.orders!.find((o) => o.tenant_id !== T)!.id as number }, null)).toBeNull();
  });
});
