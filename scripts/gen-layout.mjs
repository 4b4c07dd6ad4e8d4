#!/usr/bin/env node
// Regenerates schemas/layout/tflite-layout.ts: the wire layout of every table and union of the
// TFLite schema (which vtable slot holds what), as data for the FlatBuffers verifier
// (runtime/verifier/). flatc's TypeScript output has no verifier and exposes no layout, so this
// reads schemas/tflite_schema.fbs itself: tables, unions and enums only (the schema has no
// structs), field ids in declaration order (the schema uses no `id:` attributes; anything this
// parser does not expect is an error, never skipped).
//
//   npm run gen:layout                  -> writes schemas/layout/tflite-layout.ts
//   node scripts/gen-layout.mjs <file>  -> writes <file> (test/schema-layout.test.ts compares)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(repoRoot, 'schemas', 'tflite_schema.fbs');
const defaultOut = join(repoRoot, 'schemas', 'layout', 'tflite-layout.ts');

const SCALAR_SIZES = {
  bool: 1, byte: 1, ubyte: 1, int8: 1, uint8: 1,
  short: 2, ushort: 2, int16: 2, uint16: 2,
  int: 4, uint: 4, float: 4, int32: 4, uint32: 4, float32: 4,
  long: 8, ulong: 8, double: 8, int64: 8, uint64: 8, float64: 8,
};

/** Declarations of the schema: { enums: name→size, unions: name→members, tables: [{name, fields}] }. */
export function parseSchema(text) {
  const src = text.replace(/\/\/[^\n]*/g, ''); // the schema's only comments are line comments
  const enums = new Map();
  const unions = new Map();
  const tables = [];
  const block = /\b(enum|union|table|struct)\s+(\w+)\s*(?::\s*(\w+))?\s*(\([^)]*\))?\s*\{([^}]*)\}/g;
  let consumed = '';
  let last = 0;
  for (const m of src.matchAll(block)) {
    consumed += src.slice(last, m.index);
    last = m.index + m[0].length;
    const [, kind, name, base, , body] = m;
    if (kind === 'struct') throw new Error(`struct ${name}: structs are not supported by this generator`);
    if (kind === 'enum') {
      if (!(base in SCALAR_SIZES)) throw new Error(`enum ${name}: unknown base type ${base}`);
      enums.set(name, SCALAR_SIZES[base]);
    } else if (kind === 'union') {
      const members = body.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
        const u = /^(\w+)(?:\s*\(deprecated\))?$/.exec(s);
        if (!u) throw new Error(`union ${name}: cannot parse member "${s}"`);
        return u[1];
      });
      unions.set(name, members);
    } else {
      const fields = body.split(';').map((s) => s.trim()).filter(Boolean).map((s) => {
        const f = /^(\w+)\s*:\s*(\[\s*\w+\s*\]|\w+)\s*(?:=\s*[-\w.]+\s*)?(?:\(([^)]*)\))?$/.exec(s);
        if (!f) throw new Error(`table ${name}: cannot parse field "${s}"`);
        const attrs = (f[3] ?? '').split(',').map((a) => a.trim()).filter(Boolean);
        for (const a of attrs) {
          if (a !== 'deprecated' && !/^force_align:\s*\d+$/.test(a)) throw new Error(`table ${name}.${f[1]}: unexpected attribute "${a}"`);
        }
        return { name: f[1], type: f[2].replace(/\s+/g, ''), deprecated: attrs.includes('deprecated') };
      });
      tables.push({ name, fields });
    }
  }
  consumed += src.slice(last);
  // Outside the blocks only these one-line declarations may appear.
  for (const stmt of consumed.split(';').map((s) => s.trim()).filter(Boolean)) {
    if (!/^(namespace\s+[\w.]+|file_identifier\s+"\w{4}"|file_extension\s+"\w+"|root_type\s+\w+)$/.test(stmt)) {
      throw new Error(`unexpected declaration "${stmt.slice(0, 60)}"`);
    }
  }
  return { enums, unions, tables };
}

/** One table's vtable slots as layout entries (a union field takes two slots: type, then value). */
function tableLayout(table, schema) {
  const tableNames = new Set(schema.tables.map((t) => t.name));
  const out = [];
  for (const f of table.fields) {
    const where = `${table.name}.${f.name}`;
    const vector = f.type.startsWith('[');
    const base = vector ? f.type.slice(1, -1) : f.type;
    if (schema.unions.has(base)) {
      if (vector) throw new Error(`${where}: vectors of unions are not supported`);
      out.push(f.deprecated ? [`${f.name}_type`, 'deprecated'] : [`${f.name}_type`, 'union-type', base]);
      out.push(f.deprecated ? [f.name, 'deprecated'] : [f.name, 'union', base]);
      continue;
    }
    if (f.deprecated) {
      out.push([f.name, 'deprecated']);
      continue;
    }
    const size = SCALAR_SIZES[base] ?? schema.enums.get(base);
    if (size !== undefined) out.push(vector ? [f.name, 'vector', size] : [f.name, 'scalar', size]);
    else if (base === 'string') out.push(vector ? [f.name, 'vector-string'] : [f.name, 'string']);
    else if (tableNames.has(base)) out.push(vector ? [f.name, 'vector-table', base] : [f.name, 'table', base]);
    else throw new Error(`${where}: unknown type ${f.type}`);
  }
  return out;
}

export function generateLayout(schemaText) {
  const schema = parseSchema(schemaText);
  const root = /\broot_type\s+(\w+)\s*;/.exec(schemaText)?.[1];
  if (!root) throw new Error('schema has no root_type');
  const lines = [
    '// GENERATED FILE - never edit.',
    '// Made by scripts/gen-layout.mjs (npm run gen:layout) from schemas/tflite_schema.fbs.',
    '// The wire layout of every table (index = vtable slot) and union (index = type value) of the',
    '// TFLite schema, for the FlatBuffers verifier in runtime/verifier/. Import it through',
    '// schemas/tflite.ts.',
    '',
    '/** One vtable slot: scalars by byte size, references by kind and target. */',
    'export type FieldLayout =',
    "  | readonly [name: string, kind: 'scalar' | 'vector', size: 1 | 2 | 4 | 8]",
    "  | readonly [name: string, kind: 'string' | 'vector-string' | 'deprecated']",
    "  | readonly [name: string, kind: 'table' | 'vector-table', table: TableName]",
    "  | readonly [name: string, kind: 'union-type' | 'union', union: UnionName];",
    '',
    `export type TableName =${schema.tables.map((t) => `\n  | '${t.name}'`).join('')};`,
    '',
    `export type UnionName = ${[...schema.unions.keys()].map((u) => `'${u}'`).join(' | ')};`,
    '',
    `export const TFLITE_ROOT_TABLE: TableName = '${root}';`,
    '',
    'export const TFLITE_TABLES: Readonly<Record<TableName, readonly FieldLayout[]>> = {',
  ];
  for (const table of schema.tables) {
    const fields = tableLayout(table, schema);
    if (fields.length === 0) {
      lines.push(`  ${table.name}: [],`);
      continue;
    }
    lines.push(`  ${table.name}: [`);
    for (const f of fields) lines.push(`    [${f.map((x) => (typeof x === 'number' ? String(x) : `'${x}'`)).join(', ')}],`);
    lines.push('  ],');
  }
  lines.push('};', '', '/** Member tables by type value; index 0 is NONE. */');
  lines.push('export const TFLITE_UNIONS: Readonly<Record<UnionName, readonly (TableName | null)[]>> = {');
  const tableNames = new Set(schema.tables.map((t) => t.name));
  for (const [name, members] of schema.unions) {
    for (const m of members) if (!tableNames.has(m)) throw new Error(`union ${name}: member ${m} is not a table`);
    lines.push(`  ${name}: [`, '    null,', ...members.map((m) => `    '${m}',`), '  ],');
  }
  lines.push('};', '');
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ? resolve(process.argv[2]) : defaultOut;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, generateLayout(readFileSync(schemaPath, 'utf8')));
  console.log(`gen-layout: wrote ${relative(process.cwd(), out) || out}`);
}
