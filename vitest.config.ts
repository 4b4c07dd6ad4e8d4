import { defineConfig } from 'vitest/config';

// Two cores on CI: run test files in forked processes (tfjs backends keep global state per process).
// Timeouts are backstops against hangs, generous so that a loaded machine never fails a test.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Scratch folders of the whole run live in one temp folder, removed at the end.
    globalSetup: ['./test/helpers/test-tmpdir.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Every skipped test is listed at the end; in CI (CI=true) any skip fails the run.
    reporters: ['default', './test/helpers/skip-reporter.ts'],
  },
});
