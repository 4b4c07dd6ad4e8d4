// HTML building blocks of report.html: escaping, number formats, tables, the section frame and the
// page. The page is self-contained: inline CSS and SVG only, no scripts, and a Content-Security-
// Policy that forbids every network load, so it opens the same offline, from a mail or a CI artifact.

export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Significant digits without trailing zeros; integers stay integers, tiny values in e-notation. */
export function num(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x)) return withCommas(x);
  if (Math.abs(x) < 1e-3) return x.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return Number(x.toPrecision(digits)).toString();
}

export function fixed(x: number, decimals: number): string {
  return Number.isFinite(x) ? x.toFixed(decimals) : String(x);
}

export function withCommas(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function bytes(n: number): string {
  return `${withCommas(n)} B`;
}

export function micros(us: number): string {
  return us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`;
}

/** A table cell: text shown, and optionally the raw value in data-value (for tests and scripts). */
export interface Cell {
  text: string;
  value?: number | string;
}

export type CellInput = Cell | string | number;

function cell(c: CellInput, tag: 'td' | 'th'): string {
  const v: Cell = typeof c === 'object' ? c : { text: typeof c === 'number' ? num(c) : c, value: typeof c === 'number' ? c : undefined };
  const data = v.value === undefined ? '' : ` data-value="${esc(v.value)}"`;
  return `<${tag}${data}>${esc(v.text)}</${tag}>`;
}

export function table(name: string, header: string[], rows: CellInput[][]): string {
  return [
    `<table data-table="${esc(name)}">`,
    `<thead><tr>${header.map((h) => cell(h, 'th')).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`).join('\n')}</tbody>`,
    '</table>',
  ].join('\n');
}

export interface Section {
  id: string;
  title: string;
  /** Where the numbers come from (files, commands, samples): shown under the title. */
  source: string;
  body: string;
  /** False when the data was not available; the body then says why and how to get it. */
  available: boolean;
}

export function missing(text: string): string {
  return `<p class="missing">${esc(text)}</p>`;
}

export function note(text: string): string {
  return `<p class="note">${esc(text)}</p>`;
}

const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2330; margin: 0; background: #f6f7f9; }
header { background: #1d2330; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; color: #c8cedb; }
nav { padding: 8px 28px; background: #e8ebf0; font-size: 13px; }
nav a { margin-right: 14px; color: #2a4d8f; text-decoration: none; }
main { padding: 8px 28px 40px; max-width: 1240px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; margin: 16px 0; padding: 12px 18px 16px; overflow-x: auto; }
section h2 { margin: 4px 0 2px; font-size: 18px; }
p.source { margin: 0 0 10px; color: #5b6475; font-size: 12px; }
p.missing { color: #8a5a00; background: #fff6e0; padding: 8px 10px; border-radius: 4px; }
p.note { color: #5b6475; font-size: 12px; margin: 4px 0; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border-bottom: 1px solid #e3e6ec; padding: 3px 8px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f0f2f5; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
svg.chart { background: #fff; border: 1px solid #eceef2; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
svg .axis line, svg .axis path { stroke: #888; }
svg .grid line { stroke: #eceef2; }
svg .title { font-size: 12px; font-weight: 600; }
svg .series { fill: none; stroke-width: 1.8; }
`;

export function page(title: string, subtitle: string, sections: Section[]): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${esc(title)}</h1><p>${esc(subtitle)}</p></header>`,
    `<nav>${sections.map((s) => `<a href="#${esc(s.id)}">${esc(s.title)}</a>`).join('')}</nav>`,
    '<main>',
    ...sections.map((s) =>
      [
        `<section id="${esc(s.id)}" data-available="${s.available}">`,
        `<h2>${esc(s.title)}</h2>`,
        `<p class="source">Source: ${esc(s.source)}</p>`,
        s.body,
        '</section>',
      ].join('\n'),
    ),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
