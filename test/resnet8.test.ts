// The built-in `resnet8` (MLPerf Tiny's image-classification ResNet-8): its layout, parameter count
// and the int8 model it exports.
import { beforeAll, describe, expect, it } from 'vitest';
import { readTfliteModel } from '../runtime/model-reader.js';
import { convertToTflite } from '../toolkit/converter/convert.js';
import { initBackend } from '../toolkit/engine/backend.js';
import { builtinModel } from '../toolkit/models/index.js';
import { floatParamCount, prepareQat } from '../toolkit/qat/prepare.js';

describe('resnet8', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('has the reference layout: 32x32x3 in, three residual stages of 16/32/64, ~78 k parameters', () => {
    const m = builtinModel('resnet8').build(0, [32, 32, 3], 10);
    expect(m.inputs[0].shape).toEqual([null, 32, 32, 3]);
    expect(m.outputs[0].shape).toEqual([null, 10]);
    const convs = m.layers.filter((l) => l.getClassName() === 'Conv2D');
    expect(convs.map((l) => (l.getConfig() as { filters: number }).filters)).toEqual([16, 16, 16, 32, 32, 32, 64, 64, 64]);
    expect(m.layers.filter((l) => l.getClassName() === 'Add')).toHaveLength(3);
    expect(m.countParams()).toBeGreaterThan(77_000);
    expect(m.countParams()).toBeLessThan(80_000);
    m.dispose();
  });

  it('exports a full-int8 model of about 96 KB: nine CONV_2D, three ADD, pooling and the logits', () => {
    const qat = prepareQat(builtinModel('resnet8').build(0, [32, 32, 3], 10));
    expect(floatParamCount(qat)).toBeGreaterThan(77_000);
    const bytes = convertToTflite(qat);
    qat.dispose();
    const s = readTfliteModel(bytes, 'resnet8.tflite');
    const ops = s.subgraph.operators.map((o) => s.operatorCodes[o.opcodeIndex]!.builtin);
    expect(ops.filter((o) => o === 'CONV_2D')).toHaveLength(9);
    expect(ops.filter((o) => o === 'ADD')).toHaveLength(3);
    expect([...new Set(ops)].sort()).toEqual(['ADD', 'AVERAGE_POOL_2D', 'CONV_2D', 'DEQUANTIZE', 'FULLY_CONNECTED', 'QUANTIZE', 'RESHAPE']);
    expect(bytes.length).toBeGreaterThan(85 * 1024);
    expect(bytes.length).toBeLessThan(100 * 1024);
  });
});
