// compare.json, the table `edgeqat compare` writes into its folder and `edgeqat report` reads: the
// one definition of its shape, its writer and its (validating) reader.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeJsonAtomic } from '../../runtime/atomic-write.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { pathInside } from '../../runtime/path-inside.js';
import { readJson } from '../run-folder.js';

export const COMPARE_FILE = 'compare.json';

/** The three models compared, in table order; each is a run folder of that name. */
export const COMPARE_VARIANTS = ['float', 'ptq', 'qat'] as const;
export type CompareVariant = (typeof COMPARE_VARIANTS)[number];

export interface CompareEntry {
  accuracy: number;
  size_bytes: number;
  p50_us: number;
  /** Accuracy below the float model's, in percentage points. */
  drop_points: number;
  /** The .tflite, relative to the compare folder. */
  tflite: string;
}

export interface CompareFile extends Record<CompareVariant, CompareEntry> {
  model: string;
  dataset: string;
  /** The CPU the latencies were measured on. */
  machine: string;
}

export function writeCompareFile(dir: string, data: CompareFile): string {
  const path = join(dir, COMPARE_FILE);
  writeJsonAtomic(path, data);
  return path;
}

const ENTRY_FIELDS = { accuracy: 'number', size_bytes: 'number', p50_us: 'number', drop_points: 'number', tflite: 'string' } as const;
const TOP_FIELDS = { model: 'string', dataset: 'string', machine: 'string' } as const;

/** Reads and checks a compare.json; anything missing or of the wrong type is one E_RUN_FOLDER line. */
export function readCompareFile(path: string): CompareFile {
  if (!existsSync(path)) throw new EdgeqatError('E_RUN_FOLDER', `${path}: missing`);
  const raw = readJson<Record<string, unknown> | null>(path, COMPARE_FILE);
  const wrong = (field: string, type: string) => new EdgeqatError('E_RUN_FOLDER', `${path}: ${field} is not a ${type}`);
  for (const [field, type] of Object.entries(TOP_FIELDS)) if (typeof raw?.[field] !== type) throw wrong(field, type);
  for (const k of COMPARE_VARIANTS) {
    const e = raw![k] as Record<string, unknown> | null;
    for (const [field, type] of Object.entries(ENTRY_FIELDS)) if (typeof e?.[field] !== type) throw wrong(`${k}.${field}`, type);
    // The .tflite is named relative to the compare folder and must stay inside it.
    pathInside(dirname(path), e!.tflite, { code: 'E_RUN_FOLDER', source: path, what: `${k}.tflite` });
  }
  return raw as unknown as CompareFile;
}
