// Training curves: loss (mean per 100-step window), accuracy (every window on the first N test
// images; whole test set at epoch ends) and the learning rate when recorded, for the run and the
// float run it started from (when there is one), plus a summary table read from the same files.
import { join } from 'node:path';
import { fixed, missing, note, num, table, type CellInput, type Section } from './html.js';
import { lineChart, type LineSeries } from './line-chart.js';
import { PALETTE } from './svg.js';
import { runKind, runLabel, type RunFiles } from './sources.js';

function testImages(r: RunFiles): string {
  return typeof r.metrics.testSamples === 'number' ? num(r.metrics.testSamples) : 'the';
}

function finalAccuracy(r: RunFiles): number | undefined {
  const m = r.metrics.qatAccuracy;
  return typeof m === 'number' ? m : r.info.qatAccuracy;
}

function summaryRow(r: RunFiles): CellInput[] {
  const m = r.metrics;
  const steps = typeof m.steps === 'number' ? m.steps : (m.history.at(-1)?.step ?? 0);
  const loss = typeof m.finalLoss === 'number' ? m.finalLoss : m.history.at(-1)?.loss;
  const acc = finalAccuracy(r);
  const o = r.info.options ?? {};
  return [
    runLabel(r),
    { text: String(steps), value: steps },
    { text: `${String(o.epochs ?? '-')} × ${String(o.limit ?? '-')} images, batch ${String(o.batchSize ?? '-')}`, value: String(o.epochs ?? '') },
    loss === undefined ? '-' : { text: fixed(loss, 4), value: loss },
    acc === undefined ? '-' : { text: fixed(acc, 4), value: acc },
    { text: `${fixed(r.info.trainSeconds ?? 0, 1)} s`, value: r.info.trainSeconds ?? 0 },
  ];
}

export function trainingSection(run: RunFiles, floatRun: RunFiles | null): Section {
  const runs = (floatRun ? [floatRun, run] : [run]).filter((r) => r.metrics.history.length > 0);
  if (runs.length === 0) {
    return { id: 'training', title: 'Training curves', source: join(run.dir, 'metrics.json'), available: false, body: missing(`${join(run.dir, 'metrics.json')} has no loss points (${runKind(run) === 'PTQ' ? 'a PTQ run is calibrated, not trained, and its float run was not found' : 'training has not reached its first 100 steps'}).`) };
  }
  // One colour per run in every chart: float blue, QAT orange.
  const color = (r: RunFiles) => PALETTE[r.info.options?.floatOnly ? 0 : 1];
  const loss: LineSeries[] = runs.map((r) => ({ name: `${runLabel(r)} loss`, color: color(r), points: r.metrics.history.map((p) => ({ x: p.step, y: p.loss })) }));
  const accuracy: LineSeries[] = [];
  for (const r of runs) {
    const window = r.metrics.accuracy ?? [];
    const epochs = r.metrics.epochAccuracy ?? [];
    if (window.length) accuracy.push({ name: `${runLabel(r)}, first ${r.metrics.accuracySamples ?? '?'} test samples`, color: color(r), points: window.map((p) => ({ x: p.step, y: p.accuracy })) });
    if (epochs.length) accuracy.push({ name: `${runLabel(r)}, whole test set at epoch end (dots)`, color: color(r), points: epochs.map((p) => ({ x: p.step, y: p.accuracy })), markers: true });
  }
  const lr: LineSeries[] = runs
    .map((r) => ({ name: `${runLabel(r)} lr`, color: color(r), points: r.metrics.history.filter((p) => typeof p.lr === 'number').map((p) => ({ x: p.step, y: p.lr! })) }))
    .filter((s) => s.points.length > 0);

  const charts = [lineChart(loss, { name: 'loss', title: 'Training loss (mean per window)', xLabel: 'step', yLabel: 'softmax cross-entropy' })];
  if (accuracy.length) {
    const lo = Math.min(...accuracy.flatMap((s) => s.points.map((p) => p.y)));
    charts.push(lineChart(accuracy, { name: 'accuracy', title: 'Accuracy while training (TF.js, inference mode)', xLabel: 'step', yLabel: 'accuracy', yRange: [Math.max(0, Math.floor(lo * 20) / 20), 1] }));
  }
  if (lr.length) charts.push(lineChart(lr, { name: 'lr', title: 'Learning rate', xLabel: 'step', yLabel: 'learning rate' }));

  const notes: string[] = [];
  if (run.metrics.history.length === 0) {
    notes.push(note(runKind(run) === 'PTQ' ? 'A PTQ run is calibrated, not trained: it has no training curves (the float run it quantizes is shown).' : `${join(run.dir, 'metrics.json')} has no loss points yet.`));
  }
  if (!accuracy.length) notes.push(missing('metrics.json has no accuracy points (the run was trained before edgeqat recorded them); re-train it to get accuracy curves.'));
  if (runs.length > 1) notes.push(note(`Each run counts its own steps: the QAT run started from the float run's final weights.`));
  else if (runKind(run) === 'QAT') notes.push(note('No float run found (a compare folder\'s float/ or the float model.json the run was trained from): the QAT run alone is shown.'));
  const files = runs.map((r) => `${join(r.dir, 'metrics.json')} and run.json`).join('; ');
  return {
    id: 'training',
    title: 'Training curves',
    source: `${files}, written by edgeqat train as it runs (loss: mean of every 100 steps; accuracy: the model in inference mode about 12 times per epoch on the first test images, and at epoch ends on the whole test set)`,
    available: true,
    body: [
      `<div class="charts">${charts.join('')}</div>`,
      ...notes,
      table('training', ['run', 'steps', 'epochs × images', 'final loss', 'test accuracy (TF.js)', 'training time'], runs.map(summaryRow)),
      note(`Final loss: mean over the last window. Test accuracy: the fake-quant (QAT) or float model in TF.js on ${testImages(run)} test images.`),
    ].join('\n'),
  };
}
