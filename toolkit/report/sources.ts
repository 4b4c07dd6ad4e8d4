// Finds and reads what `edgeqat report` needs before anything is computed, so that a missing or
// unreadable input is one line naming the file and no report.html is written:
//   required  <run>/run.json, <run>/metrics.json, <run>/model.tflite (verified)
//   optional  compare.json in the run folder or its parent (`edgeqat compare --out`), the float run
//             (the compare folder's float/, or the folder of the float model.json the run was
//             QAT-trained from, when it is a sibling of the run), <run>/checkpoints/latest (QAT
//             model), <run>/bench.json
// Given a compare folder itself (compare.json, no run.json), the report is about its qat/ run.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EdgeqatError } from '../../runtime/errors.js';
import { readTfliteModel, type ModelSummary } from '../../runtime/model-reader.js';
import { COMPARE_FILE, readCompareFile, type CompareFile } from '../compare/compare-file.js';
import { resolvesInside } from '../../runtime/path-inside.js';
import { readJson, readRunInfo, type RunInfo, type RunMetrics } from '../run-folder.js';

export interface RunFiles {
  dir: string;
  info: RunInfo;
  metrics: RunMetrics;
}

export interface ReportInputs {
  /** The folder given on the command line (report.html goes there by default). */
  target: string;
  run: RunFiles;
  tflitePath: string;
  tfliteBytes: Uint8Array;
  summary: ModelSummary;
  compare: { path: string; data: CompareFile } | null;
  floatRun: RunFiles | null;
  /** <run>/checkpoints/latest exists. */
  hasCheckpoint: boolean;
  bench: { path: string; data: unknown } | null;
}

function readJsonFile<T>(path: string, what: string, hint: string): T {
  if (!existsSync(path)) throw new EdgeqatError('E_RUN_FOLDER', `${path}: missing (${hint})`);
  return readJson<T>(path, what);
}

function readRunFiles(dir: string): RunFiles {
  const hint = `not a run folder; create one with 'edgeqat train --out ${dir}'`;
  const raw = readJsonFile<RunInfo>(join(dir, 'run.json'), 'run.json', hint);
  if (typeof raw?.dataset !== 'string' || typeof raw?.model !== 'string') {
    throw new EdgeqatError('E_RUN_FOLDER', `${join(dir, 'run.json')}: not an edgeqat run.json (no model/dataset)`);
  }
  const info = readRunInfo(dir);
  const metrics = readJsonFile<RunMetrics>(join(dir, 'metrics.json'), 'metrics.json', `the run has no training metrics; 'edgeqat train --out ${dir}' writes them`);
  if (!Array.isArray(metrics?.history)) throw new EdgeqatError('E_RUN_FOLDER', `${join(dir, 'metrics.json')}: no loss history`);
  return { dir, info, metrics };
}

/** The float run a QAT run started from: the compare folder's float/, or its --model folder. */
function findFloatRun(run: RunFiles, compareDir: string | null): RunFiles | null {
  if (run.info.options?.floatOnly) return null;
  const candidates: string[] = [];
  if (compareDir) candidates.push(join(compareDir, 'float'));
  // run.json's model path is followed only to a sibling run folder (inside the run's parent folder).
  const siblings = resolve(run.dir, '..');
  for (const from of [run.info.model, run.info.options?.from]) {
    if (typeof from !== 'string' || !from.endsWith('.json')) continue;
    const dir = dirname(resolve(from));
    if (existsSync(dir) && resolvesInside(siblings, dir)) candidates.push(dir);
  }
  for (const dir of candidates) {
    if (resolve(dir) !== resolve(run.dir) && existsSync(join(dir, 'run.json')) && existsSync(join(dir, 'metrics.json'))) return readRunFiles(dir);
  }
  return null;
}

export function resolveInputs(target: string): ReportInputs {
  if (!existsSync(target) || !statSync(target).isDirectory()) {
    throw new EdgeqatError('E_RUN_FOLDER', `${target}: no such run folder`);
  }
  // A compare folder (compare.json, float/ ptq/ qat/ runs): report on its QAT run.
  const isCompareFolder = !existsSync(join(target, 'run.json')) && existsSync(join(target, COMPARE_FILE));
  const runDir = isCompareFolder ? join(target, 'qat') : target;
  const run = readRunFiles(runDir);
  const tflitePath = join(runDir, 'model.tflite');
  if (!existsSync(tflitePath)) throw new EdgeqatError('E_RUN_FOLDER', `${tflitePath}: missing (export the run first: edgeqat export ${runDir})`);
  const tfliteBytes = new Uint8Array(readFileSync(tflitePath));
  const summary = readTfliteModel(tfliteBytes, tflitePath);

  const parent = join(runDir, '..'); // relative as given, so the report names files as the user does
  const comparePath = [join(runDir, COMPARE_FILE), join(parent, COMPARE_FILE)].find((p) => existsSync(p)) ?? null;
  const compare = comparePath ? { path: comparePath, data: readCompareFile(comparePath) } : null;
  const benchPath = join(runDir, 'bench.json');
  const bench = existsSync(benchPath) ? { path: benchPath, data: readJsonFile<unknown>(benchPath, 'bench.json', '') } : null;
  return {
    target,
    run,
    tflitePath,
    tfliteBytes,
    summary,
    compare,
    floatRun: findFloatRun(run, comparePath ? dirname(comparePath) : null),
    hasCheckpoint: existsSync(join(runDir, 'checkpoints', 'latest')),
    bench,
  };
}

/** float (`train --float-only`), PTQ (`edgeqat compare`'s ptq/: calibrated, not trained) or QAT. */
export function runKind(run: RunFiles): 'float' | 'PTQ' | 'QAT' {
  return run.info.options?.floatOnly ? 'float' : run.info.options?.ptq ? 'PTQ' : 'QAT';
}

/** A short name for a run folder in legends: "float" or "QAT", with the folder's name when it says more. */
export function runLabel(run: RunFiles): string {
  const kind = runKind(run);
  const name = basename(run.dir);
  return name.toLowerCase() === kind.toLowerCase() ? kind : `${kind} (${name})`;
}

/** The architecture's name: a built-in model's, or for a model file the float run's it came from. */
export function modelName(run: RunFiles, floatRun: RunFiles | null): string {
  if (!run.info.model.endsWith('.json')) return run.info.model;
  return floatRun && !floatRun.info.model.endsWith('.json') ? floatRun.info.model : basename(run.info.model);
}
