// `edgeqat debug`: simulate vs deploy per layer. A faithful export follows the simulation; an
// export whose fc2 output range was deliberately shrunk (saturating int8) is pointed at fc2.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDebug } from '../toolkit/cli/commands/debug.js';
import { exportWithShrunkRange } from './helpers/broken-export.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-debug-'));
const run = join(tmp, 'mlp');

describe('edgeqat debug', () => {
  beforeAll(async () => {
    const r = await runCli(['train', '--limit', '3000', '--out', run, '--quiet', '--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);

  it('a faithful export follows the simulation at every layer', async () => {
    const r = await runDebug(run, { samples: 50, backend: 'wasm' });
    expect(r.layers.map((l) => l.op)).toEqual(['QUANTIZE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
    expect(r.suspect).toBeNull();
    for (const l of r.layers) expect(l.maxSteps).toBeLessThanOrEqual(1.0001);
  });

  it('points at the layer whose deployed scale was deliberately broken', async () => {
    const broken = join(tmp, 'broken.tflite');
    await exportWithShrunkRange(run, 'fc2', 0.2, broken); // deployed fc2 saturates at 1/5 of its range

    for (const arithmetic of ['tflite-reference', 'xnnpack']) {
      const r = await runDebug(run, { samples: 50, model: broken, backend: 'wasm', arithmetic });
      expect(r.suspect, arithmetic).toBe('fc2');
      const byName = Object.fromEntries(r.layers.map((l) => [l.layer, l]));
      expect(byName.fc1.maxSteps).toBeLessThanOrEqual(1.0001);
      expect(byName.fc2.mismatchShare).toBeGreaterThan(0.05);
    }
  });

  it('prints the per-layer table through the real CLI', async () => {
    const r = await runCli(['debug', run, '--samples', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fc1\s+FULLY_CONNECTED/);
    expect(r.stdout).toMatch(/deployment follows the simulation/);
    const bad = await runCli(['debug', run, '--arithmetic', 'gemmlowp']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe("edgeqat: error: --arithmetic must be one of tflite-reference, xnnpack, got 'gemmlowp'");
  });
});
