// In CI (CI=true) a test that cannot run for a missing tool fails, naming the tool, and any skipped
// test fails the run; locally they are skipped and listed at the end (test/helpers/needs.ts,
// skip-reporter.ts). Checked on a fixture suite run by the real vitest with and without CI=true.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spawnAsync } from './helpers/spawn-async.js';

const root = fileURLToPath(new URL('fixtures/ci-skips/', import.meta.url));
const vitest = fileURLToPath(new URL('../node_modules/vitest/vitest.mjs', import.meta.url));

async function runFixture(ci: boolean, file: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
  delete env.CI;
  delete env.VITEST;
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  if (ci) env.CI = 'true';
  const r = await spawnAsync(process.execPath, [vitest, 'run', '--root', root, '--config', 'vitest.config.ts', file], { cwd: root, env });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('skips for missing tools', () => {
  it('locally: skipped, listed at the end with what is missing, and the run passes', async () => {
    const r = await runFixture(false, 'missing-tool.fixture.ts');
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('3 skipped test(s):');
    for (const tool of ['/opt/no-such-sshd', '/opt/no-such-browser', '/opt/no-such-qemu']) expect(r.out).toMatch(new RegExp(`^  missing-tool\\.fixture\\.ts > .*${tool}`, 'm'));
    const plain = await runFixture(false, 'plain-skip.fixture.ts');
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out).toContain('1 skipped test(s):\n  plain-skip.fixture.ts > a plain skip\n');
  });

  it('in CI: each fails naming what is missing, and any other skip fails the run too', async () => {
    const r = await runFixture(true, 'missing-tool.fixture.ts');
    expect(r.code).toBe(1);
    for (const tool of ['/opt/no-such-sshd', '/opt/no-such-browser', '/opt/no-such-qemu']) expect(r.out).toContain(`CI=true, and this test cannot run: ${tool}`);
    const plain = await runFixture(true, 'plain-skip.fixture.ts');
    expect(plain.code).toBe(1);
    expect(plain.out).toContain('CI=true: 1 skipped test(s) — in CI nothing may be skipped:\n  plain-skip.fixture.ts > a plain skip\n');
  });
});
