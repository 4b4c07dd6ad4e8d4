// The prepare rewrites (toolkit/qat/rewrites/), each on its own pattern, then what prepareQat
// builds from the rewritten graph: one-line errors for what cannot be merged, a tfl.Sequential for
// chains and a functional model for residual graphs, the quantization defaults per op.
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgeqatError } from '../runtime/errors.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { buildCnn } from '../toolkit/models/cnn.js';
import { buildDscnn } from '../toolkit/models/dscnn.js';
import { QuantizeWrapper } from '../toolkit/qat/layers/quantize-wrapper.js';
import { prepareQat, rewriteForQat } from '../toolkit/qat/prepare.js';
import { FoldBatchNorm } from '../toolkit/qat/rewrites/fold-batch-norm.js';
import { FuseActivation } from '../toolkit/qat/rewrites/fuse-activation.js';
import { QatGraph } from '../toolkit/qat/rewrites/graph.js';
import { applyRewrites, REWRITES } from '../toolkit/qat/rewrites/index.js';
import { SplitFixedRangeActivation } from '../toolkit/qat/rewrites/split-fixed-range-activation.js';

type Sym = tfl.SymbolicTensor;
const L = tfl.layers;
const apply = (layer: tfl.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;

/** Builds input [8, 8, 2] -> f(x) as a functional model. */
function net(f: (x: Sym) => Sym, shape = [8, 8, 2]): tfl.LayersModel {
  const x = tfl.input({ shape, name: 'x' });
  return tfl.model({ inputs: x, outputs: f(x) });
}

/** Node names in order and what each merged. */
function summary(g: QatGraph) {
  return g.nodes.map((n) => [n.name, n.op ?? n.role, n.activation ?? '-', n.batchNorm?.name ?? '-', n.merged.join('+') || '-']);
}

function unsupported(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(EdgeqatError);
    expect((e as EdgeqatError).code).toBe('E_UNSUPPORTED');
    expect((e as EdgeqatError).message).not.toMatch(/\n/);
    return (e as EdgeqatError).message;
  }
  throw new Error('expected an E_UNSUPPORTED error');
}

beforeAll(async () => {
  await initBackend('wasm');
});

describe('rewrites, one pattern each', () => {
  it('the rewrites run in this order: split separable convolutions, split fixed-range activations, fold batch norms, fuse activations', () => {
    expect(REWRITES.map((r) => r.name)).toEqual(['split-separable-conv', 'split-fixed-range-activation', 'fold-batch-norm', 'fuse-activation']);
  });

  it('SplitSeparableConv: SeparableConv2D -> DEPTHWISE_CONV_2D (its depthwise kernel, no bias) + 1x1 CONV_2D (pointwise kernel, bias, activation); a BN and ReLU after it merge into the pointwise half', () => {
    const m = net((x) =>
      apply(L.reLU({ name: 'r' }), apply(L.batchNormalization({ name: 'bn' }), apply(L.separableConv2d({ filters: 5, kernelSize: 3, depthMultiplier: 2, padding: 'same', name: 'sep' }), x))),
    );
    const g = QatGraph.fromModel(m);
    expect(g.node('sep').role).toBe('split');
    expect(applyRewrites(g)).toEqual({ 'split-separable-conv': 1, 'split-fixed-range-activation': 0, 'fold-batch-norm': 1, 'fuse-activation': 1 });
    expect(summary(g)).toEqual([
      ['x', 'input', '-', '-', '-'],
      ['sep_depthwise', 'DEPTHWISE_CONV_2D', '-', '-', 'sep'],
      ['sep_pointwise', 'CONV_2D', 'relu', 'bn', 'bn+r'],
    ]);
    expect(g.node('sep_pointwise').inputs).toEqual(['sep_depthwise']);
    expect(g.outputName).toBe('sep_pointwise');
    // The halves hold the separable layer's weights (TF.js's config drops depthMultiplier: read from the kernel).
    const [depthwise, pointwise, bias] = m.getLayer('sep').getWeights();
    const dw = g.node('sep_depthwise').layer.getWeights();
    const pw = g.node('sep_pointwise').layer.getWeights();
    expect(dw.map((w) => w.shape)).toEqual([[3, 3, 2, 2]]);
    expect(Array.from(dw[0]!.dataSync())).toEqual(Array.from(depthwise!.dataSync()));
    expect(pw.map((w) => w.shape)).toEqual([[1, 1, 4, 5], [5]]);
    expect(Array.from(pw[0]!.dataSync())).toEqual(Array.from(pointwise!.dataSync()));
    expect(Array.from(pw[1]!.dataSync())).toEqual(Array.from(bias!.dataSync()));
  });

  it('FoldBatchNorm then FuseActivation: Conv2D + BatchNormalization + ReLU6 -> one CONV_2D node (BN folded, RELU6 fused)', () => {
    const m = net((x) => apply(L.flatten({ name: 'f' }), apply(L.reLU({ maxValue: 6, name: 'r' }), apply(L.batchNormalization({ name: 'bn' }), apply(L.conv2d({ filters: 3, kernelSize: 3, name: 'c' }), x)))));
    const g = QatGraph.fromModel(m);
    expect(new FoldBatchNorm().apply(g)).toBe(1);
    expect(new FuseActivation().apply(g)).toBe(1);
    expect(summary(g)).toEqual([
      ['x', 'input', '-', '-', '-'],
      ['c', 'CONV_2D', 'relu6', 'bn', 'bn+r'],
      ['f', 'RESHAPE', '-', '-', '-'],
    ]);
    expect(g.node('f').inputs).toEqual(['c']);
  });

  it('FoldBatchNorm, FuseActivation: DepthwiseConv2D + BN (model output), Conv2D + Activation(relu); nothing merged into a non-linear conv or a shared output', () => {
    const dw = net((x) => apply(L.batchNormalization({ name: 'bn' }), apply(L.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, name: 'dw' }), x)));
    const g1 = QatGraph.fromModel(dw);
    new FoldBatchNorm().apply(g1);
    expect(summary(g1)).toEqual([
      ['x', 'input', '-', '-', '-'],
      ['dw', 'DEPTHWISE_CONV_2D', '-', 'bn', 'bn'],
    ]);
    expect(g1.outputName).toBe('dw');

    const act = net((x) => apply(L.activation({ activation: 'relu', name: 'a' }), apply(L.conv2d({ filters: 3, kernelSize: 1, name: 'c' }), x)));
    const g2 = QatGraph.fromModel(act);
    new FuseActivation().apply(g2);
    expect(summary(g2)[1]).toEqual(['c', 'CONV_2D', 'relu', '-', 'a']);

    // Conv with its own relu before a BN: the BN cannot be folded (it normalizes after the relu).
    const reluFirst = net((x) => apply(L.batchNormalization({ name: 'bn' }), apply(L.conv2d({ filters: 3, kernelSize: 1, activation: 'relu', name: 'c' }), x)));
    const g3 = QatGraph.fromModel(reluFirst);
    expect(new FoldBatchNorm().apply(g3)).toBe(0);
    // The conv output also feeds an Add: the pre-BN tensor must exist, so no fold.
    const shared = net((x) => {
      const c = apply(L.conv2d({ filters: 2, kernelSize: 1, name: 'c' }), x);
      return apply(L.add({ name: 'add' }), [c, apply(L.batchNormalization({ name: 'bn' }), c)]);
    });
    const g4 = QatGraph.fromModel(shared);
    expect(applyRewrites(g4)).toEqual({ 'split-separable-conv': 0, 'split-fixed-range-activation': 0, 'fold-batch-norm': 0, 'fuse-activation': 0 });
  });

  it('FuseActivation: Dense + ReLU layer -> FULLY_CONNECTED with RELU', () => {
    const m = net((x) => apply(L.dense({ units: 2, name: 'd2' }), apply(L.reLU({ name: 'r' }), apply(L.dense({ units: 4, name: 'd1' }), x))), [5]);
    const g = QatGraph.fromModel(m);
    expect(new FuseActivation().apply(g)).toBe(1);
    expect(summary(g)).toEqual([
      ['x', 'input', '-', '-', '-'],
      ['d1', 'FULLY_CONNECTED', 'relu', '-', 'r'],
      ['d2', 'FULLY_CONNECTED', '-', '-', '-'],
    ]);
  });

  it('FuseActivation: Add + ReLU6 layer -> ADD with RELU6; nothing fused into an op that fuses none (a pool)', () => {
    const m = net((x) => {
      const a = apply(L.conv2d({ filters: 2, kernelSize: 1, name: 'a' }), x);
      return apply(L.reLU({ maxValue: 6, name: 'r' }), apply(L.add({ name: 'add' }), [a, x]));
    });
    const g = QatGraph.fromModel(m);
    expect(new FuseActivation().apply(g)).toBe(1);
    expect(g.node('add')).toMatchObject({ activation: 'relu6', merged: ['r'], inputs: ['a', 'x'] });
    expect(g.outputName).toBe('add');
    const pool = QatGraph.fromModel(net((x) => apply(L.reLU({ name: 'r' }), apply(L.maxPooling2d({ poolSize: 2, name: 'p' }), x))));
    expect(new FuseActivation().apply(pool)).toBe(0);
  });

  it("SplitFixedRangeActivation: Dense(activation 'softmax') -> FULLY_CONNECTED (linear) + SOFTMAX as the output", () => {
    const m = net((x) => apply(L.dense({ units: 3, activation: 'softmax', name: 'probs' }), x), [5]);
    const g = QatGraph.fromModel(m);
    expect(new SplitFixedRangeActivation().apply(g)).toBe(1);
    expect(summary(g)).toEqual([
      ['x', 'input', '-', '-', '-'],
      ['probs', 'FULLY_CONNECTED', 'linear', '-', '-'],
      ['probs_softmax', 'SOFTMAX', '-', '-', '-'],
    ]);
    expect(g.outputName).toBe('probs_softmax');
    expect(g.node('probs_softmax').inputs).toEqual(['probs']);
  });

  it("Activation layers: 'softmax' is SOFTMAX, 'linear' an identity, other functions one line", () => {
    const g = QatGraph.fromModel(net((x) => apply(L.activation({ activation: 'softmax', name: 's' }), apply(L.activation({ activation: 'linear', name: 'lin' }), apply(L.dense({ units: 3, name: 'd' }), x))), [5]));
    expect(summary(g).slice(1)).toEqual([
      ['d', 'FULLY_CONNECTED', '-', '-', '-'],
      ['lin', 'identity', '-', '-', '-'],
      ['s', 'SOFTMAX', '-', '-', '-'],
    ]);
    const msg = unsupported(() => rewriteForQat(net((x) => apply(L.activation({ activation: 'elu', name: 'e' }), apply(L.dense({ units: 3, name: 'd' }), x)), [5])));
    expect(msg).toMatch(/^layer 'e' \(Activation\) cannot be quantized: activation 'elu' is not supported \(linear, relu, relu6, softmax(, [a-z]+)*\)$/);
    // The same function as a Dense's own activation: one line before training, naming the Dense.
    const own = unsupported(() => rewriteForQat(net((x) => apply(L.dense({ units: 3, activation: 'elu', name: 'd' }), x), [5])));
    expect(own).toMatch(/^layer 'd' \(Dense\) cannot be quantized: activation 'elu' is not supported \(linear, relu, relu6, softmax/);
  });
});

describe('what the rewrites cannot merge: one line naming the layer, its class and what it follows', () => {
  it('a ReLU after a max-pool, a BatchNormalization after a Dense or after a conv with relu', () => {
    const relu = unsupported(() =>
      prepareQat(net((x) => apply(L.reLU({ name: 'r' }), apply(L.maxPooling2d({ poolSize: 2, name: 'p' }), apply(L.conv2d({ filters: 2, kernelSize: 1, name: 'c' }), x))))),
    );
    expect(relu).toMatch(
      /^layer 'r' \(ReLU\) cannot be quantized: a relu\/relu6 activation is fused into the Dense, Conv2D, DepthwiseConv2D.*Add.* it directly follows, which must have a linear activation and no other consumer of its output \(it follows 'p' \(MaxPooling2D\)\)$/,
    );
    const bn = unsupported(() => prepareQat(net((x) => apply(L.batchNormalization({ name: 'bn' }), apply(L.dense({ units: 4, name: 'd' }), x)), [5])));
    expect(bn).toMatch(/^layer 'bn' \(BatchNormalization\) cannot be quantized: batch normalization is folded into the .*Conv2D.* it directly follows.* \(it follows 'd' \(Dense\)\)$/);
    expect(unsupported(() => prepareQat(net((x) => apply(L.batchNormalization({ name: 'bn' }), apply(L.conv2d({ filters: 2, kernelSize: 1, activation: 'relu', name: 'c' }), x)))))).toContain("it follows 'c' (Conv2D)");
  });

  it('a softmax that is not the last layer, ReLU(maxValue 3), a shared layer, a Dense on a rank-4 input, channelsFirst', () => {
    expect(unsupported(() => prepareQat(net((x) => apply(L.dense({ units: 2, name: 'd2' }), apply(L.softmax({ name: 's' }), apply(L.dense({ units: 3, name: 'd' }), x))), [5])))).toBe(
      "layer 's' (Softmax) cannot be quantized: SOFTMAX is supported as the model's last layer only (the training loss applies it)",
    );
    expect(unsupported(() => prepareQat(net((x) => apply(L.reLU({ maxValue: 3, name: 'r3' }), apply(L.dense({ units: 3, name: 'd' }), x)), [5])))).toContain('maxValue 3');
    const shared = L.dense({ units: 5, name: 'twice' });
    expect(unsupported(() => prepareQat(net((x) => apply(shared, apply(shared, x)), [5])))).toContain("layer 'twice' (Dense) cannot be quantized: it is called 2 times");
    expect(unsupported(() => prepareQat(net((x) => apply(L.dense({ units: 3, name: 'd4' }), x))))).toContain('put a Flatten before it');
    expect(unsupported(() => prepareQat(net((x) => apply(L.conv2d({ filters: 2, kernelSize: 1, dataFormat: 'channelsFirst', name: 'cf' }), x))))).toContain("dataFormat 'channelsFirst'");
  });
});

describe('prepareQat on the built-in conv models', () => {
  const wrapped = (m: tfl.LayersModel) => m.layers.filter((l): l is QuantizeWrapper => l instanceof QuantizeWrapper);

  it('cnn (a chain) becomes a Sequential: per-channel convs with BN folded and ReLU fused, per-tensor Dense', () => {
    const qat = prepareQat(buildCnn(0));
    expect(qat).toBeInstanceOf(tfl.Sequential);
    expect(wrapped(qat).map((w) => [w.layer.name, w.spec.builtin, w.settings.activation, w.batchNorm?.name ?? '-', w.perChannel])).toEqual([
      ['conv1', 'CONV_2D', 'relu', 'bn1', true],
      ['pool1', 'MAX_POOL_2D', 'linear', '-', false],
      ['conv2', 'CONV_2D', 'relu', 'bn2', true],
      ['pool2', 'MAX_POOL_2D', 'linear', '-', false],
      ['flatten', 'RESHAPE', 'linear', '-', false],
      ['fc1', 'FULLY_CONNECTED', 'relu', '-', false],
      ['logits', 'FULLY_CONNECTED', 'linear', '-', false],
    ]);
    // Trainable: conv kernels (no bias), BN gamma/beta, dense kernels and biases; the BN moving
    // statistics and the observer states are not.
    expect(qat.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['kernel', 'gamma', 'beta', 'kernel', 'gamma', 'beta', 'kernel', 'bias', 'kernel', 'bias']);
    expect(prepareQat(buildCnn(0), { perTensorConv: true, perChannel: true }).layers.filter((l) => l instanceof QuantizeWrapper && l.spec.quantizedWeights.length).map((l) => (l as QuantizeWrapper).perChannel)).toEqual([false, false, true, true]);
  });

  it('dscnn (a residual graph) becomes a functional model with the Add carrying the ReLU6', () => {
    const qat = prepareQat(buildDscnn(0));
    expect(qat).not.toBeInstanceOf(tfl.Sequential);
    expect(qat.layers.map((l) => l.getClassName())).toEqual(['InputLayer', 'Edgeqat>QuantizeStub', ...new Array(10).fill('Edgeqat>QuantizeWrapper'), 'Edgeqat>DequantizeStub']);
    expect(wrapped(qat).map((w) => `${w.spec.builtin}/${w.settings.activation}${w.batchNorm ? '+bn' : ''}`)).toEqual([
      'CONV_2D/relu6+bn',
      'DEPTHWISE_CONV_2D/relu6+bn',
      'CONV_2D/relu6+bn',
      'DEPTHWISE_CONV_2D/relu6+bn',
      'CONV_2D/relu6+bn',
      'DEPTHWISE_CONV_2D/relu6+bn',
      'CONV_2D/linear+bn',
      'ADD/relu6',
      'AVERAGE_POOL_2D/linear',
      'FULLY_CONNECTED/linear',
    ]);
    const add = wrapped(qat).find((w) => w.spec.builtin === 'ADD')!;
    expect(add.inboundNodes[0].inboundLayers.map((l) => l.name)).toEqual(['quant_block2_pw', 'quant_block3_pw']);
  });
});
