// A fresh project outside the repository that depends on the packed edgeqat tarball, installed
// offline from npm's cache (what `npm ci` filled). `npm install --offline <tarball>` cannot do it:
// npm 11 resolves new dependencies from full registry documents (arborist's buildIdealTree
// fetchManifest asks for fullMetadata), while `npm ci` caches only the abbreviated ones it needs,
// so on a machine whose cache only `npm ci` filled (CI) it fails with ENOTCACHED. With a lockfile
// that pins every package, `npm ci --offline` needs only what `npm ci` cached: the lockfile is
// made from the repository's, for the closure of edgeqat's dependencies (the versions CI tested)
// plus the project's own (typescript, @types/node).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';

interface LockEntry {
  version?: string;
  integrity?: string;
  resolved?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  [key: string]: unknown;
}

interface Lockfile {
  name: string;
  lockfileVersion: number;
  requires: boolean;
  packages: Record<string, LockEntry>;
}

/** Where `name` resolves from the package at `from` (node_modules lookup up the nesting). */
function resolveIn(packages: Record<string, LockEntry>, from: string, name: string): string | null {
  let dir = from;
  for (;;) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return null;
    const at = dir.lastIndexOf('/node_modules/');
    dir = at < 0 ? '' : dir.slice(0, at);
  }
}

/** The lock entries reachable from `roots` (names at the top level), dependencies of every kind npm installs. */
function closure(packages: Record<string, LockEntry>, roots: string[]): Set<string> {
  const seen = new Set<string>();
  const queue = roots.map((name) => {
    const path = resolveIn(packages, '', name);
    if (!path) throw new Error(`${name} is not in the repository's package-lock.json`);
    return path;
  });
  while (queue.length) {
    const path = queue.pop()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const e = packages[path]!;
    const peers = Object.keys(e.peerDependencies ?? {}).filter((p) => !e.peerDependenciesMeta?.[p]?.optional);
    for (const dep of [...Object.keys(e.dependencies ?? {}), ...Object.keys(e.optionalDependencies ?? {}), ...peers]) {
      const found = resolveIn(packages, path, dep);
      if (found) queue.push(found);
      else if (!e.optionalDependencies?.[dep]) throw new Error(`${path}: dependency ${dep} is not in the lockfile`);
    }
  }
  return seen;
}

export interface ConsumerProject {
  dir: string;
  /** The project's own dependencies (name → version), besides edgeqat. */
  devTools: Record<string, string>;
}

/**
 * Writes package.json and package-lock.json into `dir` for a project depending on `tarball` (copied
 * next to them) and on `tools` (names from the repository's lockfile, e.g. typescript).
 */
export function writeConsumerProject(repo: string, dir: string, tarball: string, tools: string[]): ConsumerProject {
  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8')) as Lockfile;
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
  const file = basename(tarball);
  writeFileSync(join(dir, file), readFileSync(tarball));
  const devTools = Object.fromEntries(tools.map((t) => [t, lock.packages[`node_modules/${t}`]!.version!]));
  const edgeqatDeps = { ...pkg.dependencies, ...pkg.optionalDependencies };
  const keep = closure(lock.packages, [...Object.keys(edgeqatDeps), ...tools]);

  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies: { edgeqat: `file:${file}`, ...devTools } },
    'node_modules/edgeqat': {
      version: pkg.version as unknown as string,
      resolved: `file:${file}`,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      license: pkg.license as unknown as string,
      dependencies: pkg.dependencies,
      optionalDependencies: pkg.optionalDependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const path of [...keep].sort()) {
    const { dev: _dev, devOptional, ...entry } = lock.packages[path]!;
    // Optional in the consumer when it is only reached through optional dependencies (tfjs-node's tree).
    if (devOptional) entry.optional = true;
    packages[posix.normalize(path)] = entry;
  }
  // @tensorflow/tfjs-tflite pins its peer tfjs-core to 4.9.0; edgeqat runs it on 4.22.0. Online, npm
  // warns ("ERESOLVE overriding peer dependency") and installs 4.22.0; offline it would look up 4.9.0
  // first. The override says what the warning resolves to (the repository has the same one).
  const overrides = { '@tensorflow/tfjs-tflite': { '@tensorflow/tfjs-core': pkg.dependencies!['@tensorflow/tfjs-core'] } };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: packages['']!.dependencies, overrides }, null, 2) + '\n');
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2) + '\n');
  return { dir, devTools };
}
