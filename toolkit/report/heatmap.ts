// Confusion-matrix heatmap: rows are true classes, columns predicted classes; each cell is a
// <rect class="cell" data-true=… data-pred=… data-count=…> shaded by its share of the row, with the
// count written in it. Correct predictions (the diagonal) are blue, errors orange.
import { esc } from './html.js';
import { open, type Box } from './svg.js';

export function confusionHeatmap(matrix: number[][], labels: string[], title: string): string {
  const n = matrix.length;
  const cellSize = n <= 10 ? 38 : Math.max(12, Math.floor(400 / n));
  const b: Box = { left: 70, top: 40, right: 12, bottom: 46, width: 0, height: 0 };
  b.width = b.left + n * cellSize + b.right;
  b.height = b.top + n * cellSize + b.bottom;
  const parts = [open('confusion', b, title, 1)];
  for (let t = 0; t < n; t++) {
    const rowTotal = matrix[t].reduce((a, c) => a + c, 0) || 1;
    for (let p = 0; p < n; p++) {
      const count = matrix[t][p];
      const share = count / rowTotal;
      const alpha = count === 0 ? 0 : 0.08 + 0.92 * Math.sqrt(share);
      const color = t === p ? `rgba(42,111,219,${alpha.toFixed(3)})` : `rgba(224,123,0,${alpha.toFixed(3)})`;
      const x = b.left + p * cellSize;
      const y = b.top + t * cellSize;
      parts.push(
        `<rect class="cell" data-true="${t}" data-pred="${p}" data-count="${count}" x="${x}" y="${y}" width="${cellSize}" height="${cellSize}" fill="${color}" stroke="#eceef2">` +
          `<title>${esc(`true ${labels[t]}, predicted ${labels[p]}: ${count}`)}</title></rect>`,
      );
      if (count > 0 && cellSize >= 24) {
        const dark = alpha > 0.6;
        parts.push(`<text x="${x + cellSize / 2}" y="${y + cellSize / 2 + 4}" text-anchor="middle" style="fill:${dark ? '#fff' : '#333'}">${count}</text>`);
      }
    }
    parts.push(`<text x="${b.left - 6}" y="${b.top + t * cellSize + cellSize / 2 + 4}" text-anchor="end">${esc(labels[t])}</text>`);
  }
  for (let p = 0; p < n; p++) parts.push(`<text x="${b.left + p * cellSize + cellSize / 2}" y="${b.top - 6}" text-anchor="middle">${esc(labels[p])}</text>`);
  parts.push(`<text x="${b.left + (n * cellSize) / 2}" y="${b.height - 14}" text-anchor="middle">predicted class (columns) · true class (rows)</text>`);
  parts.push('</svg>');
  return parts.join('');
}
