// Device profiles: the data in ./profiles.json, validated when loaded (a bad value is one line
// naming the profile key and the expected type). The `host` profile may say "auto" for the
// machine's own figures, filled in from Node's `os` module here.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { EdgeqatError } from '../runtime/errors.js';
import { JsonFields, parseJson } from '../runtime/json-fields.js';

/** Which build of a WebAssembly engine the device runs: SIMD (every ARMv8 board, x86-64) or baseline. */
export const WASM_VARIANTS = ['simd', 'baseline'] as const;
export type WasmVariant = (typeof WASM_VARIANTS)[number];

export interface DeviceProfile {
  name: string;
  title: string;
  /** Node's process.arch on the device: arm64, x64, arm. */
  arch: string;
  cpu: string;
  cores: number;
  /** The memory sizes the board is sold with. */
  memoryMB: number[];
  os: string;
  /** The Node major version users have there (Raspberry Pi OS bookworm: 18). */
  nodeMajor: number;
  /** Where that Node comes from. */
  nodeSource: string;
  /** Recommended threads for engines that use them (edgeqat's WebAssembly engines run one). */
  threads: number;
  /** Default deploy folder on the device (`~/` is the login user's home). */
  deployDir: string;
  wasm: WasmVariant;
  /** qemu-aarch64's -cpu name for emulating the board's core. */
  qemuCpu?: string;
  notes?: string;
}

const KEYS = ['title', 'arch', 'cpu', 'cores', 'memoryMB', 'os', 'nodeMajor', 'nodeSource', 'threads', 'deployDir', 'wasm', 'qemuCpu', 'notes'] as const;
/** Fields the host profile may leave as "auto". */
const AUTO_KEYS = new Set(['arch', 'cpu', 'cores', 'memoryMB', 'os', 'nodeMajor', 'threads']);
const NAME = /^[a-z0-9][a-z0-9-]*$/;
export const HOST_PROFILE = 'host';

let cache: Map<string, DeviceProfile> | undefined;

/** The folder's profiles.json; compiled code (dist/devices/) reads the one in the source folder. */
export function profilesPath(): string {
  const here = fileURLToPath(new URL('./profiles.json', import.meta.url));
  if (existsSync(here)) return here;
  return fileURLToPath(new URL('../../devices/profiles.json', import.meta.url));
}

export function loadDeviceProfiles(path = profilesPath()): Map<string, DeviceProfile> {
  if (path === profilesPath() && cache) return cache;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new EdgeqatError('E_IO', `${path}: cannot read device profiles (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const root = JsonFields.root(parseJson(text, path, 'E_OPTION'), path, 'E_OPTION');
  const profiles = new Map<string, DeviceProfile>();
  for (const name of root.keys()) {
    if (!NAME.test(name)) root.fail(name, 'profile names are lower-case letters, digits and dashes');
    profiles.set(name, validateProfile(name, root.object(name)));
  }
  if (path === profilesPath()) cache = profiles;
  return profiles;
}

export function deviceProfile(name: string): DeviceProfile {
  const profiles = loadDeviceProfiles();
  const p = profiles.get(name);
  if (!p) throw new EdgeqatError('E_OPTION', `unknown device '${name}' (known: ${[...profiles.keys()].join(', ')})`);
  return p;
}

export function validateProfile(name: string, f: JsonFields): DeviceProfile {
  f.onlyKeys(KEYS);
  const auto = (key: string) => name === HOST_PROFILE && AUTO_KEYS.has(key) && f.raw(key) === 'auto';
  const cores = auto('cores') ? os.availableParallelism() : f.integer('cores', 1, 1024);
  const profile: DeviceProfile = {
    name,
    title: f.string('title'),
    arch: auto('arch') ? process.arch : f.string('arch'),
    cpu: auto('cpu') ? hostCpu() : f.string('cpu'),
    cores,
    memoryMB: auto('memoryMB') ? [Math.round(os.totalmem() / 2 ** 20)] : f.integerArray('memoryMB', 16),
    os: auto('os') ? `${os.type()} ${os.release()}` : f.string('os'),
    nodeMajor: auto('nodeMajor') ? Number(process.versions.node.split('.')[0]) : f.integer('nodeMajor', 18, 99),
    nodeSource: f.string('nodeSource'),
    threads: auto('threads') ? cores : f.integer('threads', 1, 1024),
    deployDir: f.string('deployDir'),
    wasm: f.oneOf('wasm', WASM_VARIANTS),
  };
  const qemuCpu = f.optionalString('qemuCpu');
  if (qemuCpu !== undefined) profile.qemuCpu = qemuCpu;
  const notes = f.optionalString('notes');
  if (notes !== undefined) profile.notes = notes;
  return profile;
}

function hostCpu(): string {
  const cpus = os.cpus();
  return cpus.length > 0 ? `${cpus.length}× ${cpus[0].model.trim()}` : 'unknown';
}
