// Confusion matrix of the exported model: model.tflite evaluated on the data set's test split on a
// TFLite engine (auto: the fastest that runs it), counts per (true, predicted) class.
import { evaluateClassifier } from '../../runtime/accuracy.js';
import { createEngine } from '../../runtime/engines/index.js';
import { confusionHeatmap } from './heatmap.js';
import { fixed, num, table, type Section } from './html.js';
import type { Progress } from '../../runtime/progress.js';
import type { TestSet } from './test-set.js';

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface ConfusionResult {
  engine: string;
  samples: number;
  accuracy: number;
  matrix: number[][];
}

export async function confusionOf(tfliteBytes: Uint8Array, label: string, test: TestSet, numClasses: number, opts: { engine?: string; limit?: number; progress?: (label: string) => Progress }): Promise<ConfusionResult> {
  const engine = await createEngine(opts.engine ?? 'auto', tfliteBytes, label);
  try {
    const count = Math.min(opts.limit ?? test.count, test.count);
    const progress = opts.progress?.(`report: evaluate (${engine.name})`);
    const r = evaluateClassifier(engine, test.inputs, test.labels, count, { onProgress: (d, t) => progress?.update(d, t) });
    progress?.done(`${count} images, accuracy ${r.accuracy.toFixed(4)}`);
    const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
    for (let i = 0; i < count; i++) matrix[test.labels[i]][r.predictions[i]]++;
    return { engine: engine.name, samples: count, accuracy: r.accuracy, matrix };
  } finally {
    engine.dispose();
  }
}

/** `classNames`: the run's (run.json); runs from before they were recorded name Fashion-MNIST's classes here. */
export function confusionSection(c: ConfusionResult, tflitePath: string, dataset: string, classNames?: string[]): Section {
  const labels = c.matrix.map((_, i) => classNames?.[i] ?? (dataset === 'fashion-mnist' ? FASHION[i] : undefined) ?? String(i));
  const rows = c.matrix.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total ? row[t] / total : 0;
    const predicted = c.matrix.reduce((a, r) => a + r[t], 0);
    const precision = predicted ? row[t] / predicted : 0;
    return [labels[t], { text: num(total), value: total }, { text: num(row[t]), value: row[t] }, { text: fixed(recall, 4), value: recall }, { text: fixed(precision, 4), value: precision }];
  });
  return {
    id: 'confusion',
    title: 'Confusion matrix of the int8 model',
    source: `${tflitePath} on the ${c.engine} engine, ${num(c.samples)} ${dataset} test images (evaluated now)`,
    available: true,
    body: [
      `<p data-accuracy="${c.accuracy}">Accuracy <b>${fixed(c.accuracy, 4)}</b> (${num(Math.round(c.accuracy * c.samples))} of ${num(c.samples)}).</p>`,
      `<div class="charts">${confusionHeatmap(c.matrix, labels, 'True class vs predicted class')}`,
      table('per-class', ['class', 'images', 'correct', 'recall', 'precision'], rows),
      '</div>',
    ].join('\n'),
  };
}
