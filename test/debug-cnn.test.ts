// `edgeqat debug` on the CNN: the per-layer table covers the conv/pool layers, a faithful export
// follows the simulation (each layer's own error within rounding), and an export whose conv2
// output range was deliberately shrunk (saturating int8) is pointed at conv2.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDebug } from '../toolkit/cli/commands/debug.js';
import { exportWithShrunkRange } from './helpers/broken-export.js';
import { runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-debug-cnn-'));
const run = join(tmp, 'cnn');

describe('edgeqat debug on the CNN', () => {
  beforeAll(async () => {
    const r = await runCli(['train', '--model', 'cnn', '--limit', '1000', '--batch-size', '32', '--out', run, '--quiet', '--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);

  it('prints the per-layer table through the real CLI; a faithful export follows the simulation', async () => {
    const r = await runCli(['debug', run, '--samples', '20']);
    expect(r.code, r.stderr).toBe(0);
    for (const row of [/conv1\s+CONV_2D/, /pool1\s+MAX_POOL_2D/, /conv2\s+CONV_2D/, /flatten\s+RESHAPE/, /fc1\s+FULLY_CONNECTED/, /logits\s+FULLY_CONNECTED/]) {
      expect(r.stdout).toMatch(row);
    }
    expect(r.stdout).toMatch(/deployment follows the simulation/);
  });

  it('points at the conv layer whose deployed scale was deliberately broken', async () => {
    const broken = join(tmp, 'broken.tflite');
    await exportWithShrunkRange(run, 'conv2', 0.2, broken); // deployed conv2 saturates at 1/5 of its range

    const r = await runDebug(run, { samples: 20, model: broken, backend: 'wasm' });
    expect(r.suspect).toBe('conv2');
    const byName = Object.fromEntries(r.layers.map((l) => [l.layer, l]));
    expect(byName.conv1.alone!.maxSteps).toBeLessThanOrEqual(1.0001);
    expect(byName.conv1.maxSteps).toBeLessThanOrEqual(1.0001);
    expect(byName.conv2.alone!.mismatchShare).toBeGreaterThan(0.05);
  });
});
