import { configDefaults, defineConfig } from 'vitest/config';

/**
 * The everyday fast loop (`npm run test:fast`): only tests that need no RabbitMQ, no PostgreSQL, no built dist/ and no
 * Chromium. So no global setup either (test/support/global-setup.ts builds dist/ for the CLI tests): seconds, not minutes.
 * The whole suite is still `npm test`.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/contract/memory-transport.test.ts', 'test/contract/sqlite-store.test.ts'],
    exclude: [
      ...configDefaults.exclude,
      // Renders Mermaid with Chromium.
      'test/unit/compensation-diagrams.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
