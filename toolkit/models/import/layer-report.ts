// What `edgeqat inspect` shows for a Keras model: each layer with its class, output shape,
// parameter count and whether edgeqat can quantize it (the quantize registry's answer).
import type * as tfl from '@tensorflow/tfjs-layers';
import { ruleFor } from '../../qat/quantize-registry.js';
import type { ImportedModel } from './imported-model.js';

export interface LayerReportRow {
  name: string;
  className: string;
  outputShape: (number | null)[];
  params: number;
  /** How it is quantized (its TFLite builtin or role), or null when it cannot be. */
  quantized: string | null;
  /** Why it cannot be quantized (null when it can). */
  reason: string | null;
}

export interface ModelReport {
  path: string;
  format: string;
  kerasVersion: string | null;
  name: string;
  params: number;
  layers: LayerReportRow[];
  quantizable: boolean;
}

function quantizeStatus(className: string): { quantized: string | null; reason: string | null } {
  const rule = ruleFor(className);
  if (!rule) return { quantized: null, reason: 'no quantization rule' };
  if (!rule.supported) return { quantized: null, reason: rule.reason };
  // The op name field is 'builtin' or 'op' depending on the registry's version; roles otherwise.
  const op = (rule as { builtin?: string; op?: string }).builtin ?? (rule as { op?: string }).op;
  const roles: Record<string, string> = { input: 'QUANTIZE', fold: 'folded into the conv before it', fuse: 'fused into the op before it', activation: 'fused or an op', identity: 'training only' };
  return { quantized: op ?? roles[rule.role] ?? rule.role, reason: null };
}

function outputShape(layer: tfl.layers.Layer): (number | null)[] {
  const shape = layer.outputShape as (number | null)[] | (number | null)[][];
  return (Array.isArray(shape[0]) ? (shape[0] as (number | null)[]) : (shape as (number | null)[])).slice(1);
}

export function modelReport(imported: ImportedModel): ModelReport {
  const layers = imported.model.layers.map((layer) => ({
    name: layer.name,
    className: layer.getClassName(),
    outputShape: outputShape(layer),
    params: layer.countParams(),
    ...quantizeStatus(layer.getClassName()),
  }));
  return {
    path: imported.source,
    format: imported.format,
    kerasVersion: imported.kerasVersion ?? null,
    name: imported.model.name,
    params: imported.model.countParams(),
    layers,
    quantizable: layers.every((l) => l.quantized !== null),
  };
}
