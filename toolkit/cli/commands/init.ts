// `edgeqat init [dir]`: scaffolds edgeqat.config.json and .vscode/tasks.json (toolkit/init/). An
// existing file is never overwritten without --force; nothing is written unless every file can be.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { deviceProfile } from '../../../devices/profiles.js';
import { checkHost } from '../../../devices/deploy/ssh.js';
import { writeJsonAtomic } from '../../../runtime/atomic-write.js';
import { EdgeqatError } from '../../../runtime/errors.js';
import { CONFIG_FILE, parseConfig } from '../config.js';
import { configJson, tasksJson } from '../../init/scaffold.js';
import { positiveInt } from '../options.js';

export interface InitOptions {
  force?: boolean;
  device?: string;
  host?: string;
  port?: number;
  identity?: string;
  deployDir?: string;
}

export interface InitResult {
  dir: string;
  written: string[];
}

export const TASKS_FILE = join('.vscode', 'tasks.json');

export function runInit(dirArg = '.', opts: InitOptions = {}): InitResult {
  const dir = resolve(dirArg);
  const device = deviceProfile(opts.device ?? 'rpi4').name;
  if (opts.host !== undefined) checkHost(opts.host);
  const config = configJson({ device, host: opts.host, port: opts.port, identity: opts.identity, dir: opts.deployDir });
  parseConfig(config, CONFIG_FILE); // what we write must pass our own validation
  const files: [string, unknown][] = [
    [CONFIG_FILE, config],
    [TASKS_FILE, tasksJson()],
  ];
  const existing = files.map(([rel]) => rel).filter((rel) => existsSync(join(dir, rel)));
  if (existing.length > 0 && !opts.force) {
    throw new EdgeqatError('E_OPTION', `${join(dir, existing[0])}: exists; pass --force to overwrite${existing.length > 1 ? ` (also ${existing.slice(1).join(', ')})` : ''}`);
  }
  for (const [rel, value] of files) writeJsonAtomic(join(dir, rel), value);
  return { dir, written: files.map(([rel]) => rel) };
}

export function initCommand(): Command {
  return new Command('init')
    .description('scaffold edgeqat.config.json and VS Code tasks (train, export, eval, bench, deploy) in a folder')
    .argument('[dir]', 'project folder', '.')
    .option('--force', 'overwrite existing files')
    .option('--device <name>', 'device profile for bundle and deploy', 'rpi4')
    .option('--host <[user@]host>', "the Pi's ssh target, written to the config (else the deploy task asks)")
    .option('--port <n>', 'ssh port', positiveInt('--port'))
    .option('--identity <key>', 'ssh private key file')
    .option('--deploy-dir <dir>', 'deploy folder on the device (default: the profile\'s, ~/edgeqat)')
    .action((dir: string, opts: InitOptions) => {
      const r = runInit(dir, opts);
      process.stdout.write(`wrote ${r.written.map((f) => join(r.dir, f)).join(', ')}\n`);
    });
}
