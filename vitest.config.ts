import { defineConfig } from 'vitest/config';

// Two cores on CI: run test files in forked processes (tfjs backends keep global state per process),
// two at a time. Vitest's default is one fewer than the cores, one here, and many files spend much
// of their time waiting on child processes (npm, sshd, qemu, Chromium). Files share nothing they
// write: scratch folders are per file, the generated speech set is built aside and renamed.
// Timeouts are backstops against hangs, generous so that a loaded machine never fails a test.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2 } },
    // Scratch folders of the whole run live in one temp folder, removed at the end.
    globalSetup: ['./test/helpers/test-tmpdir.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    // Every skipped test is listed at the end; in CI (CI=true) any skip fails the run.
    reporters: ['default', './test/helpers/skip-reporter.ts'],
  },
});
