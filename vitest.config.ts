import { defineConfig } from 'vitest/config';

// One PGlite per worker: files share the module graph (isolate: false) so the
// embedded store boots once per fork; each file still gets its own schema.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/browser/**', 'node_modules/**'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1, isolate: false } },
    fileParallelism: true,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
