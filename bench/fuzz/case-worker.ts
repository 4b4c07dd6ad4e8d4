// The child process that runs fuzz cases (forked by case-runner.ts). Cases run in their own process
// because a WebAssembly trap leaves tfjs-tflite's module in an unknown state and a hang or a fatal
// out-of-memory cannot be survived in-process: the parent restarts this process after any of them
// and goes on with the next case.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fuzzEngines } from './engines.js';
import { rawTfjsTflite } from './raw-tfjs-tflite.js';
import { runCase, type CaseContext } from './run-case.js';

export interface WorkerInit {
  type: 'init';
  engines: boolean;
  raw: boolean;
  /** A valid model loaded once on every engine first, so no case pays for starting a runtime. */
  warmup: Uint8Array;
}

export interface WorkerCase {
  type: 'case';
  index: number;
  bytes: Uint8Array;
}

let ctx: CaseContext | undefined;
const work = mkdtempSync(join(tmpdir(), 'edgeqat-fuzz-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));
process.on('disconnect', () => process.exit(0));

process.on('message', (msg: WorkerInit | WorkerCase) => {
  void (async () => {
    if (msg.type === 'init') {
      const label = 'fuzz.tflite';
      const engines = msg.engines ? fuzzEngines() : [];
      for (const engine of engines) {
        await engine.create(msg.warmup, 'warmup.tflite').then(
          (e) => e.dispose(),
          () => undefined, // an engine that cannot run the warm-up model still started its runtime
        );
      }
      if (msg.raw) await rawTfjsTflite(msg.warmup);
      ctx = { label, inspectPath: join(work, label), engines, raw: msg.raw };
      process.send!({ type: 'ready', engines: engines.map((e) => e.name) });
      return;
    }
    const t0 = performance.now();
    const report = await runCase(msg.bytes, ctx!);
    const ms = performance.now() - t0;
    process.send!({ type: 'done', index: msg.index, report, ms, rss: process.memoryUsage.rss() });
  })().catch((e: unknown) => {
    // runCase catches everything a case throws; reaching here is a bug in the harness itself.
    process.send!({ type: 'error', message: String((e as Error)?.stack ?? e) });
  });
});
