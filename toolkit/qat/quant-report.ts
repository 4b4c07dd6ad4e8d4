// What the observers and weight quantizers learned, per layer (the CLI prints it as a table:
// toolkit/cli/format-quant-report.ts).
import type * as tfl from '@tensorflow/tfjs-layers';
import { QuantizeStub } from './layers/quantize-stub.js';
import { QuantizeWrapper } from './layers/quantize-wrapper.js';
import { symmetricParams } from './quant/quant-params.js';

export interface LayerQuantReport {
  layer: string;
  op: string;
  weightMin?: number;
  weightMax?: number;
  /** Per-tensor scale, or the min/max of per-channel scales. */
  weightScale?: number | [number, number];
  activationMin: number;
  activationMax: number;
  scale: number;
  zeroPoint: number;
}

export function quantizationReport(model: tfl.LayersModel): LayerQuantReport[] {
  const rows: LayerQuantReport[] = [];
  for (const layer of model.layers) {
    if (layer instanceof QuantizeStub) {
      const r = layer.inputObserver.range();
      rows.push({ layer: layer.name, op: 'QUANTIZE', activationMin: r.min, activationMax: r.max, ...r.params });
    } else if (layer instanceof QuantizeWrapper) {
      // Observed ops report the observed range; the others the range their fixed/inherited params span.
      const params = layer.outputQuantParams();
      const r = layer.hasObserver
        ? layer.outputObserver.range()
        : { min: params.scale * (-128 - params.zeroPoint), max: params.scale * (127 - params.zeroPoint), params };
      const row: LayerQuantReport = { layer: layer.layer.name, op: layer.spec.builtin, activationMin: r.min, activationMax: r.max, ...r.params };
      const spec = layer.spec.quantizedWeights[0];
      if (spec) {
        // The weights as exported: a folded batch norm included.
        const { weights, bias } = layer.inferenceWeights();
        const w = weights[spec.name];
        const data = w.dataSync();
        let min = Infinity;
        let max = -Infinity;
        for (const v of data) {
          if (v < min) min = v;
          if (v > max) max = v;
        }
        row.weightMin = min;
        row.weightMax = max;
        const shape = spec.quantShape ? spec.quantShape(w.shape) : w.shape;
        row.weightScale = layer.perChannel ? perChannelScaleRange(data, shape, spec.channelAxis) : symmetricParams(Math.max(-min, max)).scale;
        w.dispose();
        bias?.dispose();
      }
      rows.push(row);
    }
  }
  return rows;
}

function perChannelScaleRange(data: ArrayLike<number>, shape: number[], axis: number): [number, number] {
  const channels = shape[axis];
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < data.length; i++) {
    const c = Math.floor(i / inner) % channels;
    maxAbs[c] = Math.max(maxAbs[c], Math.abs(data[i]));
  }
  const scales = Array.from(maxAbs, (m) => symmetricParams(m).scale);
  return [Math.min(...scales), Math.max(...scales)];
}
