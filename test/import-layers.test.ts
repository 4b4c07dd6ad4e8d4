// Data flows one way: schemas ← runtime ← devices ← toolkit (engine ← qat ← converter … ← report)
// ← CLI. This walks the import graph of every .ts file in the repository (type-only imports,
// re-exports and dynamic import() included, read by TypeScript's own scanner) and fails naming each
// import that runs from a lower layer to a higher one, and each import circle.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));

/**
 * Layer of each folder or file of the product code, lowest first: a file may import its own layer
 * or a lower one. A new folder under toolkit/ must be placed here (the test says so).
 */
const LAYERS: [prefix: string, layer: number][] = [
  ['schemas/', 0],
  ['runtime/', 1],
  ['devices/', 2],
  ['toolkit/engine/', 3], // training engine: knows nothing of quantization
  ['toolkit/qat/', 4],
  ['toolkit/converter/', 5],
  ['toolkit/models/', 5],
  ['toolkit/ptq/', 5],
  ['toolkit/augment/', 5],
  ['toolkit/debug/', 6],
  ['toolkit/evaluate/', 6], // a .tflite's accuracy, speed, engine agreement
  ['toolkit/training/', 6], // one training run into a run folder
  ['toolkit/export/', 6], // run folder or model.json -> .tflite
  ['toolkit/run-folder.ts', 6],
  ['toolkit/accuracy-history.ts', 6],
  ['toolkit/init/', 6],
  ['toolkit/version.ts', 6],
  ['toolkit/compare/', 7],
  ['toolkit/report/', 8],
  ['toolkit/cli/', 9],
  ['toolkit/index.ts', 10], // the package's entry point (`edgeqat`): re-exports, nothing imports it
];
/** Not product code: may import any layer (but take part in the circle check). */
const OUTSIDE_LAYERS = ['test/', 'bench/', 'scripts/', 'vitest.config.ts'];

function layerOf(file: string): number | null {
  return LAYERS.find(([prefix]) => file === prefix || file.startsWith(prefix))?.[1] ?? null;
}

function tsFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts'], { cwd: repo, encoding: 'utf8' });
  return listed.split('\n').filter((f) => f && !f.startsWith('dist/') && existsSync(join(repo, f)));
}

/** file → the repository .ts files it imports (relative specifiers; packages are not followed). */
function importGraph(files: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(repo, file), 'utf8'), true, true);
    const targets = importedFiles
      .map((i) => i.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => normalize(join(dirname(file), spec)).split('\\').join('/'))
      .map((p) => (p.endsWith('.js') ? p.slice(0, -3) + '.ts' : p))
      .filter((p) => p.endsWith('.ts') && existsSync(join(repo, p)));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** One concrete circle per strongly connected component with more than one file (or a self-import). */
function circles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(pathWithin(graph, new Set(component), v));
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** A shortest circle from `start` back to itself inside one component (breadth-first). */
function pathWithin(graph: Map<string, string[]>, component: Set<string>, start: string): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

describe('import direction and circles', () => {
  const files = tsFiles();
  const graph = importGraph(files);

  it('every product .ts file is in a layer', () => {
    const unplaced = files.filter((f) => layerOf(f) === null && !OUTSIDE_LAYERS.some((p) => f.startsWith(p)));
    expect(files.length).toBeGreaterThan(300);
    expect(unplaced, 'add these to LAYERS in test/import-layers.test.ts').toEqual([]);
  });

  it('no import runs from a lower layer to a higher one', () => {
    const upward: string[] = [];
    for (const [from, targets] of graph) {
      const a = layerOf(from);
      if (a === null) continue;
      for (const to of targets) {
        const b = layerOf(to);
        if (b !== null && b > a) upward.push(`${from} (layer ${a}) imports ${to} (layer ${b})`);
        if (b === null) upward.push(`${from} (layer ${a}) imports ${to}, which is not product code`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('there are no import circles, type-only imports included', () => {
    expect(circles(graph).map((c) => c.join(' → '))).toEqual([]);
  });
});
