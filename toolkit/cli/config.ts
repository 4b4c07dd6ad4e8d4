// edgeqat.config.json: per-project defaults for the CLI (what `edgeqat init` scaffolds). One
// section per command, keyed by the command's option names (camelCase, as commander stores them).
// Precedence: a flag on the command line, then the config, then the built-in default. The file is
// read from the current folder (or the path in $EDGEQAT_CONFIG) and validated when read: a bad
// value is one line naming the file, the key and the expected type. Relative paths in it are
// relative to the file's folder.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BUNDLE_ENGINES } from '../../devices/bundle/manifest.js';
import { ENGINE_CHOICES } from '../../runtime/engines/index.js';
import { EdgeqatError } from '../../runtime/errors.js';
import { LR_SCHEDULES } from '../engine/optim/lr-schedule.js';
import { CALIBRATION_METHODS } from '../ptq/range-estimators.js';
import { JsonFields, parseJson } from '../../runtime/json-fields.js';

export const CONFIG_FILE = 'edgeqat.config.json';
export const CONFIG_ENV = 'EDGEQAT_CONFIG';

type FieldType = 'string' | 'path' | 'posInt' | 'nonNegInt' | 'posNumber' | 'boolean' | 'port' | readonly string[];

const BACKEND_CHOICES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const; // toolkit/engine/backend.ts BACKENDS
const OBSERVER_CHOICES = ['minmax', 'moving-average'] as const; // toolkit/qat/quant/observers.ts

/** Every key a section may hold and its type. Keys are the commands' option names. */
export const CONFIG_SCHEMA = {
  train: {
    model: 'string', dataset: 'string', dataDir: 'path', epochs: 'posInt', batchSize: 'posInt', lr: 'posNumber', lrSchedule: LR_SCHEDULES, seed: 'nonNegInt',
    out: 'path', backend: BACKEND_CHOICES, limit: 'posInt', perChannel: 'boolean', observer: OBSERVER_CHOICES, checkpointEvery: 'posInt', quiet: 'boolean',
  },
  export: {
    run: 'path', out: 'path', int8Io: 'boolean', backend: BACKEND_CHOICES, model: 'path', float: 'boolean', ptq: 'boolean', calibrationSamples: 'posInt',
    calibration: CALIBRATION_METHODS, percentile: 'posNumber', dataset: 'string', dataDir: 'path', quiet: 'boolean',
  },
  eval: { model: 'path', engine: ENGINE_CHOICES, dataset: 'string', dataDir: 'path', limit: 'posInt', quiet: 'boolean' },
  bench: { model: 'path', engine: [...ENGINE_CHOICES, 'all'], batch: 'posInt', iterations: 'posInt', warmup: 'nonNegInt', dataset: 'string', dataDir: 'path' },
  compare: {
    model: 'string', dataset: 'string', dataDir: 'path', out: 'path', epochs: 'posInt', batchSize: 'posInt', lr: 'posNumber', qatEpochs: 'posInt', qatLr: 'posNumber',
    freezeBnAfter: 'nonNegInt', freezeObserversAfter: 'nonNegInt', seed: 'nonNegInt', limit: 'posInt', evalLimit: 'posInt', calibrationSamples: 'posInt',
    calibration: CALIBRATION_METHODS, percentile: 'posNumber', benchIterations: 'posInt', backend: BACKEND_CHOICES, quiet: 'boolean',
  },
  report: { engine: ENGINE_CHOICES, limit: 'posInt', debugSamples: 'posInt', iterations: 'posInt', layer: 'string', backend: BACKEND_CHOICES, quiet: 'boolean' },
  bundle: { model: 'path', device: 'string', engine: BUNDLE_ENGINES, withSamples: 'posInt', dataset: 'string', dataDir: 'path', out: 'path' },
  deploy: {
    model: 'path', device: 'string', host: 'string', dir: 'string', port: 'port', identity: 'path', engine: BUNDLE_ENGINES, withSamples: 'posInt',
    name: 'string', node: 'string', timeout: 'posInt', sshConfig: 'path', dataset: 'string', dataDir: 'path',
  },
} as const satisfies Record<string, Record<string, FieldType>>;

export type ConfigSection = keyof typeof CONFIG_SCHEMA;
export type ConfigValues = Partial<Record<ConfigSection, Record<string, string | number | boolean>>>;

export interface LoadedConfig {
  path: string;
  values: ConfigValues;
}

/** The config file that applies here: $EDGEQAT_CONFIG, else ./edgeqat.config.json; null if none. */
export function configPath(cwd = process.cwd()): string | null {
  const fromEnv = process.env[CONFIG_ENV];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new EdgeqatError('E_OPTION', `${fromEnv}: no such file (${CONFIG_ENV})`);
    return resolve(fromEnv);
  }
  const here = join(cwd, CONFIG_FILE);
  return existsSync(here) ? here : null;
}

export function loadConfig(cwd = process.cwd()): LoadedConfig | null {
  const path = configPath(cwd);
  if (!path) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EdgeqatError('E_OPTION', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return { path, values: parseConfig(parseJson(text, path, 'E_OPTION'), path) };
}

export function parseConfig(value: unknown, path: string): ConfigValues {
  const root = JsonFields.root(value, path, 'E_OPTION');
  const sections = Object.keys(CONFIG_SCHEMA) as ConfigSection[];
  root.onlyKeys(['$comment', ...sections]);
  const values: ConfigValues = {};
  for (const section of sections) {
    const f = root.optionalObject(section);
    if (!f) continue;
    const schema: Record<string, FieldType> = CONFIG_SCHEMA[section];
    f.onlyKeys(Object.keys(schema));
    const out: Record<string, string | number | boolean> = {};
    for (const key of f.keys()) out[key] = readField(f, key, schema[key], dirname(path));
    values[section] = out;
  }
  return values;
}

function readField(f: JsonFields, key: string, type: FieldType, base: string): string | number | boolean {
  if (Array.isArray(type)) return f.oneOf(key, type as readonly string[]);
  switch (type) {
    case 'string':
      return f.string(key);
    case 'path':
      return resolvePath(f.string(key), base);
    case 'posInt':
      return f.integer(key, 1);
    case 'nonNegInt':
      return f.integer(key, 0);
    case 'posNumber':
      return f.positiveNumber(key);
    case 'boolean':
      return f.boolean(key);
    case 'port':
      return f.integer(key, 1, 65535);
  }
  throw new Error(`unknown config field type ${String(type)}`);
}

/** `~/x` is the user's home; a relative path is relative to the config file's folder. */
function resolvePath(p: string, base: string): string {
  if (p === '~' || p.startsWith('~/')) return join(os.homedir(), p.slice(1));
  return isAbsolute(p) ? p : resolve(base, p);
}

/**
 * commander preAction hook: fills the options the user did not give on the command line from the
 * config section named after the command. Options only; positional arguments are read by the
 * commands that make them optional (configValue).
 */
export function applyConfigDefaults(_program: Command, cmd: Command): void {
  const section = cmd.name();
  if (!Object.hasOwn(CONFIG_SCHEMA, section)) return;
  const values = loadConfig()?.values[section as ConfigSection];
  if (!values) return;
  for (const option of cmd.options) {
    const key = option.attributeName();
    if (!Object.hasOwn(values, key)) continue;
    const source = cmd.getOptionValueSource(key);
    if (source === undefined || source === 'default') cmd.setOptionValueWithSource(key, values[key], 'config');
  }
}

/**
 * Keys that fill a command's optional positional argument (of the same name) rather than an option.
 * Every other key of a section is one of its command's options (test/devices-config.test.ts).
 */
export const ARGUMENT_KEYS: Partial<Record<ConfigSection, string>> = { export: 'run', eval: 'model', bench: 'model', bundle: 'model', deploy: 'model' };

/** The positional argument as given, else the section's value for it; neither is one line, exit 2. */
export function argumentOrConfig(section: ConfigSection, given: string | undefined, what: string): string {
  const key = ARGUMENT_KEYS[section]!;
  const value = given ?? (configValue(section, key) as string | undefined);
  if (!value) throw new EdgeqatError('E_OPTION', `no ${key}: pass <${what}> or set ${section}.${key} in ${CONFIG_FILE}`);
  return value;
}

/** One value of a section (for positional arguments the command allows to be omitted). */
export function configValue(section: ConfigSection, key: string): string | number | boolean | undefined {
  return loadConfig()?.values[section]?.[key];
}
