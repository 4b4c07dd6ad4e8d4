// The reference MLP as a real int8 .tflite, made through the real CLI (QAT-train on 2,000 MNIST
// images, export): the model the device tests bundle, deploy and run. Several test files need
// it, so it is made once per version of the toolkit's sources and shared through the system temp
// folder (keyed by a hash of toolkit/ and runtime/; built aside and renamed, so concurrent test
// files never see half a model).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './run-cli.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const dir of ['toolkit', 'runtime', 'schemas']) {
    const files = readdirSync(join(repo, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name))
      .sort();
    for (const f of files) hash.update(f.slice(repo.length)).update(readFileSync(f));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Copies the shared model into `dir` (making it first if needed); returns its path there. */
export async function exportMlp(dir: string): Promise<string> {
  const cache = join(tmpdir(), 'edgeqat-test-models');
  const cached = join(cache, `mlp-${sourcesHash()}.tflite`);
  if (!existsSync(cached)) {
    mkdirSync(cache, { recursive: true });
    const work = mkdtempSync(join(cache, 'build-'));
    try {
      const run = join(work, 'mlp');
      const model = join(work, 'mlp.tflite');
      const t = await runCli(['train', '--limit', '2000', '--out', run, '--quiet', '--backend', 'wasm']);
      if (t.code !== 0) throw new Error(`edgeqat train failed: ${t.stderr}`);
      const e = await runCli(['export', run, '--out', model]);
      if (e.code !== 0) throw new Error(`edgeqat export failed: ${e.stderr}`);
      renameSync(model, cached);
      // Models of older sources: a day is far longer than any test run that might still read them.
      for (const f of readdirSync(cache)) {
        const path = join(cache, f);
        if (f.startsWith('mlp-') && path !== cached && Date.now() - statSync(path).mtimeMs > 86_400_000) rmSync(path, { force: true });
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const out = join(dir, 'mlp.tflite');
  copyFileSync(cached, out);
  return out;
}
