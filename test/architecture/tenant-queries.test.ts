// Lookups filter by tenant first (issue 13): a statement that reads or writes
// a tenant table without naming tenant_id works on one PostgreSQL (keys are
// (id, tenant_id), so a lookup by id alone still uses them) but would run on
// every node of a distributed store. This test counts such statements in the
// repositories and holds the count where it is: a new one fails the run, and
// so does fixing one without lowering the count (so it only ever goes down).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const walk = (d: string): string[] =>
  fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));

/** The platform-wide tables (reference tables in migration 015): no tenant to filter by. */
const REFERENCE = new Set(['tenants', 'staff_logins', 'schema_migrations', 'app_secrets']);
/**
 * Statements known not to name tenant_id (the list prints when the count moves);
 * lower it as they are fixed. Some are platform-wide on purpose (the job, event
 * and verification-code sweeps, which claim across tenants) and some build
 * their tenant filter from a fragment this scan cannot see; the rest take an
 * id the caller already checked in its tenant. 51 at issue 13's migration; the
 * card money moves (11) then took tenant_id.
 */
const UNROUTED_BASELINE = 40;

function statements(file: string): { line: number; sql: string }[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { line: number; sql: string }[] = [];
  const visit = (n: ts.Node) => {
    let text: string | null = null;
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) text = n.text;
    else if (ts.isTemplateExpression(n)) text = n.head.text + n.templateSpans.map((s) => ' $x ' + s.literal.text).join('');
    if (text && /\b(SELECT|UPDATE|DELETE|INSERT)\b/.test(text))
      out.push({ line: sf.getLineAndCharacterOfPosition(n.getStart()).line + 1, sql: text });
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const tablesOf = (sql: string) => [...sql.matchAll(/\b(?:FROM|JOIN|UPDATE|INTO)\s+([a-z_]+)/gi)].map((m) => m[1]!.toLowerCase());

describe('tenant routing of repository statements', () => {
  it('keeps the statements that do not name tenant_id at the baseline', () => {
    const repos = walk(path.join(ROOT, 'src/contexts')).filter((f) => /\/repo\/[^/]+\.ts$/.test(f));
    const unrouted: string[] = [];
    for (const f of repos)
      for (const s of statements(f)) {
        const tenantTables = tablesOf(s.sql).filter((t) => !REFERENCE.has(t) && t !== 'unnest' && !t.startsWith('quan_'));
        if (tenantTables.length && !/tenant_id|p_tenant/.test(s.sql))
          unrouted.push(`${path.relative(ROOT, f)}:${s.line} ${tenantTables.join(',')}: ${s.sql.replace(/\s+/g, ' ').slice(0, 100)}`);
      }
    if (unrouted.length !== UNROUTED_BASELINE) console.log(unrouted.join('\n'));
    expect(unrouted.length).toBe(UNROUTED_BASELINE);
  });
});
