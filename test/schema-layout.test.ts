// schemas/layout/tflite-layout.ts (the verifier's map of the schema) must be exactly what
// scripts/gen-layout.mjs makes from the schema, and must agree slot by slot with flatc's own
// generated code: the same vtable slot, scalar width or offset for every field of every table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TFLITE_TABLES, TFLITE_UNIONS, type FieldLayout } from '../schemas/tflite.js';

const repoRoot = join(import.meta.dirname, '..');
const generatedDir = join(repoRoot, 'schemas', 'generated', 'tflite');

/** flatc's builder calls: table name → slot → 'Int8' | 'Int16' | 'Int32' | 'Int64' | 'Float32' | 'Float64' | 'Offset'. */
function flatcSlots(): Map<string, { slots: number; fields: Map<number, string> }> {
  const tables = new Map<string, { slots: number; fields: Map<number, string> }>();
  for (const file of readdirSync(generatedDir)) {
    const text = readFileSync(join(generatedDir, file), 'utf8');
    const start = /static start(\w+)\(builder:flatbuffers\.Builder\) \{\s*builder\.startObject\((\d+)\);/.exec(text);
    if (!start) continue;
    const fields = new Map<number, string>();
    for (const m of text.matchAll(/builder\.addField(\w+)\((\d+),/g)) fields.set(Number(m[2]), m[1]!);
    tables.set(start[1]!, { slots: Number(start[2]), fields });
  }
  return tables;
}

const SCALAR_KINDS: Record<number, string[]> = { 1: ['Int8'], 2: ['Int16'], 4: ['Int32', 'Float32'], 8: ['Int64', 'Float64'] };

function expectedKind(field: FieldLayout): string[] {
  if (field[1] === 'scalar') return SCALAR_KINDS[field[2]]!;
  if (field[1] === 'union-type') return ['Int8'];
  if (field[1] === 'deprecated') return [];
  return ['Offset'];
}

describe('schemas/layout/tflite-layout.ts', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'edgeqat-gen-layout-'));
  afterAll(() => rmSync(fresh, { recursive: true, force: true }));

  it('matches a fresh run of scripts/gen-layout.mjs (run `npm run gen:layout` if not)', () => {
    const out = join(fresh, 'tflite-layout.ts');
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'gen-layout.mjs'), out], { stdio: 'pipe' });
    expect(readFileSync(join(repoRoot, 'schemas', 'layout', 'tflite-layout.ts'), 'utf8')).toBe(readFileSync(out, 'utf8'));
  });

  it('agrees with flatc on every slot of every table', () => {
    const flatc = flatcSlots();
    expect([...flatc.keys()].sort()).toEqual(Object.keys(TFLITE_TABLES).sort());
    for (const [table, { slots, fields }] of flatc) {
      const layout = TFLITE_TABLES[table as keyof typeof TFLITE_TABLES];
      expect(layout.length, table).toBe(slots);
      layout.forEach((field, slot) => {
        const kind = fields.get(slot);
        const expected = expectedKind(field);
        if (expected.length === 0) expect(kind, `${table}.${field[0]}`).toBeUndefined();
        else expect(expected, `${table}.${field[0]} (slot ${slot}: flatc ${kind})`).toContain(kind);
      });
    }
  });

  it('lists union members in flatc order', () => {
    for (const [union, members] of Object.entries(TFLITE_UNIONS)) {
      const file = readdirSync(generatedDir).find((f) => readFileSync(join(generatedDir, f), 'utf8').includes(`export enum ${union} {`));
      const text = readFileSync(join(generatedDir, file!), 'utf8');
      const body = new RegExp(`export enum ${union} \\{([^}]*)\\}`).exec(text)![1]!;
      const values = [...body.matchAll(/(\w+) = (\d+)/g)].map((m) => [m[1], Number(m[2])] as const);
      for (const [name, value] of values) expect(members[value], `${union}.${name}`).toBe(value === 0 ? null : name);
      expect(values.length, union).toBe(members.length);
    }
  });
});
