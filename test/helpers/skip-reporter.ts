// Lists every skipped test at the end of `npm test`, with its reason. Locally a skip (a missing
// tool: sshd, Chromium, qemu, the Pi sysroot, Fashion-MNIST) is allowed but never silent; in CI
// (CI=true) any skipped test fails the run, naming it (the tests themselves already fail there
// when a tool is missing: test/helpers/needs.ts). Added to the default reporter in vitest.config.ts.
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { IN_CI } from './in-ci.js';

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped: string[] = [];
    for (const m of modules) {
      for (const t of m.children.allTests('skipped')) {
        const note = t.result().state === 'skipped' ? (t.result() as { note?: string }).note : undefined;
        skipped.push(`  ${relative(m.project.config.root, m.moduleId)} > ${t.fullName}${note ? ` (${note})` : ''}`);
      }
    }
    if (skipped.length === 0) return;
    const head = IN_CI ? `CI=true: ${skipped.length} skipped test(s) — in CI nothing may be skipped:` : `${skipped.length} skipped test(s):`;
    process.stdout.write(`\n${head}\n${skipped.join('\n')}\n`);
    if (IN_CI) process.exitCode = 1;
  }
}
