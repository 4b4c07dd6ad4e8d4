import { defineConfig } from 'vitest/config';

// Two cores on CI: run test files in forked processes (tfjs backends keep global state per process).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
