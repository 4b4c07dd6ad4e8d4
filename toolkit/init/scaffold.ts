// What `edgeqat init` writes: edgeqat.config.json (the CLI's per-project defaults, see
// toolkit/cli/config.ts) and .vscode/tasks.json (train, export, eval, bench, bundle, deploy) with a
// problem matcher for edgeqat's own error lines. The Pi's host comes from the config or from an
// input prompt, never from the tasks file.

export interface ScaffoldOptions {
  device: string;
  /** ssh target written to the config's deploy section; omitted when not given. */
  host?: string;
  port?: number;
  identity?: string;
  /** Deploy folder on the device (default: the device profile's). */
  dir?: string;
}

export const RUN_DIR = 'runs/mlp';
export const MODEL_PATH = 'runs/mlp/model.tflite';

/**
 * Matches `edgeqat: error: <file>: <message>` when <file> looks like a path (holds a '/', or is one
 * word with an extension such as model.tflite or edgeqat.config.json); errors about options or
 * hosts are not tied to a file and do not match. Group 1: file, group 2: message.
 */
export const ERROR_LINE_REGEXP = '^edgeqat: error: ((?:[^:]*/[^:]*)|(?:[^:/\\s]+\\.[A-Za-z0-9]+)): (.+)$';

export const PROBLEM_MATCHER = {
  owner: 'edgeqat',
  source: 'edgeqat',
  severity: 'error',
  fileLocation: ['autoDetect', '${workspaceFolder}'],
  pattern: { regexp: ERROR_LINE_REGEXP, kind: 'file', file: 1, message: 2 },
};

export function configJson(opts: ScaffoldOptions): Record<string, unknown> {
  const deploy: Record<string, unknown> = { model: MODEL_PATH, device: opts.device };
  if (opts.host !== undefined) deploy.host = opts.host;
  if (opts.port !== undefined) deploy.port = opts.port;
  if (opts.identity !== undefined) deploy.identity = opts.identity;
  if (opts.dir !== undefined) deploy.dir = opts.dir;
  Object.assign(deploy, { engine: 'reference', withSamples: 100 });
  return {
    $comment: 'edgeqat defaults, one section per command (option names in camelCase); a flag on the command line wins. Paths are relative to this file.',
    train: { model: 'mlp', dataset: 'mnist', epochs: 1, batchSize: 10, lr: 0.001, seed: 0, out: RUN_DIR },
    export: { out: MODEL_PATH },
    eval: { dataset: 'mnist', engine: 'auto' },
    bench: { engine: 'auto' },
    bundle: { model: MODEL_PATH, device: opts.device, engine: 'reference', withSamples: 100, out: `dist/${opts.device}` },
    deploy,
  };
}

interface Task {
  label: string;
  type: 'process';
  command: string;
  args: string[];
  group?: string;
  problemMatcher: typeof PROBLEM_MATCHER;
}

function task(label: string, args: string[], group?: string): Task {
  return { label: `edgeqat: ${label}`, type: 'process', command: 'edgeqat', args, ...(group ? { group } : {}), problemMatcher: PROBLEM_MATCHER };
}

export function tasksJson(): Record<string, unknown> {
  return {
    version: '2.0.0',
    // A project-local edgeqat (npm install --save-dev edgeqat) first, then one on the PATH.
    options: { env: { PATH: '${workspaceFolder}/node_modules/.bin:${env:PATH}' } },
    tasks: [
      task('train', ['train'], 'build'),
      task('export', ['export', RUN_DIR]),
      task('eval', ['eval', MODEL_PATH], 'test'),
      task('bench', ['bench', MODEL_PATH]),
      task('bundle', ['bundle']),
      task('deploy to the configured Pi', ['deploy']),
      task('deploy to a Pi (asks for its host)', ['deploy', '--host', '${input:piHost}']),
    ],
    inputs: [{ id: 'piHost', type: 'promptString', description: 'ssh target of the Raspberry Pi (user@host, as `ssh` knows it)' }],
  };
}
