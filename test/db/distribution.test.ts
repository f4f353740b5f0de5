// The schema distributes by tenant (issue 13): read from the catalog after
// every migration, on the store the suite runs on. A later migration that adds
// a table without tenant_id, a key without it or an unpaired foreign key fails
// here, and so does a seventh reference table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusDdl, distributionViolations, isReference, readCatalog, type CatalogTable } from '../../src/db/distribution.ts';
import { openTestDb, type TestDb } from '../helpers/runtime.ts';

let t: TestDb;
let catalog: CatalogTable[];
beforeAll(async () => {
  t = await openTestDb();
  catalog = await readCatalog(t.db);
});
afterAll(() => t.drop());

const table = (name: string, over: Partial<CatalogTable> = {}): CatalogTable => ({
  name,
  comment: null,
  tenantColumn: { nullable: false },
  keys: [{ name: `${name}_pkey`, kind: 'primary', columns: ['id', 'tenant_id'] }],
  uniqueIndexes: [],
  foreignKeys: [],
  ...over,
});

describe('the migrated schema', () => {
  it('breaks none of the distribution rules', () => {
    expect(catalog.length).toBeGreaterThan(55);
    expect(distributionViolations(catalog)).toEqual([]);
  });

  it('has exactly the platform-wide reference tables, each saying why', () => {
    const reference = catalog.filter(isReference);
    expect(reference.map((x) => x.name).sort()).toEqual(['app_secrets', 'schema_migrations', 'staff_logins', 'tenants']);
    for (const r of reference) expect(r.comment).toMatch(/^reference: .{20,}/);
  });

  it('keys every tenant table by tenant_id, child tables too', () => {
    for (const name of [
      'redemption_items',
      'card_ledger_buckets',
      'order_logs',
      'template_user_claims',
      'promo_code_user_uses',
      'coupon_merge_rule_items',
    ]) {
      const x = catalog.find((c) => c.name === name)!;
      expect(x.tenantColumn, name).toEqual({ nullable: false });
      expect(x.keys.find((k) => k.kind === 'primary')!.columns, name).toContain('tenant_id');
    }
  });
});

describe('the rules (so the test above can fail)', () => {
  it('names each kind of break', () => {
    const bad = distributionViolations([
      table('tenants', { comment: 'reference: the tenant list', tenantColumn: null }),
      table('no_tenant', { tenantColumn: null }),
      table('nullable', { tenantColumn: { nullable: true } }),
      table('id_key', { keys: [{ name: 'id_key_pkey', kind: 'primary', columns: ['id'] }] }),
      table('no_key', { keys: [] }),
      table('global_unique', {
        uniqueIndexes: [{ name: 'gu_code', columns: ['code'], definition: 'CREATE UNIQUE INDEX gu_code ON global_unique (code)' }],
      }),
      table('unpaired', {
        foreignKeys: [{ name: 'unpaired_parent', columns: ['parent_id'], references: 'nullable', referencedColumns: ['id'] }],
      }),
      table('crossed', {
        foreignKeys: [
          { name: 'crossed_parent', columns: ['tenant_id', 'parent_id'], references: 'nullable', referencedColumns: ['id', 'tenant_id'] },
        ],
      }),
      table('to_reference', {
        foreignKeys: [{ name: 'to_reference_tenant', columns: ['tenant_id'], references: 'tenants', referencedColumns: ['id'] }],
      }),
      table('ref_to_tenant', {
        comment: 'reference: something',
        foreignKeys: [{ name: 'ref_to_tenant_x', columns: ['x_id'], references: 'nullable', referencedColumns: ['id'] }],
      }),
    ]);
    expect(bad).toEqual([
      "no_tenant: no tenant_id (and not commented 'reference: <why>')",
      'nullable.tenant_id is nullable',
      'id_key.id_key_pkey: primary key (id) lacks tenant_id',
      'no_key: no primary key',
      'global_unique.gu_code: unique index lacks tenant_id: CREATE UNIQUE INDEX gu_code ON global_unique (code)',
      'unpaired.unpaired_parent: foreign key (parent_id) → nullable (id) does not pair tenant_id',
      'crossed.crossed_parent: foreign key (tenant_id, parent_id) → nullable (id, tenant_id) does not pair tenant_id',
      'ref_to_tenant.ref_to_tenant_x: a reference table refers to tenant table nullable',
    ]);
  });

  it('allows at most six reference tables', () => {
    const seven = Array.from({ length: 7 }, (_, i) => table(`r${i}`, { comment: 'reference: x', tenantColumn: null }));
    expect(distributionViolations(seven)[0]).toMatch(/^7 reference tables \(at most 6\)/);
  });
});

describe('npm run citus:ddl', () => {
  it('makes the reference tables first, then distributes every other table by tenant_id after what it references', () => {
    const ddl = citusDdl(catalog);
    expect(ddl.filter((l) => l.startsWith('SELECT create_reference_table'))).toHaveLength(4);
    const distributed = ddl.map((l) => /create_distributed_table\('([a-z_]+)', 'tenant_id'/.exec(l)?.[1]).filter(Boolean) as string[];
    expect(distributed.sort()).toEqual(
      catalog
        .filter((c) => !isReference(c))
        .map((c) => c.name)
        .sort(),
    );
    const at = (name: string) => ddl.findIndex((l) => l.includes(`('${name}'`));
    for (const c of catalog.filter((x) => !isReference(x)))
      for (const fk of c.foreignKeys)
        if (fk.references !== c.name) expect(at(fk.references), `${c.name} → ${fk.references}`).toBeLessThan(at(c.name));
    expect(ddl.slice(1).filter((l) => l.includes('colocate_with')).length).toBe(distributed.length - 1);
  });
});
