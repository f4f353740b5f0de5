import { defineConfig } from 'vitest/config';

// Browser tests of the web console: a real server (PGlite, fresh DATA_DIR)
// and Debian's Chromium driven by playwright-core. Run `npm run build` first
// (the server builds dist/web itself when it is missing).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
