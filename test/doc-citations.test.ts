// Comments must stand alone: they cite upstream sources or documents committed under docs/, never
// files outside the repository, and every `docs/<page>.md §N` they cite must exist as a heading there.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const SELF = 'test/doc-citations.test.ts';
const SOURCE = /\.(ts|mjs|js|py|sh|wat)$/;
const OUTSIDE = [/\bfacts (file )?(§|section )/i, /\/work\//, /\.\.\/shared\//, /tflite-int8-facts/];

function sourceFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repo, encoding: 'utf8' });
  return listed.split('\n').filter((f) => SOURCE.test(f) && f !== SELF && !f.startsWith('schemas/generated/') && existsSync(join(repo, f)));
}

describe('comments cite what a reader of the repository can open', () => {
  const files = sourceFiles().map((f) => ({ f, text: readFileSync(join(repo, f), 'utf8') }));

  it('no file points at documents or paths outside the repository', () => {
    const found = files.flatMap(({ f, text }) =>
      text.split('\n').flatMap((line, i) => (OUTSIDE.some((re) => re.test(line)) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });

  it('every docs/<page>.md §N cited exists', () => {
    const missing: string[] = [];
    for (const { f, text } of files) {
      for (const m of text.matchAll(/docs\/([\w-]+\.md) §([\d.]+)/g)) {
        const page = join(repo, 'docs', m[1]!);
        const section = m[2]!.replace(/\.$/, '');
        const headings = existsSync(page) ? readFileSync(page, 'utf8').split('\n').filter((l) => l.startsWith('#')) : [];
        if (!headings.some((h) => h.includes(`§${section} `))) missing.push(`${f}: docs/${m[1]} §${section}`);
      }
    }
    expect(files.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});
