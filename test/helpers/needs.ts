// Tests that need a tool from outside npm (sshd, Chromium, qemu, the emulated-Pi sysroot,
// Fashion-MNIST): when it is missing, the test is skipped locally (and listed at the end of
// `npm test` by skip-reporter.ts), but in CI (CI=true) it fails, naming what is missing: CI must
// never go green without having tested something.
import { describe, it, type TestContext } from 'vitest';
import { IN_CI } from './in-ci.js';

function missingInCi(missing: string): Error {
  return new Error(`CI=true, and this test cannot run: ${missing}`);
}

/** `describe(name, fn)` when nothing is missing; else one test that is skipped locally and fails in CI. */
export function describeNeeding(missing: string | null, name: string, fn: () => void): void {
  if (!missing) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    if (IN_CI) {
      it(`needs ${missing}`, () => {
        throw missingInCi(missing);
      });
    } else it.skip(`needs ${missing}`, () => {});
  });
}

/** `it(name, fn)` when nothing is missing; else skipped locally, failing in CI. */
export function itNeeding(missing: string | null, name: string, fn: () => void | Promise<void>, timeout?: number): void {
  if (!missing) it(name, fn, timeout);
  else if (IN_CI) {
    it(`${name} (needs ${missing})`, () => {
      throw missingInCi(missing);
    });
  } else it.skip(`${name} (needs ${missing})`, () => {});
}

/** Inside a running test, when a tool turns out missing: skip locally, fail in CI. */
export function skipOrFail(ctx: TestContext, missing: string): never {
  if (IN_CI) throw missingInCi(missing);
  ctx.skip(missing);
  throw new Error('unreachable: ctx.skip throws');
}
