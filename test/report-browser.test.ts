// `edgeqat report` end to end, on real data: `edgeqat compare` (in-process) of the MLP on 2,000
// MNIST images (float run, PTQ, QAT fine-tuned from the float weights, all three evaluated and timed
// on TFLite), then the report of that compare folder through the real CLI, opened in headless
// Chromium (Debian's, driven by playwright-core): no console errors, no network request, a
// screenshot, charts drawn with the expected series/bars, and table values equal to the runs'
// metrics.json and compare.json. Without /usr/bin/chromium the browser part is skipped locally (listed) and fails in CI.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCompare } from '../toolkit/cli/commands/compare.js';
import { readTfliteModel } from '../runtime/model-reader.js';
import type { RunMetrics } from '../toolkit/run-folder.js';
import type { CompareFile } from '../toolkit/compare/compare-file.js';
import { chromiumAvailable, CHROMIUM, launchChromium, type Browser } from './helpers/chromium.js';
import { describeNeeding } from './helpers/needs.js';
import { errorLines, runCli } from './helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'edgeqat-report-'));
const cmp = join(tmp, 'compare-mlp');
const LIMIT = 2000;

describe('edgeqat report', () => {
  beforeAll(async () => {
    // Batch 10: 200 steps per epoch, so that each run has a few points per curve.
    await runCompare({ model: 'mlp', dataset: 'mnist', out: cmp, limit: LIMIT, batchSize: 10, qatEpochs: 1, benchIterations: 300, calibrationSamples: 200, backend: 'wasm', quiet: true });
  }, 600_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('training records loss, learning rate and accuracy in metrics.json', () => {
    const m = JSON.parse(readFileSync(join(cmp, 'qat', 'metrics.json'), 'utf8')) as RunMetrics;
    expect(m.history.length).toBe(LIMIT / 10 / 100);
    expect(m.accuracy!.map((p) => p.step)).toEqual(m.history.map((p) => p.step));
    expect(m.accuracySamples).toBe(1000);
    for (const p of m.accuracy!) expect(p.accuracy).toBeGreaterThan(0.5);
    expect(m.epochAccuracy).toEqual([{ step: 200, epoch: 1, accuracy: m.qatAccuracy }]);
    expect(typeof m.history[0].lr).toBe('number');
  });

  it('reports on the PTQ run too: calibrated, not trained, shown with the float run it quantizes', async () => {
    const r = await runCli(['report', join(cmp, 'ptq'), '--quiet', '--iterations', '100']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(cmp, 'ptq', 'report.html'), 'utf8');
    expect(html).toContain('<title>edgeqat report: mlp on mnist (PTQ)</title>');
    expect(html).toContain('A PTQ run is calibrated, not trained');
    expect(html).toMatch(/data-chart="loss" data-series-count="1"/);
    expect(html).toContain('data-series="float loss"');
  });

  it('a missing input is one line naming the file, exit 2, and no report.html', async () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    let r = await runCli(['report', empty, '--quiet']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([`edgeqat: error: ${join(empty, 'run.json')}: missing (not a run folder; create one with 'edgeqat train --out ${empty}')`]);
    expect(existsSync(join(empty, 'report.html'))).toBe(false);

    const noModel = join(tmp, 'no-model');
    mkdirSync(noModel);
    for (const f of ['run.json', 'metrics.json']) writeFileSync(join(noModel, f), readFileSync(join(cmp, 'qat', f)));
    r = await runCli(['report', noModel, '--quiet']);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual([`edgeqat: error: ${join(noModel, 'model.tflite')}: missing (export the run first: edgeqat export ${noModel})`]);
    expect(existsSync(join(noModel, 'report.html'))).toBe(false);
  });

  const noChromium = chromiumAvailable() ? null : `${CHROMIUM} (install Debian's chromium, as .ci/run does, or set EDGEQAT_CHROMIUM)`;
  describeNeeding(noChromium, `in headless Chromium (${CHROMIUM})`, () => {
    let browser: Browser;
    beforeAll(async () => {
      const r = await runCli(['report', cmp, '--quiet', '--iterations', '300']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^wrote .*report\.html/);
      browser = await launchChromium();
    }, 600_000);
    afterAll(async () => browser?.close());

    it('renders with no console errors or network requests; charts and tables match the run files', async () => {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => requests.push(r.url()));
      const url = pathToFileURL(join(cmp, 'report.html')).href;
      await page.goto(url, { waitUntil: 'load' });
      const shot = join(tmp, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(problems).toEqual([]);
      expect(requests).toEqual([url]);
      expect(statSync(shot).size).toBeGreaterThan(50_000);

      // Every chart laid out with a size, every drawn mark non-empty.
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((s) => {
          const r = s.getBoundingClientRect();
          const marks = Array.from(s.querySelectorAll('path.series, .series-group path, rect.bar, rect.cell, circle')).map((m) => (m as SVGGraphicsElement).getBBox());
          return { name: s.dataset.chart!, width: r.width, height: r.height, series: Number(s.dataset.seriesCount), marks: marks.length, empty: marks.filter((b) => b.width === 0 && b.height === 0).length };
        }),
      );
      const byName = Object.fromEntries(charts.map((c) => [c.name, c]));
      expect(Object.keys(byName).sort()).toEqual(['accuracy', 'compare-accuracy', 'compare-latency', 'compare-size', 'confusion', 'debug', 'latency', 'loss', 'lr', 'ranges', 'weights']);
      for (const c of charts) {
        expect(c.width, c.name).toBeGreaterThan(200);
        expect(c.height, c.name).toBeGreaterThan(150);
        expect(c.marks, c.name).toBeGreaterThan(0);
        expect(c.empty, c.name).toBe(0);
      }
      // Training curves: float and QAT runs (loss, lr), window and epoch-end accuracy of both.
      expect(byName.loss.series).toBe(2);
      expect(byName.lr.series).toBe(2);
      expect(byName.accuracy.series).toBe(4);
      const qatMetrics = JSON.parse(readFileSync(join(cmp, 'qat', 'metrics.json'), 'utf8')) as RunMetrics;
      const floatMetrics = JSON.parse(readFileSync(join(cmp, 'float', 'metrics.json'), 'utf8')) as RunMetrics;
      const points = await page.$$eval('svg[data-chart="loss"] .series-group', (gs) => gs.map((g) => Number((g as SVGGElement).dataset.points)));
      expect(points).toEqual([floatMetrics.history.length, qatMetrics.history.length]);

      // The training table holds metrics.json's values.
      const training = await tableValues(page, 'training');
      expect(training.map((r) => r[1])).toEqual([String(floatMetrics.steps), String(qatMetrics.steps)]);
      expect(training.map((r) => Number(r[3]))).toEqual([floatMetrics.finalLoss, qatMetrics.finalLoss]);
      expect(training.map((r) => Number(r[4]))).toEqual([floatMetrics.qatAccuracy, qatMetrics.qatAccuracy]);

      // Comparison: three bars per chart and the table equal to compare.json.
      const compare = JSON.parse(readFileSync(join(cmp, 'compare.json'), 'utf8')) as CompareFile;
      const variants = ['float', 'ptq', 'qat'] as const;
      const bars = await page.$$eval('svg[data-chart="compare-accuracy"] rect.bar', (rs) => rs.map((r) => Number((r as SVGRectElement).dataset.value)));
      expect(bars).toEqual(variants.map((k) => compare[k].accuracy));
      expect(await page.$$eval('svg[data-chart="compare-size"] rect.bar', (rs) => rs.length)).toBe(3);
      expect(await page.$$eval('svg[data-chart="compare-latency"] rect.bar', (rs) => rs.length)).toBe(3);
      const table = await tableValues(page, 'compare');
      expect(table.map((r) => Number(r[1]))).toEqual(variants.map((k) => compare[k].accuracy));
      expect(table.map((r) => Number(r[2]))).toEqual(variants.map((k) => compare[k].drop_points));
      expect(table.map((r) => Number(r[3]))).toEqual(variants.map((k) => compare[k].size_bytes));
      expect(table.map((r) => Number(r[4]))).toEqual(variants.map((k) => compare[k].p50_us));

      // Confusion matrix: 10×10 cells over the 10,000 test images, accuracy equal to the QAT model's.
      const cells = await page.$$eval('svg[data-chart="confusion"] rect.cell', (rs) => rs.map((r) => [Number((r as SVGRectElement).dataset.true), Number((r as SVGRectElement).dataset.pred), Number((r as SVGRectElement).dataset.count)]));
      expect(cells.length).toBe(100);
      expect(cells.reduce((a, [, , n]) => a + n, 0)).toBe(10_000);
      expect(cells.filter(([t, p]) => t === p).reduce((a, [, , n]) => a + n, 0) / 10_000).toBe(compare.qat.accuracy);

      // Quantization table: one row per operator of the .tflite; debug: two bars per layer.
      const ops = readTfliteModel(new Uint8Array(readFileSync(join(cmp, 'qat', 'model.tflite')))).subgraph.operators.length;
      expect((await tableValues(page, 'quantization')).length).toBe(ops);
      expect((await tableValues(page, 'debug')).map((r) => r[0])).toEqual(['quant_input', 'fc1', 'fc2', 'fc3']);
      expect(await page.$$eval('svg[data-chart="debug"] rect.bar', (rs) => rs.length)).toBe(8);
      // Weights: fc1 (the largest layer) before and after quantization, 78,400 values each.
      const weights = await page.$$eval('svg[data-chart="weights"] .series-group', (gs) => gs.map((g) => Number((g as SVGGElement).dataset.total)));
      expect(weights).toEqual([78_400, 78_400]);
      const latency = await page.$$eval('svg[data-chart="latency"] .series-group', (gs) => gs.map((g) => Number((g as SVGGElement).dataset.total)));
      expect(latency).toEqual([300]);
      await page.close();
    }, 600_000);
  });
});

/** The data-value (or text) of every cell of a report table, row by row. */
async function tableValues(page: import('playwright-core').Page, name: string): Promise<string[][]> {
  return page.$$eval(`table[data-table="${name}"] tbody tr`, (rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.dataset.value ?? td.textContent ?? '')));
}
