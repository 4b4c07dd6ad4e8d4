// "A name read from a file must stay inside this folder": the one rule for every path or name that
// comes from the content of a file (weight paths of a model.json, the checkpoints' `latest`
// pointer, a bundle manifest's file list, compare.json's .tflite). A name is relative, has no `..`
// segment, no NUL, and once joined to its folder does not resolve (through symlinks) outside it.
// See docs/security.md.
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { EdgeqatError, type ErrorCode } from './errors.js';

/** Why `name` cannot name a file inside a folder, or null when it can (no file-system access). */
export function relativeNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return 'is not a file name';
  if (name.includes('\0')) return 'holds a NUL character';
  if (isAbsolute(name) || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.split(/[/\\]/).includes('..')) return "has a '..' segment";
  return null;
}

/** `path` (which exists) resolves, through any symlink, to `folder` or somewhere below it. */
export function resolvesInside(folder: string, path: string): boolean {
  const rel = relative(realpathSync(folder), realpathSync(path));
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

export interface InsideOptions {
  /** Error code of the refusal (the caller's: E_MODEL_FILE, E_RUN_FOLDER, ...). */
  code: ErrorCode;
  /** The file the name was read from, first in the message. */
  source: string;
  /** What the name is, e.g. 'weights path'. */
  what: string;
}

/**
 * `folder`/`name`, refused in one line when `name` is absolute, has a `..` segment, or (when the
 * path exists) resolves outside `folder` through a symlink. A missing file is left to the caller.
 */
export function pathInside(folder: string, name: unknown, o: InsideOptions): string {
  const problem = relativeNameProblem(name);
  const shown = JSON.stringify(String(name)).slice(0, 80);
  if (problem) throw new EdgeqatError(o.code, `${o.source}: ${o.what} ${shown} ${problem}; it must name a file inside ${folder}`);
  const path = join(folder, name as string);
  if (existsSync(path) && !resolvesInside(folder, path)) {
    throw new EdgeqatError(o.code, `${o.source}: ${o.what} ${shown} resolves (through a symlink) outside ${folder}`);
  }
  return path;
}
