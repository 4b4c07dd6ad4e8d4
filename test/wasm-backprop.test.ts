// The conv backprop kernels edgeqat supplies to the wasm backend give the cpu backend's values:
// kernel by kernel on random shapes and attrs (kernel 1-5, stride 1-3, SAME/VALID/numeric/explicit
// padding, odd sizes, depth multiplier 1-2), with the im2col done whole and in tiny chunks, and
// end to end as tf.grads of a small conv + depthwise model; then the same for the opt-in XNNPACK
// Conv2DBackpropInput that replaces the backend's own.
import * as tf from '@tensorflow/tfjs-core';
// Registers the gradients of the core ops (as every trainer entry point does through tfjs-layers).
import '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '../toolkit/engine/backend.js';
import { mulberry32 } from '../toolkit/engine/seeded-random.js';
import { registerWasmBackpropKernels, useFastWasmConv2DBackpropInput, WASM_BACKPROP_KERNELS } from '../toolkit/engine/kernels/wasm-backprop/index.js';
import { setConvFilterGradSimd, setIm2colChunkFloats } from '../toolkit/engine/kernels/wasm-backprop/conv2d-backprop-filter.js';
import { setMaxPoolGradTiles } from '../toolkit/engine/kernels/wasm-backprop/max-pool-grad.js';
import { setDepthwiseFilterGradSimd } from '../toolkit/engine/kernels/wasm-backprop/depthwise-conv2d-native-backprop-filter.js';
import { isEdgeqatError } from '../runtime/errors.js';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

const KERNELS = [tf.Conv2DBackpropFilter, tf.DepthwiseConv2dNativeBackpropFilter, tf.DepthwiseConv2dNativeBackpropInput];

interface Case {
  label: string;
  kernelName: string;
  inputs: Record<string, { shape: number[]; values: Float32Array }>;
  attrs: tf.NamedAttrMap;
}

function randomArray(n: number, random: () => number): Float32Array {
  return Float32Array.from({ length: n }, () => random() * 2 - 1);
}

const size = (shape: number[]) => shape.reduce((a, d) => a * d, 1);

/** A random conv geometry whose output is not empty; `outChannels` (depthwise: the multiplier) when given. */
function randomGeometry(random: () => number, depthwise: boolean, outChannels?: () => number) {
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  for (;;) {
    const batch = int(1, 3);
    const inShape: Shape4 = [batch, int(1, 13), int(1, 13), int(1, 16)];
    const filterShape: Shape4 = [int(1, 5), int(1, 5), inShape[3], depthwise ? (outChannels?.() ?? int(1, 2)) : (outChannels?.() ?? int(1, 16))];
    // Mostly the stride 1-2 of real models, sometimes 3 and non-square.
    const s = random() < 0.15 ? 3 : int(1, 2);
    const strides: [number, number] = random() < 0.2 ? [s, int(1, 2)] : [s, s];
    const pick = random();
    let pad: Pad;
    let dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined;
    if (pick < 0.4) pad = 'same';
    else if (pick < 0.8) pad = 'valid';
    else if (pick < 0.9) {
      pad = int(0, 2);
      dimRoundingMode = (['floor', 'round', 'ceil'] as const)[int(0, 2)];
    } else {
      pad = [[0, 0], [int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)], [0, 0]];
    }
    let info: tf.backend_util.Conv2DInfo;
    try {
      info = tf.backend_util.computeConv2DInfo(inShape, filterShape, strides, 1, pad, dimRoundingMode, depthwise);
    } catch {
      continue;
    }
    if (info.outHeight < 1 || info.outWidth < 1) continue;
    return { inShape, filterShape, strides, pad, dimRoundingMode, outShape: info.outShape };
  }
}

function randomCases(kernelName: string, n: number, seed: number, outChannels?: () => number): Case[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (): Case => {
    const depthwise = kernelName.startsWith('Depthwise');
    const g = randomGeometry(random, depthwise, outChannels && (() => outChannels()));
    const label = `${kernelName} x${JSON.stringify(g.inShape)} w${JSON.stringify(g.filterShape)} s${g.strides} pad ${JSON.stringify(g.pad)}${g.dimRoundingMode ? ` ${g.dimRoundingMode}` : ''}`;
    const common = { strides: g.strides, pad: g.pad, dimRoundingMode: g.dimRoundingMode } as unknown as tf.NamedAttrMap;
    const dy = { shape: g.outShape, values: randomArray(size(g.outShape), random) };
    if (kernelName === tf.DepthwiseConv2dNativeBackpropInput || kernelName === tf.Conv2DBackpropInput) {
      return {
        label,
        kernelName,
        inputs: { dy, filter: { shape: g.filterShape, values: randomArray(size(g.filterShape), random) } },
        attrs: depthwise ? { ...common, dilations: 1, inputShape: g.inShape } : { ...common, dataFormat: 'NHWC', inputShape: g.inShape },
      };
    }
    const attrs = depthwise ? { ...common, dilations: 1, filterShape: g.filterShape } : { ...common, dataFormat: 'NHWC', filterShape: g.filterShape };
    return { label, kernelName, inputs: { x: { shape: g.inShape, values: randomArray(size(g.inShape), random) }, dy }, attrs };
  });
}

/** Runs the kernel on the current backend. */
function runCase(c: Case): Float32Array {
  return tf.tidy(() => {
    const inputs: Record<string, tf.Tensor> = {};
    for (const [name, { shape, values }] of Object.entries(c.inputs)) inputs[name] = tf.tensor(values, shape, 'float32');
    const out = tf.engine().runKernel(c.kernelName, inputs, c.attrs) as tf.Tensor;
    return out.dataSync() as Float32Array;
  });
}

/**
 * Float tolerance, relative 1e-4: |got - want| <= 1e-4 * max(|want|, rms(want)). The rms floor
 * covers elements that are sums with cancellation (near 0 while their terms are not): float32
 * GEMM/loop sums and the cpu kernels' float64 sums differ there by a few ulps of the terms.
 */
function expectClose(got: Float32Array, want: Float32Array, label: string): void {
  expect(got.length, label).toBe(want.length);
  let sq = 0;
  for (const v of want) sq += v * v;
  const rms = Math.sqrt(sq / Math.max(1, want.length));
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < want.length; i++) {
    const ratio = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), rms, 1e-30);
    if (!(ratio <= worst)) {
      worst = ratio;
      worstAt = i;
    }
  }
  expect(worst, `${label}: worst relative error at ${worstAt} (got ${got[worstAt]}, want ${want[worstAt]})`).toBeLessThanOrEqual(1e-4);
}

/** tf.grads of a small conv + depthwise model (strides 1-2, SAME/VALID, multiplier 2) on cpu and wasm. */
async function modelGradientsMatch(): Promise<void> {
  const random = mulberry32(42);
  const data = {
    x: { shape: [3, 11, 9, 3], values: randomArray(3 * 11 * 9 * 3, random) },
    w1: { shape: [3, 3, 3, 8], values: randomArray(3 * 3 * 3 * 8, random) },
    dw1: { shape: [3, 3, 8, 2], values: randomArray(3 * 3 * 8 * 2, random) },
    w2: { shape: [1, 1, 16, 6], values: randomArray(16 * 6, random) },
    dw2: { shape: [5, 5, 6, 1], values: randomArray(5 * 5 * 6, random) },
    w3: { shape: [2, 2, 6, 4], values: randomArray(2 * 2 * 6 * 4, random) },
  };
  const names = Object.keys(data) as (keyof typeof data)[];
  const grads = () =>
    tf.tidy(() => {
      const t = names.map((n) => tf.tensor(data[n].values, data[n].shape));
      const model = (x: tf.Tensor, w1: tf.Tensor, dw1: tf.Tensor, w2: tf.Tensor, dw2: tf.Tensor, w3: tf.Tensor) => {
        let h = tf.relu(tf.conv2d(x as tf.Tensor4D, w1 as tf.Tensor4D, 1, 'same'));
        h = tf.relu(tf.depthwiseConv2d(h as tf.Tensor4D, dw1 as tf.Tensor4D, 2, 'same'));
        h = tf.relu(tf.conv2d(h as tf.Tensor4D, w2 as tf.Tensor4D, 1, 'valid'));
        h = tf.depthwiseConv2d(h as tf.Tensor4D, dw2 as tf.Tensor4D, 1, 'same');
        h = tf.conv2d(h as tf.Tensor4D, w3 as tf.Tensor4D, 2, 'valid');
        return tf.sum(tf.square(h));
      };
      const g = tf.grads(model as (...args: tf.Tensor[]) => tf.Tensor)(t);
      return g.map((gi) => gi.dataSync() as Float32Array);
    });
  const want = await onBackend('cpu', grads);
  const got = await onBackend('wasm', grads);
  names.forEach((n, i) => expectClose(got[i], want[i], `d${n}`));
}

/** Running the cases (im2col in small chunks too) leaves no tensor or wasm data behind. */
async function expectNoLeaks(cases: Case[]): Promise<void> {
  await initBackend('wasm');
  cases.forEach(runCase); // warm-up (lazily created backend state)
  const before = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  const old = setIm2colChunkFloats(1000);
  try {
    cases.forEach(runCase);
  } finally {
    setIm2colChunkFloats(old);
  }
  expect(tf.memory().numTensors).toBe(before);
  expect(tf.engine().backend.numDataIds()).toBe(dataIds);
}

async function onBackend<T>(name: 'cpu' | 'wasm', f: () => T): Promise<T> {
  expect(await initBackend(name)).toBe(name);
  return f();
}

describe('wasm conv backprop kernels', () => {
  beforeAll(async () => {
    registerWasmBackpropKernels();
    await initBackend('wasm');
  });
  afterAll(() => tf.disposeVariables());

  it('registers the three kernels once, and keeps a kernel the registry already has', () => {
    const warn = vi.spyOn(console, 'warn');
    expect(registerWasmBackpropKernels().sort()).toEqual([...KERNELS].sort());
    expect(registerWasmBackpropKernels().sort()).toEqual([...KERNELS].sort());
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    for (const { kernelName, kernelFunc } of WASM_BACKPROP_KERNELS) expect(tf.getKernel(kernelName, 'wasm')?.kernelFunc).toBe(kernelFunc);

    // A tfjs version that ships its own kernel: ours must not replace it.
    const mine = WASM_BACKPROP_KERNELS[1];
    tf.unregisterKernel(mine.kernelName, 'wasm');
    const shipped: tf.KernelFunc = () => {
      throw new Error('shipped kernel');
    };
    tf.registerKernel({ kernelName: mine.kernelName, backendName: 'wasm', kernelFunc: shipped });
    try {
      expect(registerWasmBackpropKernels()).not.toContain(mine.kernelName);
      expect(tf.getKernel(mine.kernelName, 'wasm')?.kernelFunc).toBe(shipped);
    } finally {
      tf.unregisterKernel(mine.kernelName, 'wasm');
      registerWasmBackpropKernels();
    }
    expect(tf.getKernel(mine.kernelName, 'wasm')?.kernelFunc).toBe(mine.kernelFunc);
  });

  for (const [k, kernelName] of KERNELS.entries()) {
    it(`${kernelName}: wasm == cpu on 80 random shapes and attrs`, async () => {
      const cases = randomCases(kernelName, 80, 1000 + k);
      const want = await onBackend('cpu', () => cases.map(runCase));
      const got = await onBackend('wasm', () => cases.map(runCase));
      cases.forEach((c, i) => expectClose(got[i], want[i], c.label));
    });
  }

  it('Conv2DBackpropFilter: chunked im2col (down to one output row per chunk) == whole', async () => {
    const cases = randomCases(tf.Conv2DBackpropFilter, 40, 77);
    const want = await onBackend('cpu', () => cases.map(runCase));
    const got: Float32Array[][] = [];
    await onBackend('wasm', () => {
      for (const floats of [1, 500, 5000]) {
        const old = setIm2colChunkFloats(floats);
        try {
          got.push(cases.map(runCase));
        } finally {
          setIm2colChunkFloats(old);
        }
      }
    });
    for (const run of got) cases.forEach((c, i) => expectClose(run[i], want[i], `${c.label} (chunked)`));
  });

  it('covers the shapes of a real layer (LeNet conv2: 5x5x32x64 SAME, batch 2)', async () => {
    const random = mulberry32(5);
    const c: Case = {
      label: 'lenet conv2',
      kernelName: tf.Conv2DBackpropFilter,
      inputs: { x: { shape: [2, 14, 14, 32], values: randomArray(2 * 14 * 14 * 32, random) }, dy: { shape: [2, 14, 14, 64], values: randomArray(2 * 14 * 14 * 64, random) } },
      attrs: { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [5, 5, 32, 64] } as unknown as tf.NamedAttrMap,
    };
    const want = await onBackend('cpu', () => runCase(c));
    expectClose(await onBackend('wasm', () => runCase(c)), want, c.label);
  });

  it('does not leak wasm tensors', async () => {
    await expectNoLeaks(KERNELS.flatMap((name, i) => randomCases(name, 6, 300 + i)));
  });

  it('throws a clear error for attrs it does not implement', async () => {
    await initBackend('wasm');
    const x = tf.zeros([1, 6, 6, 2]);
    const dy = tf.zeros([1, 6, 6, 2]);
    const filter = tf.zeros([3, 3, 2, 1]);
    const unsupported = (f: () => unknown, attr: string) => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(isEdgeqatError(err) && err.code === 'E_UNSUPPORTED', String(err)).toBe(true);
      expect((err as Error).message).toContain(attr);
    };
    const base = { strides: 1, pad: 'same', dimRoundingMode: undefined };
    unsupported(() => tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...base, dilations: 2, filterShape: [3, 3, 2, 1] } as unknown as tf.NamedAttrMap), 'dilations');
    unsupported(() => tf.engine().runKernel(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, { ...base, dilations: [1, 2], inputShape: [1, 6, 6, 2] } as unknown as tf.NamedAttrMap), 'dilations');
    unsupported(() => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...base, dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] } as unknown as tf.NamedAttrMap), 'dataFormat');
    tf.dispose([x, dy, filter]);
  });

  it('tf.grads of a conv + depthwise model: same gradients on wasm as on cpu', modelGradientsMatch);

  it('DepthwiseConv2dNativeBackpropFilter with multiplier 1 and channels a multiple of 4 (the SIMD loop): wasm == cpu on 60 random shapes, and == the JS loop', async () => {
    const cases = randomCases(tf.DepthwiseConv2dNativeBackpropFilter, 300, 4141, () => 1).filter((c) => c.inputs.x.shape[3] % 4 === 0).slice(0, 60);
    expect(cases.length).toBeGreaterThan(10);
    const want = await onBackend('cpu', () => cases.map(runCase));
    const got = await onBackend('wasm', () => cases.map(runCase));
    const old = setDepthwiseFilterGradSimd(false);
    const js = cases.map(runCase);
    setDepthwiseFilterGradSimd(old);
    cases.forEach((c, i) => {
      expectClose(got[i], want[i], c.label);
      expectClose(got[i], js[i], `${c.label} (vs JS)`);
    });
  });

  it('Conv2DBackpropFilter with output channels a multiple of 8 (the SIMD GEMM): wasm == cpu on 60 random shapes and attrs, and == the im2col path', async () => {
    const random = mulberry32(31);
    const cases = randomCases(tf.Conv2DBackpropFilter, 60, 3131, () => 8 * (1 + Math.floor(random() * 3)));
    const want = await onBackend('cpu', () => cases.map(runCase));
    const got = await onBackend('wasm', () => cases.map(runCase));
    const old = setConvFilterGradSimd(false);
    const im2col = cases.map(runCase);
    setConvFilterGradSimd(old);
    cases.forEach((c, i) => {
      expectClose(got[i], want[i], c.label);
      expectClose(got[i], im2col[i], `${c.label} (vs im2col)`);
    });
  });
});

describe('useFastWasmConv2DBackpropInput (opt-in: replaces the backend kernel)', () => {
  beforeAll(async () => {
    registerWasmBackpropKernels();
    await initBackend('wasm');
  });

  it('is installed by initBackend(wasm), once', () => {
    // initBackend('wasm') (beforeAll) already swapped in the fast kernel; calling again is a no-op.
    const installed = tf.getKernel(tf.Conv2DBackpropInput, 'wasm')?.kernelFunc;
    expect(installed?.name).toBe('fastConv2DBackpropInput');
    const warn = vi.spyOn(console, 'warn');
    useFastWasmConv2DBackpropInput();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(tf.getKernel(tf.Conv2DBackpropInput, 'wasm')?.kernelFunc).toBe(installed);
  });

  it('Conv2DBackpropInput: wasm == cpu on 80 random shapes and attrs', async () => {
    useFastWasmConv2DBackpropInput();
    const cases = randomCases(tf.Conv2DBackpropInput, 80, 2024);
    const want = await onBackend('cpu', () => cases.map(runCase));
    const got = await onBackend('wasm', () => cases.map(runCase));
    cases.forEach((c, i) => expectClose(got[i], want[i], c.label));
  });

  it('leaves NCHW to the backend kernel it replaced', async () => {
    useFastWasmConv2DBackpropInput();
    const random = mulberry32(9);
    const c: Case = {
      label: 'Conv2DBackpropInput NCHW',
      kernelName: tf.Conv2DBackpropInput,
      inputs: { dy: { shape: [2, 4, 4, 3], values: randomArray(2 * 4 * 4 * 3, random) }, filter: { shape: [3, 3, 3, 4], values: randomArray(3 * 3 * 3 * 4, random) } },
      attrs: { strides: 2, pad: 'same', dataFormat: 'NCHW', inputShape: [2, 3, 7, 6] } as unknown as tf.NamedAttrMap,
    };
    const want = await onBackend('cpu', () => runCase(c));
    expectClose(await onBackend('wasm', () => runCase(c)), want, c.label);
  });

  it('does not leak wasm tensors', async () => {
    useFastWasmConv2DBackpropInput();
    await expectNoLeaks(randomCases(tf.Conv2DBackpropInput, 10, 400));
  });

  it('tf.grads of the conv + depthwise model still match cpu', async () => {
    useFastWasmConv2DBackpropInput();
    await modelGradientsMatch();
  });
});

/** Random max-pool cases; values on a coarse grid so that windows often hold ties (as int8 grids do). */
function maxPoolCases(n: number, seed: number, channels: () => number, tiling = false): Case[] {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const cases: Case[] = [];
  while (cases.length < n) {
    const inShape: Shape4 = [int(1, 3), int(1, 12), int(1, 12), channels()];
    const filterSize: [number, number] = [int(1, 3), int(1, 3)];
    const strides: [number, number] = tiling ? [...filterSize] : [int(1, 3), int(1, 3)];
    const pad = random() < 0.5 ? 'same' : 'valid';
    let info: tf.backend_util.Conv2DInfo;
    try {
      info = tf.backend_util.computePool2DInfo(inShape, filterSize, strides, 1, pad);
    } catch {
      continue;
    }
    if (info.outHeight < 1 || info.outWidth < 1) continue;
    const input = Float32Array.from({ length: size(inShape) }, () => Math.round(random() * 6 - 3) / 2);
    // `output` is not read by either kernel (both find the maxima in `input`); given for the signature.
    cases.push({
      label: `MaxPoolGrad x${JSON.stringify(inShape)} f${filterSize} s${strides} ${pad}`,
      kernelName: tf.MaxPoolGrad,
      inputs: { dy: { shape: info.outShape, values: randomArray(size(info.outShape), random) }, input: { shape: inShape, values: input }, output: { shape: info.outShape, values: new Float32Array(size(info.outShape)) } },
      attrs: { filterSize, strides, pad } as unknown as tf.NamedAttrMap,
    });
  }
  return cases;
}

describe('useFastWasmMaxPoolGrad (replaces the backend kernel)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('is installed by initBackend(wasm)', () => {
    expect(tf.getKernel(tf.MaxPoolGrad, 'wasm')?.kernelFunc.name).toBe('fastMaxPoolGrad');
  });

  it('MaxPoolGrad: wasm == cpu on 60 random shapes with ties: the same maxima get gradient (channels multiple of 4: SIMD; others: JS)', async () => {
    const random = mulberry32(77);
    const cases = [...maxPoolCases(40, 5, () => 4 * (1 + Math.floor(random() * 4))), ...maxPoolCases(20, 6, () => 1 + Math.floor(random() * 7))];
    const want = await onBackend('cpu', () => cases.map(runCase));
    const got = await onBackend('wasm', () => cases.map(runCase));
    cases.forEach((c, i) => {
      // Which input positions receive gradient is the tie rule, exactly; the values are sums of
      // overlapping windows' dy (float64 in the cpu kernel, float32 here).
      expect(Array.from(got[i], (v) => v !== 0), c.label).toEqual(Array.from(want[i], (v) => v !== 0));
      expectClose(got[i], want[i], c.label);
    });
  });

  it('MaxPoolGrad: the one-pass kernel for tiling windows (filter = stride) gives the scatter kernel\'s bits, −0 and ties included', async () => {
    const random = mulberry32(78);
    const cases = maxPoolCases(60, 9, () => 4 * (1 + Math.floor(random() * 4)), true);
    for (const c of cases) c.inputs.dy.values = c.inputs.dy.values.map((v, i) => (i % 7 === 0 ? -0 : v));
    const tiled = await onBackend('wasm', () => cases.map(runCase));
    const old = setMaxPoolGradTiles(false);
    try {
      const scattered = cases.map(runCase);
      cases.forEach((c, i) => expect(new Uint32Array(tiled[i].buffer), c.label).toEqual(new Uint32Array(scattered[i].buffer)));
    } finally {
      setMaxPoolGradTiles(old);
    }
  });

  it('does not leak wasm tensors', async () => {
    await expectNoLeaks([...maxPoolCases(10, 8, () => 8), ...maxPoolCases(10, 10, () => 8, true)]);
  });
});

describe('useSharedWasmIdentity (replaces the backend kernel)', () => {
  it('tf.clone shares the data: same values, independent lifetimes, no leak', async () => {
    await initBackend('wasm');
    expect(tf.getKernel(tf.Identity, 'wasm')?.kernelFunc.name).toBe('fastIdentity');
    const before = tf.engine().backend.numDataIds();
    const a = tf.tensor([1, 2, 3, 4]);
    const b = tf.clone(a);
    expect(tf.engine().backend.numDataIds()).toBe(before + 1);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(tf.engine().backend.numDataIds()).toBe(before);
    const s = tf.clone(tf.tensor(['x', 'y']));
    expect(s.dataSync()).toEqual(['x', 'y']);
  });
});

describe('useFastWasmTile (replaces the backend kernel)', () => {
  /** Random shapes of rank 0-5 (some dims 0) with reps 0-4, and the FusedBatchNorm gradient's tile. */
  function tileCases(count: number, seed: number): { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }[] {
    const random = mulberry32(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const dtypes = ['float32', 'int32', 'bool'] as const;
    const cases: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }[] = [
      { shape: [1, 1, 1, 16], reps: [32, 28, 28, 1], dtype: 'float32' },
      { shape: [], reps: [], dtype: 'float32' },
    ];
    while (cases.length < count) {
      const rank = int(1, 5);
      cases.push({
        shape: Array.from({ length: rank }, () => (random() < 0.05 ? 0 : int(1, 5))),
        reps: Array.from({ length: rank }, () => (random() < 0.05 ? 0 : int(1, 4))),
        dtype: dtypes[int(0, 2)],
      });
    }
    return cases;
  }

  function runTile(c: { shape: number[]; reps: number[]; dtype: 'float32' | 'int32' | 'bool' }): { shape: number[]; values: number[] } {
    return tf.tidy(() => {
      const n = size(c.shape);
      const values = Array.from({ length: n }, (_, i) => (c.dtype === 'bool' ? i % 3 === 0 : c.dtype === 'int32' ? i * 7 - 50 : i * 0.25 - 3));
      const x = c.dtype === 'bool' ? tf.tensor(values as boolean[], c.shape, 'bool') : tf.tensor(values as number[], c.shape, c.dtype);
      const out = tf.engine().runKernel(tf.Tile, { x }, { reps: c.reps } as unknown as tf.NamedAttrMap) as tf.Tensor;
      return { shape: out.shape, values: Array.from(out.dataSync() as ArrayLike<number>, Number) };
    });
  }

  it('is installed by initBackend(wasm)', async () => {
    await initBackend('wasm');
    expect(tf.getKernel(tf.Tile, 'wasm')?.kernelFunc.name).toBe('fastTile');
  });

  it('Tile: wasm == cpu exactly on 150 random shapes, reps and dtypes (rank 0-5, empty dims)', async () => {
    const cases = tileCases(150, 31);
    const want = await onBackend('cpu', () => cases.map(runTile));
    const got = await onBackend('wasm', () => cases.map(runTile));
    cases.forEach((c, i) => expect(got[i], JSON.stringify(c)).toEqual(want[i]));
  });

  it('does not leak wasm tensors', async () => {
    await initBackend('wasm');
    const cases = tileCases(20, 5);
    cases.forEach(runTile);
    const before = tf.memory().numTensors;
    const dataIds = tf.engine().backend.numDataIds();
    cases.forEach(runTile);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(dataIds);
  });
});
