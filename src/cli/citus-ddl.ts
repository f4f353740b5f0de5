// `npm run citus:ddl`: the statements that distribute quan's schema on Citus
// (reference tables, then every tenant table by tenant_id, co-located),
// generated from the catalog after migrations. Citus itself is not run here;
// the catalog test (test/db/distribution.test.ts) is what holds the rules.
// With DATABASE_URL it reads that store; otherwise a fresh embedded one.
import { loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { citusDdl, distributionViolations, readCatalog } from '../db/distribution.ts';
import { openPglite, openPostgres } from '../db/store.ts';

const config = loadConfig();
const db = config.databaseUrl
  ? await openPostgres({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: 2 })
  : await openPglite({ dataDir: null });
try {
  if (!config.databaseUrl) await migrate(db);
  const catalog = await readCatalog(db);
  const broken = distributionViolations(catalog);
  if (broken.length) {
    console.error(`the schema cannot be distributed by tenant_id:\n  ${broken.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(citusDdl(catalog).join('\n'));
  }
} finally {
  await db.close();
}
