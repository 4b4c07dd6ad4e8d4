// Simulate vs deploy, per layer (toolkit/debug/simulate-vs-deploy.ts): the QAT checkpoint's
// fake-quant activations against the exported model's int8 tensors on the reference engine, in
// quantization steps of the deployed tensor.
import type { DivergenceReport } from '../debug/simulate-vs-deploy.js';
import { barChart } from './bar-chart.js';
import { fixed, missing, note, num, table, type Section } from './html.js';

export function debugSection(r: DivergenceReport | { unavailable: string }, checkpoint: string, tflitePath: string): Section {
  const base = { id: 'debug', title: 'Simulate vs deploy, per layer' };
  if ('unavailable' in r) return { ...base, source: `${checkpoint} and ${tflitePath}`, available: false, body: missing(r.unavailable) };
  const rows = r.layers.map((l) => [
    l.layer,
    l.op,
    l.tensor,
    { text: num(l.elements), value: l.elements },
    { text: fixed(l.maxSteps, 3), value: l.maxSteps },
    { text: fixed(l.meanSteps, 4), value: l.meanSteps },
    { text: `${(l.mismatchShare * 100).toFixed(2)}%`, value: l.mismatchShare },
  ]);
  const chart = barChart(
    r.layers.map((l) => l.layer),
    [
      { name: 'max |error|', values: r.layers.map((l) => l.maxSteps) },
      { name: 'mean |error|', values: r.layers.map((l) => l.meanSteps) },
    ],
    { name: 'debug', title: 'Fake-quant (TF.js) vs int8 (reference engine)', yLabel: 'quantization steps', width: Math.max(420, 80 + r.layers.length * 70), format: (v) => v.toFixed(3) },
  );
  return {
    ...base,
    source: `${checkpoint} (the fake-quant model in TF.js) vs ${tflitePath} (reference engine, every intermediate tensor), ${r.samples} test images (edgeqat debug, computed now)`,
    available: true,
    body: [
      table('debug', ['layer', 'op', 'int8 tensor', 'values compared', 'max |err| (steps)', 'mean |err| (steps)', 'int8 mismatches'], rows),
      `<div class="charts">${chart}</div>`,
      note(
        r.suspect
          ? `First layer where deployment departs from the simulation: ${r.suspect}.`
          : 'Deployment follows the simulation at every layer (within rounding: up to one step where TFLite rounds differently from the float simulation).',
      ),
    ].join('\n'),
  };
}
