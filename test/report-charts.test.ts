// The report's pieces without a browser: ticks, binning, per-channel dequantization, activation
// ranges read from a real .tflite, what the charts draw, and a page that can load nothing.
import { describe, expect, it } from 'vitest';
import { readTfliteFile, type TensorSummary } from '../runtime/model-reader.js';
import { barChart } from '../toolkit/report/bar-chart.js';
import { bin } from '../toolkit/report/histogram.js';
import { esc, page } from '../toolkit/report/html.js';
import { lineChart } from '../toolkit/report/line-chart.js';
import { activationRanges } from '../toolkit/report/quant-section.js';
import { niceTicks } from '../toolkit/report/svg.js';
import { dequantizeWeights } from '../toolkit/report/weights-section.js';

const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

describe('report building blocks', () => {
  it('round ticks cover the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.93, 0.99, 4)).toEqual([0.94, 0.96, 0.98]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('bins count every value, clamping outliers to the edge bins', () => {
    const b = bin([-5, 0, 0.1, 0.5, 0.99, 1, 7], 0, 1, 2);
    expect(b.counts).toEqual([3, 4]);
    expect(b.total).toBe(7);
  });

  it('dequantizes per channel along the quantized dimension', () => {
    const t = (shape: number[], dim: number, scale: number[]): TensorSummary =>
      ({ shape, quantization: { scale, zeroPoint: scale.map(() => 0), quantizedDimension: dim } }) as TensorSummary;
    const data = Int8Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(dequantizeWeights(t([2, 3], 0, [1, 10]), data))).toEqual([1, 2, 3, 40, 50, 60]);
    expect(Array.from(dequantizeWeights(t([1, 2, 3], 2, [1, 10, 100]), data))).toEqual([1, 20, 300, 4, 50, 600]);
    expect(Array.from(dequantizeWeights(t([6], 0, [0.5]), data))).toEqual([0.5, 1, 1.5, 2, 2.5, 3]);
  });

  it('activation ranges of a real int8 model hold 0 and follow scale × (q − zero-point)', () => {
    const ranges = activationRanges(readTfliteFile('test/fixtures/edgeqat-mlp.tflite'));
    expect(ranges.map((r) => r.opName)).toEqual(['QUANTIZE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'FULLY_CONNECTED']);
    for (const r of ranges) {
      expect(r.min).toBeLessThanOrEqual(0);
      expect(r.max).toBeGreaterThanOrEqual(0);
      expect(r.max - r.min).toBeCloseTo(255 * r.scale, 9);
    }
  });

  it('charts draw one mark per value and say what they drew', () => {
    const bars = barChart(['a', 'b', 'c'], [{ name: 'x', values: [1, 2, 3] }, { name: 'y', values: [-1, 0, 1] }], { name: 't', title: 'T', yLabel: 'v' });
    expect(count(bars, /<rect class="bar"/g)).toBe(6);
    expect(bars).toContain('data-series-count="2"');
    expect(bars).toContain('data-category="c" data-value="3"');
    const lines = lineChart([{ name: 'loss <1>', points: [{ x: 0, y: 1 }, { x: 1, y: 0.5 }] }, { name: 'empty', points: [] }], { name: 'l', title: 'L', xLabel: 's', yLabel: 'v' });
    expect(lines).toContain('data-series-count="1"');
    expect(lines).toContain('data-series="loss &lt;1&gt;" data-points="2"');
  });

  it('the page has no scripts and a policy that forbids network loads', () => {
    const html = page('t <x>', 's', [{ id: 'a', title: 'A', source: 'f"', body: '<p>x</p>', available: true }]);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|https?:/);
    expect(html).toContain('<title>t &lt;x&gt;</title>');
    expect(esc(`<a href="x">'`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;');
  });
});
