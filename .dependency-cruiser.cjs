// The house's boundaries (README, Layout), checked by `npm run lint:deps` (CI runs it):
// dialects reach the core only through a context's index.ts, contexts reach each
// other only through index.ts, repositories belong to their own context, domain
// and kernel code stays pure, and nothing depends on the web console.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'dialect-through-index',
      comment: 'A dialect (src/http) imports a context only through its index.ts.',
      severity: 'error',
      from: { path: '^src/(http|cli)/' },
      to: { path: '^src/contexts/[^/]+/', pathNot: '^src/contexts/[^/]+/index\\.ts$' },
    },
    {
      name: 'context-through-index',
      comment: 'A context imports another context only through its index.ts.',
      severity: 'error',
      from: { path: '^src/contexts/([^/]+)/' },
      to: { path: '^src/contexts/[^/]+/', pathNot: ['^src/contexts/$1/', '^src/contexts/[^/]+/index\\.ts$'] },
    },
    {
      name: 'repo-inside-its-context',
      comment: 'Only the context itself uses its repositories (index.ts must not re-export them).',
      severity: 'error',
      from: { pathNot: '^src/contexts/([^/]+)/' },
      to: { path: '^src/contexts/[^/]+/repo/' },
    },
    {
      name: 'pure-domain',
      comment: 'domain/ and kernel/ do no I/O: no database, cache, HTTP, framework or context services.',
      severity: 'error',
      from: { path: '^src/(kernel/|contexts/[^/]+/domain/)' },
      to: {
        path: '^src/(db|cache|http|web)/|^src/contexts/[^/]+/(?!domain/)|(^|/)node_modules/(pg|@electric-sql|fastify|ioredis|pino)/',
        pathNot: '^src/db/(schema|rows)\\.ts$',
        // Types describe, they do not run: kernel/deps.ts names the Db and Cache a service is built from.
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'core-without-http',
      comment: 'Contexts, db and kernel never import the dialects or the console.',
      severity: 'error',
      from: { path: '^src/(contexts|db|kernel|cache)/' },
      to: { path: '^src/(http|web)/' },
    },
    {
      name: 'no-runtime-cycles',
      comment: 'No import cycle that exists at run time (type-only cycles are harmless).',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/web/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
