// The WebAssembly SIMD fake-quant loops give the same bits as the JS loops they replace, on data
// built to hit the edges: exact .5 ties of both signs, values next to ties, NaN, infinities, huge
// and tiny values, lengths that leave a tail of 1-3 elements; and the committed binary is what
// `npm run gen:simd` builds from the .wat source.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fakeQuantBackward, fakeQuantForward, resolveParams, setSimdEnabled, useSimd, type FakeQuantAttrs } from '../toolkit/qat/kernels/fake-quant-math.js';
import { heapMinMax, simdMinMax } from '../toolkit/qat/kernels/simd/simd-kernels.js';
import { passRange } from '../toolkit/qat/kernels/fake-quant-pass-range.js';
import * as tf from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../toolkit/engine/backend.js';
import { registerFakeQuantKernels, runFusedFakeQuant } from '../toolkit/qat/kernels/fake-quant-kernel.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';

const repoRoot = join(import.meta.dirname, '..');

/** Values around the rounding and clamping edges of scale s with zero-point zp. */
function edgeData(n: number, s: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(rand() * 300) - 150;
    const kind = i % 8;
    if (kind === 0) x[i] = (k + 0.5) * s; // exact ties (for power-of-two s)
    else if (kind === 1) x[i] = Math.fround((k + 0.5) * s) * (1 + 2 ** -23); // next to a tie
    else if (kind === 2) x[i] = (rand() - 0.5) * 1e4 * s; // far outside the range
    else x[i] = (rand() - 0.5) * 260 * s;
  }
  if (n > 20) {
    x[3] = NaN;
    x[7] = Infinity;
    x[11] = -Infinity;
    x[13] = 3e38;
    x[17] = -1e-40; // subnormal
    x[19] = -0;
  }
  return x;
}

function bothPaths<T>(run: () => T): [T, T] {
  setSimdEnabled(false);
  const js = run();
  setSimdEnabled(true);
  return [js, run()];
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

describe('SIMD fake-quant kernels in place on the wasm backend heap', () => {
  it('fake-quant forward/gradient kernels and the observer min/max give the JS loops\' bits', async () => {
    await initBackend('wasm');
    registerFakeQuantKernels();
    for (const [n, s, zp] of [[1003, 0.0078125, -3], [4096, 0.05, 10], [66, 1, 0]] as const) {
      const x = edgeData(n, s, n);
      const dy = Float32Array.from(edgeData(n, 1, n + 1), (v) => (Number.isFinite(v) ? v : 1));
      const attrs = { mode: 'affine', scale: [s], zeroPoint: [zp], qmin: -128, qmax: 127, axis: -1 } as unknown as tf.NamedAttrMap;
      const run = () =>
        tf.tidy(() => {
          const xt = tf.tensor1d(x);
          const y = runFusedFakeQuant(xt, attrs as unknown as FakeQuantAttrs);
          const g = tf.engine().runKernel('EdgeqatFakeQuantGrad', { x: xt, dy: tf.tensor1d(dy) }, attrs) as tf.Tensor;
          return [y.dataSync() as Float32Array, g.dataSync() as Float32Array];
        });
      const [js, simd] = bothPaths(run);
      expect(bits(simd[0])).toEqual(bits(js[0]));
      expect(bits(simd[1])).toEqual(bits(js[1]));
      const t = tf.tensor1d(x);
      expect(heapMinMax(tf.backend() as BackendWasm, t)).toEqual(simdMinMax(x));
      t.dispose();
    }
  });
});

/** The float32 next to v towards +inf (dir 1) or -inf (dir -1); v finite and nonzero or +0. */
function nextFloat(v: number, dir: 1 | -1): number {
  const f = new Float32Array([v]);
  const u = new Int32Array(f.buffer);
  if (v === 0) return dir * 2 ** -149;
  u[0] += (v > 0) === (dir > 0) ? 1 : -1;
  return f[0];
}

describe('symmetric per-channel fake-quant (channels last) in place on the wasm heap', () => {
  it('gives the JS loops\' bits (Dense-kernel shapes, 4-64 channels, NaN, infinities, an all-zero channel)', async () => {
    await initBackend('wasm');
    registerFakeQuantKernels();
    for (const [rows, channels] of [[1568, 64], [17, 4], [64, 12], [33, 40]] as const) {
      const x = edgeData(rows * channels, 0.01, rows + channels);
      for (let r = 0; r < rows; r++) x[r * channels + 1] = 0; // channel 1: scale from MIN_SCALE
      const attrs = { mode: 'symmetric', scale: [], zeroPoint: [], qmin: -127, qmax: 127, axis: 1 } as unknown as FakeQuantAttrs;
      const run = () => tf.tidy(() => runFusedFakeQuant(tf.tensor2d(x, [rows, channels]), attrs).dataSync() as Float32Array);
      const [js, inPlace] = bothPaths(run);
      expect(bits(inPlace), `${rows}x${channels}`).toEqual(bits(js));
    }
  });
});

describe('fake-quant gradient as a comparison with passRange (no division)', () => {
  it('gives the JS loop\'s mask on 40 random float32 scales and zero-points, at and next to both ends', async () => {
    await initBackend('wasm');
    registerFakeQuantKernels();
    const rand = mulberry32(2026);
    for (let trial = 0; trial < 40; trial++) {
      const s = Math.fround(10 ** (rand() * 8 - 6)); // 1e-6 .. 1e2
      const zp = Math.floor(rand() * 256) - 128;
      const [tlo, thi] = passRange(s, -128 - zp, 127 - zp);
      const ends = [tlo, thi].flatMap((t) => [t, nextFloat(t, 1), nextFloat(t, -1)]);
      const x = edgeData(509, s, trial);
      x.set(ends, 23);
      const dy = Float32Array.from({ length: x.length }, (_, i) => i + 1);
      const attrs = { mode: 'affine', scale: [s], zeroPoint: [zp], qmin: -128, qmax: 127, axis: -1 } as unknown as tf.NamedAttrMap;
      const run = () => tf.tidy(() => (tf.engine().runKernel('EdgeqatFakeQuantGrad', { x: tf.tensor1d(x), dy: tf.tensor1d(dy) }, attrs) as tf.Tensor).dataSync() as Float32Array);
      const [js, inPlace] = bothPaths(run);
      expect(bits(inPlace), `s=${s} zp=${zp}`).toEqual(bits(js));
      // The ends are tight: the values just outside them get no gradient.
      expect([...js.subarray(23, 29)].map((v) => v !== 0), `s=${s} zp=${zp}`).toEqual([true, true, false, true, false, true]);
    }
  });
});

describe('SIMD fake-quant kernels', () => {
  it('are in use for large arrays', () => {
    expect(useSimd(1000)).toBe(true);
  });

  it('leave a scale that is not a float32 value to the JS loop (its division is in double)', () => {
    const x = edgeData(256, 0.0127, 3);
    const p = resolveParams(x, [256], { mode: 'affine', scale: [0.0127], zeroPoint: [-95], qmin: -128, qmax: 127, axis: -1 });
    const [js, simd] = bothPaths(() => {
      const out = new Float32Array(256);
      fakeQuantForward(x, out, p, -128, 127);
      return out;
    });
    expect(bits(simd)).toEqual(bits(js));
  });

  for (const [s, zp, qmin, qmax] of [
    [0.125, 0, -128, 127],
    [Math.fround(0.0127), -95, -128, 127],
    [2 ** -7, 17, -127, 127],
    [3.5, -128, -128, 127],
  ] as const) {
    for (const n of [64, 65, 66, 67, 1001]) {
      it(`forward and STE gradient equal the JS loops bit for bit (s=${s}, zp=${zp}, n=${n})`, () => {
        const x = edgeData(n, s, n * 31 + zp);
        const dy = edgeData(n, 1, 7).map((v) => (Number.isFinite(v) ? v : 1));
        const attrs: FakeQuantAttrs = { mode: 'affine', scale: [s], zeroPoint: [zp], qmin, qmax, axis: -1 };
        const p = resolveParams(x, [n], attrs);
        const [fwdJs, fwdSimd] = bothPaths(() => {
          const out = new Float32Array(n);
          fakeQuantForward(x, out, p, qmin, qmax);
          return out;
        });
        expect(bits(fwdSimd)).toEqual(bits(fwdJs));
        const [bwdJs, bwdSimd] = bothPaths(() => {
          const dx = new Float32Array(n);
          fakeQuantBackward(x, dy, dx, p, qmin, qmax);
          return dx;
        });
        expect(bits(bwdSimd)).toEqual(bits(bwdJs));
        // The data really hit both clamps and the ties.
        expect(fwdJs.some((v) => v === Math.fround((qmax - zp) * s))).toBe(true);
        expect(fwdJs.some((v) => v === Math.fround((qmin - zp) * s))).toBe(true);
      });
    }
  }

  it('symmetric scales (max |x|) and per-channel runs equal the JS loops', () => {
    const x = edgeData(4 * 300, 0.01, 5).map((v) => (Number.isFinite(v) && Math.abs(v) < 10 ? v : 0.5));
    for (const attrs of [
      { mode: 'symmetric', scale: [], zeroPoint: [], qmin: -127, qmax: 127, axis: -1 },
      { mode: 'symmetric', scale: [], zeroPoint: [], qmin: -127, qmax: 127, axis: 0 },
    ] as FakeQuantAttrs[]) {
      const [js, simd] = bothPaths(() => {
        const p = resolveParams(x, [4, 300], attrs);
        const out = new Float32Array(x.length);
        fakeQuantForward(x, out, p, attrs.qmin, attrs.qmax);
        return { scales: [...p.scales], out };
      });
      expect(simd.scales).toEqual(js.scales);
      expect(bits(simd.out)).toEqual(bits(js.out));
    }
  });

  it('min/max skip NaNs like the observer loop', () => {
    const x = edgeData(203, 0.1, 9);
    x[7] = 5;
    x[11] = -4; // no infinities here
    x[13] = 2;
    expect(simdMinMax(x)).toEqual([Math.min(...x.filter((v) => !Number.isNaN(v))), Math.max(...x.filter((v) => !Number.isNaN(v)))]);
    expect(simdMinMax(new Float32Array(70).fill(NaN))).toEqual([Infinity, -Infinity]);
  });
});

describe('generated SIMD kernels (toolkit/engine and toolkit/qat kernels/simd/generated)', () => {
  const freshDir = mkdtempSync(join(tmpdir(), 'edgeqat-gen-simd-'));
  afterAll(() => rmSync(freshDir, { recursive: true, force: true }));

  it('match a fresh run of scripts/gen-simd.mjs (run `npm run gen:simd` if not)', () => {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'gen-simd.mjs'), freshDir], { stdio: 'pipe' });
    for (const stage of ['engine', 'qat']) {
      const committedDir = join(repoRoot, 'toolkit', stage, 'kernels', 'simd', 'generated');
      const names = readdirSync(join(freshDir, stage)).sort();
      expect(names.length).toBeGreaterThan(0);
      expect(readdirSync(committedDir).sort()).toEqual(names);
      for (const name of names) expect(readFileSync(join(committedDir, name), 'utf8')).toBe(readFileSync(join(freshDir, stage, name), 'utf8'));
    }
  });
});
