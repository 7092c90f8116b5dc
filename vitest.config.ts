import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Bounds on a stuck test, never a measure of speed: above the shared eventually()'s 60 s, so its message (what was awaited, the last value) is the one reported.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Two test files at a time (vitest would take one on two cores): most of a file's time is spent
    // waiting on its services, its child processes and the broker, so two share the cores well.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
    // Passwords hashed at scrypt cost 2^10 instead of 2^14 (kept in each hash; see src/services/identity/passwords.ts):
    // the suite signs up thousands of customers, and this hashing was much of its CPU. Children inherit it.
    env: { ORDERCTL_SCRYPT_COST: '1024' },
  },
});
