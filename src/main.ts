// `npm start`: validate the configuration, open the store, migrate, seed the
// first start, serve.
import { ConfigError, loadConfig, type Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { openRuntime } from './runtime.ts';
import { seedFirstStart } from './contexts/identity/index.ts';
import { announce, isWorker, runPrimary, shouldFork } from './cluster.ts';

let config: Config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(78); // EX_CONFIG
  }
  throw e;
}

if (shouldFork(config)) runPrimary(config);
else await serve();

async function serve(): Promise<void> {
  const runtime = await openRuntime(config);
  const { services, log } = runtime;
  const seeded = await seedFirstStart(services.deps, services.tenants);
  const app = await buildApp({ services });

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await app.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const base = config.publicUrl ?? `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${port}`;

  const lines = [
    '',
    `quan is running (store: ${services.deps.db.kind}${services.deps.db.kind === 'pglite' ? ` in ${config.dataDir}` : ''}, cache: ${services.deps.cache.kind})`,
    `  API       ${base}/api/v1`,
    `  API docs  ${base}/docs   (OpenAPI: ${base}/openapi.json)`,
    `  console   ${base}/admin/`,
    `  health    ${base}/health/ready   metrics: ${base}/metrics`,
  ];
  const firstStart: string[] = [];
  if (seeded.created && seeded.admin && seeded.demo) {
    // Printed once, on the start that created the accounts, and never again.
    firstStart.push(
      '',
      'First start: accounts created' +
        (seeded.admin.generated || seeded.demo.generated ? ' (generated passwords are shown only now):' : ':'),
      `  platform admin   username admin   password ${seeded.admin.generated ? seeded.admin.password : '(from ADMIN_PASSWORD)'}`,
      `  demo tenant      slug demo, owner username demo   password ${seeded.demo.generated ? seeded.demo.password : '(from DEMO_PASSWORD)'}`,
    );
  }
  if (isWorker()) announce(lines.join('\n'), firstStart.length ? firstStart.join('\n') : null);
  else console.log([...lines, ...firstStart].join('\n') + '\n');
}
