// npm run db:types — regenerates src/db/schema.ts (the row types of every
// table) from the migrations: they are applied to a throwaway schema of a real
// PostgreSQL (DATABASE_URL, default the local test database) and read back by
// kysely-codegen. `npm run db:types -- --verify` fails when the committed file
// is out of date (CI runs it).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../db/migrate.ts';
import { openPostgres } from '../db/store.ts';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `quan_types_${process.pid}`;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const outFile = path.join(root, 'src/db/schema.ts');

const db = await openPostgres({ url, schema, poolSize: 1 });
try {
  await migrate(db);
  execFileSync(
    path.join(root, 'node_modules/.bin/kysely-codegen'),
    [
      '--dialect=postgres',
      `--url=${url}`,
      `--default-schema=${schema}`,
      `--include-pattern=${schema}.*`,
      '--exclude-pattern=*.schema_migrations',
      // node-postgres and PGlite both hand int8 back as a number (db/store.ts).
      '--type-mapping={"int8":"number"}',
      `--out-file=${outFile}`,
      ...(process.argv.includes('--verify') ? ['--verify'] : []),
    ],
    { stdio: 'inherit' },
  );
} finally {
  await db.exec(`DROP SCHEMA ${schema} CASCADE`);
  await db.close();
}
