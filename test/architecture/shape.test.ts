// The house's shape, checked on every run so no later module can break it
// (issue 11): SQL only in repositories, one writing context per table, small
// files and functions, no rollback-by-exception, no failure classified by its
// message, services built only by the composition root.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../src/db/migrate.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const walk = (d: string): string[] =>
  fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
const rel = (f: string) => path.relative(ROOT, f).split(path.sep).join('/');
const sources = walk(path.join(ROOT, 'src'))
  .filter((f) => /\.tsx?$/.test(f))
  .map(rel);
const server = sources.filter((f) => !f.startsWith('src/web/'));
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), 'utf8');

/** Who writes each table: exactly one context (README, Layout). A new table must be given an owner here. */
const OWNER: Record<string, string> = {};
const own = (ctx: string, tables: string) =>
  tables
    .split(/\s+/)
    .filter(Boolean)
    .forEach((t) => (OWNER[t] = ctx));
own('identity', 'tenants staff staff_logins staff_sessions api_keys stores departments users user_sessions');
own('platform', 'audit_log idempotency_keys outbox_messages verification_codes app_secrets guess_attempts jobs');
own(
  'coupons',
  `coupon_templates coupons coupon_events template_user_claims code_batches promo_codes promo_code_user_uses
   redemptions redemption_items coupon_merge_rules coupon_merge_rule_items coupon_shares`,
);
own(
  'loyalty',
  `points_ledger wallet_ledger sign_ins sign_in_rules points_vouchers points_send_rules points_deduction_rules
   pay_bills pay_bill_discounts recharge_send_rules`,
);
own('cards', 'card_products card_events user_cards card_ledger card_ledger_buckets card_buckets card_invoices card_uploads');
own(
  'commerce',
  `goods goods_categories goods_skus orders order_lines order_logs order_refunds shipping_addresses banners notices
   config_values invoices user_levels user_level_prices user_messages`,
);
own('sellers', 'seller_profiles');
own('events', 'domain_events webhook_endpoints webhook_deliveries webhook_attempts');

const SQL = /\b(SELECT\s[\s\S]{0,400}?\sFROM\s|INSERT\s+INTO\s|UPDATE\s+[a-z_]+\s+(AS\s+[a-z_]+\s+)?SET\s|DELETE\s+FROM\s)/i;
const isRepo = (f: string) => /^src\/contexts\/[^/]+\/repo\//.test(f) || f.startsWith('src/db/');
const contextOf = (f: string) => /^src\/contexts\/([^/]+)\//.exec(f)?.[1] ?? null;

/** The string and template literals of a file (comments never count as SQL). */
function literals(file: string): string[] {
  const sf = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text);
    else if (ts.isTemplateExpression(n)) out.push(n.head.text + n.templateSpans.map((s) => ' $x ' + s.literal.text).join(''));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('the shape of the house', () => {
  it('holds SQL only in repositories and db/', () => {
    const outside = server.filter((f) => !isRepo(f) && literals(f).some((s) => SQL.test(s)));
    expect(outside).toEqual([]);
  });

  it('gives every table one owner, and only the owner writes it', () => {
    const tables = new Set<string>();
    for (const m of loadMigrations()) for (const t of m.sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/gi)) tables.add(t[1]!);
    tables.delete('schema_migrations');
    expect([...tables].filter((t) => !OWNER[t]).sort()).toEqual([]);
    const wrongWriters: string[] = [];
    for (const f of server.filter((x) => contextOf(x))) {
      for (const s of literals(f)) {
        for (const w of s.matchAll(/\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+([a-z_]+)\b/gi)) {
          const owner = OWNER[w[1]!.toLowerCase()];
          if (owner && owner !== contextOf(f)) wrongWriters.push(`${f} writes ${w[1]} (owned by ${owner})`);
        }
      }
    }
    expect([...new Set(wrongWriters)]).toEqual([]);
  });

  it('keeps source files under 500 lines (the translation table and generated schema aside)', () => {
    const big = sources
      .filter((f) => !/i18n\.tsx$|^src\/db\/schema\.ts$/.test(f))
      .map((f) => [f, read(f).split('\n').length] as const)
      .filter(([, n]) => n > 500);
    expect(big).toEqual([]);
  });

  it('keeps every server function under 80 lines of its own (nested functions counted apart)', () => {
    const long: string[] = [];
    for (const f of server.filter((x) => x !== 'src/db/schema.ts')) {
      const sf = ts.createSourceFile(f, read(f), ts.ScriptTarget.Latest, true);
      const line = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
      const visit = (n: ts.Node) => {
        if (ts.isFunctionLike(n) && 'body' in n && n.body) {
          let own = line(n.body.end) - line(n.body.getStart(sf)) + 1;
          const nested = (m: ts.Node) => {
            if (ts.isFunctionLike(m) && 'body' in m && m.body) own -= line(m.end) - line(m.getStart(sf)) + 1;
            else ts.forEachChild(m, nested);
          };
          ts.forEachChild(n.body, nested);
          const name = (n as ts.FunctionDeclaration).name?.getText(sf) ?? `<anonymous@${line(n.getStart(sf)) + 1}>`;
          if (own > 80) long.push(`${f}: ${name} ${own}`);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    expect(long).toEqual([]);
  });

  it('rolls back by returning failures, never by throwing them, and never reads a failure from its message', () => {
    const offenders = server.filter((f) => /RollbackWith|\.test\([^)]*\.message\)|message\.(match|includes)\(/.test(read(f)));
    expect(offenders).toEqual([]);
  });

  it('builds services only in the composition root (through each context index)', () => {
    const factoryCall = /(?<!function )\b[a-z][A-Za-z]*Service\(\s*deps\b/;
    const builders = server.filter(
      (f) => f !== 'src/compose.ts' && !/^src\/contexts\/[^/]+\/index\.ts$/.test(f) && factoryCall.test(read(f)),
    );
    expect(builders).toEqual([]);
    const buildCalls = server.filter((f) => f !== 'src/compose.ts' && /(?<!function )\bbuild[A-Z][a-z]+\(deps/.test(read(f)));
    expect(buildCalls).toEqual([]);
  });
});
