// API stability: api/<entry>.api.md lists every name the package's entry points export, with its
// signature (scripts/api-report.ts). The report made from the sources must equal the committed one,
// so that a public name cannot disappear or change without the report changing in the same commit
// (regenerate with `npm run api-report`, review the diff). test/package.test.ts checks the packed
// .d.ts files against the same report.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiReports, ENTRY_POINTS, reportPath } from '../scripts/api-report.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** `name → its report block` of one report. */
function blocks(report: string): Map<string, string> {
  const code = report.slice(report.indexOf('```ts\n') + 6, report.lastIndexOf('```'));
  const out = new Map<string, string>();
  for (const block of code.split(/\n(?=(?:interface|class|function|const|type|namespace) )/)) {
    const name = /^(?:interface|class|function|const|type|namespace) (\w+)/.exec(block)?.[1];
    if (!name) throw new Error(`unparsed block: ${block.slice(0, 80)}`);
    out.set(name, (out.get(name) ? `${out.get(name)}\n` : '') + block.trimEnd());
  }
  return out;
}

describe('API report', () => {
  const reports = apiReports(repo, 'source');

  it.each(ENTRY_POINTS.map((e) => [e.specifier, e] as const))('api/ lists what %s exports, with the same signatures', (_, entry) => {
    const committed = readFileSync(reportPath(entry), 'utf8');
    expect(reports.get(entry), `api/${entry.report} differs from ${entry.source}: run npm run api-report and review the diff`).toBe(committed);
  });

  it('edgeqat gives every name of edgeqat/runtime, with the same signature', () => {
    const [toolkit, runtime] = ENTRY_POINTS.map((e) => blocks(reports.get(e)!));
    expect(runtime!.size).toBeGreaterThan(20);
    for (const [name, block] of runtime!) expect(toolkit!.get(name), name).toBe(block);
    // The toolkit's own names: QAT, export, PTQ, models, workflows.
    for (const name of ['prepareQat', 'exportTflite', 'ptq', 'buildModel', 'loadModelFile', 'train', 'exportRun', 'initBackend', 'tf', 'tfl']) expect(toolkit!.has(name), name).toBe(true);
    for (const name of ['prepareQat', 'exportTflite', 'train', 'tf', 'tfl']) expect(runtime!.has(name), name).toBe(false);
  });
});
