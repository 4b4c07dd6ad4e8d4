// Plain-text tables for the CLI: columns padded to their widest cell, two spaces apart.
export interface TextTableOptions {
  /** A row of dashes under the header (default true). */
  rule?: boolean;
  /** Right-align every column but the first (numbers). */
  alignNumbers?: boolean;
}

export function formatTable(header: string[], body: string[][], opts: TextTableOptions = {}): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const pad = (c: string, i: number) => (opts.alignNumbers && i > 0 ? c.padStart(widths[i]) : c.padEnd(widths[i]));
  const line = (cells: string[]) => cells.map(pad).join('  ').trimEnd();
  const rule = opts.rule ?? true ? [line(widths.map((w) => '-'.repeat(w)))] : [];
  return [line(header), ...rule, ...body.map(line)].join('\n');
}
