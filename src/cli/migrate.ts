// `npm run migrate`: apply pending migrations to the configured store and exit.
import { ConfigError, loadConfig } from '../config.ts';
import { migrate } from '../db/migrate.ts';
import { openStore } from '../runtime.ts';

try {
  const config = loadConfig();
  const db = await openStore(config);
  const applied = await migrate(db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
  await db.close();
} catch (e) {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(e instanceof ConfigError ? 78 : 1);
}
